import Fluent
import Foundation
import SQLKit
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Personal data and forms (S10, S12–S15)")
struct PrivacyTests {
    @Test("S10: every state-changing route refuses a missing token or a foreign Origin, and changes nothing")
    func csrfEverywhere() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let fixture = try await AccessTests.fixture(app)
            let browser = Browser(app)
            try await browser.signIn("camille@demo.terreau.invalid")
            let before = try await Self.snapshot(app)
            for route in AccessTests.samples(fixture) where route.kind.method == .post {
                // A field app's submission carries no token: without its Digest answer it is
                // refused by the challenge before anything (with one, a foreign origin is refused).
                let refused: HTTPStatus = route.kind.isFieldAppProtocol ? .unauthorized : .forbidden
                let missing = try await browser.post(route.path, [("text", "Une charte réécrite par un site tiers"), ("roles[]", "coordinator"), ("decision", "approved")], csrf: false)
                #expect(missing.status == refused, "\(route.path) without a token: \(missing.status)")
                var headers: HTTPHeaders = ["Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"]
                headers.add(name: .cookie, value: "terreau_session=\(browser.sessionID ?? "")")
                let foreign = try await app.testing().sendRequest(.POST, route.path, headers: headers, body: ByteBuffer(string: "_csrf=\(Browser.encode(browser.csrf ?? ""))&decision=approved"))
                #expect(foreign.status == refused, "\(route.path) from a foreign origin: \(foreign.status)")
            }
            #expect(try await Self.snapshot(app) == before)
            #expect(try await browser.get("/moi").status == .ok)
        }
    }

    static func snapshot(_ app: Application) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in ["accounts", "memberships", "charter_versions", "organisations", "organisation_members", "consents", "notifications"] {
            counts[table] = try await app.count(table)
        }
        counts["pending claims"] = try await OrganisationMemberRecord.query(on: app.db).filter(\.$status == "pending").count()
        return counts
    }

    @Test("S12: joining records the charter consent with purpose, version, time and channel; boxes start empty; withdrawn in one click", arguments: Engine.available)
    func consent(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let browser = Browser(app)
            try await AccountTests.signUpAndConfirm(app, browser, email: "ines@exemple.fr")
            try await browser.signIn("ines@exemple.fr", password: "une phrase assez longue")
            let page = try await browser.get("/c/trieves/rejoindre")
            #expect(page.status == .ok)
            for box in ["accept_charter", "consent_contact"] {
                let tag = try #require(page.text.range(of: #"<input id="\#(box)"[^>]*>"#, options: .regularExpression).map { String(page.text[$0]) })
                #expect(!tag.contains("checked"), "\(box) starts checked")
            }
            let signUp = try await Browser(app).get("/inscription")
            #expect(!(signUp.text.range(of: #"<input id="consent_email"[^>]*>"#, options: .regularExpression).map { String(signUp.text[$0]) } ?? "checked").contains("checked"))
            // Not accepting the charter stores nothing and says why.
            let refused = try await browser.post("/c/trieves/rejoindre", [("actor_kind", "resident"), ("charter_version", "1")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("cochez la case d&#39;acceptation de la charte") || refused.text.contains("cochez la case d'acceptation de la charte"))
            #expect(try await app.count("memberships") == 8)
            let joined = try await browser.post("/c/trieves/rejoindre", [("actor_kind", "resident"), ("charter_version", "1"), ("accept_charter", "yes"), ("consent_contact", "yes")])
            #expect(joined.status == .seeOther)
            let account = try #require(try await AccountRecord.query(on: app.db).filter(\.$email == "ines@exemple.fr").first())
            let consents = try await ConsentRecord.query(on: app.db).filter(\.$person.$id == account.$person.id).sort(\.$purpose).all()
            #expect(consents.map(\.purpose) == ["charter", "contact"])
            #expect(consents.map(\.textVersion) == ["charte-1", "contact-1"])
            #expect(consents.allSatisfy { $0.channel == "self" && $0.withdrawnAt == nil && abs($0.givenAt.timeIntervalSinceNow) < 60 })
            let contact = consents[1]
            #expect(try await browser.post("/moi/consentements/\(contact.id!.uuidString)/retrait").status == .seeOther)
            #expect(try await ConsentRecord.find(contact.id, on: app.db)?.withdrawnAt != nil)
            #expect(try await ConsentRecord.find(consents[0].id, on: app.db)?.withdrawnAt == nil)
        }
    }

    @Test("S13: « download my data » holds every row linked to the person, found from the schema, in JSON and CSV", arguments: Engine.available)
    func download(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let sql = app.db as! any SQLDatabase
            // A table added later, with a foreign key to people, is found without any code change.
            try await sql.raw("CREATE TABLE later_feature (id TEXT PRIMARY KEY, owner UUID REFERENCES people (id), note TEXT)").run()
            let camille = try #require(try await AccountRecord.query(on: app.db).filter(\.$email == "camille@demo.terreau.invalid").first())
            try await sql.raw("INSERT INTO later_feature (id, owner, note) VALUES ('1', \(bind: camille.$person.id), 'une note de Camille')").run()
            let browser = Browser(app)
            try await browser.signIn("camille@demo.terreau.invalid")
            // A charter version she wrote (adopted by a rule change, which the decisions tests cover).
            let grenoble = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            try await CharterStore(database: app.db).add(to: grenoble.id!, text: "Une nouvelle version de la charte, écrite par Camille.",
                                                          author: camille.$person.id, now: app.clock.now())
            let response = try await browser.get("/moi/donnees/json")
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let data = try JSONDecoder().decode([String: [[String: String?]]].self, from: Data(response.text.utf8))
            let links = try await PersonalDataMap(database: sql).links()
            for table in Set(links.map(\.table)) where ["accounts", "memberships", "consents", "organisation_members", "charter_versions", "later_feature", "account_tokens"].contains(table) {
                if table == "account_tokens" { continue }
                #expect((data[table]?.count ?? 0) > 0, "\(table) missing from the download")
            }
            #expect(data["people"]?.first?["display_name"] == "Camille Roux")
            #expect(data["later_feature"]?.first?["note"] == "une note de Camille")
            #expect(data["accounts"]?.first?["password_hash"] == "(masqué)")
            #expect(!response.text.contains("$2b$") && !response.text.contains("$2a$"))
            let csv = try await browser.get("/moi/donnees/csv")
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.text.contains("later_feature,1,note,une note de Camille"))
            #expect(csv.text.hasPrefix("table,ligne,colonne,valeur"))
        }
    }

    @Test("S13: every column naming a person is a declared foreign key (so the schema lists it)")
    func personColumnsAreForeignKeys() async throws {
        try await TestApp.with(.sqlite) { app in
            let sql = app.db as! any SQLDatabase
            let map = PersonalDataMap(database: sql)
            let declared = Set(try await map.links().map { "\($0.table).\($0.column)" })
            for table in try await map.tables() {
                for row in try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table))").all() {
                    let column = try row.decode(column: "name", as: String.self)
                    if column == "person_id" || column.hasSuffix("_by") || column == "author_id" || column == "account_id" {
                        #expect(declared.contains("\(table).\(column)"), "\(table).\(column) has no foreign key")
                    }
                }
            }
        }
    }

    @Test("S14: deleting the account erases it everywhere in one go; contributions stay, attributed to « participant supprimé »", arguments: Engine.available)
    func erasure(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let browser = Browser(app)
            let email = "zoe.effacee@exemple.fr"
            try await AccountTests.signUpAndConfirm(app, browser, email: email, name: "Zoé Effacée")
            try await browser.signIn(email, password: "une phrase assez longue")
            try await browser.post("/c/grenoble-alpes/rejoindre", [("actor_kind", "resident"), ("charter_version", "1"), ("accept_charter", "yes")])
            let account = try #require(try await AccountRecord.query(on: app.db).filter(\.$email == email).first())
            let personID = account.$person.id
            // Make her a coordinator who wrote a charter version and added an organisation.
            try await MembershipRecord.query(on: app.db).filter(\.$person.$id == personID).set(\.$roles, to: "member coordinator").update()
            let grenoble = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            try await CharterStore(database: app.db).add(to: grenoble.id!, text: "La charte selon Zoé, assez longue pour être acceptée.",
                                                          author: personID, now: app.clock.now())
            try await browser.post("/c/grenoble-alpes/organisations", [("kind", "collective"), ("name", "Les amis de Zoé")])
            try await browser.post("/mot-de-passe", [("email", email)])
            let second = Browser(app)
            try await second.signIn(email, password: "une phrase assez longue")

            #expect(try await browser.post("/moi/suppression", [("password", "pas le bon")]).status == .unprocessableEntity)
            let deleted = try await browser.post("/moi/suppression", [("password", "une phrase assez longue")])
            #expect(deleted.status == .ok)
            #expect(deleted.text.contains("Compte supprimé"))

            // Nothing anywhere holds her address or her name.
            let sql = app.db as! any SQLDatabase
            for table in try await PersonalDataMap(database: sql).tables() {
                for row in try await sql.raw("SELECT * FROM \(ident: table)").all() {
                    for column in row.allColumns {
                        let value = PersonalDataMap.text(row, column) ?? ""
                        #expect(!value.localizedCaseInsensitiveContains(email), "\(table).\(column) still holds the address")
                        #expect(!value.contains("Zoé Effacée"), "\(table).\(column) still holds the name")
                    }
                }
            }
            #expect(!LogCapture.contains(email))
            #expect(try await AccountRecord.query(on: app.db).filter(\.$person.$id == personID).count() == 0)
            #expect(try await MembershipRecord.query(on: app.db).filter(\.$person.$id == personID).count() == 0)
            #expect(try await second.get("/moi").status == .seeOther)
            #expect(try await browser.get("/moi").status == .seeOther)
            // Her work remains, shown as « participant supprimé ».
            let charter = try await browser.get("/c/grenoble-alpes/charte")
            #expect(charter.text.contains("La charte selon Zoé"))
            #expect(charter.text.contains("participant supprimé"))
            #expect(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Les amis de Zoé").first()?.$createdBy.id == personID)
            let person = try #require(try await PersonRecord.find(personID, on: app.db))
            #expect(person.erasedAt != nil && person.displayName.isEmpty)
            #expect(try await app.get("/personnes/\(personID.uuidString)").status == .notFound)
            #expect(try await Browser(app).post("/connexion", [("email", email), ("password", "une phrase assez longue")]).status == .unauthorized)
        }
    }

    @Test("S15: logs hold no password, token or e-mail; denials are logged")
    func logs() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let browser = Browser(app)
            let email = "journal.\(UUID().uuidString.prefix(6).lowercased())@exemple.fr"
            let password = "phrase secrète \(UUID().uuidString.prefix(6))"
            try await AccountTests.signUpAndConfirm(app, browser, email: email, password: password)
            try await browser.post("/connexion", [("email", email), ("password", "mauvaise phrase de passe")])
            try await browser.signIn(email, password: password)
            try await browser.post("/mot-de-passe", [("email", email)])
            let link = try #require(try await app.lastMail(to: email)?.link)
            let token = String(link.split(separator: "/").last!)
            try await browser.get(link)
            try await browser.get("/c/grenoble-alpes/membres")
            try await MailDelivery.deliverDue(app)
            for secret in [email, password, token, "mauvaise phrase de passe", "camille@demo.terreau.invalid", DemoPeople.password] {
                #expect(!LogCapture.contains(secret), "the logs hold « \(secret) »")
            }
            #expect(LogCapture.contains("access denied"))
            #expect(LogCapture.contains("sign-in refused"))
        }
    }

    @Test("a profile shows only what its owner chose")
    func profileVisibility() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let camille = try #require(try await AccountRecord.query(on: app.db).filter(\.$email == "camille@demo.terreau.invalid").first())
            let path = "/personnes/\(camille.$person.id.uuidString)"
            #expect(try await app.get(path).status == .notFound)
            let sophie = Browser(app)
            try await sophie.signIn("sophie@demo.terreau.invalid")
            #expect(try await sophie.get(path).text.contains("Camille Roux"))
            let paul = Browser(app)
            try await paul.signIn("paul@demo.terreau.invalid")
            #expect(try await paul.get(path).status == .notFound)
            let owner = Browser(app)
            try await owner.signIn("camille@demo.terreau.invalid")
            try await owner.post("/moi/profil", [("display_name", "Camille Roux"), ("bio", "<script>alert(1)</script>"), ("profile_visibility", "public")])
            let page = try await app.get(path)
            #expect(page.status == .ok)
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }
}
