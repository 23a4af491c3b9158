import ConsoleKit
import Fluent
import Foundation
import SQLKit
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("The public journal: every public act chained (R6), non-public ones counted only, filters, verification")
struct JournalTests {
    /// Runs `terreau verify <what>` against the test application; true when every chain holds.
    static func verify(_ app: Application, _ what: String) async -> Bool {
        var context = CommandContext(console: Terminal(), input: CommandInput(arguments: ["terreau", what]))
        context.application = app
        do {
            try await VerifyCommand().run(using: &context)
            return true
        } catch {
            return false
        }
    }

    @Test("acts are written in order with their hashes; private records only counted; filters; a tampered row is found", arguments: Engine.available)
    func journal(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            app.clock.freeze(at: Date(timeIntervalSince1970: 1_800_000_000))
            let b = try await RegisterTests.browsers(app, ["camille", "karim"])
            let camille = b["camille"]!
            #expect(try await camille.post("/c/grenoble-alpes/inventaire/nouveau/besoin", [("title", "Des bras pour le jardin " + ProposalTests.hostile),
                ("need_type", "volunteers"), ("urgency", "normal"), ("visibility", "public")]).status == .seeOther)
            #expect(try await b["karim"]!.post("/c/grenoble-alpes/inventaire/nouveau/portrait", [("title", "Karim, réparateur"),
                ("visibility", "members")]).status == .seeOther)
            #expect(try await camille.post("/c/grenoble-alpes/propositions", [("title", "Un atelier vélo au marché"),
                ("summary", "Réparer ensemble les vélos du quartier, chaque samedi matin."), ("themes[]", "mobilite")]).status == .seeOther)
            let grenoble = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            let chain = try await JournalStore(database: app.db).chain(of: grenoble.id!)
            #expect(chain.map(\.entry.position) == Array(1...chain.count))
            #expect(chain.suffix(3).map { "\($0.entry.act.rawValue) \($0.entry.subject.rawValue) \($0.entry.isPublic)" }
                    == ["created inventory true", "created inventory false", "published proposal true"])
            #expect(chain.suffix(2).first?.entry.summary == "", "a members-only portrait enters without its title")
            #expect(JournalChain.firstBroken(chain) == nil)
            #expect(await Self.verify(app, "journal"))

            let page = try await app.get("/c/grenoble-alpes/journal").text
            #expect(page.contains("Un atelier vélo au marché"))
            #expect(page.contains("Des bras pour le jardin &quot;&gt;&lt;script&gt;"))
            #expect(!page.contains("<script>alert"))
            #expect(!page.contains("Karim, réparateur"))
            #expect(page.contains("Et 1 acte sur un enregistrement non public, compté seulement."))
            #expect(page.contains(chain.last!.hash))
            let proposals = try await app.get("/c/grenoble-alpes/journal?sujet=proposal").text
            #expect(proposals.contains("Un atelier vélo au marché") && !proposals.contains("Des bras pour le jardin"))
            let bad = try await app.get("/c/grenoble-alpes/journal?du=hier").text
            #expect(bad.contains("Une date au format AAAA-MM-JJ."))
            let later = try await app.get("/c/grenoble-alpes/journal?du=2099-01-01").text
            #expect(later.contains("Aucun acte public pour ce filtre."))

            // Editing one stored row offline breaks the chain there, and verify says so.
            let sql = app.db as! any SQLDatabase
            let position = chain[chain.count - 3].entry.position
            try await sql.raw("UPDATE journal_entries SET summary = 'Autre chose' WHERE community_id = \(bind: grenoble.id!) AND position = \(bind: position)").run()
            #expect(JournalChain.firstBroken(try await JournalStore(database: app.db).chain(of: grenoble.id!)) == position)
            #expect(!(await Self.verify(app, "journal")))
            #expect(!(await Self.verify(app, "toutes")))
            // Removing a row is found too.
            try await sql.raw("UPDATE journal_entries SET summary = 'Des bras pour le jardin ' || \(bind: ProposalTests.hostile) WHERE community_id = \(bind: grenoble.id!) AND position = \(bind: position)").run()
            #expect(JournalChain.firstBroken(try await JournalStore(database: app.db).chain(of: grenoble.id!)) == nil)
            try await sql.raw("DELETE FROM journal_entries WHERE community_id = \(bind: grenoble.id!) AND position = \(bind: position)").run()
            #expect(JournalChain.firstBroken(try await JournalStore(database: app.db).chain(of: grenoble.id!)) == position)
        }
    }
}
