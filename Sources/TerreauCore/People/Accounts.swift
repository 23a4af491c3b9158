import Foundation

/// An e-mail address as the site keeps it: trimmed, lower-cased, and plausibly deliverable.
public enum EmailAddress {
    public static func normalized(_ raw: String) -> String? {
        let address = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard address.count <= 254, !address.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," }) else { return nil }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return nil }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return nil }
        return address
    }

    public static func localPart(_ address: String) -> String {
        String(address.split(separator: "@").first ?? "")
    }
}

/// Quality S1: 12–128 characters (spaces welcome), not one of the most common passwords, not
/// built on the e-mail's local part.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    public static let maximumLength = 128

    public enum Problem: String, Equatable, Sendable {
        case tooShort = "password.tooShort"
        case tooLong = "password.tooLong"
        case common = "password.common"
        case containsEmail = "password.containsEmail"
    }

    /// Lower-cased common passwords (at least 12 characters: shorter ones fail on length).
    public let commonPasswords: Set<String>

    public init(commonPasswords: Set<String>) {
        self.commonPasswords = Set(commonPasswords.map { $0.lowercased() })
    }

    public func problem(password: String, email: String?) -> Problem? {
        let length = password.count
        if length < Self.minimumLength { return .tooShort }
        if length > Self.maximumLength { return .tooLong }
        let folded = password.lowercased()
        let squeezed = folded.filter { !$0.isWhitespace }
        if commonPasswords.contains(folded) || commonPasswords.contains(squeezed) { return .common }
        if let email, case let local = EmailAddress.localPart(email.lowercased()), local.count >= 3, folded.contains(local) {
            return .containsEmail
        }
        return nil
    }
}

/// Quality S2: fixed one-minute windows, counted in the database so every instance shares them.
public struct ThrottleRule: Equatable, Sendable {
    public var name: String
    /// Requests allowed per window; the next one is refused.
    public var limit: Int
    public var window: Int

    /// Sign-in attempts for one account: five a minute. Counted *before* the password is checked
    /// (one atomic statement), so thirty attempts sent at once cannot all slip in before the
    /// first failure is counted (finding F3); a success gives its attempt back.
    public static let signInAttempts = ThrottleRule(name: "signin-email", limit: 5, window: 60)
    public static let authRequests = ThrottleRule(name: "auth-address", limit: 100, window: 60)
    /// Claim codes tried from one address: five a quarter of an hour, counted before the code is
    /// looked up; past it, wrong codes get 429 but a valid code still opens its portrait — one
    /// guesser behind a shared address must not lock residents out (finding F9). 80-bit codes
    /// cannot be found by trying.
    public static let claimAttempts = ThrottleRule(name: "claim-address", limit: 5, window: 900)
    /// One code tried ten times a quarter of an hour, whoever tries it: stops hammering one code
    /// (a code read over a shoulder, say) from many addresses.
    public static let claimCodeAttempts = ThrottleRule(name: "claim-code", limit: 10, window: 900)

    /// The window a moment falls in, and how many seconds remain until it closes.
    public func window(at time: Date) -> (start: Int, retryAfter: Int) {
        let seconds = Int(time.timeIntervalSince1970.rounded(.down))
        let start = seconds - seconds % window
        return (start, max(1, start + window - seconds))
    }

    public func isExceeded(count: Int) -> Bool { count > limit }
}

/// Quality S3: when a signed-in session ends by itself.
public struct SessionLifetime: Equatable, Sendable {
    public var idle: TimeInterval
    public var absolute: TimeInterval

    public init(idleMinutes: Int, absoluteHours: Int) {
        idle = TimeInterval(idleMinutes * 60)
        absolute = TimeInterval(absoluteHours * 3600)
    }

    public func isExpired(signedInAt: Date, lastSeenAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(lastSeenAt) > idle || now.timeIntervalSince(signedInAt) > absolute
    }
}

/// Single-use tokens sent by e-mail (confirmation, password reset: quality S4).
public enum TokenPurpose: String, CaseIterable, Codable, Sendable {
    case confirmEmail = "confirm"
    case resetPassword = "reset"

    public var lifetime: TimeInterval {
        switch self {
        case .confirmEmail: return 7 * 24 * 3600
        case .resetPassword: return 3600
        }
    }
}

/// Why a token cannot be used; the page says the same thing for all of them.
public enum TokenVerdict: Equatable, Sendable {
    case usable
    case unknown, used, expired

    public static func of(usedAt: Date?, expiresAt: Date, now: Date) -> TokenVerdict {
        if usedAt != nil { return .used }
        if now >= expiresAt { return .expired }
        return .usable
    }
}

/// The retry schedule of outgoing mail: 1, 2, 4, 8… minutes, capped at an hour, then given up
/// after `maximumAttempts` and left visible as failed.
public enum MailRetry {
    public static let maximumAttempts = 6

    public static func delay(afterAttempt attempt: Int) -> TimeInterval {
        TimeInterval(min(60, 1 << max(0, min(attempt - 1, 6))) * 60)
    }

    public static func givesUp(afterAttempt attempt: Int) -> Bool { attempt >= maximumAttempts }
}
