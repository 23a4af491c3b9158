import Foundation

/// The decision behind CSRF protection (quality S10), kept pure so every case is tested in a table:
/// a state-changing request passes only with the session's token *and* an Origin (or Referer)
/// that is this site, when the browser sends one.
public enum CSRFCheck {
    public enum Verdict: Equatable, Sendable {
        case allowed
        case missingToken
        case wrongToken
        case foreignOrigin
    }

    public static let safeMethods: Set<String> = ["GET", "HEAD", "OPTIONS"]

    /// `sessionlessAllowed`: a form a visitor may send before any form token was issued to them
    /// (it only writes their own draft into their own session, with nothing of anyone's to forge —
    /// « Je peux aider »); once the session holds a token, it is required as everywhere. The
    /// origin is checked in every case.
    public static func verdict(method: String, submittedToken: String?, sessionToken: String?, origin: String?, referer: String?,
                               allowedOrigins: Set<String>, sessionlessAllowed: Bool = false) -> Verdict {
        guard !safeMethods.contains(method.uppercased()) else { return .allowed }
        if let source = origin.map(normalizedOrigin) ?? referer.flatMap(originOf) {
            guard allowedOrigins.contains(source) else { return .foreignOrigin }
        }
        if sessionlessAllowed, sessionToken == nil { return .allowed }
        guard let submittedToken, !submittedToken.isEmpty else { return .missingToken }
        guard let sessionToken, constantTimeEquals(submittedToken, sessionToken) else { return .wrongToken }
        return .allowed
    }

    static func normalizedOrigin(_ origin: String) -> String { origin.lowercased().trimmingCharacters(in: .whitespaces) }

    static func originOf(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return nil }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)".lowercased()
    }

    /// Compares without an early exit, so timing says nothing about how much of a guess was right.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
