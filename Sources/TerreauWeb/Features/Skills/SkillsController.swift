import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// The skills vocabulary: a plain search (the autocomplete that works without JavaScript), one
/// page per term with who and what holds it, proposals by members and merges by coordinators.
enum SkillsController {
    struct TermView: Encodable {
        var label: String
        var url: String
        var synonyms: String
        var source: String
    }

    static func view(_ term: SkillTermRecord, slug: String, catalog: MessageCatalog) -> TermView {
        .init(label: term.label, url: SiteRoute.skill(slug: slug, term: term.id!.uuidString).path,
            synonyms: term.synonymList.prefix(6).joined(separator: ", "), source: catalog.text("skills.source." + term.source))
    }

    struct ListPage: Encodable {
        var layout: PageLayout
        var query: String
        var results: [TermView]
        var searched: Bool
        var action: String
        var canPropose: Bool
        var form: FormState
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        try await listPage(request, form: FormState(request))
    }

    static func listPage(_ request: Request, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let query = String(((try? request.query.get(String.self, at: "q")) ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        let terms = try await VocabularyStore(database: request.db).search(query, community: community.id!, limit: 30)
        return try await request.render("skills/list", ListPage(
            layout: PageLayout(request, title: request.catalog.text("skills.title"), community: community, current: "skills"),
            query: query, results: terms.map { view($0, slug: community.slug, catalog: request.catalog) }, searched: !query.isEmpty,
            action: SiteRoute.skills(slug: community.slug).path, canPropose: Policy.allows(viewer, .contribute), form: form), status: status)
    }

    @Sendable static func propose(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let label = request.field("label")
        let synonyms = request.field("synonyms").split(whereSeparator: { $0 == "\n" || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        var form = FormState(request, values: ["label": label, "synonyms": request.field("synonyms")])
        if label.isEmpty { form.fail("label", catalog.text("skills.error.label")) }
        if label.count > 120 { form.fail("label", catalog.text("inventory.error.tooLong", [catalog.text("skills.label"), "120"])) }
        if synonyms.count > 20 || synonyms.contains(where: { $0.count > 120 }) {
            form.fail("synonyms", catalog.text("inventory.error.tooLong", [catalog.text("skills.synonyms"), "120"]))
        }
        let store = VocabularyStore(database: request.db)
        if !form.hasErrors, let existing = try await store.resolve([label], community: community.id!).found[label] {
            form.fail("label", catalog.text("skills.error.exists", [existing.label]))
        }
        guard !form.hasErrors else { return try await listPage(request, form: form, status: .unprocessableEntity) }
        let term = try await store.propose(label, synonyms: synonyms, community: community.id!, by: me.personID, now: request.now)
        request.flash(catalog.text("skills.proposed", [label]))
        return request.seeOther(.skill(slug: community.slug, term: term.id!.uuidString))
    }

    static func term(_ request: Request, _ community: CommunityRecord) async throws -> SkillTermRecord {
        guard let id = UUID(uuidString: try request.parameter("term")),
            let term = try await SkillTermRecord.find(id, on: request.db),
            term.$community.id == nil || term.$community.id == community.id
        else { throw Abort(.notFound) }
        return term
    }

    struct ShowPage: Encodable {
        struct Holder: Encodable {
            var title: String
            var url: String
            var kind: String
            var place: String?
        }
        var layout: PageLayout
        var term: TermView
        var synonyms: [String]
        var description: String
        var escoURL: String?
        var broader: [TermView]
        var narrower: [TermView]
        var holders: [Holder]
        var hiddenCount: Int
        var canMerge: Bool
        var mergeAction: String
        var form: FormState
        var listURL: String
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        try await showPage(request, form: FormState(request))
    }

    static func showPage(_ request: Request, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let term = try await term(request, community)
        if let target = term.mergedInto { return request.seeOther(.skill(slug: community.slug, term: target.uuidString)) }
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog, slug = community.slug
        let store = VocabularyStore(database: request.db)
        let (broader, narrower) = try await store.neighbours(of: term)
        let places = try await CommunityPlaces.load(community, on: request.db)
        let text = InventoryText(catalog: catalog, places: places)
        let search = InventorySearch(database: request.db as! any SQLDatabase, community: community.id!, viewer: viewer,
            me: try await request.signedIn()?.personID, cache: request.application.inventoryCache)
        // The skill and every more precise one (ESCO's hierarchy; an everyday term under its ESCO
        // skill): whoever asks for « réparer des bicyclettes » also finds « réparer un vélo ».
        let terms = [term.id!] + narrower.compactMap(\.id)
        let holders = try await search.holders(of: terms)
        // Records the viewer may not see are counted, never shown (quality S6).
        let total = try await (request.db as! any SQLDatabase).raw("""
            SELECT COUNT(DISTINCT i.id) AS n FROM inventory_items i JOIN inventory_item_skills s ON s.item_id = i.id
            WHERE s.term_id IN (\(binds: terms)) AND i.community_id = \(bind: community.id!)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        return try await request.render("skills/show", ShowPage(
            layout: PageLayout(request, title: term.label, community: community, current: "skills"),
            term: view(term, slug: slug, catalog: catalog), synonyms: term.synonymList, description: term.description,
            escoURL: term.key.hasPrefix("http") ? term.key : nil,
            broader: broader.map { view($0, slug: slug, catalog: catalog) }, narrower: narrower.map { view($0, slug: slug, catalog: catalog) },
            holders: holders.map { .init(title: $0.title, url: SiteRoute.inventoryItem(slug: slug, item: $0.id.uuidString).path,
                kind: text.kind($0.kind), place: places.label(commune: $0.communeCode, neighbourhood: $0.neighbourhood)) },
            hiddenCount: max(0, total - holders.count), canMerge: Policy.allows(viewer, .mergeSkills) && term.source == "proposed",
            mergeAction: SiteRoute.skillMerge(slug: slug, term: term.id!.uuidString).path, form: form,
            listURL: SiteRoute.skills(slug: slug).path), status: status)
    }

    /// A coordinator folds a proposed term into an existing one, named as people would type it.
    @Sendable static func merge(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let term = try await term(request, community)
        let catalog = request.catalog
        let targetLabel = request.field("target")
        var form = FormState(request, values: ["target": targetLabel])
        guard term.source == "proposed", term.mergedInto == nil else { throw Abort(.notFound) }
        let store = VocabularyStore(database: request.db)
        let target = try await store.resolve([targetLabel], community: community.id!).found[targetLabel]
        if targetLabel.isEmpty || target == nil { form.fail("target", catalog.text("skills.error.target")) }
        if target?.id == term.id { form.fail("target", catalog.text("skills.error.self")) }
        guard !form.hasErrors, let target else { return try await showPage(request, form: form, status: .unprocessableEntity) }
        try await store.merge(term, into: target)
        request.flash(catalog.text("skills.merged", [term.label, target.label]))
        return request.seeOther(.skill(slug: community.slug, term: target.id!.uuidString))
    }
}
