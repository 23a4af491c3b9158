import Fluent
import Foundation
import TerreauCore
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

/// The resident's journey (issue 22): « Je peux aider » on a need, whoever reads it.
@Suite("From « I can help » to helping")
struct ResidentJourneyTests {
    /// A need about bikes entered by Camille in Grenoble-Alpes, with the skill « réparer des vélos ».
    static func bikeNeed(_ app: Application) async throws -> (path: String, id: UUID) {
        let community = try await DecisionTests.grenoble(app)
        let camille = try await MatchingTests.person(app, "camille@demo.terreau.invalid")
        let need = try await InventoryStore(database: app.db).create(.init(kind: .need, values: [
            "title": "Remettre en état six vélos pour l'atelier des jeunes", "visibility": "public", "commune": "38185",
            "description": "Six vélos donnés attendent des freins et des chambres à air.",
        ], terms: []), community: community.id!, author: camille, summary: "", now: app.clock.now())
        return ("/c/grenoble-alpes/inventaire/\(need.id!.uuidString)", need.id!)
    }

    /// Joins Grenoble-Alpes as a resident, accepting the charter version the form shows.
    static func join(_ browser: Browser) async throws -> TestingHTTPResponse {
        let form = try await browser.get("/c/grenoble-alpes/rejoindre").text
        let version = try #require(form.range(of: #"name="charter_version" value="[0-9]+""#, options: .regularExpression)
            .map { String(form[$0].dropFirst(#"name="charter_version" value=""#.count).dropLast()) })
        return try await browser.post("/c/grenoble-alpes/rejoindre", [("actor_kind", "resident"), ("accept_charter", "yes"), ("charter_version", version)])
    }

    static func textarea(_ page: String) -> String? {
        guard let start = page.range(of: #"<textarea id="connect-message"[^>]*>"#, options: .regularExpression),
              let end = page.range(of: "</textarea>", range: start.upperBound..<page.endIndex) else { return nil }
        return String(page[start.upperBound..<end.lowerBound])
    }

    @Test("a visitor writes « Je peux aider », signs in, and finds the message ready to send; no session just to read", arguments: Engine.available)
    func visitorHelps(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let (path, need) = try await Self.bikeNeed(app)
            let visitor = Browser(app)
            let page = try await visitor.get(path).text
            #expect(page.contains("<h2 id=\"connect-title\">Je peux aider</h2>") && page.contains("action=\"\(path)/aider\""))
            #expect(visitor.sessionID == nil, "reading a need starts no session")
            // The form needs no token before there is a session; the message is kept, the way back too.
            let offered = try await visitor.post(path + "/aider", [("message", "Je répare des vélos depuis vingt ans <b>gratuit</b>.")], csrf: false)
            #expect(offered.status == .seeOther && offered.location == "/connexion?retour=" + path)
            _ = try await visitor.get("/connexion?retour=" + path)
            // Once the session holds a form token, it is required as everywhere (S10).
            #expect(try await visitor.post(path + "/aider", [("message", "x")], csrf: false).status == .forbidden)
            let signedIn = try await visitor.post("/connexion", [("email", "karim@demo.terreau.invalid"), ("password", DemoPeople.password), ("retour", path)])
            #expect(signedIn.location == path)
            let ready = try await visitor.get(path).text
            #expect(Self.textarea(ready) == "Je répare des vélos depuis vingt ans &lt;b&gt;gratuit&lt;/b&gt;.")
            let sent = try await visitor.post(path + "/mise-en-relation", [("message", "Je répare des vélos depuis vingt ans <b>gratuit</b>.")])
            #expect(sent.status == .seeOther)
            let connection = try #require(try await ConnectionRecord.query(on: app.db).filter(\.$item.$id == need).first())
            #expect(connection.message == "Je répare des vélos depuis vingt ans <b>gratuit</b>." && connection.status == "requested")
            // The other side sees it.
            let camille = Browser(app)
            try await camille.signIn("camille@demo.terreau.invalid")
            #expect(try await camille.get("/moi/mises-en-relation").text.contains("Remettre en état six vélos"))
        }
    }

    @Test("someone signed in but not a member joins on the way, then finds the message ready", arguments: Engine.available)
    func nonMemberJoinsToHelp(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let (path, _) = try await Self.bikeNeed(app)
            let paul = Browser(app)
            try await paul.signIn("paul@demo.terreau.invalid")
            let page = try await paul.get(path).text
            #expect(page.contains("Vous rejoindrez ensuite la communauté"))
            let offered = try await paul.post(path + "/aider", [("message", "Je peux prêter mon atelier.")])
            #expect(offered.location == "/c/grenoble-alpes/rejoindre")
            let joined = try await Self.join(paul)
            #expect(joined.location == path + "#aider")
            #expect(Self.textarea(try await paul.get(path).text) == "Je peux prêter mon atelier.")
        }
    }

    @Test("a newcomer who signs up from a need confirms, signs in, joins, and is back on the need with the message ready", arguments: Engine.available)
    func newcomerHelps(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let (path, need) = try await Self.bikeNeed(app)
            let newcomer = Browser(app)
            let page = try await newcomer.get(path).text
            #expect(page.contains("href=\"/inscription?depuis=\(path)\""), "the sign-up link says where the person came from")
            _ = try await newcomer.post(path + "/aider", [("message", "J'ai un atelier vélo au garage.")], csrf: false)
            _ = try await newcomer.get("/inscription?depuis=" + path)
            #expect(try await newcomer.post("/inscription", [("display_name", "Malik"), ("email", "malik@exemple.fr"),
                                                             ("password", "la roue tourne dans la rue")]).status == .ok)
            let link = try #require(try await app.lastMail(to: "malik@exemple.fr")?.link)
            _ = try await newcomer.get(link)
            let confirmed = try await newcomer.post(link)
            #expect(confirmed.location == "/connexion?retour=/c/grenoble-alpes/rejoindre", "on the way to joining the community")
            let signedIn = try await newcomer.post("/connexion", [("email", "malik@exemple.fr"), ("password", "la roue tourne dans la rue"),
                                                                  ("retour", "/c/grenoble-alpes/rejoindre")])
            #expect(signedIn.location == "/c/grenoble-alpes/rejoindre")
            let joined = try await Self.join(newcomer)
            #expect(joined.location == path + "#aider")
            #expect(Self.textarea(try await newcomer.get(path).text) == "J&#39;ai un atelier vélo au garage.")
            _ = try await newcomer.post(path + "/mise-en-relation", [("message", "J'ai un atelier vélo au garage.")])
            #expect(try await ConnectionRecord.query(on: app.db).filter(\.$item.$id == need).count() == 1)
        }
    }

    @Test("« Je viens d'arriver »: the answers of a visitor wait through sign-up, confirmation, sign-in and joining, then become the portrait", arguments: Engine.available)
    func welcomeAnswersCarryIntoTheAccount(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let visitor = Browser(app)
            _ = try await visitor.get("/c/grenoble-alpes/bienvenue")
            let answers: [(String, String)] = [("title", "Awa"), ("commune", "38185"), ("skills", "réparer un vélo"), ("availability", "sat-morning"),
                                               ("themes", "mobilite")]
            let results = try await visitor.post("/c/grenoble-alpes/bienvenue", [("step", "3")] + answers)
            #expect(results.text.contains(#"name="keep" value="yes""#))
            let kept = try await visitor.post("/c/grenoble-alpes/bienvenue", [("step", "4"), ("keep", "yes")] + answers)
            #expect(kept.location == "/inscription")
            #expect(try await app.count("inventory_items") == 0, "nothing stored for a visitor")
            _ = try await visitor.get("/inscription")
            #expect(try await visitor.post("/inscription", [("display_name", "Awa Diallo"), ("email", "awa@exemple.fr"),
                                                          ("password", "mon vélo roule encore bien")]).status == .ok)
            let link = try #require(try await app.lastMail(to: "awa@exemple.fr")?.link)
            _ = try await visitor.get(link)
            #expect(try await visitor.post(link).location == "/connexion?retour=/c/grenoble-alpes/rejoindre")
            _ = try await visitor.post("/connexion", [("email", "awa@exemple.fr"), ("password", "mon vélo roule encore bien"),
                                                      ("retour", "/c/grenoble-alpes/rejoindre")])
            let joined = try await Self.join(visitor)
            #expect(joined.location == "/c/grenoble-alpes/bienvenue?reprendre=1")
            let back = try await visitor.get("/c/grenoble-alpes/bienvenue?reprendre=1")
            #expect(back.text.contains(#"name="save" value="yes""#))
            #expect(back.text.contains(#"name="skills" value="réparer un vélo""#))
            let saved = try await visitor.post("/c/grenoble-alpes/bienvenue", [("step", "4"), ("save", "yes")] + answers)
            #expect(saved.status == .seeOther)
            let awa = try await MatchingTests.person(app, "awa@exemple.fr")
            let portrait = try #require(try await InventoryItemRecord.query(on: app.db).filter(\.$person.$id == awa).first())
            #expect(portrait.title == "Awa")
            #expect(InventoryStore.decode(portrait.fields)["skills"] == "réparer un vélo")
            // The draft is spent: coming back shows the first step again.
            #expect(try await visitor.get("/c/grenoble-alpes/bienvenue?reprendre=1").text.contains("Étape 1 sur 3"))
        }
    }

    @Test("search first: equivalent words, a same title grouped, broader searches and « record this need » when nothing is found", arguments: Engine.available)
    func searchFirst(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let (_, id) = try await Self.bikeNeed(app)
            let community = try await DecisionTests.grenoble(app)
            let camille = try await MatchingTests.person(app, "camille@demo.terreau.invalid")
            for commune in ["38185", "38151"] {
                _ = try await InventoryStore(database: app.db).create(.init(kind: .need, values: [
                    "title": "Un local pour stocker du matériel", "visibility": "public", "commune": commune,
                ], terms: []), community: community.id!, author: camille, summary: "", now: app.clock.now())
            }
            // The need says « vélos » and names no skill: « bicyclette » finds it through the
            // vocabulary's equivalent words (ESCO: « réparer des bicyclettes » / « réparer des vélos »…).
            let bicycle = try await app.get("/c/grenoble-alpes/inventaire?q=bicyclette")
            #expect(bicycle.text.contains("Remettre en état six vélos"))
            #expect(bicycle.text.contains(id.uuidString))
            // One entry for the same title, its other place under it.
            let storage = try await app.get("/c/grenoble-alpes/inventaire?q=local+stocker")
            #expect(storage.text.components(separatedBy: "<h3><a").count - 1 == 1)
            #expect(storage.text.contains("Aussi à 1 autre endroit :"))
            #expect(storage.text.contains("2 résultats"))
            // Nothing found: each word alone, the whole community; a visitor is not offered to record it.
            let none = try await app.get("/c/grenoble-alpes/inventaire?q=v%C3%A9lo+piscine&commune=38151")
            #expect(none.text.contains("0 résultat"))
            #expect(none.text.contains("Rien trouvé. Essayez plutôt :"))
            #expect(none.text.contains("seulement « vélo » · dans toutes les communes : 1 résultat"))
            #expect(!none.text.contains("seulement « piscine »"), "a broader search that finds nothing is not offered")
            #expect(!none.text.contains("Enregistrez ce besoin"))
            // A member is offered to record it, its words as the title.
            let karim = Browser(app)
            try await karim.signIn("karim@demo.terreau.invalid")
            let member = try await karim.get("/c/grenoble-alpes/inventaire?q=piscine")
            #expect(member.text.contains("/c/grenoble-alpes/inventaire/nouveau/besoin?titre=piscine"))
            let form = try await karim.get("/c/grenoble-alpes/inventaire/nouveau/besoin?titre=piscine")
            #expect(form.text.contains(#"value="piscine""#))
        }
    }

    @Test("a portrait lists the needs it could answer; its owner reads « vous », others « cette ressource »", arguments: Engine.available)
    func needsYouCouldAnswer(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let community = try await DecisionTests.grenoble(app)
            let camille = try await MatchingTests.person(app, "camille@demo.terreau.invalid")
            let sophie = try await MatchingTests.person(app, "sophie@demo.terreau.invalid")
            let store = InventoryStore(database: app.db)
            let bike = try #require(try await SkillTermRecord.query(on: app.db).filter(\.$label == "réparer un vélo").first())
            let garden = try #require(try await SkillTermRecord.query(on: app.db).filter(\.$label == "jardiner").first())
            _ = try await store.create(.init(kind: .need, values: [
                "title": "Des mécaniciens pour la bourse aux vélos", "need_type": "volunteers", "urgency": "normal", "visibility": "public",
                "commune": "38185", "skills": "réparer un vélo",
            ], terms: [bike]), community: community.id!, author: camille, summary: "", now: app.clock.now())
            _ = try await store.create(.init(kind: .need, values: [
                "title": "Coup de main au potager", "need_type": "volunteers", "urgency": "normal", "visibility": "public",
                "commune": "38185", "skills": "jardiner",
            ], terms: [garden]), community: community.id!, author: camille, summary: "", now: app.clock.now())
            let portrait = try await store.create(.init(kind: .portrait, values: [
                "title": "Sophie Martin", "visibility": "members", "commune": "38185", "skills": "réparer un vélo",
            ], terms: [bike], person: sophie), community: community.id!, author: sophie, summary: "", now: app.clock.now())
            let browser = Browser(app)
            try await browser.signIn("sophie@demo.terreau.invalid")
            let own = try await browser.get("/c/grenoble-alpes/inventaire/\(portrait.id!.uuidString)")
            #expect(own.text.contains("Besoins auxquels vous pourriez répondre"))
            #expect(own.text.contains("Des mécaniciens pour la bourse aux vélos"))
            #expect(!own.text.contains("Coup de main au potager"))
            #expect(own.text.contains("réparer un vélo"))
            let karim = Browser(app)
            try await karim.signIn("karim@demo.terreau.invalid")
            let other = try await karim.get("/c/grenoble-alpes/inventaire/\(portrait.id!.uuidString)")
            #expect(other.text.contains("Besoins auxquels cette ressource pourrait répondre"))
            #expect(other.text.contains("Des mécaniciens pour la bourse aux vélos"))
        }
    }

    @Test("the organisations directory: words, field, commune and kind narrow it, counts within the other filters, twenty by page", arguments: Engine.available)
    func organisationsDirectory(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let community = try await DecisionTests.grenoble(app)
            try await DemoInventory.generate(DemoInventory.Plan(slug: "grenoble-alpes", seed: 7, portraits: 0, organisations: 36, resources: []),
                community: community, author: nil, database: app.db, now: app.clock.now())
            let total = try await OrganisationRecord.query(on: app.db).filter(\.$community.$id == community.id!).count()
            let all = try await app.get("/c/grenoble-alpes/organisations").text
            #expect(all.contains("\(total) organisations"))
            #expect(all.components(separatedBy: "<li>\n      <h3>").count - 1 == 20, "twenty by page")
            #expect(all.contains(#"href="/c/grenoble-alpes/organisations?page=2" rel="next""#))
            // The bike workshops (18 kinds of group, each twice) and whatever else speaks of bikes in mobility.
            let expected = try await OrganisationRecord.query(on: app.db).filter(\.$community.$id == community.id!).all()
                .filter { $0.themes.split(separator: " ").contains("mobilite") && ($0.name + " " + $0.object).lowercased().contains("vélo") }.count
            #expect(expected >= 2)
            let bikes = try await app.get("/c/grenoble-alpes/organisations?q=v%C3%A9lo&domaine=mobilite").text
            #expect(bikes.contains("\(expected) organisations"))
            #expect(bikes.contains("Atelier vélo solidaire"))
            #expect(!bikes.contains("Chorale"))
            #expect(bikes.contains(#"<option value="mobilite" selected>Mobilité (\#(expected))</option>"#))
            #expect(bikes.contains("tout afficher"))
            let kinds = try await app.get("/c/grenoble-alpes/organisations?type=company").text
            #expect(!kinds.contains("Atelier vélo solidaire"))
            // A page past the end shows the last one; a value that is not a choice is ignored.
            #expect(try await app.get("/c/grenoble-alpes/organisations?page=99&domaine=%3Cscript%3E").status == .ok)
        }
    }

    @Test("a skill's page lists the records holding it or a more precise one (the ESCO hierarchy)", arguments: Engine.available)
    func skillPageFollowsTheHierarchy(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let community = try await DecisionTests.grenoble(app)
            let camille = try await MatchingTests.person(app, "camille@demo.terreau.invalid")
            let everyday = try #require(try await SkillTermRecord.query(on: app.db).filter(\.$label == "réparer un vélo").first())
            let esco = try #require(try await SkillTermRecord.query(on: app.db).filter(\.$label == "réparer des bicyclettes").first())
            _ = try await InventoryStore(database: app.db).create(.init(kind: .offer, values: [
                "title": "Réparation de vélos entre voisins", "offer_type": "service", "visibility": "public", "skills": "réparer un vélo",
            ], terms: [everyday]), community: community.id!, author: camille, summary: "", now: app.clock.now())
            let page = try await app.get("/c/grenoble-alpes/competences/\(esco.id!.uuidString)").text
            #expect(page.contains("Qui et quoi, avec ce savoir-faire ou un plus précis"))
            #expect(page.contains("Réparation de vélos entre voisins"))
        }
    }
}
