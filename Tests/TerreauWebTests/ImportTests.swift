import Fluent
import Foundation
import Testing
import TerreauCore
import Vapor
@testable import TerreauWeb

@Suite("RNA import (R1)")
struct RNAImportTests {
    static let header = "id;id_ex;siret;rup_mi;gestion;date_creat;date_decla;date_publi;date_disso;nature;groupement;titre;titre_court;objet;objet_social1;objet_social2;adrs_complement;adrs_numvoie;adrs_repetition;adrs_typevoie;adrs_libvoie;adrs_distrib;adrs_codeinsee;adrs_codepostal;adrs_libcommune;adrg_declarant;adrg_complemid;adrg_complemgeo;adrg_libvoie;adrg_distrib;adrg_codepostal;adrg_achemine;adrg_pays;dir_civilite;telephone;siteweb;email;publiweb;observation;position;maj_time"

    /// A waldec-layout file of `count` associations; the rows at `bad` carry an invalid number.
    static func file(count: Int, bad: Set<Int> = [], rename: String = "") -> String {
        var lines = [header]
        for index in 0..<count {
            let number = bad.contains(index) ? "W12" : String(format: "W38%07d", index)
            lines.append("\(number);;;;381P;2001-02-03;2001-02-03;0001-01-01;0001-01-01;D;S;Association \(index)\(rename);A\(index);Objet \(index);006030;000000;;1;;RUE;de la Paix;_;38226;38710;Mens;;;;;;;;;PM;;;;1;;A;2020-01-01 00:00:00")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("1,000 rows with 37 bad ones store nothing and report each by line, column and reason; a good file imports once, then updates", arguments: Engine.available)
    func allOrNothing(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let community = try #require(try await CommunityStore(database: app.db).find(slug: "trieves"))
            let directory = try BackupTests.temporary("rna")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let bad = Set((0..<37).map { $0 * 27 + 3 })
            try Self.file(count: 1000, bad: bad).write(toFile: directory + "/bad.csv", atomically: true, encoding: .utf8)
            do {
                _ = try await RNAImport.run(file: directory + "/bad.csv", into: community, database: app.db, now: Date(), operatorName: "test")
                Issue.record("a file with bad rows was accepted")
            } catch let failure as ImportFailure {
                #expect(failure.issues.count == 37)
                #expect(failure.issues.map(\.line) == bad.sorted().map { $0 + 2 })
                #expect(failure.issues.allSatisfy { $0.column == "id" && $0.message.contains("numéro RNA « W12 » invalide") })
            }
            #expect(try await OrganisationRecord.query(on: app.db).filter(\.$community.$id == community.id!).count() == 0)

            try Self.file(count: 1000).write(toFile: directory + "/good.csv", atomically: true, encoding: .utf8)
            let first = try await RNAImport.run(file: directory + "/good.csv", into: community, database: app.db, now: Date(), operatorName: "test")
            #expect(first == .init(created: 1000, updated: 0, skippedInactive: 0))
            try Self.file(count: 1000, rename: " (nouveau nom)").write(toFile: directory + "/good.csv", atomically: true, encoding: .utf8)
            let second = try await RNAImport.run(file: directory + "/good.csv", into: community, database: app.db, now: Date(), operatorName: "test")
            #expect(second == .init(created: 0, updated: 1000, skippedInactive: 0))
            #expect(try await OrganisationRecord.query(on: app.db).filter(\.$community.$id == community.id!).count() == 1000)
            #expect(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Association 7 (nouveau nom)").first()?.themes == "culture")
            // The same associations in another community are that community's own rows.
            let grenoble = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            // Two register samples, a company, the city, the gardens' collective and the demo's collective of organisations.
            #expect(try await OrganisationRecord.query(on: app.db).filter(\.$community.$id == grenoble.id!).count() == 6)
        }
    }

    @Test("rows outside the territory are refused by line, attached « hors territoire » only when asked; every import is in the journal", arguments: Engine.available)
    func territory(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let community = try #require(try await CommunityStore(database: app.db).find(slug: "trieves"))
            let directory = try BackupTests.temporary("rna")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // Rows 2 and 5 are in Grenoble (not Trièves), row 4 has no commune.
            let file = Self.file(count: 5).split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
                switch index {
                case 1, 4: line.replacingOccurrences(of: ";38226;38710;Mens;", with: ";38185;38000;Grenoble;")
                case 3: line.replacingOccurrences(of: ";38226;38710;Mens;", with: ";;38710;Mens;")
                default: String(line)
                }
            }.joined(separator: "\n")
            try file.write(toFile: directory + "/mixte.csv", atomically: true, encoding: .utf8)
            let journal = try await JournalEntryRecord.query(on: app.db).filter(\.$community.$id == community.id!).count()
            do {
                _ = try await RNAImport.run(file: directory + "/mixte.csv", into: community, database: app.db, now: Date(), operatorName: "alix")
                Issue.record("rows outside the territory were accepted")
            } catch let failure as ImportFailure {
                #expect(failure.issues.map(\.line) == [2, 4, 5])
                #expect(failure.issues[0].description.contains("mixte.csv") && failure.issues[0].message.contains("à la commune 38185, hors du territoire"))
                #expect(failure.issues[1].message.contains("n'a pas de commune"))
            }
            #expect(try await OrganisationRecord.query(on: app.db).filter(\.$community.$id == community.id!).count() == 0)
            #expect(try await JournalEntryRecord.query(on: app.db).filter(\.$community.$id == community.id!).count() == journal, "a refused import writes nothing")

            let summary = try await RNAImport.run(file: directory + "/mixte.csv", into: community, database: app.db, now: Date(),
                                                  outsideTerritory: true, operatorName: "alix")
            #expect(summary == .init(created: 5, updated: 0, skippedInactive: 0, outsideTerritory: 3))
            let entry = try #require(try await JournalEntryRecord.query(on: app.db).filter(\.$community.$id == community.id!)
                .sort(\.$position, .descending).first())
            #expect(entry.act == "imported" && entry.subject == "organisation")
            let page = try await app.get("/c/trieves/journal").text
            let sha = HashChain.hex(SHA256.hash(data: Data(file.utf8)))
            #expect(page.contains("Import du Répertoire national des associations par alix : fichier mixte.csv (SHA-256 \(sha.prefix(16))…), 5 ajoutée(s)"))
            #expect(page.contains("3 rattachée(s) hors territoire"))
            #expect(await JournalTests.verify(app, "journal"))
            let grenobleRow = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$community.$id == community.id!)
                .filter(\.$communeCode == "38185").first())
            #expect(try await app.get("/c/trieves/organisations/\(grenobleRow.id!.uuidString)").text.contains("hors territoire"))
            let inside = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$community.$id == community.id!)
                .filter(\.$communeCode == "38226").first())
            #expect(!(try await app.get("/c/trieves/organisations/\(inside.id!.uuidString)").text.contains("hors territoire")))
        }
    }

    @Test("the demo community holds members of every actor kind and the register's active sample associations")
    func demo() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            try await app.seedDemo()
            let grenoble = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            let kinds = Set(try await MembershipRecord.query(on: app.db).filter(\.$community.$id == grenoble.id!).all().map(\.actorKind))
            #expect(kinds == Set(ActorKind.allCases.map(\.rawValue)))
            let rna = try await OrganisationRecord.query(on: app.db).filter(\.$source == "rna").all().map(\.name).sorted()
            #expect(rna == ["ARIADNE", "UNITE FRANCAISE D'INTERVENTION EN CATASTROPHE (UFIC)"])
            #expect(try await AccountRecord.query(on: app.db).count() == DemoPeople.people.count)
            let page = try await app.get("/c/grenoble-alpes/organisations")
            #expect(page.text.contains("ARIADNE"))
            #expect(page.text.contains("SIREN 812345676"))
        }
    }
}
