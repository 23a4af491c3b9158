import Foundation
import NIOConcurrencyHelpers
import TerreauCore
import Vapor

/// Quality S9 on every response, static files and error pages included.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    let hsts: Bool

    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "font-src 'self'", "connect-src 'self'", "form-action 'self'", "base-uri 'none'",
        "object-src 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers = [
            ("Content-Security-Policy", Self.contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Permissions-Policy", "geolocation=(), camera=(), microphone=()"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        ]
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        if hsts { response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains") }
        if let type = response.headers.contentType, type.type == "text", type.parameters["charset"] == nil {
            response.headers.contentType = HTTPMediaType(type: type.type, subType: type.subType, parameters: ["charset": "utf-8"])
        }
        return response
    }
}

/// Chooses the interface language for the request: the `lang` cookie, else Accept-Language,
/// else French.
struct LanguageMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.language = Language.negotiate(choice: request.cookies["lang"]?.string, acceptLanguage: request.headers.first(name: .acceptLanguage))
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "Content-Language", value: request.language.rawValue)
        response.headers.add(name: .vary, value: "Accept-Language, Cookie")
        return response
    }
}

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = Language }

    var language: Language {
        get { storage[LanguageKey.self] ?? Language.negotiate(choice: cookies["lang"]?.string, acceptLanguage: headers.first(name: .acceptLanguage)) }
        set { storage[LanguageKey.self] = newValue }
    }

    var catalog: MessageCatalog { application.localization[language] }
}

/// A stop (SIGTERM) lets the requests in flight finish before the databases close — they would
/// otherwise fail half-way, Fluent trapping on a database already shut down — and answers 503 to
/// those that arrive meanwhile. It waits ten seconds at most.
final class DrainingMiddleware: AsyncMiddleware, LifecycleHandler, Sendable {
    private let state = NIOLockedValueBox((running: 0, draining: false))

    var running: Int { state.withLockedValue { $0.running } }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let admitted = state.withLockedValue { state -> Bool in
            guard !state.draining else { return false }
            state.running += 1
            return true
        }
        guard admitted else { throw Abort(.serviceUnavailable, headers: ["Retry-After": "30", "Connection": "close"]) }
        defer { state.withLockedValue { $0.running -= 1 } }
        return try await next.respond(to: request)
    }

    func shutdownAsync(_ app: Application) async {
        await drain(within: .seconds(10))
    }

    /// Refuses new requests, then waits for those running (or the deadline).
    func drain(within limit: Duration) async {
        state.withLockedValue { $0.draining = true }
        let clock = ContinuousClock(), deadline = clock.now.advanced(by: limit)
        while running > 0, clock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
    }
}

/// No file or route has a path segment over 255 bytes (a file name's limit): such a request is
/// a plain 404, before the static files' lookup fails on it with an error (finding F10).
struct PathLimitMiddleware: AsyncMiddleware {
    static let segmentLimit = 255

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        for segment in request.url.path.split(separator: "/") {
            let decoded = segment.removingPercentEncoding ?? String(segment)
            guard decoded.utf8.count > Self.segmentLimit else { continue }
            // The API answers in JSON, even this (its error shape: `{"error": "…"}`).
            if request.url.path.hasPrefix("/api/") {
                let response = Response(status: .notFound, body: .init(data: try JSONEncoder().encode(["error": request.catalog.text("api.error.path")])))
                response.headers.contentType = .json
                return response
            }
            throw Abort(.notFound)
        }
        return try await next.respond(to: request)
    }
}

/// Bodies within limits before any work (finding F2). Before a byte is read: a multipart body
/// is refused (415) except on the one route that takes files; a declared length over the route's
/// limit is refused (413); an upload must come from a signed-in session carrying its CSRF token
/// in the address (403), so an anonymous visitor cannot make the server read 25 MB; and all the
/// bodies being read at once share one budget (503 past it). Then the body is read, up to the
/// route's limit (413 beyond, for bodies sent without a length).
final class BodyLimitMiddleware: AsyncMiddleware, Sendable {
    /// The bytes all requests together may be reading at once: four uploads.
    static let inFlightBudget = 4 * SiteRoute.Kind.studyCreate.bodyLimit
    private let reserved = NIOLockedValueBox(0)

    var bytesInFlight: Int { reserved.withLockedValue { $0 } }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard !CSRFCheck.safeMethods.contains(request.method.rawValue) else { return try await next.respond(to: request) }
        let kind = SiteRoute.Kind.matching(method: request.method.rawValue, path: request.url.path)
        let limit = kind?.bodyLimit ?? SiteRoute.Kind.home.bodyLimit
        if request.headers.contentType?.type == "multipart", kind?.acceptsFiles != true { throw Abort(.unsupportedMediaType) }
        let declared = request.headers.first(name: .contentLength).flatMap(Int.init)
        if let declared, declared > limit { throw Abort(.payloadTooLarge) }
        // Larger than a form, on the route that takes files: checked before it is read. Other
        // routes' limits (64 kB, the questionnaire's 512 kB) bound the work by themselves.
        let upload = kind?.acceptsFiles == true
            && (request.headers.contentType?.type == "multipart" || (declared ?? limit) > SiteRoute.Kind.home.bodyLimit)
        // A field app answers the Digest challenge before it sends a form: without an answer,
        // the challenge, before a byte is read (a second request then carries the body).
        if kind?.isFieldAppProtocol == true, request.headers.first(name: .authorization).flatMap(DigestAuthentication.parse) == nil {
            return OpenRosa.challenge(request, stale: false)
        }
        if upload, kind?.isFieldAppProtocol != true, !Self.mayUpload(request) {
            request.logger.notice("upload refused before reading: no signed-in session with its token")
            throw Abort(.forbidden)
        }
        guard request.body.data == nil else { return try await next.respond(to: request) }
        let share = min(declared ?? limit, limit)
        let admitted = reserved.withLockedValue { total -> Bool in
            guard total + share <= Self.inFlightBudget else { return false }
            total += share
            return true
        }
        guard admitted else { throw Abort(.serviceUnavailable, headers: ["Retry-After": "5"]) }
        defer { reserved.withLockedValue { $0 -= share } }
        _ = try await request.body.collect(max: limit).get()
        return try await next.respond(to: request)
    }

    /// A signed-in session whose CSRF token the upload form put in its action's address.
    static func mayUpload(_ request: Request) -> Bool {
        guard request.hasSession, request.session.data[SessionKeys.person] != nil,
            let expected = request.session.data[CSRFMiddleware.sessionKey], let given = request.query[String.self, at: CSRFMiddleware.formField]
        else { return false }
        return CSRFCheck.constantTimeEquals(given, expected)
    }
}

/// Quality S10: a state-changing request needs the session's token in its `_csrf` field (or the
/// `X-CSRF-Token` header) and, when the browser names one, an Origin of this site.
struct CSRFMiddleware: AsyncMiddleware {
    static let sessionKey = "csrf"
    static let formField = "_csrf"
    let allowedOrigins: Set<String>

    static func origin(of url: URL) -> String {
        "\(url.scheme ?? "http")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")".lowercased()
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard !CSRFCheck.safeMethods.contains(request.method.rawValue) else { return try await next.respond(to: request) }
        let kind = SiteRoute.Kind.matching(method: request.method.rawValue, path: request.url.path)
        // A field app holds no session and no token; a browser that cached someone's Digest
        // answer would send it on a forged cross-site post, so the origin is still checked.
        let fieldApp = kind?.isFieldAppProtocol == true
        var origins = allowedOrigins
        if let host = request.headers.first(name: .host) {
            // Behind no proxy, the site is whatever host the browser asked for.
            origins.insert("http://\(host)".lowercased())
            origins.insert("https://\(host)".lowercased())
        }
        let submitted = (try? request.content.get(String.self, at: Self.formField)) ?? request.headers.first(name: "X-CSRF-Token")
        let verdict = CSRFCheck.verdict(
            method: request.method.rawValue, submittedToken: submitted,
            sessionToken: request.hasSession && !fieldApp ? request.session.data[Self.sessionKey] : nil,
            origin: request.headers.first(name: .origin), referer: request.headers.first(name: .referer), allowedOrigins: origins,
            sessionlessAllowed: fieldApp || kind?.acceptsSessionlessForm == true)
        guard verdict == .allowed else {
            request.logger.notice("CSRF refusal", metadata: ["verdict": "\(verdict)", "path": "\(LogRedaction.path(request.url.path))"])
            throw Abort(.forbidden, reason: "csrf")
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// The token forms must carry; created (with the session) the first time a form needs it.
    var csrfToken: String {
        if let token = session.data[CSRFMiddleware.sessionKey] { return token }
        let token = [UInt8].random(count: 32).base64String()
        session.data[CSRFMiddleware.sessionKey] = token
        return token
    }
}

/// Text at the door (quality S-input, finding F4): a urlencoded form whose names or values hold
/// a control character (NUL, escape…) or bytes that are not UTF-8 is refused with 422 and a
/// message naming the field, before any handler stores a byte of it. Multipart text is checked
/// by the upload's own handler; values are normalised (NFC, line breaks, directional controls)
/// when read (`Request.field`).
struct TextGateMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.headers.contentType == .urlEncodedForm, let body = request.body.data else { return try await next.respond(to: request) }
        // Browsers percent-encode every byte outside ASCII; raw bytes that are not UTF-8 name no field.
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw ExplainedRefusal(status: .unprocessableEntity, reason: request.catalog.refusal(of: .notUTF8, in: "?"))
        }
        if let (field, problem) = UserText.firstProblem(inForm: text[...]) {
            request.logger.notice("form refused: not acceptable text", metadata: ["field": "\(field.prefix(40))"])
            throw ExplainedRefusal(status: .unprocessableEntity, reason: request.catalog.refusal(of: problem, in: field))
        }
        return try await next.respond(to: request)
    }
}

extension MessageCatalog {
    /// Why a field's text is refused, naming the field and the character.
    func refusal(of problem: UserText.Problem, in field: String) -> String {
        let name = String(field.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) }.prefix(40))
        switch problem {
        case .control(let value): return text("input.error.control", [name, String(format: "U+%04X", value)])
        case .notUTF8: return text("input.error.notUTF8", [name])
        }
    }
}
