import TerreauCore
import Vapor

/// A form as a page shows it: what the person typed (given back after a refusal, quality R8),
/// one French or English message per wrong field, and the CSRF token.
struct FormState: Encodable {
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    var csrf: String
    var hasErrors: Bool { !errors.isEmpty }

    init(_ request: Request, values: [String: String] = [:]) {
        self.values = values
        csrf = request.csrfToken
    }

    mutating func fail(_ field: String, _ message: String) {
        if errors[field] == nil { errors[field] = message }
    }

    enum CodingKeys: String, CodingKey { case values, errors, csrf, hasErrors }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(values, forKey: .values)
        try container.encode(errors, forKey: .errors)
        try container.encode(csrf, forKey: .csrf)
        try container.encode(hasErrors, forKey: .hasErrors)
    }
}

extension Request {
    /// A submitted text field, normalised (`UserText.normalized`) and trimmed ("" when absent).
    /// `TextGateMiddleware` has already refused control characters and bytes that are not UTF-8.
    func field(_ name: String) -> String {
        UserText.normalized((try? content.get(String.self, at: name)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A submitted password exactly as typed (spaces are part of passphrases).
    func secret(_ name: String) -> String {
        (try? content.get(String.self, at: name)) ?? ""
    }

    /// All values of a repeated field (checkboxes).
    func fields(_ name: String) -> [String] {
        ((try? content.get([String].self, at: name)) ?? ((try? content.get(String.self, at: name)).map { [$0] } ?? [])).map(UserText.normalized)
    }

    /// A one-time message shown by the next page.
    func flash(_ text: String) { session.data["flash"] = text }

    func render(_ template: String, _ context: some Encodable, status: HTTPStatus = .ok) async throws -> Response {
        let response = try await view.render(template, context).encodeResponse(for: self)
        response.status = status
        // Pages with personal data or tokens must not be kept by shared caches.
        if hasSession { response.headers.cacheControl = .init(noStore: true) }
        return response
    }

    func seeOther(_ route: SiteRoute) -> Response { redirect(to: route.path, redirectType: .normal) }

    /// A page's full address for paper (a welcome card, a claim slip): the configured public
    /// address, else the host the browser asked for.
    func address(of route: SiteRoute) -> String {
        let base = application.terreauConfig.publicURL?.absoluteString ?? "http://" + (headers.first(name: .host) ?? "localhost")
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + route.path
    }
}

/// A labelled value in a page's list of facts (`<dl class="facts">`).
struct Fact: Encodable {
    var label: String
    var value: String
}

/// One choice of a select, radio group or checkbox list, its label from the catalogue.
struct ChoiceOption: Encodable {
    var value: String
    var label: String
    var selected: Bool

    /// The cases of an enum, labelled `prefix + rawValue`.
    static func list<Choice: RawRepresentable>(_ choices: [Choice], labels prefix: String, _ catalog: MessageCatalog, selected: (Choice) -> Bool) -> [ChoiceOption]
    where Choice.RawValue == String {
        choices.map { ChoiceOption(value: $0.rawValue, label: catalog.text(prefix + $0.rawValue), selected: selected($0)) }
    }
}

/// A person's membership as pages show it: the community, in what capacity, with which roles.
struct MembershipSummary: Encodable {
    var community: String
    var url: String
    var actorKind: String
    var roles: String

    /// `membership.community` must be loaded.
    init(_ membership: MembershipRecord, _ catalog: MessageCatalog) {
        community = membership.community.name
        url = SiteRoute.community(slug: membership.community.slug).path
        actorKind = catalog.text("actor." + membership.actorKind)
        roles = catalog.roleList(Role.parse(membership.roles))
    }
}

extension MessageCatalog {
    /// « membre, coordinateur·rice » in the catalogue's language, in the roles' fixed order.
    func roleList(_ roles: Set<Role>) -> String {
        roles.sorted().map { text("role." + $0.rawValue) }.joined(separator: ", ")
    }
}

/// Fields of action as pages show them (`theme.<key>` in the catalogue).
enum ThemeText {
    static func labels(_ stored: String, _ catalog: MessageCatalog) -> [String] {
        stored.split(separator: " ").map { catalog.text("theme." + $0) }
    }

    static func options(_ catalog: MessageCatalog, selected: (String) -> Bool) -> [ChoiceOption] {
        Themes.all.map { ChoiceOption(value: $0, label: catalog.text("theme." + $0), selected: selected($0)) }
            .sorted { $0.label.localizedStandardCompare($1.label) == .orderedAscending }
    }
}
