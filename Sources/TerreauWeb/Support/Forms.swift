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
    /// A submitted text field, trimmed ("" when absent).
    func field(_ name: String) -> String {
        ((try? content.get(String.self, at: name)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A submitted password exactly as typed (spaces are part of passphrases).
    func secret(_ name: String) -> String {
        (try? content.get(String.self, at: name)) ?? ""
    }

    /// All values of a repeated field (checkboxes).
    func fields(_ name: String) -> [String] {
        (try? content.get([String].self, at: name)) ?? ((try? content.get(String.self, at: name)).map { [$0] } ?? [])
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
}
