import Fluent
import Foundation
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Collectives of organisations")
struct CollectiveTests {
    /// Karim runs the cycling workshop, Sophie the repair café: each is the admin of the one they add.
    static func organisations(_ app: Application, _ karim: Browser, _ sophie: Browser) async throws -> (workshop: String, café: String) {
        for (browser, name, object) in [(karim, "Atelier vélo du Drac", "Réparation de vélos et ateliers participatifs."),
                                        (sophie, "Repair café Berriat", "Réparer ensemble plutôt que jeter : vélos, petit électroménager.")] {
            let created = try await browser.post("/c/grenoble-alpes/organisations", [("kind", "collective"), ("name", name), ("object", object)])
            #expect(created.status == .seeOther)
        }
        let workshop = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Atelier vélo du Drac").first())
        let café = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Repair café Berriat").first())
        return (workshop.id!.uuidString, café.id!.uuidString)
    }

    @Test("an organisation starts a collective, invites another, which joins then leaves; each step is told and recorded",
          arguments: Engine.available)
    func lifecycle(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let karim = Browser(app), sophie = Browser(app, address: "192.0.2.11"), nadia = Browser(app, address: "192.0.2.12")
            try await karim.signIn("karim@demo.terreau.invalid")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            try await nadia.signIn("nadia@demo.terreau.invalid")
            let (workshop, café) = try await Self.organisations(app, karim, sophie)

            // Only the workshop's admin is offered, and allowed, to start one from it.
            #expect(try await karim.get("/c/grenoble-alpes/organisations/\(workshop)").text.contains("Lancer un collectif"))
            #expect(!(try await sophie.get("/c/grenoble-alpes/organisations/\(workshop)").text.contains("Lancer un collectif")))
            #expect(try await sophie.get("/c/grenoble-alpes/organisations/\(workshop)/nouveau-collectif").status == .forbidden)
            let form = try await karim.get("/c/grenoble-alpes/organisations/\(workshop)/nouveau-collectif")
            #expect(form.status == .ok)
            #expect(form.text.contains("Repair café Berriat"))

            let started = try await karim.post("/c/grenoble-alpes/organisations/\(workshop)/nouveau-collectif", [
                ("name", "Collectif vélo Grenoble sud"), ("object", "Une bourse aux vélos au printemps."), ("theme", "mobilite"),
                ("duration", "one_off"), ("ends_on", "2099-06-30"), ("invite[]", café)])
            #expect(started.status == .seeOther)
            let collective = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Collectif vélo Grenoble sud").first())
            #expect(collective.kind == "collective")
            #expect(collective.themes == "mobilite")
            let collectiveID = collective.id!.uuidString
            #expect(started.location == "/c/grenoble-alpes/organisations/\(collectiveID)")
            let rows = try await CollectiveMemberRecord.query(on: app.db).filter(\.$collective.$id == collective.id!).all()
            #expect(Dictionary(uniqueKeysWithValues: rows.map { ($0.$organisation.id.uuidString, $0.status) }) == [workshop: "joined", café: "invited"])

            // Sophie, the café's admin, is told and answers from the collective's page.
            let sophiePerson = try await MatchingTests.person(app, "sophie@demo.terreau.invalid")
            let told = try await NotificationRecord.query(on: app.db).filter(\.$person.$id == sophiePerson).filter(\.$messageKey == "notification.collectiveInvitation").all()
            #expect(told.count == 1)
            #expect(try await sophie.get("/moi/notifications").text.contains("Atelier vélo du Drac invite Repair café Berriat à rejoindre le collectif « Collectif vélo Grenoble sud »"))
            let page = try await sophie.get("/c/grenoble-alpes/organisations/\(collectiveID)").text
            #expect(page.contains("Ponctuel, jusqu&#39;au 30/06/2099") || page.contains("Ponctuel, jusqu'au 30/06/2099"))
            #expect(page.contains("Repair café Berriat est invitée à rejoindre ce collectif."))
            // Someone who is not the café's admin cannot answer for it.
            #expect(try await nadia.post("/c/grenoble-alpes/organisations/\(collectiveID)/reponse", [("member", café), ("decision", "join")]).status == .forbidden)
            #expect(try await sophie.post("/c/grenoble-alpes/organisations/\(collectiveID)/reponse", [("member", café), ("decision", "join")]).status == .seeOther)
            let joined = try #require(try await CollectiveMemberRecord.query(on: app.db).filter(\.$organisation.$id == UUID(uuidString: café)!).first())
            #expect(joined.status == "joined")
            #expect(joined.joinedAt != nil)
            #expect(joined.$answeredBy.id == sophiePerson)
            let karimPerson = try await MatchingTests.person(app, "karim@demo.terreau.invalid")
            #expect(try await NotificationRecord.query(on: app.db).filter(\.$person.$id == karimPerson)
                .filter(\.$messageKey == "notification.collective.joined").count() == 1)
            let members = try await app.get("/c/grenoble-alpes/organisations/\(collectiveID)").text
            #expect(members.contains("Organisations membres"))
            #expect(members.contains("Repair café Berriat</a> — membre depuis le"))
            // The café's own page lists the collective it belongs to.
            #expect(try await app.get("/c/grenoble-alpes/organisations/\(café)").text.contains("Collectif vélo Grenoble sud</a> — membre depuis le"))

            // Joining twice is refused and said, without a change.
            _ = try await sophie.post("/c/grenoble-alpes/organisations/\(collectiveID)/reponse", [("member", café), ("decision", "join")])
            #expect(try await sophie.get("/c/grenoble-alpes/organisations/\(collectiveID)").text.contains("Ce n&#39;est pas possible"))

            // Leaving is recorded; the collective's admin sees it and may invite again.
            #expect(try await sophie.post("/c/grenoble-alpes/organisations/\(collectiveID)/reponse", [("member", café), ("decision", "leave")]).status == .seeOther)
            #expect(try await CollectiveMemberRecord.query(on: app.db).filter(\.$organisation.$id == UUID(uuidString: café)!).first()?.status == "left")
            let adminView = try await karim.get("/c/grenoble-alpes/organisations/\(collectiveID)").text
            #expect(adminView.contains("Ont décliné ou quitté"))
            #expect(adminView.contains("Repair café Berriat</a> — a quitté le"))
            #expect(try await karim.post("/c/grenoble-alpes/organisations/\(collectiveID)/invitations", [("invite[]", café)]).status == .seeOther)
            #expect(try await karim.get("/c/grenoble-alpes/organisations/\(collectiveID)").text.contains("1 organisation invitée."))
            #expect(try await CollectiveMemberRecord.query(on: app.db).filter(\.$organisation.$id == UUID(uuidString: café)!).first()?.status == "invited")
            #expect(try await CollectiveMemberRecord.query(on: app.db).filter(\.$collective.$id == collective.id!).count() == 2)
            // Only the collective's admins invite.
            #expect(try await sophie.post("/c/grenoble-alpes/organisations/\(collectiveID)/invitations", [("invite[]", workshop)]).status == .forbidden)
        }
    }

    @Test("an organisation asks to join and the collective answers; an invitation shows on the invited organisation's page; invited by typed name",
          arguments: Engine.available)
    func askAndInviteByName(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let karim = Browser(app), sophie = Browser(app, address: "192.0.2.11")
            try await karim.signIn("karim@demo.terreau.invalid")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            let (workshop, café) = try await Self.organisations(app, karim, sophie)
            // The form offers a name field with the community's names, not a box per organisation.
            let form = try await karim.get("/c/grenoble-alpes/organisations/\(workshop)/nouveau-collectif").text
            #expect(form.contains(#"list="organisation-names""#))
            #expect(form.contains(#"<option value="Repair café Berriat"></option>"#))
            // A name that matches no organisation is named back; nothing is created.
            let unknown = try await karim.post("/c/grenoble-alpes/organisations/\(workshop)/nouveau-collectif", [
                ("name", "Collectif sans invité"), ("object", ""), ("theme", "mobilite"), ("duration", "permanent"), ("invite_name[]", "Café fantôme")])
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.text.contains("Aucune organisation de la communauté ne porte ce nom : « Café fantôme »"))
            #expect(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Collectif sans invité").count() == 0)
            _ = try await karim.post("/c/grenoble-alpes/organisations/\(workshop)/nouveau-collectif", [
                ("name", "Collectif des ateliers"), ("object", ""), ("theme", "mobilite"), ("duration", "permanent")])
            let collective = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Collectif des ateliers").first())
            let collectiveID = collective.id!.uuidString

            // Sophie asks on the café's behalf; Karim is told and accepts.
            let offer = try await sophie.get("/c/grenoble-alpes/organisations/\(collectiveID)").text
            #expect(offer.contains("Demander à rejoindre le collectif"))
            #expect(try await karim.post("/c/grenoble-alpes/organisations/\(collectiveID)/reponse", [("member", café), ("decision", "ask")]).status == .forbidden,
                    "only the café's admins ask for it")
            #expect(try await sophie.post("/c/grenoble-alpes/organisations/\(collectiveID)/reponse", [("member", café), ("decision", "ask")]).status == .seeOther)
            #expect(try await CollectiveMemberRecord.query(on: app.db).filter(\.$organisation.$id == UUID(uuidString: café)!).first()?.status == "asked")
            let karimPerson = try await MatchingTests.person(app, "karim@demo.terreau.invalid")
            #expect(try await NotificationRecord.query(on: app.db).filter(\.$person.$id == karimPerson).filter(\.$messageKey == "notification.collective.asked").count() == 1)
            #expect(try await sophie.post("/c/grenoble-alpes/organisations/\(collectiveID)/reponse", [("member", café), ("decision", "accept")]).status == .forbidden,
                    "the café does not accept itself")
            let request = try await karim.get("/c/grenoble-alpes/organisations/\(collectiveID)").text
            #expect(request.contains("Repair café Berriat demande à rejoindre le collectif."))
            #expect(try await karim.post("/c/grenoble-alpes/organisations/\(collectiveID)/reponse", [("member", café), ("decision", "accept")]).status == .seeOther)
            #expect(try await CollectiveMemberRecord.query(on: app.db).filter(\.$organisation.$id == UUID(uuidString: café)!).first()?.status == "joined")
            let sophiePerson = try await MatchingTests.person(app, "sophie@demo.terreau.invalid")
            #expect(try await NotificationRecord.query(on: app.db).filter(\.$person.$id == sophiePerson)
                .filter(\.$messageKey == "notification.collective.request.joined").count() == 1)

            // Invited by its name typed without accents or capitals, the café sees the invitation on its own page.
            _ = try await sophie.post("/c/grenoble-alpes/organisations/\(collectiveID)/reponse", [("member", café), ("decision", "leave")])
            #expect(try await karim.post("/c/grenoble-alpes/organisations/\(collectiveID)/invitations", [("invite_name[]", "repair cafe berriat")]).status == .seeOther)
            #expect(try await CollectiveMemberRecord.query(on: app.db).filter(\.$organisation.$id == UUID(uuidString: café)!).first()?.status == "invited")
            let own = try await sophie.get("/c/grenoble-alpes/organisations/\(café)").text
            #expect(own.contains("Invitations en attente"))
            #expect(own.contains("Collectif des ateliers</a> — invitée le"))
            #expect(!(try await app.get("/c/grenoble-alpes/organisations/\(café)").text.contains("Invitations en attente")), "not shown to visitors")
        }
    }

    @Test("bad input: no end date, a date gone by, a foreign organisation — said in French, nothing stored, the form kept")
    func refusals() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let karim = Browser(app), sophie = Browser(app, address: "192.0.2.11")
            try await karim.signIn("karim@demo.terreau.invalid")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            let (workshop, café) = try await Self.organisations(app, karim, sophie)
            let before = (try await app.count("organisations"), try await app.count("collectives"), try await app.count("collective_members"))
            let path = "/c/grenoble-alpes/organisations/\(workshop)/nouveau-collectif"
            let noDate = try await karim.post(path, [("name", "Fête du vélo"), ("theme", "mobilite"), ("duration", "one_off"), ("invite[]", café)])
            #expect(noDate.status == .unprocessableEntity)
            #expect(noDate.text.contains("Date de fin : obligatoire pour un collectif ponctuel"))
            #expect(noDate.text.contains("value=\"Fête du vélo\""))
            #expect(noDate.text.contains("value=\"\(café)\" checked"))
            let past = try await karim.post(path, [("name", "Fête du vélo"), ("theme", "mobilite"), ("duration", "one_off"), ("ends_on", "2001-01-01")])
            #expect(past.text.contains("Date de fin : elle est déjà passée."))
            let foreign = try await karim.post(path, [("name", "Fête du vélo"), ("theme", "mobilite"), ("duration", "permanent"), ("invite[]", UUID().uuidString)])
            #expect(foreign.status == .unprocessableEntity)
            #expect(foreign.text.contains("Organisations à inviter : l&#39;une d&#39;elles n&#39;existe pas"))
            let hostile = try await karim.post(path, [("name", "<script>alert(1)</script>"), ("theme", "pas-un-theme"), ("duration", "permanent")])
            #expect(hostile.text.contains("Thème : choisissez un thème de la liste."))
            #expect(hostile.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!hostile.text.contains("<script>alert(1)"))
            #expect(try await app.count("organisations") == before.0)
            #expect(try await app.count("collectives") == before.1)
            #expect(try await app.count("collective_members") == before.2)
        }
    }
}
