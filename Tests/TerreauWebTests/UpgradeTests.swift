import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

/// Each release's demo database (`Tests/Fixtures/upgrade/demo-<release>.json`, one committed per
/// release with the database its `terreau demo` left), migrated by this version: the migrations
/// it lacks are pending, then applied; no row is lost, the recorded records are unchanged, every
/// chain verifies, and the community's pages and a sign-in work on the old data.
@Suite("Upgrades from each release's database")
struct UpgradeTests {
    struct Fixture: Decodable {
        struct Record: Decodable { let sql: String; let rows: [String] }
        struct SignIn: Decodable { let email: String; let password: String }
        let release: String
        let database: String
        let sha256: String
        let applied: [String]
        let counts: [String: Int]
        let records: [Record]
        let signIn: SignIn
    }

    static let folder = TestApp.root + "/Tests/Fixtures/upgrade"

    static var releases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }

    /// The fixture's database, uncompressed into a fresh folder (gzip is part of every Debian).
    static func unpack(_ fixture: Fixture, into directory: String) throws -> String {
        let target = directory + "/terreau.sqlite"
        FileManager.default.createFile(atPath: target, contents: nil)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-dc", folder + "/" + fixture.database]
        gzip.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: target))
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0, "gzip -dc \(fixture.database)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: target))
        #expect(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() == fixture.sha256,
                "\(fixture.database) is not the file the fixture recorded")
        return target
    }

    static func rows(_ app: Application, _ sql: String) async throws -> [String] {
        try await (app.db as! any SQLDatabase).raw(SQLQueryString(sql)).all().map { try $0.decode(column: $0.allColumns[0], as: String.self) }
    }

    @Test("the release's demo database migrates to this version with nothing lost", arguments: UpgradeTests.releases)
    func upgrade(file: String) async throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: Self.folder + "/" + file)))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("terreau-upgrade-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Self.unpack(fixture, into: directory)

        // As `serve` finds it after the new binary is installed: the new migrations are pending.
        let pending = try await TestApp.with(.sqlite, database: database, configure: { $0.autoMigrate = false }) { app in
            #expect(try await Self.rows(app, "SELECT name FROM _fluent_migrations ORDER BY batch, created_at, name") == fixture.applied)
            return try await Migrations.pending(app)
        }
        #expect(!pending.isEmpty, "release \(fixture.release) lacks this version's migrations")
        #expect(Set(pending).isDisjoint(with: fixture.applied))

        // `terreau migrate -y`, then the data as the release left it.
        try await TestApp.with(.sqlite, database: database) { app in
            #expect(try await Migrations.pending(app).isEmpty)
            let applied = try await Self.rows(app, "SELECT name FROM _fluent_migrations ORDER BY batch, created_at, name")
            #expect(applied == fixture.applied + pending, "the release's migrations are kept and the new ones follow, in order")
            for (table, count) in fixture.counts.sorted(by: { $0.key < $1.key }) {
                #expect(try await app.count(table) == count, "rows of \(table) after the upgrade")
            }
            for record in fixture.records {
                #expect(try await Self.rows(app, record.sql) == record.rows, "\(record.sql)")
            }
            #expect(await JournalTests.verify(app, "toutes"), "every chain verifies after the upgrade")
            let page = try await app.get("/c/grenoble-alpes")
            #expect(page.status == .ok && page.text.contains("Grenoble-Alpes en commun"))
            let browser = Browser(app)
            try await browser.signIn(fixture.signIn.email, password: fixture.signIn.password)
            #expect(try await browser.get("/moi").status == .ok)
        }
    }
}
