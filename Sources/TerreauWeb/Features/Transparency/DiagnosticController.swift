import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// The published diagnostic: « Publier le diagnostic » freezes a dated, numbered edition once
/// the community has adopted a decision of kind `publication` (one edition per decision). Its
/// report prints on A4 — key figures, resources by field, the map of coverage, uncovered needs,
/// proposals and their answers, the co-authors — and two editions compare figure by figure.
enum DiagnosticController {
    // MARK: Freezing an edition

    static func snapshot(_ community: CommunityRecord, on database: any Database) async throws -> DiagnosticSnapshot {
        let sql = database as! any SQLDatabase, id = community.id!
        func count(_ query: SQLQueryString) async throws -> Int {
            try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        var figures: [DiagnosticSnapshot.Figure] = []
        figures.append(.init(key: "portraits", value: try await count(
            "SELECT COUNT(*) AS n FROM inventory_items WHERE community_id = \(bind: id) AND kind = 'portrait' AND visibility <> 'coordinators'")))
        figures.append(.init(key: "organisations", value: try await count("SELECT COUNT(*) AS n FROM organisations WHERE community_id = \(bind: id)")))
        for kind in ["place", "equipment", "offer", "need"] {
            figures.append(.init(key: kind, value: try await count(
                "SELECT COUNT(*) AS n FROM inventory_items WHERE community_id = \(bind: id) AND kind = \(bind: kind) AND visibility = 'public'")))
        }
        figures.append(.init(key: "connections", value: try await count(
            "SELECT COUNT(*) AS n FROM connections WHERE community_id = \(bind: id) AND status = 'accepted'")))
        figures.append(.init(key: "proposals", value: try await count("SELECT COUNT(*) AS n FROM proposals WHERE community_id = \(bind: id)")))
        figures.append(.init(key: "decisions", value: try await count(
            "SELECT COUNT(*) AS n FROM decisions WHERE community_id = \(bind: id) AND phase = 'closed'")))
        figures.append(.init(key: "interviews", value: try await count("SELECT COUNT(*) AS n FROM interviews WHERE community_id = \(bind: id)")))

        // Coverage by commune, no count under five people.
        let rows = try await sql.raw("""
            SELECT commune_code AS code, COUNT(*) AS n FROM inventory_items
            WHERE community_id = \(bind: id) AND kind = 'portrait' AND visibility <> 'coordinators' AND commune_code IS NOT NULL GROUP BY commune_code
            """).all()
        var portraits: [String: Int] = [:]
        for row in rows { portraits[try row.decode(column: "code", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        let territory = try await CommunityTerritory.load(community, on: database)
        let coverage = territory.communes.map {
            DiagnosticSnapshot.CommuneCoverage(code: $0.code, name: $0.name, population: $0.population, portraits: SmallCells.publishable(portraits[$0.code] ?? 0))
        }
        let themes = try await sql.raw("""
            SELECT t.theme AS theme, COUNT(*) AS n FROM inventory_item_themes t JOIN inventory_items i ON i.id = t.item_id
            WHERE i.community_id = \(bind: id) AND i.visibility = 'public' GROUP BY t.theme ORDER BY n DESC, t.theme
            """).all().map { DiagnosticSnapshot.Figure(key: try $0.decode(column: "theme", as: String.self), value: try $0.decode(column: "n", as: Int.self)) }
        let uncovered = try await sql.raw("""
            SELECT title FROM inventory_items i WHERE i.community_id = \(bind: id) AND i.kind = 'need' AND i.visibility = 'public'
              AND NOT EXISTS (SELECT 1 FROM connections c WHERE (c.about_id = i.id OR c.item_id = i.id) AND c.status = 'accepted')
            ORDER BY i.title LIMIT 40
            """).all().map { try $0.decode(column: "title", as: String.self) }
        let proposals = try await ProposalRecord.query(on: database).filter(\.$community.$id == id).sort(\.$createdAt).limit(200).all()
        let answers = Dictionary(try await RegisterEntryRecord.query(on: database).filter(\.$proposal.$id ~~ proposals.compactMap(\.id)).all()
            .map { ($0.$proposal.id, $0.status) }, uniquingKeysWith: { first, _ in first })

        // Contributors: who wrote an inventory version, a proposal or an argument here.
        let people = try await sql.raw("""
            SELECT p.display_name AS name, p.profile_visibility AS visibility FROM people p WHERE p.erased_at IS NULL AND p.id IN (
              SELECT r.author_id FROM inventory_revisions r JOIN inventory_items i ON i.id = r.item_id WHERE i.community_id = \(bind: id)
              UNION SELECT author_id FROM proposals WHERE community_id = \(bind: id)
              UNION SELECT c.author_id FROM comments c JOIN proposals q ON q.id = c.proposal_id WHERE q.community_id = \(bind: id))
            """).all()
        var named: [String] = [], others = 0
        for row in people {
            if try row.decode(column: "visibility", as: String.self) == Visibility.public.rawValue {
                named.append(try row.decode(column: "name", as: String.self))
            } else { others += 1 }
        }
        figures.append(.init(key: "contributors", value: people.count))
        return DiagnosticSnapshot(figures: figures, coverage: coverage, themes: themes, uncoveredNeeds: uncovered,
            proposals: proposals.map { .init(title: $0.title, status: $0.status, answer: answers[$0.id!]) },
            coauthors: named.sorted { $0.compare($1, options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR")) == .orderedAscending },
            otherContributors: others)
    }

    /// Closed decisions of kind `publication`, adopted, not yet behind an edition.
    static func eligible(_ community: CommunityRecord, on database: any Database) async throws -> [DecisionRecord] {
        let used = Set(try await DiagnosticEditionRecord.query(on: database).filter(\.$community.$id == community.id!).all().map(\.$decision.id))
        return try await DecisionRecord.query(on: database).filter(\.$community.$id == community.id!).filter(\.$kind == DecisionKind.publication.rawValue)
            .filter(\.$phase == DecisionPhase.closed.rawValue).sort(\.$closedAt, .descending).all().filter { decision in
                guard !used.contains(decision.id!), let result = decision.result,
                      let report = try? JSONDecoder().decode(TallyReport.self, from: Data(result.utf8)) else { return false }
                return report.outcome == .adopted
            }
    }

    static func publish(_ community: CommunityRecord, decision: DecisionRecord, by person: UUID?, on database: any Database, now: Date) async throws -> DiagnosticEditionRecord {
        let content = try await snapshot(community, on: database)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let edition = DiagnosticEditionRecord()
        try await database.writing { database in
            let last = try await DiagnosticEditionRecord.query(on: database).filter(\.$community.$id == community.id!).sort(\.$number, .descending).first()
            edition.$community.id = community.id!
            edition.number = (last?.number ?? 0) + 1
            edition.$decision.id = decision.id!
            edition.snapshot = String(decoding: try encoder.encode(content), as: UTF8.self)
            edition.$publishedBy.id = person
            edition.publishedAt = now
            try await edition.create(on: database)
            try await JournalStore(database: database).append(community: community.id!, .published, .edition, id: edition.id,
                                                              summary: "n° \(edition.number)", now: now)
        }
        return edition
    }

    // MARK: The list, publishing, comparing

    struct EditionLine: Encodable {
        var number: Int
        var date: String
        var decision: String
        var decisionURL: String
        var url: String
    }

    struct Comparison: Encodable {
        struct Row: Encodable {
            var label: String
            var before: String
            var after: String
            var change: String
        }
        var title: String
        var rows: [Row]
    }

    struct ListPage: Encodable {
        var layout: PageLayout
        var editions: [EditionLine]
        var choices: [ChoiceOption]
        var comparison: Comparison?
        var canPublish: Bool
        var decisions: [ChoiceOption]
        var newDecisionURL: String
        var action: String
        var compareAction: String
        var error: String?
        var form: FormState
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        try await listPage(request)
    }

    static func listPage(_ request: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog, language = request.language, slug = community.slug
        let editions = try await DiagnosticEditionRecord.query(on: request.db).filter(\.$community.$id == community.id!).with(\.$decision)
            .sort(\.$number, .descending).all()
        var comparison: Comparison?
        if let from = try? request.query.get(Int.self, at: "de"), let to = try? request.query.get(Int.self, at: "a"),
           let old = editions.first(where: { $0.number == from })?.content, let new = editions.first(where: { $0.number == to })?.content {
            comparison = Comparison(title: catalog.text("diagnostic.compare.title", [String(from), String(to)]),
                rows: DiagnosticSnapshot.compare(old, new).map { line in
                    let change = line.after.flatMap { after in line.before.map { after - $0 } }
                    return .init(label: catalog.text("diagnostic.figure." + line.key), before: line.before.map(language.format) ?? "—",
                                 after: line.after.map(language.format) ?? "—", change: change.map { ($0 > 0 ? "+" : "") + language.format($0) } ?? "—")
                })
        }
        let canPublish = Policy.allows(viewer, .curate)
        let decisions = canPublish ? try await eligible(community, on: request.db) : []
        return try await request.render("transparency/diagnostics", ListPage(
            layout: PageLayout(request, title: catalog.text("diagnostic.title"), community: community, current: "diagnostic"),
            editions: editions.map { edition in
                EditionLine(number: edition.number, date: language.formatDay(edition.publishedAt), decision: edition.decision.title,
                            decisionURL: SiteRoute.decision(slug: slug, decision: edition.$decision.id.uuidString).path,
                            url: SiteRoute.diagnostic(slug: slug, edition: edition.number).path)
            },
            choices: editions.map { ChoiceOption(value: String($0.number), label: catalog.text("diagnostic.editionN", [String($0.number)]), selected: false) },
            comparison: comparison, canPublish: canPublish,
            decisions: decisions.map { ChoiceOption(value: $0.id!.uuidString, label: $0.title, selected: false) },
            newDecisionURL: SiteRoute.decisionNew(slug: slug, kind: DecisionKind.publication.rawValue).path,
            action: SiteRoute.diagnosticPublish(slug: slug).path, compareAction: SiteRoute.diagnostics(slug: slug).path,
            error: error, form: FormState(request)), status: status)
    }

    @Sendable static func publish(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn().personID
        let eligible = try await eligible(community, on: request.db)
        guard let decision = eligible.first(where: { $0.id?.uuidString == request.field("decision") }) else {
            return try await listPage(request, error: request.catalog.text("diagnostic.error.decision"), status: .unprocessableEntity)
        }
        let edition = try await publish(community, decision: decision, by: me, on: request.db, now: request.now)
        request.flash(request.catalog.text("diagnostic.published", [String(edition.number)]))
        return request.seeOther(.diagnostic(slug: community.slug, edition: edition.number))
    }

    // MARK: The report

    struct CoverageLine: Encodable {
        var name: String
        var population: String
        var portraits: String
        var perThousand: String
        var tone: Int
    }

    struct ProposalLine: Encodable {
        var title: String
        var status: String
        var answer: String
    }

    struct ReportPage: Encodable {
        var layout: PageLayout
        var number: Int
        var date: String
        var decision: String
        var decisionURL: String
        var figures: [Fact]
        var chart: BarChart
        var themes: [Fact]
        var coverage: [CoverageLine]
        var map: MapView?
        var uncovered: [String]
        var proposals: [ProposalLine]
        var coauthors: String
        var others: Int
        /// The printed report names its community (the site's header does not print).
        var community: String
        var gapsURL: String
        var listURL: String
    }

    @Sendable static func report(_ request: Request) async throws -> Response {
        let community = try await request.community()
        guard let number = Int(try request.parameter("edition")),
              let edition = try await DiagnosticEditionRecord.query(on: request.db).filter(\.$community.$id == community.id!)
                .filter(\.$number == number).with(\.$decision).first(), let content = edition.content else { throw Abort(.notFound) }
        let catalog = request.catalog, language = request.language, slug = community.slug
        let chart = BarChart(content.themes.prefix(12).map { (catalog.text("theme." + $0.key), Double($0.value), language.format($0.value), 3) })
        let territory = try await CommunityTerritory.load(community, on: request.db)
        let tones = Dictionary(content.coverage.map { ($0.code, Coverage.tone($0.perThousand)) }, uniquingKeysWith: { first, _ in first })
        let map = territory.map(tones: tones).map {
            MapView(map: $0, description: catalog.text("coverage.map.description", count: $0.communes.count), palette: "cover")
        }
        return try await request.render("transparency/report", ReportPage(
            layout: PageLayout(request, title: catalog.text("diagnostic.report.title", [String(number), community.name]), community: community, current: "diagnostic"),
            number: number, date: language.formatDay(edition.publishedAt), decision: edition.decision.title,
            decisionURL: SiteRoute.decision(slug: slug, decision: edition.$decision.id.uuidString).path,
            figures: content.figures.map { Fact(label: catalog.text("diagnostic.figure." + $0.key), value: language.format($0.value)) },
            chart: chart,
            themes: content.themes.map { Fact(label: catalog.text("theme." + $0.key), value: language.format($0.value)) },
            coverage: content.coverage.map {
                CoverageLine(name: $0.name, population: $0.population.map(language.format) ?? "—", portraits: $0.portraits.map(language.format) ?? "< 5",
                             perThousand: language.formatPerThousand($0.perThousand), tone: Coverage.tone($0.perThousand))
            },
            map: map, uncovered: content.uncoveredNeeds,
            proposals: content.proposals.map {
                ProposalLine(title: $0.title, status: catalog.text("proposal.status." + $0.status), answer: $0.answer.map { catalog.text("register.status." + $0) } ?? "—")
            },
            coauthors: content.coauthors.joined(separator: ", "), others: content.otherContributors,
            community: community.name, gapsURL: SiteRoute.gaps(slug: slug).path,
            listURL: SiteRoute.diagnostics(slug: slug).path))
    }
}
