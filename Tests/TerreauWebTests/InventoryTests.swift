import Fluent
import Foundation
import SQLKit
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

extension Application {
    /// The demo communities and people, and a slice of the shipped vocabulary (the everyday list
    /// and the ESCO terms about bicycles, gardens and cooking) — the whole of ESCO is imported
    /// by its own test.
    func seedInventory() async throws {
        try await seedDemo()
        try await VocabularyStore(database: db).importShared(InventoryTests.vocabulary, now: clock.now())
    }

    var sql: any SQLDatabase { db as! any SQLDatabase }
}

@Suite("Shared inventory")
struct InventoryTests {
    static let vocabulary: [VocabularyEntry] = {
        let all = try! VocabularyStore.shipped(resources: TestApp.root + "/Resources/")
        let linked = Set(all.filter { $0.source == .everyday }.flatMap(\.broader))
        return all.filter { entry in
            entry.source == .everyday || linked.contains(entry.key)
                || ([entry.label] + entry.synonyms).contains { $0.contains("bicyclette") || $0.contains("jardin") || $0.contains("cuisin") }
        }
    }()

    static let need: [(String, String)] = [
        ("title", "Bénévoles pour l'atelier vélo"), ("need_type", "volunteers"), ("urgency", "high"),
        ("skills", "réparer des vélos\njardiner"), ("description", "Deux samedis par mois."), ("commune", "38185"),
        ("themes", "mobilite"), ("themes", "entraide"), ("availability", "sat-morning"), ("summary", "Premier jet"),
    ]

    static func itemID(_ response: TestingHTTPResponse) throws -> String {
        let location = try #require(response.location)
        return String(location.split(separator: "/").last!)
    }

    @Test("a member publishes a need: stored with its skills, themes and first revision; search finds it through a synonym", arguments: Engine.available)
    func createAndFind(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let browser = Browser(app)
            try await browser.signIn("karim@demo.terreau.invalid")
            let form = try await browser.get("/c/grenoble-alpes/inventaire/nouveau/besoin")
            #expect(form.status == .ok)
            #expect(form.text.contains("licence ouverte ODbL"))
            let created = try await browser.post("/c/grenoble-alpes/inventaire/nouveau/besoin", Self.need)
            #expect(created.status == .seeOther, "\(created.text.prefix(2000))")
            let id = try Self.itemID(created)
            let item = try #require(try await InventoryItemRecord.find(UUID(uuidString: id), on: app.db))
            #expect(item.version == 1)
            #expect(item.communeCode == "38185")
            #expect(try await app.count("inventory_item_skills") == 2)
            #expect(try await app.count("inventory_item_themes") == 2)
            let fields = InventoryStore.decode(item.fields)
            // Written as the vocabulary spells it (« réparer des vélos » is a synonym).
            #expect(fields["skills"] == "réparer des bicyclettes\njardiner")
            let page = try await browser.get("/c/grenoble-alpes/inventaire/\(id)")
            #expect(page.text.contains("Bénévoles pour l&#39;atelier vélo"))
            #expect(page.text.contains("réparer des bicyclettes"))
            #expect(page.text.contains("Karim Benali"))
            #expect(page.text.contains("Grenoble"))
            // Anyone can find it, accents and word forms aside, and through the skill's synonyms.
            for query in ["velo", "VÉLOS", "bicyclette", "jardinage", "benevole atelier"] {
                let results = try await app.get("/c/grenoble-alpes/inventaire?q=\(Browser.encode(query))")
                #expect(results.text.contains("Bénévoles pour l&#39;atelier vélo"), "query \(query)")
                #expect(results.text.contains("1 résultat"), "query \(query)")
            }
            let none = try await app.get("/c/grenoble-alpes/inventaire?q=piscine")
            #expect(none.text.contains("0 résultat"))
            // Facets count within the other filters; a filter narrows.
            let filtered = try await app.get("/c/grenoble-alpes/inventaire?type=besoin&theme=mobilite&commune=38185&dispo=sat")
            #expect(filtered.text.contains("1 résultat"))
            #expect(filtered.text.contains("Mobilité</strong>") || filtered.text.contains("Mobilité (1)"))
            let elsewhere = try await app.get("/c/grenoble-alpes/inventaire?commune=38151")
            #expect(elsewhere.text.contains("0 résultat"))
            // Another community does not see it.
            let trieves = try await app.get("/c/trieves/inventaire?q=velo")
            #expect(trieves.text.contains("0 résultat"))
            #expect(try await app.get("/c/trieves/inventaire/\(id)").status == .notFound)
        }
    }

    @Test("bad input: French messages naming the field and the limit, every typed value kept, nothing stored; hostile text shown as text", arguments: Engine.available)
    func badInput(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let browser = Browser(app)
            try await browser.signIn("karim@demo.terreau.invalid")
            let hostile = "<script>alert('x')</script>"
            let response = try await browser.post("/c/grenoble-alpes/inventaire/nouveau/lieu", [
                ("title", String(repeating: "a", count: 121)), ("place_type", "château"), ("capacity", "beaucoup"),
                ("description", hostile), ("commune", "75056"),
            ])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Titre ou nom : 120 caractères au plus."))
            #expect(response.text.contains("Type de lieu : choisissez parmi les valeurs proposées."))
            #expect(response.text.contains("Capacité (personnes) : un nombre entier entre 0 et 100"))
            #expect(response.text.contains("Commune : ce lieu ne fait pas partie du territoire"))
            #expect(response.text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
            #expect(!response.text.contains(hostile))
            #expect(response.text.contains("beaucoup"))
            #expect(try await app.count("inventory_items") == 0)
            #expect(try await app.count("inventory_revisions") == 0)
            // A stored hostile title is text on every page that shows it.
            let created = try await browser.post("/c/grenoble-alpes/inventaire/nouveau/lieu", [("title", hostile), ("place_type", "room")])
            #expect(created.status == .seeOther)
            for path in ["/c/grenoble-alpes/inventaire", "/c/grenoble-alpes/inventaire/\(try Self.itemID(created))"] {
                let page = try await browser.get(path)
                #expect(!page.text.contains(hostile), "\(path)")
                #expect(page.text.contains("&lt;script&gt;"), "\(path)")
            }
        }
    }

    @Test("unknown skills: suggestions first; proposed to the vocabulary when asked", arguments: Engine.available)
    func unknownSkills(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let browser = Browser(app)
            try await browser.signIn("sophie@demo.terreau.invalid")
            let fields: [(String, String)] = [("title", "Sophie"), ("skills", "vélo électrique\ntailler les haies bio")]
            let refused = try await browser.post("/c/grenoble-alpes/inventaire/nouveau/portrait", fields)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Pas encore dans le vocabulaire"))
            #expect(refused.text.contains("« tailler les haies bio »"))
            #expect(refused.text.contains("vélos électriques"))  // a suggestion for « vélo électrique »
            // Asked to propose them, but the form is refused for another reason: no term is left behind.
            let tooLong = try await browser.post("/c/grenoble-alpes/inventaire/nouveau/portrait",
                                                 fields + [("propose_unknown", "yes"), ("summary", String(repeating: "x", count: 301))])
            #expect(tooLong.status == .unprocessableEntity)
            #expect(try await SkillTermRecord.query(on: app.db).filter(\.$source == "proposed").count() == 0)
            let accepted = try await browser.post("/c/grenoble-alpes/inventaire/nouveau/portrait", fields + [("propose_unknown", "yes")])
            #expect(accepted.status == .seeOther)
            let proposed = try await SkillTermRecord.query(on: app.db).filter(\.$source == "proposed").all()
            #expect(Set(proposed.map(\.label)) == ["vélo électrique", "tailler les haies bio"])
            #expect(try await app.count("inventory_item_skills") == 2)
            // A second portrait for the same person goes to the existing one.
            let again = try await browser.get("/c/grenoble-alpes/inventaire/nouveau/portrait")
            #expect(again.status == .seeOther)
            #expect(again.location?.hasSuffix("/modifier") == true)
        }
    }

    @Test("R9: the second of two concurrent saves writes nothing, shows what changed meanwhile and keeps what was typed", arguments: Engine.available)
    func concurrentEdits(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let karim = Browser(app), sophie = Browser(app, address: "192.0.2.11")
            try await karim.signIn("karim@demo.terreau.invalid")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            let id = try Self.itemID(try await karim.post("/c/grenoble-alpes/inventaire/nouveau/besoin", Self.need))
            let edit = "/c/grenoble-alpes/inventaire/\(id)/modifier"
            #expect(try await karim.get(edit).text.contains("name=\"version\" value=\"1\""))
            #expect(try await sophie.get(edit).status == .ok)
            var mine = Self.need.filter { $0.0 != "title" && $0.0 != "summary" } + [("title", "Bénévoles vélo (Karim)"), ("version", "1")]
            #expect(try await karim.post(edit, mine + [("summary", "titre précisé")]).status == .seeOther)
            mine = Self.need.filter { !["title", "urgency", "summary"].contains($0.0) }
                + [("title", "Bénévoles vélo (Sophie)"), ("urgency", "urgent"), ("version", "1")]
            let second = try await sophie.post(edit, mine)
            #expect(second.status == .conflict)
            #expect(second.text.contains("Quelqu'un a modifié cette fiche") || second.text.contains("Quelqu&#39;un a modifié cette fiche"))
            #expect(second.text.contains("Karim Benali"))
            #expect(second.text.contains("Bénévoles vélo (Karim)"))
            #expect(second.text.contains("value=\"Bénévoles vélo (Sophie)\""))
            #expect(second.text.contains("name=\"version\" value=\"2\""))
            let stored = try #require(try await InventoryItemRecord.find(UUID(uuidString: id), on: app.db))
            #expect(stored.version == 2)
            #expect(stored.title == "Bénévoles vélo (Karim)")
            // Saving again from the refreshed form goes through, Sophie's urgency included.
            let third = try await sophie.post(edit, mine.filter { $0.0 != "version" } + [("version", "2")])
            #expect(third.status == .seeOther)
            let final = try #require(try await InventoryItemRecord.find(UUID(uuidString: id), on: app.db))
            #expect(final.version == 3)
            #expect(InventoryStore.decode(final.fields)["urgency"] == "urgent")
            // The history shows each version, its author, summary and field-by-field changes.
            let history = try await app.get("/c/grenoble-alpes/inventaire/\(id)/historique")
            #expect(history.text.contains("Version 3"))
            #expect(history.text.contains("titre précisé"))
            #expect(history.text.contains("<del>Bénévoles pour l&#39;atelier vélo</del>"))
            #expect(history.text.contains("<ins>Bénévoles vélo (Karim)</ins>"))
            let page = try await app.get("/c/grenoble-alpes/inventaire/\(id)")
            #expect(page.text.contains("Karim Benali, Sophie Martin"))
        }
    }

    @Test("revert: the author or a coordinator brings a version back as a new revision; others may not", arguments: Engine.available)
    func revert(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let karim = Browser(app), sophie = Browser(app, address: "192.0.2.11"), camille = Browser(app, address: "192.0.2.12")
            try await karim.signIn("karim@demo.terreau.invalid")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            try await camille.signIn("camille@demo.terreau.invalid")
            let id = try Self.itemID(try await karim.post("/c/grenoble-alpes/inventaire/nouveau/besoin", Self.need))
            let edit = "/c/grenoble-alpes/inventaire/\(id)/modifier"
            _ = try await sophie.get(edit)
            let vandal = Self.need.filter { $0.0 != "title" } + [("title", "N'importe quoi"), ("version", "1")]
            #expect(try await sophie.post(edit, vandal).status == .seeOther)
            // Sophie is neither the author of version 1 nor the creator nor a coordinator.
            #expect(try await sophie.post("/c/grenoble-alpes/inventaire/\(id)/historique/1/retablir").status == .forbidden)
            _ = try await karim.get("/c/grenoble-alpes/inventaire/\(id)/historique")
            #expect(try await karim.post("/c/grenoble-alpes/inventaire/\(id)/historique/1/retablir").status == .seeOther)
            let item = try #require(try await InventoryItemRecord.find(UUID(uuidString: id), on: app.db))
            #expect(item.version == 3)
            #expect(item.title == "Bénévoles pour l'atelier vélo")
            let revision = try #require(try await InventoryStore(database: app.db).revision(of: item.id!, version: 3))
            #expect(revision.revertedTo == 1)
            #expect(try await app.count("inventory_item_skills") == 2)
            // A coordinator may revert too.
            _ = try await camille.get("/c/grenoble-alpes/inventaire/\(id)/historique")
            #expect(try await camille.post("/c/grenoble-alpes/inventaire/\(id)/historique/2/retablir").status == .seeOther)
        }
    }

    @Test("S6: one visibility rule for the list, search, facets, record pages, history and term pages", arguments: Engine.available)
    func visibility(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let karim = Browser(app), sophie = Browser(app, address: "192.0.2.11"), camille = Browser(app, address: "192.0.2.12")
            try await karim.signIn("karim@demo.terreau.invalid")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            try await camille.signIn("camille@demo.terreau.invalid")
            var ids: [String: String] = [:]
            for visibility in Visibility.allCases {
                let response = try await karim.post("/c/grenoble-alpes/inventaire/nouveau/besoin", [
                    ("title", "Besoin \(visibility.rawValue) jardinage"), ("need_type", "volunteers"), ("urgency", "normal"),
                    ("skills", "jardiner"), ("visibility", visibility.rawValue),
                ])
                ids[visibility.rawValue] = try Self.itemID(response)
            }
            let expectations: [(Browser?, [String])] = [
                (nil, ["public"]), (sophie, ["public", "members"]), (camille, ["public", "members", "coordinators"]),
                (karim, ["public", "members", "coordinators", "statistics"]),  // the author sees their own
            ]
            let term = try #require(try await SkillTermRecord.query(on: app.db).filter(\.$label == "jardiner").first())
            for (viewer, visible) in expectations {
                let get: (String) async throws -> TestingHTTPResponse = { path in
                    if let viewer { return try await viewer.get(path) }
                    return try await app.get(path)
                }
                let list = try await get("/c/grenoble-alpes/inventaire?q=jardinage")
                let termPage = try await get("/c/grenoble-alpes/competences/\(term.id!.uuidString)")
                #expect(list.text.contains("\(visible.count) résultat"))
                for visibility in Visibility.allCases {
                    let shown = visible.contains(visibility.rawValue)
                    #expect(list.text.contains("Besoin \(visibility.rawValue) jardinage") == shown)
                    #expect(termPage.text.contains("Besoin \(visibility.rawValue) jardinage") == shown)
                    let page = try await get("/c/grenoble-alpes/inventaire/\(ids[visibility.rawValue]!)")
                    #expect(page.status == (shown ? .ok : .notFound), "\(visibility)")
                    let history = try await get("/c/grenoble-alpes/inventaire/\(ids[visibility.rawValue]!)/historique")
                    #expect(history.status == (shown ? .ok : .notFound), "\(visibility)")
                }
                let facets = try await get("/c/grenoble-alpes/inventaire")
                #expect(facets.text.contains("Besoin</a> (\(visible.count))"))
            }
        }
    }

    @Test("facet counts follow every change at once, even one made outside the application or cascading from an erasure", arguments: Engine.available)
    func facetsFollowChanges(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let karim = Browser(app), sophie = Browser(app, address: "192.0.2.11")
            try await karim.signIn("karim@demo.terreau.invalid")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            let first = try Self.itemID(try await karim.post("/c/grenoble-alpes/inventaire/nouveau/besoin", [
                ("title", "Un composteur"), ("need_type", "equipment"), ("urgency", "normal"), ("visibility", "public")]))
            _ = try await karim.post("/c/grenoble-alpes/inventaire/nouveau/besoin", [
                ("title", "Une grelinette"), ("need_type", "equipment"), ("urgency", "normal"), ("visibility", "public")])
            let portrait = try Self.itemID(try await sophie.post("/c/grenoble-alpes/inventaire/nouveau/portrait", [
                ("title", "Sophie"), ("skills", "jardiner"), ("visibility", "public")]))
            func generation() async throws -> Int {
                try await app.sql.raw("SELECT inventory_generation AS g FROM communities WHERE slug = 'grenoble-alpes'").first()!.decode(column: "g", as: Int.self)
            }
            func counted(_ label: String) async throws -> Int? {
                let page = try await app.get("/c/grenoble-alpes/inventaire").text
                guard let range = page.range(of: label + "</a> (") else { return nil }
                return Int(page[range.upperBound...].prefix { $0.isNumber })
            }
            #expect(try await counted("Besoin") == 2)
            #expect(try await counted("Portrait") == 1)

            var before = try await generation()
            try await app.sql.raw("UPDATE inventory_items SET visibility = 'coordinators' WHERE id = \(bind: UUID(uuidString: first)!)").run()
            #expect(try await generation() > before)
            #expect(try await counted("Besoin") == 1)

            before = try await generation()
            let sophieID = try #require(try await AccountRecord.query(on: app.db).filter(\.$email == "sophie@demo.terreau.invalid").first()).$person.id
            try await Erasure(database: app.db).erase(person: sophieID, email: "sophie@demo.terreau.invalid", now: app.clock.now())
            #expect(try await InventoryItemRecord.find(UUID(uuidString: portrait)!, on: app.db) == nil)
            #expect(try await generation() > before)
            #expect(try await counted("Portrait") == nil)
        }
    }

    @Test("permissions: readers may browse; contributing needs membership; a portrait is its person's", arguments: Engine.available)
    func permissions(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let anonymous = try await app.get("/c/grenoble-alpes/inventaire/nouveau/besoin")
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.location?.hasPrefix("/connexion") == true)
            let paul = Browser(app)  // a member of Trièves only
            try await paul.signIn("paul@demo.terreau.invalid")
            #expect(try await paul.post("/c/grenoble-alpes/inventaire/nouveau/besoin", Self.need).status == .forbidden)
            let sophie = Browser(app, address: "192.0.2.11")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            let portrait = try Self.itemID(try await sophie.post("/c/grenoble-alpes/inventaire/nouveau/portrait", [("title", "Sophie"), ("skills", "jardiner")]))
            let karim = Browser(app, address: "192.0.2.12")
            try await karim.signIn("karim@demo.terreau.invalid")
            #expect(try await karim.get("/c/grenoble-alpes/inventaire/\(portrait)").status == .ok)
            #expect(try await karim.get("/c/grenoble-alpes/inventaire/\(portrait)/modifier").status == .forbidden)
            #expect(try await karim.post("/c/grenoble-alpes/inventaire/\(portrait)/modifier", [("title", "x"), ("version", "1")]).status == .forbidden)
            #expect(try await app.get("/c/grenoble-alpes/inventaire/nouveau/licorne").status == .seeOther)  // anonymous: sign in first
            #expect(try await karim.get("/c/grenoble-alpes/inventaire/nouveau/licorne").status == .notFound)
            #expect(try await karim.get("/c/grenoble-alpes/inventaire/pas-un-identifiant").status == .notFound)
            // An organisation's profile is for its admins: Karim administers none here.
            let refused = try await karim.post("/c/grenoble-alpes/inventaire/nouveau/organisation", [("title", "Asso"), ("organisation", UUID().uuidString)])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Organisation : choisissez une organisation dont vous êtes administrateur."))
        }
    }

    @Test("vocabulary: « vélo » finds bicycle skills; term pages; members propose, coordinators merge", arguments: Engine.available)
    func vocabulary(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let search = try await app.get("/c/grenoble-alpes/competences?q=v%C3%A9lo")
            #expect(search.text.contains("réparer un vélo"))
            #expect(search.text.contains("réparer des bicyclettes"))
            let folded = try await app.get("/c/grenoble-alpes/competences?q=BICYCLETTE")
            #expect(folded.text.contains("réparer des bicyclettes"))
            let sophie = Browser(app)
            try await sophie.signIn("sophie@demo.terreau.invalid")
            let exists = try await sophie.post("/c/grenoble-alpes/competences", [("label", "Jardinage")])
            #expect(exists.status == .unprocessableEntity)
            #expect(exists.text.contains("Ce terme existe déjà : « jardiner »."))
            let proposed = try await sophie.post("/c/grenoble-alpes/competences", [("label", "vélo-école"), ("synonyms", "apprendre le vélo aux adultes")])
            #expect(proposed.status == .seeOther)
            let termPath = try #require(proposed.location)
            _ = try await sophie.post("/c/grenoble-alpes/inventaire/nouveau/portrait", [("title", "Sophie"), ("skills", "apprendre le vélo aux adultes")])
            #expect(try await sophie.get(termPath).text.contains("Sophie"))
            // Proposals belong to their community.
            let trieves = try await app.get("/c/trieves/competences?q=velo-ecole")
            #expect(!trieves.text.contains("vélo-école"))
            #expect(try await sophie.post(termPath + "/fusion", [("target", "réparer un vélo")]).status == .forbidden)
            let camille = Browser(app, address: "192.0.2.12")
            try await camille.signIn("camille@demo.terreau.invalid")
            _ = try await camille.get(termPath)
            let unknownTarget = try await camille.post(termPath + "/fusion", [("target", "licornes")])
            #expect(unknownTarget.status == .unprocessableEntity)
            let merged = try await camille.post(termPath + "/fusion", [("target", "réparer un vélo")])
            #expect(merged.status == .seeOther)
            let target = try #require(try await SkillTermRecord.query(on: app.db).filter(\.$label == "réparer un vélo").first())
            #expect(target.synonymList.contains("vélo-école"))
            #expect(try await InventoryItemSkillRecord.query(on: app.db).filter(\.$term.$id == target.id!).count() == 1)
            // The old address leads to the merged term; its name now resolves to it.
            #expect(try await app.get(termPath).location == merged.location)
            let resolved = try await VocabularyStore(database: app.db).resolve(["Vélo-école"], community: target.$community.id ?? UUID())
            #expect(resolved.unknown.isEmpty || resolved.found.isEmpty == false)
        }
    }

    @Test("« Je viens d'arriver » : three steps without an account, suggestions, then a member keeps them as a portrait", arguments: Engine.available)
    func welcome(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let community = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            try await DemoInventory.generate(DemoInventory.Plan(slug: "grenoble-alpes", seed: 1, portraits: 5, organisations: 18,
                resources: [(.place, 5), (.need, 5)]), community: community, author: nil, database: app.db, now: app.clock.now())
            let visitor = Browser(app)
            #expect(try await visitor.get("/c/grenoble-alpes/bienvenue").text.contains("Étape 1 sur 3"))
            let bad = try await visitor.post("/c/grenoble-alpes/bienvenue", [("step", "1"), ("commune", "00000")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Commune : ce lieu ne fait pas partie du territoire"))
            let two = try await visitor.post("/c/grenoble-alpes/bienvenue", [("step", "1"), ("title", "Awa"), ("commune", "38185")])
            #expect(two.text.contains("Étape 2 sur 3"))
            #expect(two.text.contains("name=\"commune\" value=\"38185\""))
            let three = try await visitor.post("/c/grenoble-alpes/bienvenue", [
                ("step", "2"), ("title", "Awa"), ("commune", "38185"), ("skills", "jardiner"), ("availability", "sat-morning"),
            ])
            #expect(three.text.contains("Étape 3 sur 3"))
            let results = try await visitor.post("/c/grenoble-alpes/bienvenue", [
                ("step", "3"), ("title", "Awa"), ("commune", "38185"), ("skills", "jardiner"), ("availability", "sat-morning"),
                ("themes", "environnement"),
            ])
            #expect(results.status == .ok)
            #expect(results.text.contains("Associations dans vos domaines"))
            #expect(results.text.contains("Jardin partagé d"))  // « Jardin partagé de <commune> »
            #expect(results.text.contains("Créer un compte pour garder ces réponses"))
            #expect(try await app.count("inventory_items") == 5 + 18 + 10 + 1)  // nothing stored for a visitor (+ Sophie's own demo portrait)
            // The generated residents hold everyday skills only (issue 22: no surgery offered by neighbours).
            let foreign = try await app.sql.raw("""
                SELECT COUNT(*) AS n FROM inventory_item_skills s JOIN inventory_items i ON i.id = s.item_id JOIN skill_terms t ON t.id = s.term_id
                WHERE i.kind = 'portrait' AND t.source <> 'everyday'
                """).first()?.decode(column: "n", as: Int.self)
            #expect(foreign == 0)
            let karim = Browser(app, address: "192.0.2.12")
            try await karim.signIn("karim@demo.terreau.invalid")
            _ = try await karim.get("/c/grenoble-alpes/bienvenue")
            let saved = try await karim.post("/c/grenoble-alpes/bienvenue", [
                ("step", "4"), ("save", "yes"), ("title", "Karim"), ("commune", "38185"), ("skills", "jardiner\nchanter faux"),
                ("availability", "sat-morning"), ("themes", "environnement"),
            ])
            #expect(saved.status == .seeOther)
            let portrait = try #require(try await InventoryItemRecord.query(on: app.db).filter(\.$kind == "portrait").filter(\.$title == "Karim").first())
            #expect(portrait.visibility == "members")
            #expect(InventoryStore.decode(portrait.fields)["skills_free"] == "chanter faux")
            let card = try await app.get("/c/grenoble-alpes/bienvenue/carte?format=a6")
            #expect(card.text.contains("welcome-card-a6"))
            #expect(card.text.contains("/c/grenoble-alpes/bienvenue"))
        }
    }

    @Test("P2: the list page issues the same number of SQL statements for 10 and for 1,000 records", arguments: Engine.available)
    func statementCount(engine: Engine) async throws {
        try await TestApp.with(engine, configure: { $0.sqlLogLevel = .critical }) { app in
            try await app.seedInventory()
            let community = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            func statements(after total: Int) async throws -> Int {
                let existing = try await app.count("inventory_items")
                try await DemoInventory.generate(DemoInventory.Plan(slug: "grenoble-alpes", seed: UInt64(total), portraits: total - existing,
                    organisations: 0, resources: []), community: community, author: nil, database: app.db, now: app.clock.now())
                let marker = UUID().uuidString
                let response = try await app.testing().sendRequest(.GET, "/c/grenoble-alpes/inventaire?tri=title", headers: ["X-Request-Id": marker])
                #expect(response.status == .ok)
                return LogCapture.statements.withLockedValue { lines in lines.filter { $0.contains(marker) }.count }
            }
            let few = try await statements(after: 10)
            let many = try await statements(after: 1_000)
            #expect(few > 0)
            #expect(few == many, "10 records: \(few) statements, 1,000 records: \(many)")
        }
    }

    @Test("the whole shipped vocabulary imports once, in one transaction, and a second import adds nothing")
    func fullVocabulary() async throws {
        try await TestApp.with(.sqlite) { app in
            let entries = try VocabularyStore.shipped(resources: TestApp.root + "/Resources/")
            let store = VocabularyStore(database: app.db)
            #expect(try await store.importShared(entries, now: app.clock.now()) == entries.count)
            #expect(try await store.importShared(entries, now: app.clock.now()) == 0)
            #expect(try await app.count("skill_terms") == entries.count)
            let community = try await CommunityRecord.query(on: app.db).first()?.id ?? UUID()
            let found = try await store.search("vélo", community: community)
            #expect(found.contains { $0.label == "réparer des bicyclettes" })
        }
    }
}
