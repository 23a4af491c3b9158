import Fluent
import Foundation
import SQLKit
import TerreauCore
import Testing
import Vapor
@testable import TerreauWeb

@Suite("Storage and the territory import")
struct StorageTests {
    @Test("SQLite runs in WAL mode with foreign keys on and durable commits")
    func sqlitePragmas() async throws {
        try await TestApp.with(.sqlite) { app in
            let sql = app.db as! any SQLDatabase
            let journal = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            let foreignKeys = try await sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
            let synchronous = try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
            #expect(journal == "wal")
            #expect(foreignKeys == 1)
            #expect(synchronous == 2)
        }
    }

    @Test("importing the Isère files stores communes, history and boundaries, and logs the import", arguments: Engine.available)
    func importStoresEverything(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            #expect(try await CommuneRecord.query(on: app.db).filter(\.$kind == "COM").count() == 512)
            #expect(try await CommuneRecord.query(on: app.db).filter(\.$kind != "COM").count() == 26)
            #expect(try await CommuneBoundaryRecord.query(on: app.db).count() == 512)
            #expect(try await DepartementRecord.query(on: app.db).count() == 101)
            let grenoble = try #require(try await CommuneRecord.find("COM:38185", on: app.db))
            #expect(grenoble.population == 156_140)
            let merged = try #require(try await CommuneBoundaryRecord.find("38479", on: app.db))
            #expect(merged.sourceCodes.split(separator: ",").count == 4)
            let log = try #require(try await TerritoryImportRecord.query(on: app.db).first())
            #expect(log.communes == 512)
            #expect(log.mappedThroughHistory == 9)
            #expect(log.unmatched == "")
        }
    }

    @Test("a refused import stores nothing and keeps the previous data", arguments: Engine.available)
    func refusedImportStoresNothing(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let good = TerritoryImporter.Paths.demo(resources: app.directory.resourcesDirectory)
            let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: temporary) }
            // The last row of the communes file names a département that does not exist.
            var communes = try String(contentsOfFile: good.communes, encoding: .utf8)
            communes += "COM,38999,84,99,,,0,FANTOME,Fantome,Fantôme,,\n"
            let badCommunes = temporary.appendingPathComponent("communes-38.csv").path
            try communes.write(toFile: badCommunes, atomically: true, encoding: .utf8)
            var bad = good
            bad.communes = badCommunes

            // On an empty database: nothing at all is stored.
            do {
                _ = try await TerritoryImporter(database: app.db).run(bad, scope: nil, operatorName: "test", now: Date())
                Issue.record("expected a refusal")
            } catch let failure as ImportFailure {
                #expect(failure.issues.map(\.description) == ["communes-38.csv, ligne 540, colonne « DEP » : département inconnu : « 99 »."])
            }
            #expect(try await RegionRecord.query(on: app.db).count() == 0)
            #expect(try await CommuneRecord.query(on: app.db).count() == 0)
            #expect(try await TerritoryImportRecord.query(on: app.db).count() == 0)

            // After a good import, a bad one leaves it untouched; a missing file likewise.
            _ = try await TerritoryImporter(database: app.db).run(good, scope: ["38"], operatorName: "test", now: Date())
            await #expect(throws: ImportFailure.self) { try await TerritoryImporter(database: app.db).run(bad, scope: ["38"], operatorName: "test", now: Date()) }
            var missing = good
            missing.populations = temporary.appendingPathComponent("absent.csv").path
            do {
                _ = try await TerritoryImporter(database: app.db).run(missing, scope: ["38"], operatorName: "test", now: Date())
                Issue.record("expected a refusal")
            } catch let failure as ImportFailure {
                #expect(failure.issues.first?.message == "fichier introuvable ou illisible (option --populations).")
            }
            #expect(try await CommuneRecord.query(on: app.db).filter(\.$kind == "COM").count() == 512)
            #expect(try await TerritoryImportRecord.query(on: app.db).count() == 1)
        }
    }

    @Test("re-running the import replaces the data instead of duplicating it", arguments: Engine.available)
    func importIsRepeatable(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            _ = try await TerritoryImporter(database: app.db).run(.demo(resources: app.directory.resourcesDirectory), scope: ["38"], operatorName: "test", now: Date())
            #expect(try await CommuneRecord.query(on: app.db).filter(\.$kind == "COM").count() == 512)
            #expect(try await CommuneMovementRecord.query(on: app.db).count() == 163)
            // Communities keep their territory across re-imports.
            let community = try #require(try await CommunityStore(database: app.db).find(slug: "trieves"))
            #expect(try await CommunityStore(database: app.db).communeCodes(of: community.requireID()).count == 19)
        }
    }

    @Test("community creation refuses unknown or retired communes and a taken slug, storing nothing", arguments: Engine.available)
    func communityValidation(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let store = CommunityStore(database: app.db)
            do {
                _ = try await store.create(
                    slug: "trieves", name: "Doublon", description: "", contactEmail: nil,
                    territory: TerritoryRequest(communeCodes: ["38185", "38367", "38000"]), now: Date())
                Issue.record("expected a refusal")
            } catch let errors as FieldErrors {
                #expect(errors.errors.map(\.description) == [
                    "slug : l'adresse courte « trieves » est déjà prise.",
                    "communes : la commune 38367 n'existe plus : elle fait désormais partie de 38395.",
                    "communes : code commune inconnu : « 38000 » (code officiel géographique de l'INSEE attendu, par exemple 38185).",
                ])
            }
            #expect(try await CommunityRecord.query(on: app.db).count() == 2)
            #expect(try await CommunityCommuneRecord.query(on: app.db).count() == 15 + 19)
        }
    }
}
