import Foundation

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
    public var sessionIdleMinutes: Int

    public var servesOverTLS: Bool { publicURL?.scheme == "https" }

    public init(storage: Storage, autoMigrate: Bool = false, publicURL: URL? = nil, resourcesDirectory: String, sessionIdleMinutes: Int = 30) {
        self.storage = storage
        self.autoMigrate = autoMigrate
        self.publicURL = publicURL
        self.resourcesDirectory = resourcesDirectory
        self.sessionIdleMinutes = sessionIdleMinutes
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
        var idle = 30
        if let text = environment["TERREAU_SESSION_IDLE_MINUTES"], !text.isEmpty {
            guard let minutes = Int(text), (5...1440).contains(minutes) else {
                throw Invalid(variable: "TERREAU_SESSION_IDLE_MINUTES", expected: "un nombre de minutes entre 5 et 1440 est attendu.")
            }
            idle = minutes
        }
        let resources = environment["TERREAU_RESOURCES_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? workingDirectory
        return TerreauConfig(
            storage: storage, autoMigrate: try flag("TERREAU_AUTO_MIGRATE"), publicURL: publicURL,
            resourcesDirectory: resources.hasSuffix("/") ? resources : resources + "/", sessionIdleMinutes: idle)
    }
}
