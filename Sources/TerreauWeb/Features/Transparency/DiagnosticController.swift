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
        let decisions = canPublish ? try await DiagnosticStore(database: request.db).eligible(community) : []
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
        let eligible = try await DiagnosticStore(database: request.db).eligible(community)
        guard let decision = eligible.first(where: { $0.id?.uuidString == request.field("decision") }) else {
            return try await listPage(request, error: request.catalog.text("diagnostic.error.decision"), status: .unprocessableEntity)
        }
        let edition = try await DiagnosticStore(database: request.db).publish(community, decision: decision, by: me, now: request.now)
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
