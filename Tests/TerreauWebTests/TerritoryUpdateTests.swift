import Fluent
import Foundation
import TerreauCore
import Testing
import Vapor
@testable import TerreauWeb

/// Importing the territory again, by département: nothing outside the import is touched, and
/// communities keep their communes (operations issue: importing 93 after 38 erased Isère).
@Suite("Territory updates never erase")
struct TerritoryUpdateStorageTests {
    /// The demo's Isère files, with the communes file (and the history) changed as the test says.
    static func files(_ app: Application, communes edit: (String) -> String = { $0 }, movements extra: String = "", in directory: URL) throws -> TerritoryImporter.Paths {
        var paths = TerritoryImporter.Paths.demo(resources: app.directory.resourcesDirectory)
        let communes = directory.appendingPathComponent("communes.csv"), movements = directory.appendingPathComponent("mouvements.csv")
        try edit(try String(contentsOfFile: paths.communes, encoding: .utf8)).write(to: communes, atomically: true, encoding: .utf8)
        try (try String(contentsOfFile: paths.movements, encoding: .utf8) + extra).write(to: movements, atomically: true, encoding: .utf8)
        paths.communes = communes.path
        paths.movements = movements.path
        paths.boundaries = nil
        return paths
    }

    static func communes(_ app: Application, of slug: String) async throws -> Set<String> {
        let community = try #require(try await CommunityStore(database: app.db).find(slug: slug))
        return Set(try await CommunityStore(database: app.db).communeCodes(of: community.requireID()))
    }

    @Test("importing another département keeps Isère and its communities; a vanishing commune is refused, merged ones follow",
          arguments: Engine.available)
    func update(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("terreau-territory-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let importer = TerritoryImporter(database: app.db)
            let trieves = try await Self.communes(app, of: "trieves"), grenoble = try await Self.communes(app, of: "grenoble-alpes")
            #expect(trieves.contains("38226") && trieves.count == 19)

            // Seine-Saint-Denis after Isère: both are there, the communities untouched.
            let seineSaintDenis = try Self.files(app, communes: { header in
                String(header.split(whereSeparator: \.isNewline)[0]) + "\nCOM,93001,11,93,93D,933,0,AUBERVILLIERS,Aubervilliers,Aubervilliers,9301,\nCOM,93066,11,93,93D,931,0,SAINT DENIS,Saint-Denis,Saint-Denis,9399,\n"
            }, in: directory)
            let (_, added) = try await importer.run(seineSaintDenis, scope: ["93"], operatorName: "test", now: Date())
            #expect(added.added == ["93001", "93066"] && added.removed.isEmpty)
            #expect(try await CommuneRecord.query(on: app.db).filter(\.$kind == "COM").filter(\.$departementCode == "38").count() == 512)
            #expect(try await CommuneRecord.query(on: app.db).filter(\.$kind == "COM").filter(\.$departementCode == "93").count() == 2)
            #expect(try await Self.communes(app, of: "trieves") == trieves)
            #expect(try await Self.communes(app, of: "grenoble-alpes") == grenoble)
            #expect(try await CommuneBoundaryRecord.query(on: app.db).count() > 500, "Isère's boundaries stay")
            #expect(try await app.get("/c/trieves").text.contains("19 communes"))

            // Isère again without Mens and no history for it: refused, naming the community and the commune; nothing changes.
            let withoutMens = try Self.files(app, communes: { $0.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("COM,38226,") }.joined(separator: "\n") + "\n" }, in: directory)
            do {
                _ = try await importer.run(withoutMens, scope: ["38"], operatorName: "test", now: Date())
                Issue.record("expected a refusal")
            } catch let refusal as TerritoryStore.Refusal {
                #expect(refusal.description.contains("« Trièves en commun » : 38226"))
                #expect(refusal.description.contains("--force"))
            }
            #expect(try await CommuneRecord.query(on: app.db).filter(\.$kind == "COM").filter(\.$departementCode == "38").count() == 512)
            #expect(try await Self.communes(app, of: "trieves") == trieves)

            // The same with Mens merged into Clelles in the history: a dry run says so and writes nothing; the import maps it.
            let merged = try Self.files(app, communes: { $0.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("COM,38226,") }.joined(separator: "\n") + "\n" },
                movements: "32,2026-01-01,COM,38226,0,MENS,Mens,Mens,COM,38113,0,CLELLES,Clelles,Clelles\n", in: directory)
            let imports = try await TerritoryImportRecord.query(on: app.db).count()
            let (_, dry) = try await importer.run(merged, scope: ["38"], dryRun: true, operatorName: "test", now: Date())
            #expect(dry.mapped.map { "\($0.use.community) \($0.use.code)→\($0.currentCode)" } == ["Trièves en commun 38226→38113"])
            #expect(try await TerritoryImportRecord.query(on: app.db).count() == imports)
            #expect(try await Self.communes(app, of: "trieves") == trieves)
            _ = try await importer.run(merged, scope: ["38"], operatorName: "alix", now: Date())
            #expect(try await Self.communes(app, of: "trieves") == trieves.subtracting(["38226"]).union(["38113"]))
            #expect(try await CommuneRecord.query(on: app.db).filter(\.$kind == "COM").filter(\.$departementCode == "93").count() == 2, "Seine-Saint-Denis stays")
            let record = try #require(try await TerritoryImportRecord.query(on: app.db).sort(\.$importedAt, .descending).first())
            #expect(record.operatorName == "alix" && record.files.contains("communes.csv sha256:") && record.report.contains("38226 a fusionné dans 38113"))
            let page = try await app.get("/c/trieves/territoire").text
            #expect(page.contains("départements 38, importés par alix."))
            #expect(page.contains("communes.csv sha256:"))

            // Forced, a commune vanishes from the perimeter it was in.
            let withoutClelles = try Self.files(app, communes: { $0.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("COM,38226,") && !$0.hasPrefix("COM,38113,") }.joined(separator: "\n") + "\n" }, in: directory)
            _ = try await importer.run(withoutClelles, scope: ["38"], force: true, operatorName: "test", now: Date())
            #expect(!(try await Self.communes(app, of: "trieves")).contains("38113"))
        }
    }
}
