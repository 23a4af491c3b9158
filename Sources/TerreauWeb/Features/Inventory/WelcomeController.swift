import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// « Je viens d'arriver » : three short steps (who I am and where, what I can bring, what I am
/// looking for) without an account and without JavaScript — each step posts the previous answers
/// back as hidden fields, nothing is stored until a member chooses to save their portrait — then
/// suggestions, and a printable welcome card.
enum WelcomeController {
    /// The answers, carried from step to step.
    static let fields: [InventoryField] = [.title, .commune, .neighbourhood, .skills, .shares, .availability, .themes, .description]
    static let steps: [[InventoryField]] = [[.title, .commune, .neighbourhood], [.skills, .shares, .availability], [.themes, .description]]

    struct Page: Encodable {
        struct Suggestion: Encodable {
            var title: String
            var url: String
            var detail: String?
        }
        struct Group: Encodable {
            var title: String
            var items: [Suggestion]
        }
        var layout: PageLayout
        var step: Int
        var stepLabel: String
        var action: String
        var csrf: String
        var fields: [FieldView]
        var carried: [ChoiceOption]
        var hasErrors: Bool
        var groups: [Group]
        var canSave: Bool
        var joinURL: String?
        var signUpURL: String?
        var cardURL: String
        var browseURL: String
    }

    @Sendable static func start(_ request: Request) async throws -> Response {
        // Back from signing up, in or joining: the answers kept are shown again, ready to save.
        if (try? request.query.get(String.self, at: "reprendre")) == "1", request.hasSession,
           let kept = request.session.data[SessionKeys.welcomeDraft].flatMap({ try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }) {
            return try await page(request, step: 4, values: kept, errors: [:])
        }
        return try await page(request, step: 1, values: [:], errors: [:])
    }

    @Sendable static func submit(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        var values = request.inventoryValues(fields)
        let step = min(max(Int(request.field("step")) ?? 1, 1), 4)
        // Checked as the portrait they may become, but only the fields asked so far.
        let form = context.places.form(.portrait)
        var submitted = values
        if submitted[InventoryField.title.rawValue, default: ""].isEmpty { submitted[InventoryField.title.rawValue] = request.catalog.text("welcome.anonymous") }
        submitted[InventoryField.visibility.rawValue] = Visibility.members.rawValue
        let outcome = form.check(submitted)
        let asked = Set(steps.prefix(min(step, 3)).flatMap { $0 })
        let checked = outcome.errors.filter { asked.contains($0.key) }.reduce(into: [InventoryField: String]()) { $0[$1.key] = context.text.error($1.key, $1.value) }
        var errors = checked
        // Themes are not a portrait field: what I am looking for is checked on its own.
        let chosen = Set((values[InventoryField.themes.rawValue] ?? "").split(separator: " ").map(String.init))
        for field in fields where field != .themes { values[field.rawValue] = outcome.values[field] ?? "" }
        values[InventoryField.themes.rawValue] = Themes.all.filter(chosen.contains).joined(separator: " ")
        if !chosen.isSubset(of: Themes.all) { errors[.themes] = context.text.error(.themes, .notAChoice) }
        if !errors.isEmpty {
            let failed = steps.firstIndex { !Set($0).isDisjoint(with: errors.keys) }.map { $0 + 1 } ?? step
            return try await page(request, step: failed, values: values, errors: errors, status: .unprocessableEntity)
        }
        if request.field("save") == "yes" { return try await save(request, context, values: values) }
        if request.field("keep") == "yes" { return try keep(request, context, values: values) }
        return try await page(request, step: step + 1, values: values, errors: [:])
    }

    /// Someone without an account, or not a member yet, asks to keep their answers: they wait in
    /// the session while the person signs up (or in) and joins, then come back on the results.
    static func keep(_ request: Request, _ context: InventoryContext, values: [String: String]) throws -> Response {
        let back = SiteRoute.welcome(slug: context.community.slug).path + "?reprendre=1"
        request.session.data[SessionKeys.welcomeDraft] = String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
        request.session.data[SessionKeys.pendingReturn] = back
        if context.me == nil {
            request.flash(request.catalog.text("welcome.kept"))
            return request.redirect(to: SiteRoute.signUp.path, redirectType: .normal)
        }
        if !context.viewer.isMember { return request.seeOther(.join(slug: context.community.slug)) }
        return request.redirect(to: back, redirectType: .normal)
    }

    /// A member keeps their answers as their portrait (visible to members, editable afterwards).
    static func save(_ request: Request, _ context: InventoryContext, values: [String: String]) async throws -> Response {
        guard let me = context.me, context.viewer.isMember else { throw Abort(.forbidden) }
        if let existing = try await context.ownPortrait(me, request) {
            return request.seeOther(.inventoryEdit(slug: context.community.slug, item: existing.id!.uuidString))
        }
        var portrait = values
        if portrait[InventoryField.title.rawValue, default: ""].isEmpty { portrait[InventoryField.title.rawValue] = request.resolvedSignedIn?.person.displayName ?? "" }
        portrait[InventoryField.visibility.rawValue] = Visibility.members.rawValue
        let (values, terms) = try await VocabularyStore(database: request.db).portraitSkills(portrait, community: context.community.id!)
        let item = try await InventoryStore(database: request.db).create(
            .init(kind: .portrait, values: values, terms: terms, person: me),
            community: context.community.id!, author: me, summary: request.catalog.text("welcome.summary"), now: request.now)
        request.session.data[SessionKeys.welcomeDraft] = nil
        request.flash(request.catalog.text("welcome.saved"))
        return request.seeOther(.inventoryItem(slug: context.community.slug, item: item.id!.uuidString))
    }

    static func page(_ request: Request, step: Int, values: [String: String], errors: [InventoryField: String],
                     status: HTTPStatus = .ok) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let catalog = request.catalog, slug = context.community.slug
        let shown = step <= 3 ? Set(steps[step - 1]) : []
        let all = FieldView.build(.portrait, values: values, errors: errors, text: context.text)
            + FieldView.build(.need, values: values, errors: errors, text: context.text).filter { $0.name == InventoryField.themes.rawValue }
        var fields = all.filter { field in shown.contains { $0.rawValue == field.name } }
        for index in fields.indices {
            let key = "welcome.field." + fields[index].name
            if catalog.messages[key] != nil { fields[index].label = catalog.text(key) }
            if step == 1 && fields[index].name == InventoryField.title.rawValue { fields[index].required = false }
        }
        let carried = Self.fields.filter { !shown.contains($0) }.map {
            ChoiceOption(value: values[$0.rawValue] ?? "", label: $0.rawValue, selected: true)
        }
        let groups = step == 4 ? try await suggestions(request, context, values: values) : []
        let signedIn = context.me != nil
        return try await request.render("welcome/step", Page(
            layout: PageLayout(request, title: catalog.text("welcome.title"), community: context.community, current: "welcome"),
            step: step, stepLabel: step <= 3 ? catalog.text("welcome.step", [String(step), catalog.text("welcome.step\(step)")]) : catalog.text("welcome.results"),
            action: SiteRoute.welcomeSubmit(slug: slug).path, csrf: request.csrfToken, fields: fields, carried: carried,
            hasErrors: !errors.isEmpty, groups: groups, canSave: context.viewer.isMember,
            joinURL: signedIn && !context.viewer.isMember ? SiteRoute.join(slug: slug).path : nil,
            signUpURL: signedIn ? nil : SiteRoute.signUp.path,
            cardURL: SiteRoute.welcomeCard(slug: slug).path, browseURL: SiteRoute.inventory(slug: slug).path), status: status)
    }

    /// Associations in my fields, places near me, needs asking for what I can bring, offers in my fields.
    static func suggestions(_ request: Request, _ context: InventoryContext, values: [String: String]) async throws -> [Page.Group] {
        let catalog = request.catalog, slug = context.community.slug
        let themes = (values[InventoryField.themes.rawValue] ?? "").split(separator: " ").map(String.init)
        let commune = values[InventoryField.commune.rawValue].flatMap { $0.isEmpty ? nil : $0 }
        let neighbourhood = values[InventoryField.neighbourhood.rawValue].flatMap { $0.isEmpty ? nil : $0 }
        let typed = InventoryStore.skillLines(values)
        let terms = try await VocabularyStore(database: request.db).resolve(typed, community: context.community.id!).found.values.compactMap(\.id)
        let search = InventorySearch(database: request.db as! any SQLDatabase, community: context.community.id!, viewer: context.viewer, me: context.me,
            cache: request.application.inventoryCache)
        func group(_ title: String, _ hits: [InventoryHit]) -> Page.Group {
            .init(title: catalog.text(title), items: hits.map {
                .init(title: $0.title, url: SiteRoute.inventoryItem(slug: slug, item: $0.id.uuidString).path,
                    detail: context.places.label(commune: $0.communeCode, neighbourhood: $0.neighbourhood))
            })
        }
        let organisations = try await OrganisationRecord.query(on: request.db).filter(\.$community.$id == context.community.id!).sort(\.$name).all()
            .filter { !Set($0.themes.split(separator: " ").map(String.init)).isDisjoint(with: themes) }.prefix(8)
        let associations = Page.Group(title: catalog.text("welcome.suggest.organisations"), items: organisations.map {
            .init(title: $0.name, url: SiteRoute.organisation(slug: slug, organisation: $0.id!.uuidString).path,
                detail: $0.themes.split(separator: " ").map { catalog.text("theme." + $0) }.joined(separator: ", "))
        })
        let near = InventorySearch.Near(commune: commune, neighbourhood: neighbourhood)
        return [
            associations,
            group("welcome.suggest.profiles", try await search.suggestions(kinds: [.organisation], themes: themes, terms: [], near: near)),
            group("welcome.suggest.places", try await search.suggestions(kinds: [.place], themes: [], terms: [], near: near)),
            group("welcome.suggest.needs", try await search.suggestions(kinds: [.need], themes: themes, terms: terms, near: near)),
            group("welcome.suggest.offers", try await search.suggestions(kinds: [.offer, .equipment], themes: themes, terms: [], near: near)),
        ].filter { !$0.items.isEmpty }
    }

    struct CardPage: Encodable {
        var layout: PageLayout
        var community: String
        var address: String
        var contact: String?
        var format: String
        var formats: [ChoiceOption]
    }

    /// A card to print and hand out (A4 poster or A6 card), with the community's short address.
    @Sendable static func card(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let format = (try? request.query.get(String.self, at: "format")) == "a6" ? "a6" : "a4"
        let address = request.address(of: .welcome(slug: community.slug))
        let catalog = request.catalog
        return try await request.render("welcome/card", CardPage(
            layout: PageLayout(request, title: catalog.text("welcome.card.title"), community: community, current: "welcome"),
            community: community.name, address: address.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: ""),
            contact: community.contactEmail, format: format,
            formats: ["a4", "a6"].map { ChoiceOption(value: SiteRoute.welcomeCard(slug: community.slug).path + "?format=" + $0,
                label: catalog.text("welcome.card." + $0), selected: $0 == format) }))
    }
}
