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

/// Reads a request's body before the CSRF check needs its fields, within a limit: uploads
/// (multipart, the studies' PDFs) up to `StudyUpload.maximumBytes` and a margin, other forms up
/// to 1 MiB (a long text with accents, percent-encoded). Beyond, 413 — before any handler runs.
struct BodyLimitMiddleware: AsyncMiddleware {
    static let formLimit = 1024 * 1024
    static let uploadLimit = StudyUpload.maximumBytes + 256 * 1024

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if !CSRFCheck.safeMethods.contains(request.method.rawValue) {
            let limit = request.headers.contentType?.subType == "form-data" ? Self.uploadLimit : Self.formLimit
            if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > limit { throw Abort(.payloadTooLarge) }
            if let data = request.body.data {
                guard data.readableBytes <= limit else { throw Abort(.payloadTooLarge) }
            } else {
                _ = try await request.body.collect(max: limit).get()
            }
        }
        return try await next.respond(to: request)
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
        var origins = allowedOrigins
        if let host = request.headers.first(name: .host) {
            // Behind no proxy, the site is whatever host the browser asked for.
            origins.insert("http://\(host)".lowercased())
            origins.insert("https://\(host)".lowercased())
        }
        let submitted = (try? request.content.get(String.self, at: Self.formField)) ?? request.headers.first(name: "X-CSRF-Token")
        let verdict = CSRFCheck.verdict(
            method: request.method.rawValue, submittedToken: submitted,
            sessionToken: request.hasSession ? request.session.data[Self.sessionKey] : nil,
            origin: request.headers.first(name: .origin), referer: request.headers.first(name: .referer), allowedOrigins: origins)
        guard verdict == .allowed else {
            request.logger.notice("CSRF refusal", metadata: ["verdict": "\(verdict)", "path": "\(request.url.path)"])
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
