import Fluent
import Foundation
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("The ledger of the community's means: entered by coordinators, corrected with a reason, every version kept, open data")
struct FundingTests {
    @Test("ledger lines checked, as a table", arguments: [
        ("subsidy", "Ville", "2026-01-10", "12000", "", [FundingProblem]()),
        ("volunteer-time", "Bénévoles", "2026-01-10", "", "12,5", []),
        ("gift", "", "2026-13-01", "", "", [.badKind, .missingContributor, .badDay, .noAmountNorHours]),
        ("subsidy", "Ville", "2027-01-01", "-3", "beaucoup", [.futureDay, .badAmount, .badHours]),
        ("subsidy", "Ville", "2026-01-10", "12 000 €", "", []),
    ])
    func rules(kind: String, contributor: String, day: String, amount: String, hours: String, problems: [FundingProblem]) throws {
        let today = try #require(CalendarDay.parse("2026-06-01"))
        let checked = FundingRules.check(kind: kind, contributor: contributor, day: day, amount: amount, hours: hours, description: "", today: today)
        #expect(checked.problems == problems)
        if problems.isEmpty && !amount.isEmpty { #expect(checked.amount == 12000) }
        if problems.isEmpty && !hours.isEmpty { #expect(checked.hours == 12.5) }
    }

    @Test("a coordinator records and corrects a line; others may not; versions, journal and open data follow", arguments: Engine.available)
    func ledger(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            app.clock.freeze(at: Date(timeIntervalSince1970: 1_800_000_000))
            let b = try await RegisterTests.browsers(app, ["camille", "sophie"])
            let refused = try await b["camille"]!.post("/c/grenoble-alpes/moyens", [("kind", "subsidy"), ("contributor", ""), ("received_on", "2099-01-01"),
                ("amount", "beaucoup")])
            #expect(refused.status == .unprocessableEntity)
            for message in ["Dites qui a donné", "La date ne peut pas être dans le futur", "Le montant est un nombre entier d’euros"] {
                #expect(refused.text.contains(message), "\(message)")
            }
            #expect(refused.text.contains("value=\"beaucoup\""))
            #expect(try await app.count("funding_entries") == 0)
            #expect(try await b["sophie"]!.post("/c/grenoble-alpes/moyens", [("kind", "subsidy"), ("contributor", "x"), ("received_on", "2026-01-01"),
                ("amount", "1")]).status == .forbidden)
            #expect(try await b["camille"]!.post("/c/grenoble-alpes/moyens", [("kind", "subsidy"), ("contributor", "Ville de Grenoble " + ProposalTests.hostile),
                ("received_on", "2027-01-10"), ("amount", "12000"), ("description", "Fonctionnement")]).status == .seeOther)
            let entry = try #require(try await FundingEntryRecord.query(on: app.db).first())
            let path = "/c/grenoble-alpes/moyens/\(entry.id!.uuidString)"
            #expect(try await b["camille"]!.post(path, [("version", "1"), ("kind", "subsidy"), ("contributor", entry.contributor), ("received_on", "2027-01-10"),
                ("amount", "15000"), ("reason", "")]).status == .unprocessableEntity, "a correction says why")
            #expect(try await b["camille"]!.post(path, [("version", "1"), ("kind", "subsidy"), ("contributor", entry.contributor), ("received_on", "2027-01-10"),
                ("amount", "15000"), ("reason", "Avenant voté en conseil")]).status == .seeOther)
            #expect(try await b["camille"]!.post(path, [("version", "1"), ("kind", "subsidy"), ("contributor", entry.contributor), ("received_on", "2027-01-10"),
                ("amount", "1"), ("reason", "Ancienne page")]).status == .conflict, "a stale form changes nothing")
            #expect(try await FundingEntryRecord.find(entry.id, on: app.db)?.amount == 15000)
            #expect(try await app.count("funding_revisions") == 2)
            let page = try await app.get("/c/grenoble-alpes/moyens").text
            #expect(page.contains("Un financement ne confère aucune propriété sur le diagnostic"))
            #expect(page.contains("15 000 €") || page.contains("15\u{202F}000 €"))
            #expect(page.contains("2 versions") && page.contains("Avenant voté en conseil"))
            #expect(!page.contains("<script>alert"))
            let csv = try await app.get("/c/grenoble-alpes/donnees/financements.csv").text
            #expect(csv.contains(",subsidy,") && csv.contains(",15000,") && csv.contains(",2,"))
            let grenoble = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            let acts = try await JournalStore(database: app.db).chain(of: grenoble.id!).filter { $0.entry.subject == .funding }.map(\.entry.act)
            #expect(acts == [.created, .edited])
        }
    }
}
