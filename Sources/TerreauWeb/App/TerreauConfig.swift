import Foundation
import Vapor
import TerreauCore

/// All configuration, read once from the environment at boot. A malformed value stops the boot
/// with a message naming the variable (never printing a secret's value).
public struct TerreauConfig: Sendable {
    public enum Storage: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    public var storage: Storage
    /// Run pending migrations when the server starts (`TERREAU_AUTO_MIGRATE=1`).
    public var autoMigrate: Bool
    /// The public address, e.g. `https://terreau.example.org`. When it is https, cookies are
    /// `Secure` and HSTS is sent.
    public var publicURL: URL?
    /// Where the site's templates, catalogues and static files live.
    public var resourcesDirectory: String
    /// Where uploaded files are kept, outside the web root (`TERREAU_FILES_DIR`, by default
    /// `fichiers/` beside the SQLite database or in `TERREAU_DATA_DIR`).
    public var filesDirectory: String
    /// `/metrics` answers loopback requests, or others carrying `Authorization: Bearer <token>`.
    public var metricsToken: String?
    public var sessionIdleMinutes: Int
    public var sessionAbsoluteHours: Int
    /// Where mail goes: an SMTP server, or (development) the outbox page and a log line.
    public var mail: MailTransport
    public var mailFrom: String
    /// bcrypt's cost factor (quality S1); tests lower it to keep the suite fast.
    public var bcryptCost: Int
    /// Behind a reverse proxy: take the client's address from the last `X-Forwarded-For` entry
    /// (the one the proxy added) for throttling. Off by default: the header is easy to forge.
    public var trustProxy: Bool = false
    /// Deliver mail and digests in the background (the server and the demo; not commands, not tests).
    public var backgroundWork: Bool
    /// The level database statements are logged at (with their values: below production's
    /// `info`). Tests raise it to count the statements a page issues (quality P2).
    public var sqlLogLevel: Logger.Level = .trace

    public enum MailTransport: Sendable, Equatable {
        case log
        case smtp(SMTPSettings)
    }

    public var servesOverTLS: Bool { publicURL?.scheme == "https" }
    var sessionLifetime: SessionLifetime { SessionLifetime(idleMinutes: sessionIdleMinutes, absoluteHours: sessionAbsoluteHours) }

    public init(
        storage: Storage, autoMigrate: Bool = false, publicURL: URL? = nil, resourcesDirectory: String, sessionIdleMinutes: Int = 30,
        sessionAbsoluteHours: Int = 12, mail: MailTransport = .log, mailFrom: String = "terreau@localhost", bcryptCost: Int = 12,
        backgroundWork: Bool = false
    ) {
        self.storage = storage
        self.autoMigrate = autoMigrate
        self.publicURL = publicURL
        self.resourcesDirectory = resourcesDirectory
        self.sessionIdleMinutes = sessionIdleMinutes
        self.sessionAbsoluteHours = sessionAbsoluteHours
        self.mail = mail
        self.mailFrom = mailFrom
        self.bcryptCost = bcryptCost
        self.backgroundWork = backgroundWork
        switch storage {
        case .sqlite(let path): filesDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("fichiers").path
        case .postgres: filesDirectory = NSTemporaryDirectory() + "terreau-fichiers-" + UUID().uuidString.prefix(8)
        }
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var variable: String
        public var expected: String
        public var description: String { "Configuration invalide : \(variable) — \(expected)" }
    }

    /// - Parameters:
    ///   - environment: the process environment (passed in so tests need not touch the real one).
    ///   - defaultDatabaseFile: the SQLite file used when `DATABASE_URL` is not set.
    public static func load(environment: [String: String], workingDirectory: String, defaultDatabaseFile: String = "terreau.sqlite") throws -> TerreauConfig {
        func flag(_ name: String) throws -> Bool {
            switch environment[name]?.lowercased() {
            case nil, "", "0", "false", "no", "non": return false
            case "1", "true", "yes", "oui": return true
            default: throw Invalid(variable: name, expected: "1 ou 0 attendu.")
            }
        }
        let storage: Storage
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
                components.host != nil
            else { throw Invalid(variable: "DATABASE_URL", expected: "une adresse postgres://utilisateur:motdepasse@hôte:port/base est attendue.") }
            storage = .postgres(url: url)
        } else {
            let dataDirectory = environment["TERREAU_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? workingDirectory + "/data"
            storage = .sqlite(path: dataDirectory + "/" + defaultDatabaseFile)
        }
        var publicURL: URL?
        if let text = environment["TERREAU_PUBLIC_URL"], !text.isEmpty {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw Invalid(variable: "TERREAU_PUBLIC_URL", expected: "une adresse http(s):// complète est attendue.")
            }
            publicURL = url
        }
        func number(_ name: String, default value: Int, _ range: ClosedRange<Int>, _ unit: String) throws -> Int {
            guard let text = environment[name], !text.isEmpty else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw Invalid(variable: name, expected: "un nombre \(unit) entre \(range.lowerBound) et \(range.upperBound) est attendu.")
            }
            return number
        }
        let idle = try number("TERREAU_SESSION_IDLE_MINUTES", default: 30, 5...1440, "de minutes")
        let absolute = try number("TERREAU_SESSION_MAX_HOURS", default: 12, 1...720, "d'heures")
        var mail = MailTransport.log
        if let host = environment["TERREAU_SMTP_HOST"], !host.isEmpty {
            let username = environment["TERREAU_SMTP_USERNAME"].flatMap { $0.isEmpty ? nil : $0 }
            let password = environment["TERREAU_SMTP_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
            guard (username == nil) == (password == nil) else {
                throw Invalid(variable: "TERREAU_SMTP_USERNAME", expected: "l'identifiant et TERREAU_SMTP_PASSWORD vont ensemble.")
            }
            mail = .smtp(SMTPSettings(
                host: host, port: try number("TERREAU_SMTP_PORT", default: 587, 1...65535, "de port"),
                startTLS: environment["TERREAU_SMTP_STARTTLS"] == nil ? true : try flag("TERREAU_SMTP_STARTTLS"),
                username: username, password: password,
                trustedCertificatesFile: environment["TERREAU_SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 },
                heloName: publicURL?.host ?? "localhost"))
        }
        let from = environment["TERREAU_MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? "terreau@\(publicURL?.host ?? "localhost")"
        guard EmailAddress.normalized(from) != nil || from.hasSuffix("@localhost") else {
            throw Invalid(variable: "TERREAU_MAIL_FROM", expected: "une adresse électronique est attendue.")
        }
        let resources = environment["TERREAU_RESOURCES_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? workingDirectory
        var config = TerreauConfig(
            storage: storage, autoMigrate: try flag("TERREAU_AUTO_MIGRATE"), publicURL: publicURL,
            resourcesDirectory: resources.hasSuffix("/") ? resources : resources + "/", sessionIdleMinutes: idle,
            sessionAbsoluteHours: absolute, mail: mail, mailFrom: from,
            bcryptCost: try number("TERREAU_BCRYPT_COST", default: 12, 4...16, ""))
        config.trustProxy = try flag("TERREAU_TRUST_PROXY")
        config.metricsToken = environment["TERREAU_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let dataDirectory = environment["TERREAU_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? workingDirectory + "/data"
        config.filesDirectory = environment["TERREAU_FILES_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? dataDirectory + "/fichiers"
        return config
    }
}
