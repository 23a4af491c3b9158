import Crypto
import Foundation

/// HTTP Digest authentication (RFC 7616, MD5 with `qop=auth`), the scheme OpenRosa clients —
/// ODK Collect, Enketo — speak. The server keeps `HA1 = MD5(user:realm:password)` for each app
/// password, never the password; a nonce is the moment it was made, signed by the server, so
/// any instance can check it without storing it.
public enum DigestAuthentication {
    /// What the client sent in its `Authorization: Digest …` header.
    public struct Credentials: Equatable, Sendable {
        public var username: String
        public var realm: String
        public var nonce: String
        public var uri: String
        public var response: String
        public var qop: String?
        public var nc: String?
        public var cnonce: String?
        public var algorithm: String?

        public init(username: String, realm: String, nonce: String, uri: String, response: String, qop: String?, nc: String?,
                    cnonce: String?, algorithm: String?) {
            self.username = username
            self.realm = realm
            self.nonce = nonce
            self.uri = uri
            self.response = response
            self.qop = qop
            self.nc = nc
            self.cnonce = cnonce
            self.algorithm = algorithm
        }
    }

    /// `Digest username="…", realm="…", …`: quoted or bare values, commas inside quotes kept.
    public static func parse(_ header: String) -> Credentials? {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("digest ") else { return nil }
        var values: [String: String] = [:]
        var rest = Substring(trimmed.dropFirst(7))
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...].drop { $0 == " " }
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped { value.append(character); escaped = false; continue }
                    if character == "\\" { escaped = true; continue }
                    if character == "\"" { break }
                    value.append(character)
                }
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            values[key] = value
        }
        guard let username = values["username"], let realm = values["realm"], let nonce = values["nonce"], let uri = values["uri"],
              let response = values["response"] else { return nil }
        return Credentials(username: username, realm: realm, nonce: nonce, uri: uri, response: response.lowercased(),
                           qop: values["qop"], nc: values["nc"], cnonce: values["cnonce"], algorithm: values["algorithm"])
    }

    public static func md5Hex(_ text: String) -> String {
        Insecure.MD5.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func ha1(username: String, realm: String, password: String) -> String {
        md5Hex("\(username):\(realm):\(password)")
    }

    /// The response a client holding `ha1` computes for this request.
    public static func expectedResponse(ha1: String, method: String, credentials: Credentials) -> String {
        let ha2 = md5Hex("\(method):\(credentials.uri)")
        if let qop = credentials.qop, qop == "auth" {
            return md5Hex("\(ha1):\(credentials.nonce):\(credentials.nc ?? ""):\(credentials.cnonce ?? ""):\(qop):\(ha2)")
        }
        return md5Hex("\(ha1):\(credentials.nonce):\(ha2)")
    }

    public enum Verdict: Equatable, Sendable {
        case accepted
        /// Wrong realm, wrong response, another address, or no `qop=auth`.
        case refused
        /// A good response to a nonce that has expired: the client asks again with a new one.
        case stale
    }

    /// - Parameters:
    ///   - path: the request's target as received (path and query), which `uri` must name.
    public static func verify(_ credentials: Credentials, ha1: String, method: String, path: String, realm: String,
                              key: SymmetricKey, now: Date, lifetime: TimeInterval = 600) -> Verdict {
        guard credentials.realm == realm, credentials.qop == "auth", credentials.uri == path,
              credentials.algorithm.map({ $0.uppercased() == "MD5" }) ?? true else { return .refused }
        guard let issued = nonceMoment(credentials.nonce, key: key) else { return .refused }
        guard CSRFCheck.constantTimeEquals(expectedResponse(ha1: ha1, method: method, credentials: credentials), credentials.response) else {
            return .refused
        }
        return now.timeIntervalSince(issued) > lifetime || issued > now.addingTimeInterval(60) ? .stale : .accepted
    }

    /// `<seconds>.<random>.<signature>`: when it was made, signed.
    public static func nonce(at moment: Date, key: SymmetricKey) -> String {
        let random = (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let body = "\(Int(moment.timeIntervalSince1970)).\(random)"
        return body + "." + signature(body, key: key)
    }

    static func nonceMoment(_ nonce: String, key: SymmetricKey) -> Date? {
        let parts = nonce.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let seconds = Int(parts[0]) else { return nil }
        let body = parts[0] + "." + parts[1]
        guard CSRFCheck.constantTimeEquals(signature(String(body), key: key), String(parts[2])) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    static func signature(_ body: String, key: SymmetricKey) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// The `WWW-Authenticate` header of a 401.
    public static func challenge(realm: String, nonce: String, stale: Bool) -> String {
        "Digest realm=\"\(realm)\", qop=\"auth\", algorithm=MD5, nonce=\"\(nonce)\"" + (stale ? ", stale=true" : "")
    }
}
