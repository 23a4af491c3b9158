import Fluent
import Foundation
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("The published diagnostic: an edition per adopted publication decision, frozen, printable, comparable")
struct DiagnosticTests {
    @Test("published after the decision only, once; its figures frozen; two editions compared; no count under five people", arguments: Engine.available)
    func editions(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            try await DemoDecisions.ensure(on: app.db, now: Date())
            let b = try await RegisterTests.browsers(app, ["camille", "sophie", "karim"])
            let grenoble = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            let decision = try #require(try await DiagnosticStore(database: app.db).eligible(grenoble).first)
            #expect(try await b["sophie"]!.post("/c/grenoble-alpes/diagnostic", [("decision", decision.id!.uuidString)]).status == .forbidden)
            let wrong = try await b["camille"]!.post("/c/grenoble-alpes/diagnostic", [("decision", UUID().uuidString)])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("Choisissez une décision de publication adoptée qui n’a pas encore d’édition."))
            #expect(try await b["karim"]!.post("/c/grenoble-alpes/inventaire/nouveau/portrait", [("title", "Karim"), ("commune", "38151"),
                ("visibility", "members")]).status == .seeOther)
            #expect(try await b["camille"]!.post("/c/grenoble-alpes/diagnostic", [("decision", decision.id!.uuidString)]).location == "/c/grenoble-alpes/diagnostic/1")
            #expect(try await b["camille"]!.post("/c/grenoble-alpes/diagnostic", [("decision", decision.id!.uuidString)]).status == .unprocessableEntity,
                    "one edition per decision")
            let first = try #require(try await DiagnosticEditionRecord.query(on: app.db).first()?.content)
            #expect(first.figures.first { $0.key == "portraits" }?.value == 1)
            #expect(first.coverage.first { $0.code == "38151" }?.portraits == nil, "one portrait: withheld")
            let report = try await app.get("/c/grenoble-alpes/diagnostic/1").text
            #expect(report.contains("Le diagnostic, édition 1"))
            #expect(report.contains("&lt; 5"))
            #expect(report.contains("Publier le diagnostic de printemps"))

            // A second decision, later figures, a second edition: the first one has not moved.
            let again = DecisionRecord()
            again.kind = decision.kind
            again.method = decision.method
            again.title = "Publier le diagnostic d'automne"
            again.text = decision.text
            again.options = decision.options
            again.grades = decision.grades
            again.settings = decision.settings
            again.phase = decision.phase
            again.electorateKind = decision.electorateKind
            again.$community.id = grenoble.id!
            again.rulesVersion = decision.rulesVersion
            again.secret = decision.secret
            again.round = 1
            again.createdAt = Date()
            again.closedAt = Date()
            again.result = decision.result
            try await again.create(on: app.db)
            for index in 1...5 {
                _ = try await b["camille"]!.post("/c/grenoble-alpes/inventaire/nouveau/besoin", [("title", "Besoin \(index)"), ("need_type", "volunteers"),
                    ("urgency", "normal"), ("visibility", "public")])
            }
            #expect(try await b["camille"]!.post("/c/grenoble-alpes/diagnostic", [("decision", again.id!.uuidString)]).location == "/c/grenoble-alpes/diagnostic/2")
            #expect(try await DiagnosticEditionRecord.query(on: app.db).filter(\.$number == 1).first()?.content == first, "an edition never changes")
            let compared = try await app.get("/c/grenoble-alpes/diagnostic?de=1&a=2").text
            #expect(compared.contains("De l’édition 1 à l’édition 2"))
            #expect(compared.contains("<th scope=\"row\">Besoins</th><td class=\"num\">0</td><td class=\"num\">5</td><td class=\"num\">+5</td>"))
            let grenobleID = grenoble.id!
            #expect(try await JournalStore(database: app.db).chain(of: grenobleID).filter { $0.entry.subject == .edition }.count == 2)
        }
    }
}
