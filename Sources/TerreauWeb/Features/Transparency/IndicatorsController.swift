import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// The seed's indicators of success, computed from the community's records and shown month by
/// month with their definitions on a public page. The facts are read by `IndicatorsStore`; the
/// arithmetic is `Indicators` (pure, tested without a server).
enum IndicatorsController {
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
        let report = Indicators.compute(try await IndicatorsStore(database: request.db).facts(community), actorKinds: ActorKind.allCases.map(\.rawValue),
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
