import Fluent
import Foundation
import TerreauCore
import Vapor

/// The pages that connect: suggestions on a need, organisations in the same field and their
/// network, uncovered needs and unused potential, missions for young people.
enum MatchingController {
    /// One entry of a picture's legend: its words and its colour class.
    struct Swatch: Encodable {
        var label: String
        var tone: Int
    }

    struct NetworkPage: Encodable {
        struct Row: Encodable {
            var name: String
            var url: String
            var theme: String
            var closest: [MatchingViews.Neighbour]
        }
        var layout: PageLayout
        var picture: OrganisationNetwork
        var description: String
        var legend: [Swatch]
        var rows: [Row]
    }

    @Sendable static func network(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog
        let profiles = try await MatchingViews.profiles(community: community.id!, on: request.db)
        let similarity = OrganisationSimilarity(profiles)
        let closest = profiles.indices.map { similarity.similar(to: $0, limit: 3) }
        let picture = OrganisationNetwork.layout(profiles, closest: closest)
        return try await request.render("organisations/network", NetworkPage(
            layout: PageLayout(request, title: catalog.text("network.title"), community: community, current: "organisations"),
            picture: picture,
            description: catalog.text("network.description", count: profiles.count, [catalog.language.format(picture.edges.count)]),
            legend: picture.coloured.enumerated().map { Swatch(label: catalog.text("theme." + $1), tone: $0) }
                + (picture.others.isEmpty ? [] : [Swatch(label: catalog.text("network.others", [picture.others.map { catalog.text("theme." + $0) }.joined(separator: ", ")]),
                                                         tone: picture.coloured.count)]),
            rows: profiles.indices.map { index in
                NetworkPage.Row(name: profiles[index].name,
                    url: SiteRoute.organisation(slug: community.slug, organisation: profiles[index].id.uuidString).path,
                    theme: profiles[index].themes.map { catalog.text("theme." + $0) }.joined(separator: ", "),
                    closest: closest[index].map { MatchingViews.neighbour(profiles[index], $0, community.slug, catalog) })
            }))
    }

    // MARK: Uncovered needs and unused potential

    struct GapsPage: Encodable {
        struct Need: Encodable {
            var title: String
            var url: String
            var place: String?
            var themes: String
            var best: String
        }
        struct Cell: Encodable {
            var theme: String
            var place: String
            var count: Int
        }
        struct Skill: Encodable {
            var label: String
            var holders: String
        }
        struct Resource: Encodable {
            var title: String
            var url: String
            var kind: String
            var place: String?
        }
        var layout: PageLayout
        var summary: String
        var needs: [Need]
        var cells: [Cell]
        var skills: [Skill]
        var resources: [Resource]
        var map: MapView?
        var steps: [Swatch]
        var byCommune: [Cell]
    }

    /// Heat tones: 0 none, then 1, 2–3, 4–7, 8 and more uncovered needs.
    static func heat(_ count: Int) -> Int { count == 0 ? 0 : min(4, Int(log2(Double(count))) + 1) }

    @Sendable static func gaps(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let community = context.community, catalog = request.catalog, text = context.text
        let matcher = try await request.application.matchingCache.matcher(community: community.id!, request: request)
        let report = matcher.gaps(viewer: context.viewer, me: context.me)
        let territory = try await CommunityTerritory.load(community, on: request.db)
        let tones = territory.communes.reduce(into: [String: Int]()) { $0[$1.code] = heat(report.byCommune[$1.code] ?? 0) }
        let map = territory.map(tones: tones).map {
            MapView(map: $0, description: catalog.text("gaps.map.description", count: report.uncovered.count), palette: "heat")
        }
        func place(_ key: String) -> String {
            key.isEmpty ? catalog.text("gaps.nowhere") : (context.places.neighbourhoodName(key) ?? context.places.communeName(key) ?? key)
        }
        let slug = community.slug
        return try await request.render("matching/gaps", GapsPage(
            layout: PageLayout(request, title: catalog.text("gaps.title"), community: community, current: "gaps"),
            summary: catalog.text("gaps.summary", count: report.needCount, [catalog.language.format(report.uncovered.count)]),
            needs: report.uncovered.map { need in
                GapsPage.Need(title: need.record.title, url: SiteRoute.inventoryItem(slug: slug, item: need.record.id.uuidString).path,
                    place: context.places.label(commune: need.record.commune, neighbourhood: need.record.neighbourhood),
                    themes: need.record.themes.map(text.theme).joined(separator: ", "),
                    best: need.best == 0 ? catalog.text("gaps.noSuggestion") : catalog.language.formatPercent(need.best))
            },
            cells: report.cells.map { GapsPage.Cell(theme: $0.key.theme.isEmpty ? catalog.text("gaps.noTheme") : text.theme($0.key.theme), place: place($0.key.place), count: $0.value) }
                .sorted { ($0.count, $1.theme, $1.place) > ($1.count, $0.theme, $0.place) },
            skills: report.unusedSkills.prefix(50).map { GapsPage.Skill(label: $0.label, holders: catalog.text("gaps.holders", count: $0.holders)) },
            resources: report.unusedResources.map { record in
                GapsPage.Resource(title: record.title, url: SiteRoute.inventoryItem(slug: slug, item: record.id.uuidString).path, kind: text.kind(record.kind),
                    place: context.places.label(commune: record.commune, neighbourhood: record.neighbourhood))
            },
            map: map,
            steps: [0, 1, 2, 4, 8].map { Swatch(label: catalog.text("gaps.step.\($0)"), tone: heat($0)) },
            byCommune: territory.communes.map { GapsPage.Cell(theme: "", place: $0.name, count: report.byCommune[$0.code] ?? 0) }))
    }

    // MARK: Young people

    struct YoungPage: Encodable {
        var layout: PageLayout
        var ranked: Bool
        var suggestions: [SuggestionView]
        /// No need is being answered here (the suggestions' form leaves `about` out).
        var aboutID: String?
        var portraitURL: String
    }

    /// Internships and volunteering missions marked « jeunes »; for a signed-in person with a
    /// portrait, ranked by what they know, enjoy and would share.
    @Sendable static func young(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let community = context.community, catalog = request.catalog
        let matcher = try await request.application.matchingCache.matcher(community: community.id!, request: request)
        let offers = matcher.records.filter { record in
            record.kind == .offer && record.young
                && Policy.canSee(context.viewer, record.visibility, isOwner: context.me != nil && record.creator == context.me)
        }
        let portrait = context.me.flatMap { me in matcher.records.first { $0.kind == .portrait && $0.person == me } }
        var found: [Suggestion]
        if let portrait {
            // The person's portrait read as a need of missions: their skills and their own words.
            let interests = MatchRecord(id: UUID(), kind: .need, subtype: "volunteers", title: "", text: portrait.title + " " + portrait.text,
                skills: portrait.skills, commune: portrait.commune, neighbourhood: portrait.neighbourhood, availability: portrait.availability,
                person: portrait.person)
            let ranked = Matcher(records: offers, skills: matcher.skills, neighbours: [:]).suggestions(for: interests, viewer: context.viewer,
                me: context.me, limit: offers.count)
            let rankedIDs = Set(ranked.map(\.candidate))
            found = ranked + offers.filter { !rankedIDs.contains($0.id) }.map(Suggestion.unranked)
        } else {
            found = offers.reversed().map(Suggestion.unranked)
        }
        let records = Dictionary(uniqueKeysWithValues: offers.map { ($0.id, $0) })
        let views = context.text.suggestions(found, need: MatchRecord(id: UUID(), kind: .need), slug: community.slug, records: records,
            connectable: Policy.allows(context.viewer, .contribute))
        return try await request.render("matching/young", YoungPage(
            layout: PageLayout(request, title: catalog.text("young.title"), community: community, current: "young"),
            ranked: portrait != nil, suggestions: views, aboutID: nil, portraitURL: SiteRoute.inventoryNew(slug: community.slug, kind: .portrait).path))
    }
}
