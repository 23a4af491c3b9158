import Foundation
import Testing
@testable import TerreauWeb

@Suite("Configuration")
struct ConfigTests {
    @Test("defaults: SQLite under data/, no auto-migration")
    func defaults() throws {
        let config = try TerreauConfig.load(environment: [:], workingDirectory: "/srv/terreau")
        #expect(config.storage == .sqlite(path: "/srv/terreau/data/terreau.sqlite"))
        #expect(!config.autoMigrate)
        #expect(!config.servesOverTLS)
    }

    @Test("PostgreSQL, TLS and auto-migration from the environment")
    func fromEnvironment() throws {
        let config = try TerreauConfig.load(environment: [
            "DATABASE_URL": "postgres://terreau:secret@127.0.0.1:5432/terreau", "TERREAU_AUTO_MIGRATE": "1",
            "TERREAU_PUBLIC_URL": "https://terreau.example.org",
        ], workingDirectory: "/srv")
        #expect(config.storage == .postgres(url: "postgres://terreau:secret@127.0.0.1:5432/terreau"))
        #expect(config.autoMigrate)
        #expect(config.servesOverTLS)
    }

    @Test("a malformed value names the variable and never prints its value", arguments: [
        ("DATABASE_URL", "mysql://root:hunter2@db/terreau"), ("TERREAU_AUTO_MIGRATE", "peut-être"),
        ("TERREAU_PUBLIC_URL", "terreau.example.org"), ("TERREAU_SESSION_IDLE_MINUTES", "0"),
    ])
    func invalid(variable: String, value: String) {
        do {
            _ = try TerreauConfig.load(environment: [variable: value], workingDirectory: "/srv")
            Issue.record("expected a refusal")
        } catch {
            let message = "\(error)"
            #expect(message.contains(variable))
            #expect(!message.contains("hunter2"))
        }
    }
}
