import Fluent
import Foundation
import NIOConcurrencyHelpers
import TerreauCore
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Backups taken while writing, restored into an empty database")
struct BackupTests {
    static func temporary(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("terreau-\(name)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Restores `backup` into a fresh database of `engine` and hands the application on it to `body`.
    static func restored(_ engine: Engine, _ backup: String, _ body: (Application) async throws -> Void) async throws {
        switch engine {
        case .sqlite:
            let folder = try temporary("restored")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let target = folder + "/terreau.sqlite"
            var config = TerreauConfig(storage: .sqlite(path: target), resourcesDirectory: TestApp.root + "/")
            config.filesDirectory = folder + "/fichiers"
            #expect(try await Backup.restore(backup, config: config).contains("restaurée"))
            try await TestApp.with(.sqlite, database: target, body)
        case .postgres:
            try await TestApp.with(.postgres, configure: { $0.autoMigrate = false }) { app in
                #expect(try await Backup.restore(backup, config: app.terreauConfig).contains("restaurée"))
                try await body(app)
            }
        }
    }

    @Test("needs created during a backup: every one acknowledged before it started is restored, and every chain verifies", arguments: Engine.available)
    func duringWrites(engine: Engine) async throws {
        let folder = try Self.temporary("backups")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var backup = "", acknowledgedBefore: [String] = []
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let b = try await RegisterTests.browsers(app, ["camille", "karim"])
            let sessions = b.mapValues { ($0.sessionID!, $0.csrf!) }
            let acknowledged = NIOLockedValueBox<[(String, ContinuousClock.Instant)]>([])
            let done = NIOLockedValueBox(false)
            // Bounded: whatever the machine's load, the writers stop after a minute.
            let deadline = ContinuousClock.now + .seconds(60)
            let (started, path) = try await withThrowingTaskGroup(of: (ContinuousClock.Instant, String)?.self) { group in
                for (index, name) in ["camille", "karim"].enumerated() {
                    let (cookie, csrf) = sessions[name]!
                    group.addTask {
                        var n = 0
                        while !done.withLockedValue({ $0 }), ContinuousClock.now < deadline {
                            n += 1
                            let title = "Sauvegarde \(name) \(n)"
                            let status = try await DecisionTests.rawPost(app, "/c/grenoble-alpes/inventaire/nouveau/besoin", [("title", title), ("need_type", "volunteers"),
                                ("urgency", "normal"), ("visibility", "public"), ("_csrf", csrf)], cookie: cookie, address: "192.0.2.\(70 + index)")
                            if status == .seeOther { acknowledged.withLockedValue { $0.append((title, ContinuousClock.now)) } }
                        }
                        return nil
                    }
                }
                group.addTask {
                    // The backup starts once writes are under way, and writes go on after it.
                    func count() -> Int { acknowledged.withLockedValue { $0.count } }
                    while count() < 5, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                    let started = ContinuousClock.now
                    let path = try await Backup.run(app, to: folder)
                    let after = count()
                    while count() < after + 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                    done.withLockedValue { $0 = true }
                    return (started, path)
                }
                return try await group.reduce(into: [(ContinuousClock.Instant, String)]()) { if let taken = $1 { $0.append(taken) } }.first!
            }
            backup = path
            acknowledgedBefore = acknowledged.withLockedValue { $0.filter { $0.1 < started }.map(\.0) }
            #expect(acknowledgedBefore.count >= 5 && acknowledged.withLockedValue { $0.count } > acknowledgedBefore.count,
                    "writes went on before and after the backup started")
        }
        #expect(FileManager.default.fileExists(atPath: backup + "/manifest.json"))
        try await Self.restored(engine, backup) { app in
            let titles = Set(try await InventoryItemRecord.query(on: app.db).filter(\.$title ~~ "Sauvegarde ").all().map(\.title))
            #expect(Set(acknowledgedBefore).isSubset(of: titles), "\(Set(acknowledgedBefore).subtracting(titles).count) acknowledged writes lost")
            #expect(try await Migrations.pending(app).isEmpty)
            #expect(await JournalTests.verify(app, "toutes"))
        }
    }

    @Test("a corrupt file, a newer schema or a database that is not empty is refused, naming why; --keep prunes")
    func refusals() async throws {
        let folder = try Self.temporary("backups")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var paths: [String] = []
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            for day in 0..<3 { paths.append(try await Backup.run(app, to: folder, keep: 2, now: Date(timeIntervalSince1970: 1_800_000_000 + Double(day) * 86_400))) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == paths.suffix(2).map { ($0 as NSString).lastPathComponent })
            // Restoring over the running instance's own database: it is not empty.
            await #expect(performing: { _ = try await Backup.restore(paths[2], config: app.terreauConfig) }, throws: { "\($0)".contains("n'est pas vide") })
        }
        let target = try Self.temporary("target")
        defer { try? FileManager.default.removeItem(atPath: target) }
        let config = TerreauConfig(storage: .sqlite(path: target + "/terreau.sqlite"), resourcesDirectory: TestApp.root + "/")
        // A newer schema.
        let manifestPath = paths[2] + "/manifest.json"
        let original = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
        var manifest = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        manifest["migrations"] = (manifest["migrations"] as! [String]) + ["TerreauWeb.AddTheFuture"]
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: manifestPath))
        await #expect(performing: { _ = try await Backup.restore(paths[2], config: config) }, throws: { "\($0)".contains("migrations inconnues : TerreauWeb.AddTheFuture") })
        try original.write(to: URL(fileURLWithPath: manifestPath))
        // One byte changed in the database copy.
        let handle = try #require(FileHandle(forUpdatingAtPath: paths[2] + "/database.sqlite"))
        try handle.seek(toOffset: 5000)
        try handle.write(contentsOf: Data([0x42]))
        try handle.close()
        await #expect(performing: { _ = try await Backup.restore(paths[2], config: config) }, throws: { "\($0)".contains("fichier abîmé dans la sauvegarde : database.sqlite") })
        #expect(!FileManager.default.fileExists(atPath: target + "/terreau.sqlite"), "nothing restored")
    }
}
