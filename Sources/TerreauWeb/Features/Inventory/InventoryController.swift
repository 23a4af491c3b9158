import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// The shared inventory's pages: browse and search, a record, its form, its history.
enum InventoryController {
    static func relation(_ item: InventoryItemRecord, _ context: InventoryContext, _ request: Request) async throws -> InventoryPolicy.Relation {
        guard let me = context.me else { return .init() }
        var admin = false
        if let organisation = item.$organisation.id { admin = try await OrganisationStore(database: request.db).isAdmin(me, of: organisation) }
        return .init(isSubject: item.$person.id == me, isCreator: item.$createdBy.id == me, isOrganisationAdmin: admin)
    }

    // MARK: Browse and search

    struct BrowsePage: Encodable {
        struct Hit: Encodable {
            var title: String
            var url: String
            var kind: String
            var place: String?
            var summary: String
            var forYoung: Bool
            var restricted: String?
            /// The same title elsewhere on this page (« Bénévoles pour l'aide aux devoirs » from
            /// five groups): one entry, its other places listed under it.
            var alsoAt: [ChoiceOption]
        }
        struct Facet: Encodable {
            var label: String
            var count: Int
            var url: String
            var current: Bool
        }
        struct FacetGroup: Encodable {
            var title: String
            var items: [Facet]
            var clearURL: String?
        }
        var layout: PageLayout
        var query: String
        var total: Int
        var hits: [Hit]
        var groups: [FacetGroup]
        var sorts: [ChoiceOption]
        var kinds: [ChoiceOption]
        var hidden: [ChoiceOption]
        /// « Où ? »: every commune of the community.
        var communes: [ChoiceOption]
        /// With nothing found: broader searches to try, and recording the need.
        var broader: [ChoiceOption]
        var recordNeedURL: String?
        var previousURL: String?
        var nextURL: String?
        var pageLabel: String
        var action: String
        var addLinks: [ChoiceOption]
        var canContribute: Bool
        var joinURL: String
    }

    @Sendable static func browse(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let cache = request.application.inventoryCache, database = request.db as! any SQLDatabase
        let generation = try await cache.generation(of: community.id!, database: database)
        // Visitors without a session (so not signed in, no message waiting) all get the same page
        // for the same address and language, until the inventory changes.
        let shared = request.hasSession ? nil : InventoryCache.PageKey(uri: request.url.string, language: request.language)
        if let shared, let body = cache.page(shared, community: community.id!, generation: generation) {
            return Response(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(buffer: body))
        }
        let response = try await browsePage(request, generation: generation)
        if let shared, response.status == .ok, let body = response.body.buffer {
            cache.remember(page: body, for: shared, community: community.id!, generation: generation)
        }
        return response
    }

    private static func browsePage(_ request: Request, generation: Int) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let query = InventoryQuery { try? request.query.get(String.self, at: $0) }
        let search = InventorySearch(database: request.db as! any SQLDatabase, community: context.community.id!, viewer: context.viewer, me: context.me,
            cache: request.application.inventoryCache)
        let results = try await search.run(query, generation: generation)
        let catalog = request.catalog, text = context.text
        let base = SiteRoute.inventory(slug: context.community.slug).path
        func facet(_ dimension: InventoryQuery.Dimension, title: String, label: (String) -> String, isCurrent: (String) -> Bool,
                   set: @escaping (inout InventoryQuery, String?) -> Void) -> BrowsePage.FacetGroup {
            let items = (results.facets[dimension] ?? []).map { entry in
                BrowsePage.Facet(label: label(entry.value), count: entry.count,
                    url: base + query.queryString { set(&$0, entry.value); $0.page = 1 }, current: isCurrent(entry.value))
            }
            let active = items.contains(where: \.current)
            return .init(title: title, items: items, clearURL: active ? base + query.queryString { set(&$0, nil); $0.page = 1 } : nil)
        }
        let groups = [
            facet(.kind, title: catalog.text("inventory.facet.kind"), label: { InventoryKind(rawValue: $0).map(text.kind) ?? $0 },
                isCurrent: { query.kind?.rawValue == $0 }, set: { $0.kind = $1.flatMap(InventoryKind.init(rawValue:)) }),
            facet(.theme, title: catalog.text("inventory.facet.theme"), label: text.theme, isCurrent: { query.theme == $0 }, set: { $0.theme = $1 }),
            facet(.commune, title: catalog.text("inventory.facet.commune"), label: { context.places.communeName($0) ?? $0 },
                isCurrent: { query.commune == $0 }, set: { $0.commune = $1 }),
            facet(.neighbourhood, title: catalog.text("inventory.facet.neighbourhood"), label: { context.places.neighbourhoodName($0) ?? $0 },
                isCurrent: { query.neighbourhood == $0 }, set: { $0.neighbourhood = $1 }),
            facet(.availability, title: catalog.text("inventory.facet.availability"),
                label: { Availability.days.contains($0) ? catalog.text("availability.day." + $0) : catalog.text("availability.part." + $0) },
                isCurrent: { query.availability == $0 }, set: { $0.availability = $1 }),
            facet(.young, title: catalog.text("inventory.facet.young"), label: { _ in catalog.text("inventory.young") },
                isCurrent: { _ in query.forYoung }, set: { $0.forYoung = $1 != nil }),
        ].filter { !$0.items.isEmpty }
        var hits: [BrowsePage.Hit] = []
        var firstOfTitle: [String: Int] = [:]
        for hit in results.hits {
            let url = SiteRoute.inventoryItem(slug: context.community.slug, item: hit.id.uuidString).path
            let place = context.places.label(commune: hit.communeCode, neighbourhood: hit.neighbourhood)
            let key = hit.kind.rawValue + " " + SearchText.fold(hit.title)
            if let first = firstOfTitle[key] {
                hits[first].alsoAt.append(ChoiceOption(value: url, label: place ?? catalog.text("inventory.group.elsewhere"), selected: false))
                continue
            }
            firstOfTitle[key] = hits.count
            hits.append(BrowsePage.Hit(
                title: hit.title, url: url, kind: text.kind(hit.kind), place: place,
                summary: summary(hit.fields, kind: hit.kind, text: text), forYoung: hit.forYoung,
                restricted: hit.visibility == Visibility.public.rawValue ? nil : catalog.text("inventory.visibility." + hit.visibility), alsoAt: []))
        }
        let pages = max(1, (results.total + InventoryQuery.pageSize - 1) / InventoryQuery.pageSize)
        var hidden: [ChoiceOption] = []
        if let theme = query.theme { hidden.append(ChoiceOption(value: theme, label: "theme", selected: true)) }
        if let neighbourhood = query.neighbourhood { hidden.append(ChoiceOption(value: neighbourhood, label: "quartier", selected: true)) }
        if let slot = query.availability { hidden.append(ChoiceOption(value: slot, label: "dispo", selected: true)) }
        if query.forYoung { hidden.append(ChoiceOption(value: "oui", label: "jeunes", selected: true)) }
        return try await request.render("inventory/browse", BrowsePage(
            layout: PageLayout(request, title: catalog.text("inventory.title"), community: context.community, current: "inventory"),
            query: query.text, total: results.total, hits: hits, groups: groups,
            sorts: InventoryQuery.Sort.allCases.map { ChoiceOption(value: $0.rawValue, label: catalog.text("inventory.sort." + $0.rawValue), selected: query.sort == $0) },
            kinds: [ChoiceOption(value: "", label: catalog.text("inventory.kind.all"), selected: query.kind == nil)]
                + InventoryKind.allCases.map { ChoiceOption(value: $0.pathSegment, label: text.kind($0), selected: query.kind == $0) },
            hidden: hidden,
            communes: [ChoiceOption(value: "", label: catalog.text("inventory.where.all"), selected: query.commune == nil)]
                + context.places.communes.map { ChoiceOption(value: $0.code, label: $0.name, selected: query.commune == $0.code) },
            broader: results.total == 0 ? try await broader(query, base: base, context, request) : [],
            recordNeedURL: results.total == 0 && !query.text.isEmpty && Policy.allows(context.viewer, .contribute)
                ? SiteRoute.inventoryNew(slug: context.community.slug, kind: .need).path + InventoryQuery.parameter("titre", query.text) : nil,
            previousURL: query.page > 1 ? base + query.queryString { $0.page -= 1 } : nil,
            nextURL: query.page < pages ? base + query.queryString { $0.page += 1 } : nil,
            pageLabel: catalog.text("inventory.page", [catalog.language.format(query.page), catalog.language.format(pages)]),
            action: base,
            addLinks: InventoryKind.allCases.map {
                ChoiceOption(value: SiteRoute.inventoryNew(slug: context.community.slug, kind: $0).path, label: catalog.text("inventory.add." + $0.rawValue), selected: false)
            },
            canContribute: Policy.allows(context.viewer, .contribute), joinURL: SiteRoute.join(slug: context.community.slug).path))
    }

    /// Searches to try when nothing was found: fewer words (each alone), then wider places (the
    /// neighbouring communes, every commune, no filter at all), closest first; only those that
    /// find something are offered, at most five.
    static func broader(_ query: InventoryQuery, base: String, _ context: InventoryContext, _ request: Request) async throws -> [ChoiceOption] {
        let search = InventorySearch(database: request.db as! any SQLDatabase, community: context.community.id!, viewer: context.viewer, me: context.me,
            cache: request.application.inventoryCache)
        let catalog = request.catalog
        let words = query.text.split(whereSeparator: \.isWhitespace).map(String.init).filter { !SearchText.terms($0).isEmpty }
        let texts: [(String, String?)] = [(query.text, nil)] + (words.count > 1 ? words.map { ($0, catalog.text("inventory.broader.word", [$0])) } : [])
        var scopes: [((inout InventoryQuery) -> Void, String?)] = [({ _ in }, nil)]
        if let commune = query.commune {
            let near = try await TerritoryStore(database: request.db).neighbours()[commune] ?? []
            for code in context.places.communes.map(\.code) where near.contains(code) {
                scopes.append(({ $0.commune = code; $0.neighbourhood = nil }, catalog.text("inventory.broader.commune", [context.places.communeName(code) ?? code])))
            }
            scopes.append(({ $0.commune = nil; $0.neighbourhood = nil }, catalog.text("inventory.broader.everywhere")))
        }
        if query.kind != nil || query.theme != nil || query.neighbourhood != nil || query.availability != nil || query.forYoung {
            scopes.append(({ $0 = InventoryQuery() }, catalog.text("inventory.broader.noFilter")))
        }
        var options: [ChoiceOption] = []
        for (scope, place) in scopes {
            for (text, fewer) in texts where place != nil || fewer != nil {
                guard options.count < 5 else { return options }
                let candidate = modified(query) { scope(&$0); $0.text = text }
                let total = try await search.run(candidate).total
                guard total > 0 else { continue }
                let label = [fewer, place].compactMap { $0 }.joined(separator: " · ")
                options.append(ChoiceOption(value: base + candidate.queryString(), label: catalog.text("inventory.broader.found", count: total, [label]), selected: false))
            }
        }
        return options
    }

    static func modified(_ query: InventoryQuery, _ change: (inout InventoryQuery) -> Void) -> InventoryQuery {
        var copy = query
        change(&copy)
        copy.page = 1
        if copy.sort == .relevance && SearchText.queryTerms(copy.text).isEmpty { copy.sort = .recent }
        return copy
    }

    /// One line under a result's title: what it offers or asks, resource first.
    static func summary(_ fields: [String: String], kind: InventoryKind, text: InventoryText) -> String {
        var parts: [String] = []
        for field in [InventoryField.offerType, .needType, .placeType, .equipmentType, .urgency] {
            if let value = fields[field.rawValue], !value.isEmpty { parts.append(text.display(field, value)) }
        }
        if let skills = fields[InventoryField.skills.rawValue], !skills.isEmpty {
            parts.append(skills.split(separator: "\n").prefix(4).joined(separator: ", "))
        }
        let description = fields[InventoryField.description.rawValue] ?? ""
        if !description.isEmpty { parts.append(description.count > 160 ? String(description.prefix(157)) + "…" : description) }
        return parts.joined(separator: " — ")
    }

    // MARK: Reading one record

    struct ShowPage: Encodable {
        struct Row: Encodable {
            var label: String
            var value: String
        }
        struct Link: Encodable {
            var label: String
            var url: String
        }
        var layout: PageLayout
        var title: String
        var kind: String
        var visibility: String
        var rows: [Row]
        var skills: [Link]
        var organisation: Link?
        var coAuthors: [String]
        var updated: String
        var version: Int
        var editURL: String?
        var historyURL: String
        var browseURL: String
        /// For a need: its best answers, as the reader may see them.
        var suggestions: [SuggestionView]?
        /// The need the suggestions' connection forms are about.
        var aboutID: String?
        /// For a resource: the needs it could answer (« Besoins auxquels vous pourriez répondre »).
        var answerable: [SuggestionView]?
        /// The reader's own record: the section speaks to them.
        var isMine: Bool
        /// Asking to be put in touch with this record's person, when the reader may.
        var connectURL: String?
        var connectMessage: String
        /// « Je peux aider » for someone who cannot send yet (anonymous, or not a member): the
        /// same message goes through sign-in, sign-up or joining and waits here.
        var helpURL: String?
        /// A need: the section reads « Je peux aider ».
        var isNeed: Bool
        /// The reader's own skills that this need asks for (from their portrait).
        var mySkills: [String]
        /// A signed-in reader's form token; a visitor's « Je peux aider » needs none (no session
        /// is started just to read a public page).
        var csrf: String
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let item = try await context.item(request)
        let kind = InventoryKind(rawValue: item.kind) ?? .need
        let values = InventoryStore.decode(item.fields)
        let store = InventoryStore(database: request.db)
        let catalog = request.catalog, text = context.text, slug = context.community.slug
        // Quality S16: staff reading someone's portrait kept from the public leave a trace.
        if kind == .portrait, item.visibility != Visibility.public.rawValue, let me = context.me, let subject = item.$person.id, subject != me,
           !context.viewer.roles.isDisjoint(with: [.coordinator, .interviewer]) {
            try await FieldworkStore(database: request.db).logRead(community: context.community.id!, reader: me, subject: subject, what: "portrait", now: request.now)
        }
        let rows = kind.fields.filter { ![.title, .visibility, .skills].contains($0) }.compactMap { field -> ShowPage.Row? in
            let shown = text.display(field, values[field.rawValue] ?? "")
            return shown.isEmpty ? nil : .init(label: catalog.text(field.labelKey), value: shown)
        }
        let terms = try await store.terms(of: item.id!)
        var organisation: ShowPage.Link?
        if let id = item.$organisation.id, let record = try await OrganisationRecord.find(id, on: request.db) {
            organisation = .init(label: record.name, url: SiteRoute.organisation(slug: slug, organisation: id.uuidString).path)
        }
        let canEdit = InventoryPolicy.canEdit(kind, viewer: context.viewer, try await relation(item, context, request))
        let reachable = (item.$person.id ?? item.$createdBy.id).map { $0 != context.me } ?? false
        let suggestions = try await MatchingViews.suggestions(for: item, context, request: request)
        let canSend = reachable && Policy.allows(context.viewer, .contribute)
        // The part of the reader's portrait this need asks for, to start their message with.
        var mySkills: [String] = []
        if kind == .need, let me = context.me, !terms.isEmpty,
           let portrait = try await InventoryItemRecord.query(on: request.db).filter(\.$community.$id == context.community.id!)
               .filter(\.$kind == InventoryKind.portrait.rawValue).filter(\.$person.$id == me).first() {
            let asked = Set(terms.compactMap(\.id))
            mySkills = try await store.terms(of: portrait.id!).filter { asked.contains($0.id!) }.map(\.label)
        }
        var message = request.takeConnectionDraft()
        if message.isEmpty, !mySkills.isEmpty { message = catalog.text("connection.helpDraft", [mySkills.joined(separator: ", ")]) }
        let itemOwner = item.$person.id ?? item.$createdBy.id
        return try await request.render("inventory/show", ShowPage(
            layout: PageLayout(request, title: item.title, community: context.community, current: "inventory"),
            title: item.title, kind: text.kind(kind), visibility: catalog.text("inventory.visibility." + item.visibility), rows: rows,
            skills: terms.map { .init(label: $0.label, url: SiteRoute.skill(slug: slug, term: $0.id!.uuidString).path) },
            organisation: organisation,
            coAuthors: try await store.coAuthors(of: item.id!).map { $0.shownName(catalog) },
            updated: catalog.language.formatDate(item.updatedAt), version: item.version,
            editURL: canEdit ? SiteRoute.inventoryEdit(slug: slug, item: item.id!.uuidString).path : nil,
            historyURL: SiteRoute.inventoryHistory(slug: slug, item: item.id!.uuidString).path,
            browseURL: SiteRoute.inventory(slug: slug).path,
            suggestions: suggestions, aboutID: suggestions == nil ? nil : item.id!.uuidString,
            answerable: try await MatchingViews.answerable(by: item, context, request: request),
            isMine: context.me != nil && (item.$person.id == context.me || (item.$person.id == nil && item.$createdBy.id == context.me)),
            connectURL: canSend ? SiteRoute.connectionRequest(slug: slug, item: item.id!.uuidString).path : nil,
            connectMessage: message,
            helpURL: !canSend && itemOwner != nil && itemOwner != context.me ? SiteRoute.helpOffer(slug: slug, item: item.id!.uuidString).path : nil,
            isNeed: kind == .need, mySkills: mySkills, csrf: context.me == nil ? "" : request.csrfToken))
    }

    // MARK: The form

    struct FormPage: Encodable {
        struct Change: Encodable {
            var label: String
            var theirs: String
            var yours: String
            var conflict: Bool
        }
        var layout: PageLayout
        var heading: String
        var lead: String
        var action: String
        var csrf: String
        var hasErrors: Bool
        var fields: [FieldView]
        var version: Int?
        var summary: String
        var summaryError: String?
        var organisations: [ChoiceOption]
        var organisationRequired: Bool
        var organisationError: String?
        var offerAbout: Bool
        var aboutSomeoneElse: Bool
        var proposeUnknown: Bool
        var changes: [Change]
        var changedBy: String
        var cancelURL: String
    }

    struct FormInput {
        var values: [String: String]
        var errors: [InventoryField: String] = [:]
        var summary = ""
        var summaryError: String?
        var organisation: String?
        var organisationError: String?
        var aboutSomeoneElse = false
        var suggestions: [String] = []
        var proposeUnknown = false
        var changes: [FormPage.Change] = []
        var changedBy: String?
    }

    static func formPage(_ request: Request, _ context: InventoryContext, kind: InventoryKind, item: InventoryItemRecord?, input: FormInput,
                         status: HTTPStatus = .ok) async throws -> Response {
        let catalog = request.catalog, slug = context.community.slug
        var organisations: [ChoiceOption] = []
        if kind != .portrait {
            let records = try await attachableOrganisations(request, context)
            organisations = (kind == .organisation ? [] : [ChoiceOption(value: "", label: catalog.text("inventory.organisation.none"), selected: input.organisation == nil)])
                + records.map { ChoiceOption(value: $0.id!.uuidString, label: $0.name, selected: input.organisation == $0.id!.uuidString) }
        }
        let heading = item == nil ? catalog.text("inventory.add." + kind.rawValue) : catalog.text("inventory.edit.title", [item!.title])
        let canEnterForOthers = !context.viewer.roles.isDisjoint(with: [.interviewer, .coordinator])
        return try await request.render("inventory/form", FormPage(
            layout: PageLayout(request, title: heading, community: context.community, current: "inventory"),
            heading: heading, lead: catalog.text("inventory.lead." + kind.rawValue),
            action: item.map { SiteRoute.inventoryUpdate(slug: slug, item: $0.id!.uuidString).path } ?? SiteRoute.inventoryCreate(slug: slug, kind: kind).path,
            csrf: request.csrfToken, hasErrors: !input.errors.isEmpty || input.summaryError != nil || input.organisationError != nil,
            fields: FieldView.build(kind, values: input.values, errors: input.errors, text: context.text, suggestions: input.suggestions),
            version: item?.version, summary: input.summary, summaryError: input.summaryError,
            organisations: organisations, organisationRequired: kind == .organisation, organisationError: input.organisationError,
            offerAbout: item == nil && kind == .portrait && canEnterForOthers, aboutSomeoneElse: input.aboutSomeoneElse,
            proposeUnknown: input.proposeUnknown, changes: input.changes, changedBy: input.changedBy ?? "",
            cancelURL: item.map { SiteRoute.inventoryItem(slug: slug, item: $0.id!.uuidString).path } ?? SiteRoute.inventory(slug: slug).path),
            status: status)
    }

    static func kind(_ request: Request) throws -> InventoryKind {
        guard let kind = InventoryKind(pathSegment: try request.parameter("kind")) else { throw Abort(.notFound) }
        return kind
    }

    @Sendable static func new(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let kind = try kind(request)
        if kind == .portrait, let me = context.me, let existing = try await context.ownPortrait(me, request) {
            return request.seeOther(.inventoryEdit(slug: context.community.slug, item: existing.id!.uuidString))
        }
        var input = FormInput(values: [:])
        if let organisation = try? request.query.get(String.self, at: "organisation") { input.organisation = organisation }
        // « Enregistrer ce besoin » from a search that found nothing: its words become the title.
        if kind != .portrait, let title = try? request.query.get(String.self, at: "titre") { input.values["title"] = String(title.prefix(120)) }
        if kind == .portrait, let name = request.resolvedSignedIn?.person.displayName { input.values["title"] = name }
        return try await formPage(request, context, kind: kind, item: nil, input: input)
    }

    /// Checks a submitted form; on success returns the draft to store.
    static func check(_ request: Request, _ context: InventoryContext, kind: InventoryKind, input: inout FormInput) async throws -> InventoryStore.Draft? {
        let form = context.places.form(kind)
        let outcome = form.check(input.values)
        input.values = Dictionary(uniqueKeysWithValues: outcome.values.map { ($0.key.rawValue, $0.value) })
        for (field, error) in outcome.errors { input.errors[field] = context.text.error(field, error) }
        if input.summary.count > 300 { input.summaryError = request.catalog.text("inventory.error.summary") }
        // Skills: resolved against the vocabulary; unknown ones are proposed when asked to.
        let typed = InventoryStore.skillLines(input.values)
        let vocabulary = VocabularyStore(database: request.db)
        let (found, unknown) = try await vocabulary.resolve(typed, community: context.community.id!)
        var proposed: [String] = []
        if !unknown.isEmpty && input.errors[.skills] == nil {
            // Proposed by the store, inside the record's transaction: nothing is written here.
            if input.proposeUnknown, context.me != nil {
                proposed = unknown
            } else {
                input.errors[.skills] = context.text.error(.skills, .unknownSkills(unknown))
                for label in unknown.prefix(5) {
                    input.suggestions += try await vocabulary.search(label, community: context.community.id!, limit: 4).map(\.label)
                }
            }
        }
        // Written as the vocabulary spells it.
        input.values[InventoryField.skills.rawValue] = typed.map { found[$0]?.label ?? $0 }.joined(separator: "\n")
        var organisation: UUID?
        if let chosen = input.organisation, !chosen.isEmpty {
            let allowed = Set(try await attachableOrganisations(request, context).compactMap(\.id))
            if let id = UUID(uuidString: chosen), allowed.contains(id) { organisation = id } else {
                input.organisationError = request.catalog.text("inventory.error.organisation")
            }
        } else if kind == .organisation {
            input.organisationError = request.catalog.text("inventory.error.organisationRequired")
        }
        guard input.errors.isEmpty, input.summaryError == nil, input.organisationError == nil else { return nil }
        return InventoryStore.Draft(kind: kind, values: input.values, terms: typed.compactMap { found[$0] }, organisation: organisation,
                                    proposedSkills: proposed)
    }

    /// The organisations a record may be attached to: those the person administers in this
    /// community (every one of them for a coordinator).
    static func attachableOrganisations(_ request: Request, _ context: InventoryContext) async throws -> [OrganisationRecord] {
        guard let me = context.me else { return [] }
        if context.viewer.roles.contains(.coordinator) {
            return try await OrganisationRecord.query(on: request.db).filter(\.$community.$id == context.community.id!).sort(\.$name).all()
        }
        return try await OrganisationStore(database: request.db).adminOrganisations(of: me).filter { $0.$community.id == context.community.id }
    }

    static func input(_ request: Request, kind: InventoryKind) -> FormInput {
        var input = FormInput(values: request.inventoryValues(kind.fields))
        input.summary = request.field("summary")
        input.organisation = request.field("organisation")
        input.aboutSomeoneElse = request.field("about") == "someone"
        input.proposeUnknown = request.field("propose_unknown") == "yes"
        return input
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let kind = try kind(request)
        guard let me = context.me else { throw Abort(.forbidden) }
        var input = input(request, kind: kind)
        guard var draft = try await check(request, context, kind: kind, input: &input) else {
            return try await formPage(request, context, kind: kind, item: nil, input: input, status: .unprocessableEntity)
        }
        if kind == .portrait {
            let forSomeoneElse = input.aboutSomeoneElse && !context.viewer.roles.isDisjoint(with: [.interviewer, .coordinator])
            if !forSomeoneElse {
                if let existing = try await context.ownPortrait(me, request) {
                    return request.seeOther(.inventoryEdit(slug: context.community.slug, item: existing.id!.uuidString))
                }
                draft.person = me
            }
        }
        if kind == .organisation, let organisation = draft.organisation,
            let existing = try await InventoryItemRecord.query(on: request.db).filter(\.$kind == kind.rawValue)
                .filter(\.$organisation.$id == organisation).first() {
            return request.seeOther(.inventoryEdit(slug: context.community.slug, item: existing.id!.uuidString))
        }
        let summary = input.summary.isEmpty ? request.catalog.text("inventory.summary.created") : input.summary
        let item = try await InventoryStore(database: request.db).create(draft, community: context.community.id!, author: me, summary: summary, now: request.now)
        request.flash(request.catalog.text("inventory.saved"))
        return request.seeOther(.inventoryItem(slug: context.community.slug, item: item.id!.uuidString))
    }

    static func editable(_ request: Request, _ context: InventoryContext) async throws -> (InventoryItemRecord, InventoryKind) {
        let item = try await context.item(request)
        let kind = InventoryKind(rawValue: item.kind) ?? .need
        guard InventoryPolicy.canEdit(kind, viewer: context.viewer, try await relation(item, context, request)) else { throw Abort(.forbidden) }
        return (item, kind)
    }

    @Sendable static func edit(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let (item, kind) = try await editable(request, context)
        var input = FormInput(values: InventoryStore.decode(item.fields))
        input.organisation = item.$organisation.id?.uuidString
        return try await formPage(request, context, kind: kind, item: item, input: input)
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let (item, kind) = try await editable(request, context)
        var input = input(request, kind: kind)
        let openedAt = Int(request.field("version")) ?? 0
        let store = InventoryStore(database: request.db)
        guard var draft = try await check(request, context, kind: kind, input: &input) else {
            return try await formPage(request, context, kind: kind, item: item, input: input, status: .unprocessableEntity)
        }
        draft.person = item.$person.id
        if item.version != openedAt {
            return try await conflictPage(request, context, item: item, kind: kind, openedAt: openedAt, input: input)
        }
        let summary = input.summary.isEmpty ? request.catalog.text("inventory.summary.edited") : input.summary
        do {
            try await store.update(item, draft: draft, expectedVersion: openedAt, author: context.me, summary: summary, now: request.now)
        } catch is InventoryStore.Conflict {
            let fresh = try await InventoryItemRecord.find(item.id, on: request.db)!
            return try await conflictPage(request, context, item: fresh, kind: kind, openedAt: openedAt, input: input)
        }
        request.flash(request.catalog.text("inventory.saved"))
        return request.seeOther(.inventoryItem(slug: context.community.slug, item: item.id!.uuidString))
    }

    /// Quality R9: someone saved since this form was opened. Nothing is written; the form comes
    /// back with every value this person typed, the other changes merged in where they did not
    /// touch the same field, and a table of what changed meanwhile.
    static func conflictPage(_ request: Request, _ context: InventoryContext, item: InventoryItemRecord, kind: InventoryKind, openedAt: Int,
                             input: FormInput) async throws -> Response {
        let store = InventoryStore(database: request.db)
        let base = try await store.revision(of: item.id!, version: openedAt).map { InventoryStore.decode($0.snapshot) } ?? [:]
        let theirs = InventoryStore.decode(item.fields)
        let mine = input.values
        let conflicts = Set(Revisions.conflicts(base: base, theirs: theirs, mine: mine))
        var next = input
        next.values = Revisions.merge(base: base, theirs: theirs, mine: mine)
        next.changes = Revisions.diff(base, theirs, order: kind.fields).map { change in
            let field = InventoryField(rawValue: change.field)
            return FormPage.Change(label: context.text.label(change.field),
                theirs: field.map { context.text.display($0, change.after) } ?? change.after,
                yours: field.map { context.text.display($0, mine[change.field] ?? "") } ?? "",
                conflict: conflicts.contains(change.field))
        }
        let authors = try await store.revisions(of: item.id!).filter { $0.version > openedAt }.compactMap(\.author).map(\.displayName)
        next.changedBy = Array(Set(authors)).sorted().joined(separator: ", ")
        return try await formPage(request, context, kind: kind, item: item, input: next, status: .conflict)
    }

    // MARK: History

    struct HistoryPage: Encodable {
        struct Change: Encodable {
            var label: String
            var before: String
            var after: String
        }
        struct Entry: Encodable {
            var version: Int
            var author: String
            var date: String
            var summary: String
            var changes: [Change]
            var revertedTo: Int?
            var revertURL: String?
            var isCurrent: Bool
        }
        var layout: PageLayout
        var title: String
        var itemURL: String
        var entries: [Entry]
        var csrf: String
    }

    @Sendable static func history(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let item = try await context.item(request)
        let kind = InventoryKind(rawValue: item.kind) ?? .need
        let relation = try await relation(item, context, request)
        let catalog = request.catalog, text = context.text
        let entries = try await InventoryStore(database: request.db).revisions(of: item.id!).map { revision in
            let changes = (try? JSONDecoder().decode([FieldChange].self, from: Data(revision.changes.utf8))) ?? []
            let isAuthor = context.me != nil && revision.$author.id == context.me
            let canRevert = revision.version < item.version
                && InventoryPolicy.canRevert(kind, viewer: context.viewer, relation, isRevisionAuthor: isAuthor)
            return HistoryPage.Entry(
                version: revision.version,
                author: revision.author?.shownName(catalog) ?? catalog.text("person.erased"),
                date: catalog.language.formatDate(revision.createdAt), summary: revision.summary,
                changes: changes.map { change in
                    let field = InventoryField(rawValue: change.field)
                    return .init(label: text.label(change.field), before: field.map { text.display($0, change.before) } ?? change.before,
                        after: field.map { text.display($0, change.after) } ?? change.after)
                },
                revertedTo: revision.revertedTo,
                revertURL: canRevert ? SiteRoute.inventoryRevert(slug: context.community.slug, item: item.id!.uuidString, version: revision.version).path : nil,
                isCurrent: revision.version == item.version)
        }
        return try await request.render("inventory/history", HistoryPage(
            layout: PageLayout(request, title: catalog.text("inventory.history.title", [item.title]), community: context.community, current: "inventory"),
            title: item.title, itemURL: SiteRoute.inventoryItem(slug: context.community.slug, item: item.id!.uuidString).path,
            entries: entries, csrf: request.csrfToken))
    }

    /// Brings the record back to how it was at a version, as a new revision.
    @Sendable static func revert(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let item = try await context.item(request)
        let kind = InventoryKind(rawValue: item.kind) ?? .need
        guard let version = Int(try request.parameter("version")) else { throw Abort(.notFound) }
        let store = InventoryStore(database: request.db)
        guard let target = try await store.revision(of: item.id!, version: version), version < item.version else { throw Abort(.notFound) }
        let isAuthor = context.me != nil && target.$author.id == context.me
        guard InventoryPolicy.canRevert(kind, viewer: context.viewer, try await relation(item, context, request), isRevisionAuthor: isAuthor)
        else { throw Abort(.forbidden) }
        let values = InventoryStore.decode(target.snapshot)
        let typed = InventoryStore.skillLines(values)
        let terms = try await VocabularyStore(database: request.db).resolve(typed, community: context.community.id!).found.values
        let draft = InventoryStore.Draft(kind: kind, values: values, terms: Array(terms), person: item.$person.id, organisation: item.$organisation.id)
        do {
            try await store.update(item, draft: draft, expectedVersion: item.version, author: context.me,
                summary: request.catalog.text("inventory.summary.reverted", [String(version)]), now: request.now, revertedTo: version)
        } catch is InventoryStore.Conflict {
            request.flash(request.catalog.text("inventory.revert.conflict"))
            return request.seeOther(.inventoryHistory(slug: context.community.slug, item: item.id!.uuidString))
        }
        request.flash(request.catalog.text("inventory.reverted", [String(version)]))
        return request.seeOther(.inventoryHistory(slug: context.community.slug, item: item.id!.uuidString))
    }
}
