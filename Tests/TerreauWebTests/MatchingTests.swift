import Fluent
import Foundation
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Connecting needs and resources")
struct MatchingTests {
    static let need: [(String, String)] = [
        ("title", "Bénévoles pour l'atelier vélo"), ("need_type", "volunteers"), ("urgency", "high"), ("skills", "réparer des vélos"),
        ("commune", "38185"), ("themes", "mobilite"), ("availability", "sat-morning"), ("visibility", "public"),
    ]

    @Test("a need's suggestions say why; a connection goes from request to acceptance, notified both ways, contacts shared only then",
          arguments: Engine.available)
    func connection(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let karim = Browser(app), sophie = Browser(app, address: "192.0.2.11"), nadia = Browser(app, address: "192.0.2.12")
            try await karim.signIn("karim@demo.terreau.invalid")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            try await nadia.signIn("nadia@demo.terreau.invalid")
            let need = try InventoryTests.itemID(try await karim.post("/c/grenoble-alpes/inventaire/nouveau/besoin", Self.need))

            // Nobody answers yet: the report lists the need, its page says so.
            let before = try await app.get("/c/grenoble-alpes/besoins-non-couverts")
            #expect(before.status == .ok)
            #expect(before.text.contains("Bénévoles pour l&#39;atelier vélo") || before.text.contains("Bénévoles pour l'atelier vélo"))
            #expect(try await karim.get("/c/grenoble-alpes/inventaire/\(need)").text.contains("Aucune suggestion pour l"))

            // Sophie's portrait holds the everyday « réparer un vélo », narrower than the ESCO skill asked for.
            let portrait = try InventoryTests.itemID(try await sophie.post("/c/grenoble-alpes/inventaire/nouveau/portrait", [
                ("title", "Sophie, mécano du dimanche"), ("skills", "réparer un vélo"), ("commune", "38185"), ("availability", "sat-morning"),
                ("visibility", "members")]))
            let page = try await karim.get("/c/grenoble-alpes/inventaire/\(need)").text
            #expect(page.contains("Sophie, mécano du dimanche"))
            #expect(page.contains("Sait « réparer un vélo », une forme plus précise de « réparer des bicyclettes »."))
            #expect(page.contains("Dans la même commune : Grenoble."))
            #expect(page.contains("Disponible aux mêmes moments : samedi matin."))
            // S6: a visitor sees the public need but not the members-only portrait among its suggestions.
            let anonymous = try await app.get("/c/grenoble-alpes/inventaire/\(need)")
            #expect(anonymous.status == .ok)
            #expect(!anonymous.text.contains("Sophie, mécano du dimanche"))

            // Karim asks, on the need's behalf.
            let asked = try await karim.post("/c/grenoble-alpes/inventaire/\(portrait)/mise-en-relation", [("about", need), ("message", "Bonjour, un samedi ?")])
            #expect(asked.status == .seeOther)
            let again = try await karim.post("/c/grenoble-alpes/inventaire/\(portrait)/mise-en-relation", [("about", need)])
            #expect(again.status == .seeOther)
            #expect(try await app.count("connections") == 1)
            let connection = try #require(try await ConnectionRecord.query(on: app.db).first())
            #expect(connection.status == "requested")
            #expect(connection.$about.id?.uuidString == need)
            let sophiePerson = try await Self.person(app, "sophie@demo.terreau.invalid"), karimPerson = try await Self.person(app, "karim@demo.terreau.invalid")
            #expect(connection.$recipient.id == sophiePerson)
            let told = try await NotificationRecord.query(on: app.db).filter(\.$person.$id == sophiePerson).filter(\.$kind == "connection").all()
            #expect(told.map(\.messageKey) == ["notification.connectionRequested"])
            #expect(try await sophie.get("/moi/notifications").text.contains("demande une mise en relation à propos de « Sophie, mécano du dimanche »"))

            // Before acceptance neither sees the other's address.
            #expect(!(try await karim.get("/moi/mises-en-relation").text.contains("sophie@demo.terreau.invalid")))
            let incoming = try await sophie.get("/moi/mises-en-relation").text
            #expect(incoming.contains("Bonjour, un samedi ?"))
            #expect(!incoming.contains("karim@demo.terreau.invalid"))
            // Only its recipient may answer.
            #expect(try await nadia.post("/moi/mises-en-relation/\(connection.id!.uuidString)", [("decision", "accepted")]).status == .notFound)
            #expect(try await karim.post("/moi/mises-en-relation/\(connection.id!.uuidString)", [("decision", "accepted")]).status == .notFound)

            #expect(try await sophie.post("/moi/mises-en-relation/\(connection.id!.uuidString)", [("decision", "accepted")]).status == .seeOther)
            let accepted = try #require(try await ConnectionRecord.find(connection.id, on: app.db))
            #expect(accepted.status == "accepted")
            #expect(accepted.decidedAt != nil)
            let answer = try await NotificationRecord.query(on: app.db).filter(\.$person.$id == karimPerson).filter(\.$kind == "connection").all()
            #expect(answer.map(\.messageKey) == ["notification.connectionAccepted"])
            #expect(try await karim.get("/moi/mises-en-relation").text.contains("sophie@demo.terreau.invalid"))
            #expect(try await sophie.get("/moi/mises-en-relation").text.contains("karim@demo.terreau.invalid"))

            // Answered now: the report no longer lists the need.
            let after = try await karim.get("/c/grenoble-alpes/besoins-non-couverts").text
            #expect(after.contains("Aucun."))
        }
    }

    static func person(_ app: Application, _ email: String) async throws -> UUID {
        try #require(try await AccountRecord.query(on: app.db).filter(\.$email == email).first()).$person.id
    }

    @Test("bad requests: a long message, one's own record, a record nobody can receive — nothing stored, said in French")
    func refusals() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedInventory()
            let karim = Browser(app)
            try await karim.signIn("karim@demo.terreau.invalid")
            let need = try InventoryTests.itemID(try await karim.post("/c/grenoble-alpes/inventaire/nouveau/besoin", Self.need))
            let own = try await karim.post("/c/grenoble-alpes/inventaire/\(need)/mise-en-relation", [])
            #expect(own.status == .seeOther)
            #expect(try await karim.get("/c/grenoble-alpes/inventaire/\(need)").text.contains("Personne ne peut recevoir de demande pour cette fiche."))
            let sophie = Browser(app, address: "192.0.2.11")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            _ = try await sophie.post("/c/grenoble-alpes/inventaire/\(need)/mise-en-relation", [("message", String(repeating: "é", count: 1001))])
            let refused = try await sophie.get("/c/grenoble-alpes/inventaire/\(need)").text
            #expect(refused.contains("Message : 1"))
            // What she typed is there again (R8).
            #expect(refused.contains(String(repeating: "é", count: 1001)))
            #expect(try await app.count("connections") == 0)
            // Hostile text is kept as text (S7).
            _ = try await sophie.post("/c/grenoble-alpes/inventaire/\(need)/mise-en-relation", [("message", "<script>alert(1)</script>")])
            let shown = try await karim.get("/moi/mises-en-relation").text
            #expect(shown.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!shown.contains("<script>alert(1)"))
        }
    }

    @Test("associations in the same field, their network, and missions for young people")
    func fieldsAndYoung() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedInventory()
            let karim = Browser(app)
            try await karim.signIn("karim@demo.terreau.invalid")
            for (name, object) in [("Atelier vélo du Drac", "Réparation de vélos et ateliers participatifs de mécanique vélo."),
                                   ("Vélo pour toutes", "Promouvoir le vélo au quotidien, réparation et prêt de vélos.")] {
                let created = try await karim.post("/c/grenoble-alpes/organisations", [("kind", "collective"), ("name", name), ("object", object)])
                #expect(created.status == .seeOther, "\(created.text.prefix(1500))")
            }
            // Fields of action come from the register (the form does not ask for them).
            try await OrganisationRecord.query(on: app.db).filter(\.$name ~~ "Vélo").set(\.$themes, to: "mobilite").update()
            let drac = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Atelier vélo du Drac").first())
            let page = try await app.get("/c/grenoble-alpes/organisations/\(drac.id!.uuidString)").text
            #expect(page.contains("Associations proches"))
            #expect(page.contains("Vélo pour toutes"))
            #expect(page.contains("Domaines en commun : Mobilité"))
            let network = try await app.get("/c/grenoble-alpes/reseau-des-organisations")
            #expect(network.status == .ok)
            #expect(network.text.contains("<svg class=\"network-svg\""))
            #expect(network.text.contains("<line "))
            #expect(network.text.contains("Vélo pour toutes"))

            // A young person's portrait ranks the missions open to young people.
            _ = try await karim.post("/c/grenoble-alpes/inventaire/nouveau/offre", [
                ("title", "Stage associatif : atelier de réparation"), ("offer_type", "internship"), ("for_young", "yes"), ("skills", "réparer un vélo"),
                ("visibility", "public")])
            _ = try await karim.post("/c/grenoble-alpes/inventaire/nouveau/offre", [
                ("title", "Mission de bénévolat : potager"), ("offer_type", "volunteering"), ("for_young", "yes"), ("skills", "jardiner"), ("visibility", "public")])
            let anonymous = try await app.get("/c/grenoble-alpes/jeunes")
            #expect(anonymous.status == .ok)
            #expect(anonymous.text.contains("Stage associatif : atelier de réparation") && anonymous.text.contains("Mission de bénévolat : potager"))
            let sophie = Browser(app, address: "192.0.2.11")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            _ = try await sophie.post("/c/grenoble-alpes/inventaire/nouveau/portrait", [("title", "Sophie"), ("skills", "jardiner"), ("age_band", "18-25")])
            let ranked = try await sophie.get("/c/grenoble-alpes/jeunes").text
            let garden = try #require(ranked.range(of: "Mission de bénévolat : potager")), repair = try #require(ranked.range(of: "Stage associatif : atelier de réparation"))
            #expect(garden.lowerBound < repair.lowerBound)
            #expect(ranked.contains("Sait « jardiner », la compétence demandée."))
        }
    }
}
