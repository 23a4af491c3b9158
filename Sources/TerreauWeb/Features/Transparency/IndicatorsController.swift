import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// The seed's indicators of success, computed from the community's records and shown month by
/// month with their definitions on a public page. The facts are read here; the arithmetic is
/// `Indicators` (pure, tested without a server).
enum IndicatorsController {
    // MARK: Reading the facts

    static func facts(_ community: CommunityRecord, on database: any Database) async throws -> IndicatorFacts {
        let sql = database as! any SQLDatabase, id = community.id!
        var facts = IndicatorFacts()
        facts.connections = try await sql.raw("""
            SELECT requester_id AS a, recipient_id AS b, decided_at AS at FROM connections
            WHERE community_id = \(bind: id) AND status = 'accepted' AND decided_at IS NOT NULL
            """).all().map { .init(try $0.decode(column: "a", as: UUID.self), try $0.decode(column: "b", as: UUID.self), at: try $0.decode(column: "at", as: Date.self)) }

        // Collective memberships (the founder's included), history kept: who joined, and when.
        var joined: [UUID: [(organisation: UUID, at: Date)]] = [:]
        for row in try await sql.raw("""
            SELECT m.collective_id AS collective, m.organisation_id AS organisation, m.joined_at AS at FROM collective_members m
            JOIN organisations o ON o.id = m.collective_id WHERE o.community_id = \(bind: id) AND m.joined_at IS NOT NULL
            """).all() {
            joined[try row.decode(column: "collective", as: UUID.self), default: []]
                .append((try row.decode(column: "organisation", as: UUID.self), try row.decode(column: "at", as: Date.self)))
        }
        for members in joined.values {
            let sorted = members.sorted { $0.at < $1.at }
            // Formed when a second organisation joins its founder.
            if sorted.count > 1 { facts.collectivesFormed.append(sorted[1].at) }
            // Each pair became partners when the later of the two joined.
            facts.partnerships += pairs(sorted).map { .init($0.organisation, $1.organisation, at: $1.at) }
        }
        var organisers: [UUID: [UUID]] = [:], eventDays: [UUID: Date] = [:]
        for row in try await sql.raw("""
            SELECT e.id AS event, e.starts_at AS at, o.organisation_id AS organisation FROM event_organisers o
            JOIN events e ON e.id = o.event_id WHERE e.community_id = \(bind: id) AND o.role = 'organiser' AND e.cancelled = \(bind: false)
            """).all() {
            let event = try row.decode(column: "event", as: UUID.self)
            organisers[event, default: []].append(try row.decode(column: "organisation", as: UUID.self))
            eventDays[event] = try row.decode(column: "at", as: Date.self)
        }
        for (event, together) in organisers { facts.partnerships += pairs(together).map { .init($0, $1, at: eventDays[event]!) } }
        for row in try await sql.raw("SELECT id, created_at AS at FROM organisations WHERE community_id = \(bind: id) AND kind <> 'collective'").all() {
            facts.organisations[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "at", as: Date.self)
        }

        facts.portraits = try await sql.raw("""
            SELECT created_at AS at FROM inventory_items WHERE community_id = \(bind: id) AND kind = 'portrait' AND visibility <> 'coordinators'
            """).all().map { try $0.decode(column: "at", as: Date.self) }
        let territory = try await CommunityTerritory.load(community, on: database)
        facts.populations = Dictionary(territory.communes.compactMap { commune in commune.population.map { (commune.code, $0) } }, uniquingKeysWith: { first, _ in first })

        // Contributors — who wrote an inventory version, a proposal or an argument here, as the
        // diagnostic's co-authors — with their actor kind and what their portrait says of them.
        var since: [UUID: Date] = [:]
        for row in try await sql.raw("""
            SELECT r.author_id AS person, r.created_at AS at FROM inventory_revisions r JOIN inventory_items i ON i.id = r.item_id
              WHERE i.community_id = \(bind: id) AND r.author_id IS NOT NULL
            UNION ALL SELECT author_id, created_at FROM proposals WHERE community_id = \(bind: id) AND author_id IS NOT NULL
            UNION ALL SELECT c.author_id, c.created_at FROM comments c JOIN proposals q ON q.id = c.proposal_id
              WHERE q.community_id = \(bind: id) AND c.author_id IS NOT NULL
            """).all() {
            let person = try row.decode(column: "person", as: UUID.self), at = try row.decode(column: "at", as: Date.self)
            if since[person].map({ at < $0 }) ?? true { since[person] = at }
        }
        let kinds = Dictionary(try await MembershipRecord.query(on: database).filter(\.$community.$id == id).all()
            .map { ($0.$person.id, $0.actorKind) }, uniquingKeysWith: { first, _ in first })
        var portraits: [UUID: (commune: String?, ageBand: String?)] = [:]
        for item in try await InventoryItemRecord.query(on: database).filter(\.$community.$id == id).filter(\.$kind == InventoryKind.portrait.rawValue)
            .filter(\.$visibility != Visibility.coordinators.rawValue).filter(\.$person.$id != nil).all() {
            let fields = (try? JSONDecoder().decode([String: String].self, from: Data(item.fields.utf8))) ?? [:]
            portraits[item.$person.id!] = (item.communeCode, fields[InventoryField.ageBand.rawValue].flatMap { $0.isEmpty ? nil : $0 })
        }
        // People erased since keep no trace here: their contributions are anonymous.
        let erased = Set(try await PersonRecord.query(on: database).filter(\.$id ~~ Array(since.keys)).filter(\.$erasedAt != nil).all().compactMap(\.id))
        facts.contributors = since.filter { !erased.contains($0.key) }.map { person, at in
            .init(since: at, actorKind: kinds[person] ?? "", communeCode: portraits[person]?.commune, ageBand: portraits[person]?.ageBand)
        }

        facts.requests = try await sql.raw("""
            SELECT e.deposited_at AS deposited, (SELECT MIN(v.at) FROM register_events v WHERE v.entry_id = e.id AND v.status IN ('acceptee', 'refusee')) AS answered
            FROM register_entries e JOIN proposals p ON p.id = e.proposal_id WHERE p.community_id = \(bind: id)
            """).all().map { .init(depositedAt: try $0.decode(column: "deposited", as: Date.self), answeredAt: try $0.decode(column: "answered", as: Date?.self)) }
        facts.answerDelayDays = try await DecisionStore(database: database).governance(of: id).answerDelayDays
        return facts
    }

    /// Every two items of a list, each pair once, in the list's order.
    static func pairs<Item>(_ items: [Item]) -> [(Item, Item)] {
        items.indices.flatMap { first in items[(first + 1)...].map { (items[first], $0) } }
    }

    // MARK: The dashboard

    struct IndicatorView: Encodable {
        var key: String
        /// `#key`, the link from the page's contents (Leaf reads `##` as a tag).
        var anchor: String
        var title: String
        var summary: String
        var definitionURL: String
        var figures: [Fact]
        var chart: BarChart
        var chartTitle: String
        var chartDescription: String
        var columns: [String]
        var rows: [Row]
        struct Row: Encodable {
            var month: String
            var values: [String]
        }
    }

    struct BreakdownView: Encodable {
        var key: String
        var title: String
        var hasCensus: Bool
        var lines: [Line]
        struct Line: Encodable {
            var label: String
            var contributors: String
            var share: String
            var census: String
        }
    }

    struct DashboardPage: Encodable {
        var layout: PageLayout
        var period: String
        var indicators: [IndicatorView]
        var breakdowns: [BreakdownView]
        var definitionsURL: String
    }

    static func monthName(_ month: Month, _ catalog: MessageCatalog) -> String {
        catalog.text("month.\(month.month)", [String(month.year)])
    }

    @Sendable static func dashboard(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog, language = request.language, slug = community.slug
        guard case .choice(let ageBands) = InventoryField.ageBand.input else { preconditionFailure("age bands are a choice") }
        let report = Indicators.compute(try await facts(community, on: request.db), actorKinds: ActorKind.allCases.map(\.rawValue),
                                        ageBands: ageBands, now: request.now)
        func show(_ value: Double?, rate: Bool) -> String {
            guard let value else { return "—" }
            return rate ? language.formatPerThousand(value) : language.format(Int(value.rounded()))
        }
        let definitions = SiteRoute.indicatorDefinitions(slug: slug).path
        let indicators = report.tables.map { table in
            let key = table.key.rawValue, prefix = "indicator." + key
            let charted = table.columns[table.charted], rate = table.rates.contains(charted)
            return IndicatorView(key: key, anchor: "#" + key, title: catalog.text(prefix + ".title"), summary: catalog.text(prefix + ".summary"),
                definitionURL: definitions + "#" + key,
                figures: table.figures.map { Fact(label: catalog.text(prefix + ".figure." + $0.key), value: show($0.value, rate: $0.key == "perThousand")) },
                chart: BarChart(table.rows.map { row in
                    let value = row.values[table.charted]
                    return (monthName(row.month, catalog), value ?? 0, show(value, rate: rate), 3)
                }),
                chartTitle: catalog.text("indicators.chart.title", [catalog.text(prefix + ".title"), catalog.text(prefix + ".column." + charted)]),
                chartDescription: catalog.text("indicators.chart.description", [catalog.text(prefix + ".column." + charted)]),
                columns: table.columns.map { catalog.text(prefix + ".column." + $0) },
                rows: table.rows.reversed().map { row in
                    .init(month: monthName(row.month, catalog),
                          values: zip(table.columns, row.values).map { column, value in show(value, rate: table.rates.contains(column)) })
                })
        }
        let territory = try await CommunityTerritory.load(community, on: request.db)
        let communeNames = Dictionary(territory.communes.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let breakdowns = report.diversity.map { breakdown in
            BreakdownView(key: breakdown.dimension, title: catalog.text("indicators.diversity." + breakdown.dimension),
                hasCensus: breakdown.dimension == "commune",
                lines: breakdown.lines.map { line in
                    let label: String
                    if line.key.isEmpty { label = catalog.text("indicators.diversity.unknown") }
                    else {
                        switch breakdown.dimension {
                        case "actorKind": label = catalog.text("actor." + line.key)
                        case "ageBand": label = catalog.text("inventory.age_band." + line.key)
                        default: label = communeNames[line.key] ?? line.key
                        }
                    }
                    return .init(label: label, contributors: line.contributors.map(language.format) ?? "< 5",
                                 share: line.share.map(language.formatPercent) ?? "—", census: line.censusShare.map(language.formatPercent) ?? "—")
                })
        }
        let period = [report.months.first, report.months.last].compactMap { $0.map { monthName($0, catalog) } }
        return try await request.render("transparency/indicators", DashboardPage(
            layout: PageLayout(request, title: catalog.text("indicators.title"), community: community, current: "indicators"),
            period: catalog.text("indicators.period", [period[0], period[1]]), indicators: indicators, breakdowns: breakdowns,
            definitionsURL: definitions))
    }

    // MARK: The definitions

    struct Definition: Encodable {
        var key: String
        var title: String
        var definition: String
        var source: String
        var columns: [Fact]
    }

    struct DefinitionsPage: Encodable {
        var layout: PageLayout
        var definitions: [Definition]
        var dashboardURL: String
    }

    @Sendable static func definitions(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog
        // The columns come from the computation itself (on no facts), so the definitions cannot
        // drift from what the dashboard shows.
        let report = Indicators.compute(IndicatorFacts(), actorKinds: [], ageBands: [], now: request.now)
        return try await request.render("transparency/indicator-definitions", DefinitionsPage(
            layout: PageLayout(request, title: catalog.text("indicators.definitions.title"), community: community, current: "indicators"),
            definitions: report.tables.map { table in
                let prefix = "indicator." + table.key.rawValue
                return Definition(key: table.key.rawValue, title: catalog.text(prefix + ".title"), definition: catalog.text(prefix + ".definition"),
                    source: catalog.text(prefix + ".source"),
                    columns: table.columns.map { Fact(label: catalog.text(prefix + ".column." + $0), value: catalog.text(prefix + ".column." + $0 + ".means")) })
            },
            dashboardURL: SiteRoute.indicators(slug: community.slug).path))
    }
}
