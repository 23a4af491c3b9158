import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import TerreauCore
import Vapor

/// The time as the application sees it. Tests move it forward to check expiries without waiting.
final class TerreauClock: Sendable {
    private let offset = NIOLockedValueBox<TimeInterval>(0)
    private let frozen = NIOLockedValueBox<Date?>(nil)
    func now() -> Date { frozen.withLockedValue { $0 } ?? Date().addingTimeInterval(offset.withLockedValue { $0 }) }
    func advance(by seconds: TimeInterval) {
        offset.withLockedValue { $0 += seconds }
        frozen.withLockedValue { $0 = $0?.addingTimeInterval(seconds) }
    }
    /// Stops time (tests that count within one window must not cross into the next).
    func freeze(at date: Date) { frozen.withLockedValue { $0 = date } }
}

/// Who is signed in on this request, once the session has been checked.
struct SignedIn: Sendable {
    let person: PersonRecord
    let account: AccountRecord
    var personID: UUID { person.id! }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = TerreauClock }
    private struct PasswordPolicyKey: StorageKey { typealias Value = PasswordPolicy }

    /// Created with the application (see `configure`), never lazily: a first write to the
    /// application's storage from the background worker raced Vapor's own write of the HTTP
    /// server at start, which lost the server (CI's first start crashed once).
    var clock: TerreauClock {
        get { storage[ClockKey.self]! }
        set { storage[ClockKey.self] = newValue }
    }

    var passwordPolicy: PasswordPolicy {
        get { storage[PasswordPolicyKey.self]! }
        set { storage[PasswordPolicyKey.self] = newValue }
    }
}

enum SessionKeys {
    static let person = "person"
    static let epoch = "epoch"
    static let signedInAt = "since"
    static let lastSeenAt = "seen"
    static let actingAs = "acting_as"
    /// Where someone was going when they had to sign in, sign up or join first (« Je peux aider »).
    static let pendingReturn = "pending_return"
    /// What a person typed before signing in (their own words, kept for them): carried over to
    /// the signed-in session with the CSRF token.
    static let connectionDraft = "connection_draft"
    /// « Je viens d'arriver »'s answers, kept through sign-up, sign-in and joining (JSON).
    static let welcomeDraft = "welcome_draft"
}

extension Request {
    private struct SignedInKey: StorageKey { typealias Value = SignedIn? }

    var now: Date { application.clock.now() }

    /// The signed-in person as already resolved by the access check (every route runs it first).
    var resolvedSignedIn: SignedIn? { storage[SignedInKey.self] ?? nil }

    /// The message typed before a refused or interrupted connection request, once.
    func takeConnectionDraft() -> String {
        guard hasSession, let draft = session.data[SessionKeys.connectionDraft] else { return "" }
        session.data[SessionKeys.connectionDraft] = nil
        return draft
    }

    /// The person signed in, or 403: for handlers that the access check lets through only when
    /// someone is: the one signed-in call every feature uses (issue 26).
    func requireSignedIn() async throws -> SignedIn {
        guard let signedIn = try await signedIn() else { throw Abort(.forbidden) }
        return signedIn
    }

    /// The signed-in person, or nil. Reads the session once per request; a session that outlived
    /// its idle or absolute lifetime, or whose account changed password or was erased, ends here.
    func signedIn() async throws -> SignedIn? {
        if let cached = storage[SignedInKey.self] { return cached }
        let resolved = try await resolveSignedIn()
        storage[SignedInKey.self] = .some(resolved)
        return resolved
    }

    private func resolveSignedIn() async throws -> SignedIn? {
        // `hasSession` is false unless the browser sent a known session (reading `session` would create one).
        guard hasSession, let personText = session.data[SessionKeys.person], let personID = UUID(uuidString: personText) else { return nil }
        let now = self.now
        let since = session.data[SessionKeys.signedInAt].flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) ?? .distantPast
        let seen = session.data[SessionKeys.lastSeenAt].flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) ?? .distantPast
        let lifetime = application.terreauConfig.sessionLifetime
        guard !lifetime.isExpired(signedInAt: since, lastSeenAt: seen, now: now),
            let account = try await AccountRecord.query(on: db).filter(\.$person.$id == personID).with(\.$person).first(),
            String(account.sessionEpoch) == session.data[SessionKeys.epoch], account.person.erasedAt == nil
        else {
            try await endSession()
            return nil
        }
        // Writing the session on every request would cost a database write each time.
        if now.timeIntervalSince(seen) > 60 { session.data[SessionKeys.lastSeenAt] = String(now.timeIntervalSince1970) }
        return SignedIn(person: account.person, account: account)
    }

    /// Quality S3: a new session id at sign-in (the old one is deleted), holding only ids and times.
    func startSession(for account: AccountRecord) async throws {
        if let old = session.id {
            try await application.sessions.driver.deleteSession(old, for: self).get()
            session.id = nil
        }
        let kept = [CSRFMiddleware.sessionKey, SessionKeys.pendingReturn, SessionKeys.connectionDraft, SessionKeys.welcomeDraft].map { ($0, session.data[$0]) }
        session.data = SessionData()
        for case let (key, value?) in kept { session.data[key] = value }
        let now = String(self.now.timeIntervalSince1970)
        session.data[SessionKeys.person] = account.$person.id.uuidString
        session.data[SessionKeys.epoch] = String(account.sessionEpoch)
        session.data[SessionKeys.signedInAt] = now
        session.data[SessionKeys.lastSeenAt] = now
        storage[SignedInKey.self] = nil
    }

    /// Ends the signed-in session: its row is deleted and the rest of the request (a form's CSRF
    /// token, a message) goes into a fresh, anonymous one.
    func endSession() async throws {
        if let old = session.id { try await application.sessions.driver.deleteSession(old, for: self).get() }
        session.id = nil
        session.data = SessionData()
        storage[SignedInKey.self] = .some(nil)
    }

    /// The way back kept when someone had to sign in or join first, without taking it.
    var pendingReturn: String? { hasSession ? session.data[SessionKeys.pendingReturn] : nil }

    /// The community of the way back (`/c/<slug>/…`), if it lies in one.
    var pendingCommunity: String? {
        guard let parts = pendingReturn?.split(separator: "/"), parts.count >= 2, parts[0] == "c" else { return nil }
        return String(parts[1])
    }

    /// The way back kept when someone had to join first, once, when it lies in `community`
    /// (the joining page itself is no way back).
    func takePendingReturn(in community: CommunityRecord) -> String? {
        guard let path = pendingReturn, path.hasPrefix(SiteRoute.community(slug: community.slug).path + "/") else { return nil }
        session.data[SessionKeys.pendingReturn] = nil
        return path == SiteRoute.join(slug: community.slug).path ? nil : path
    }

    /// The address a throttle counts by (quality S2).
    var clientAddress: String {
        if application.terreauConfig.trustProxy, let forwarded = headers.first(name: .xForwardedFor)?.split(separator: ",").last {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }
}

/// Opaque random tokens for links sent by e-mail, stored only as SHA-256.
enum SecretToken {
    static func make() -> String {
        [UInt8].random(count: 32).base64String().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ value: String) -> String {
        SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Counters in the database, so that every instance behind a load balancer shares them.
struct Throttle {
    let database: any Database

    /// Counts one hit and returns the count in the current window.
    func hit(_ rule: ThrottleRule, subject: String, now: Date) async throws -> (count: Int, retryAfter: Int) {
        let (start, retryAfter) = rule.window(at: now)
        let key = "\(rule.name)|\(SecretToken.hash(subject))|\(start)"
        let sql = database as! any SQLDatabase
        let row = try await sql.raw("""
            INSERT INTO throttle_counters (id, hits, expires_at) VALUES (\(bind: key), 1, \(bind: Double(start + rule.window)))
            ON CONFLICT (id) DO UPDATE SET hits = throttle_counters.hits + 1 RETURNING hits
            """).first()
        if Int.random(in: 0..<50) == 0 {
            try await sql.raw("DELETE FROM throttle_counters WHERE expires_at < \(bind: now.timeIntervalSince1970)").run()
        }
        return (try row?.decode(column: "hits", as: Int.self) ?? 1, retryAfter)
    }

    /// Gives back one hit (an attempt that succeeded), never below zero.
    func refund(_ rule: ThrottleRule, subject: String, now: Date) async throws {
        let (start, _) = rule.window(at: now)
        let key = "\(rule.name)|\(SecretToken.hash(subject))|\(start)"
        try await (database as! any SQLDatabase).raw("UPDATE throttle_counters SET hits = hits - 1 WHERE id = \(bind: key) AND hits > 0").run()
    }

    static func tooManyRequests(retryAfter: Int) -> Abort {
        Abort(.tooManyRequests, headers: ["Retry-After": String(retryAfter)], reason: "throttled")
    }
}

/// Quality S2 by address: the routes that take a password or send a mail; static files and
/// every other page are never counted.
struct AuthThrottleMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let (count, retryAfter) = try await Throttle(database: request.db).hit(.authRequests, subject: request.clientAddress, now: request.now)
        if ThrottleRule.authRequests.isExceeded(count: count) {
            request.logger.notice("throttled: too many authentication requests from one address")
            throw Throttle.tooManyRequests(retryAfter: retryAfter)
        }
        return try await next.respond(to: request)
    }
}
