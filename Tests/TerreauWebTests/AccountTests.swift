import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Accounts (S1–S4)")
struct AccountTests {
    /// Signs up, reads the confirmation mail from the outbox, confirms.
    static func signUpAndConfirm(_ app: Application, _ browser: Browser, email: String, name: String = "Inès Nouvelle", password: String = "une phrase assez longue") async throws {
        try await browser.get("/inscription")
        let response = try await browser.post("/inscription", [("display_name", name), ("email", email), ("password", password)])
        #expect(response.status == .ok)
        let link = try #require(try await app.lastMail(to: email)?.link)
        #expect(try await browser.get(link).status == .ok)
        #expect(try await browser.post(link).status == .seeOther)
    }

    @Test("S1: password rules give a field error; a passphrase is stored with bcrypt", arguments: Engine.available)
    func passwordRules(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let browser = Browser(app)
            try await browser.get("/inscription")
            for (password, message) in [
                ("trop court", "au moins 12 caractères"), ("motdepasse123", "plus courants"), ("ines.nouvelle 2026", "ne doit pas contenir votre adresse"),
            ] {
                let response = try await browser.post("/inscription", [("display_name", "Inès"), ("email", "ines.nouvelle@exemple.fr"), ("password", password)])
                #expect(response.status == .unprocessableEntity)
                #expect(response.text.contains(message), "no message for \(password)")
                // The name and address typed come back; the password never does (R8).
                #expect(response.text.contains(#"value="ines.nouvelle@exemple.fr""#))
                #expect(!response.text.contains(password))
            }
            #expect(try await app.count("accounts") == 0)
            try await Self.signUpAndConfirm(app, browser, email: "ines.nouvelle@exemple.fr", password: "le thé du matin sous la pluie")
            let account = try #require(try await AccountRecord.query(on: app.db).first())
            #expect(account.passwordHash.hasPrefix("$2"))
            #expect(account.confirmedAt != nil)
            try await browser.signIn("ines.nouvelle@exemple.fr", password: "le thé du matin sous la pluie")
        }
    }

    @Test("S2: the 6th failed sign-in for one address within a minute gets 429, on every instance")
    func failedSignIns() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("terreau-throttle-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/terreau.sqlite"
        try await TestApp.with(.sqlite, database: file) { first in
            try await first.seedDemo()
            try await TestApp.with(.sqlite, database: file) { second in
                // Both instances share one stopped clock, so the five attempts cannot straddle two windows.
                let start = Date(timeIntervalSince1970: 1_800_000_000)
                first.clock.freeze(at: start)
                second.clock.freeze(at: start)
                let browsers = [Browser(first), Browser(second)]
                for attempt in 0..<5 {
                    let response = try await browsers[attempt % 2].post("/connexion", [("email", "camille@demo.terreau.invalid"), ("password", "pas le bon mot de passe")])
                    #expect(response.status == .unauthorized)
                }
                let sixth = try await browsers[1].post("/connexion", [("email", "Camille@demo.terreau.invalid"), ("password", DemoPeople.password)])
                #expect(sixth.status == .tooManyRequests)
                #expect(Int(sixth.headers.first(name: "Retry-After") ?? "") ?? 0 > 0)
                // Another address is not affected.
                let other = try await browsers[0].post("/connexion", [("email", "karim@demo.terreau.invalid"), ("password", DemoPeople.password)])
                #expect(other.status == .seeOther)
                // A minute later the address can sign in again.
                first.clock.advance(by: 61)
                second.clock.advance(by: 61)
                try await browsers[1].signIn("camille@demo.terreau.invalid")
            }
        }
    }

    @Test("S2: the 101st request a minute from one address on sign-in routes gets 429; pages and static files never do")
    func addressThrottle() async throws {
        try await TestApp.with(.sqlite) { app in
            // All 101 requests fall in one window however slow the machine.
            app.clock.freeze(at: Date(timeIntervalSince1970: 1_800_000_000))
            let browser = Browser(app)
            try await browser.get("/mot-de-passe")
            for _ in 0..<100 {
                #expect(try await browser.post("/mot-de-passe", [("email", "x@exemple.fr")]).status == .ok)
            }
            let refused = try await browser.post("/mot-de-passe", [("email", "x@exemple.fr")])
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.first(name: "Retry-After") != nil)
            #expect(try await browser.post("/inscription", [("email", "x@exemple.fr")]).status == .tooManyRequests)
            #expect(try await app.get("/css/terreau.css").status == .ok)
            #expect(try await app.get("/connexion").status == .ok)
            // The next minute, the address may try again.
            app.clock.advance(by: 60)
            #expect(try await browser.post("/mot-de-passe", [("email", "x@exemple.fr")]).status == .ok)
        }
    }

    @Test("S3: a new session id at sign-in; HttpOnly, SameSite=Lax; 30 min idle and 12 h in all; sign-out ends it", arguments: Engine.available)
    func sessions(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let browser = Browser(app)
            try await browser.get("/connexion")
            let before = try #require(browser.sessionID)
            let response = try await browser.post("/connexion", [("email", "camille@demo.terreau.invalid"), ("password", DemoPeople.password)])
            let cookie = try #require(response.headers[.setCookie].first { $0.hasPrefix("terreau_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(browser.sessionID != before)
            // The old id is gone: replaying it is anonymous.
            let replay = try await app.testing().sendRequest(.GET, "/moi", headers: ["Cookie": "terreau_session=\(before)"])
            #expect(replay.status == .seeOther)
            #expect(try await browser.get("/moi").status == .ok)
            app.clock.advance(by: 29 * 60)
            #expect(try await browser.get("/moi").status == .ok)
            app.clock.advance(by: 31 * 60)
            #expect(try await browser.get("/moi").location?.hasPrefix("/connexion") == true)
            // Absolute: active every 20 minutes, still ended after 12 hours.
            try await browser.signIn("camille@demo.terreau.invalid")
            for _ in 0..<37 {
                app.clock.advance(by: 20 * 60)
                _ = try await browser.get("/moi")
            }
            #expect(try await browser.get("/moi").status == .seeOther)
            try await browser.signIn("camille@demo.terreau.invalid")
            #expect(try await browser.post("/deconnexion").status == .seeOther)
            #expect(try await browser.get("/moi").status == .seeOther)
        }
    }

    @Test("S3: Secure cookies behind TLS")
    func secureCookie() async throws {
        try await TestApp.with(.sqlite, configure: { $0.publicURL = URL(string: "https://terreau.exemple.fr") }) { app in
            let response = try await app.get("/connexion")
            let cookie = try #require(response.headers[.setCookie].first { $0.hasPrefix("terreau_session=") })
            #expect(cookie.contains("Secure"))
        }
    }

    @Test("S3: changing the password ends the other sessions")
    func passwordChangeEndsSessions() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let phone = Browser(app), laptop = Browser(app)
            try await phone.signIn("karim@demo.terreau.invalid")
            try await laptop.signIn("karim@demo.terreau.invalid")
            let change = try await laptop.post("/moi/mot-de-passe", [("current_password", DemoPeople.password), ("new_password", "une toute nouvelle phrase")])
            #expect(change.status == .seeOther)
            #expect(try await laptop.get("/moi").status == .ok)
            #expect(try await phone.get("/moi").status == .seeOther)
        }
    }

    @Test("S4: reset links are single-use, last an hour, and a newer one voids the older; unknown addresses get the same answer", arguments: Engine.available)
    func passwordReset(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let browser = Browser(app)
            try await browser.get("/mot-de-passe")
            let known = try await browser.post("/mot-de-passe", [("email", "sophie@demo.terreau.invalid")])
            let unknown = try await browser.post("/mot-de-passe", [("email", "personne@exemple.fr")])
            #expect(known.status == unknown.status)
            #expect(known.text.replacingOccurrences(of: browser.csrf ?? "", with: "") == unknown.text.replacingOccurrences(of: browser.csrf ?? "", with: ""))
            #expect(try await app.lastMail(to: "personne@exemple.fr") == nil)
            let first = try #require(try await app.lastMail(to: "sophie@demo.terreau.invalid")?.link)
            try await browser.post("/mot-de-passe", [("email", "sophie@demo.terreau.invalid")])
            let second = try #require(try await app.lastMail(to: "sophie@demo.terreau.invalid")?.link)
            #expect(first != second)
            #expect(try await browser.get(first).status == .notFound)
            #expect(try await browser.get(second).status == .ok)
            let reset = try await browser.post(second, [("password", "ma nouvelle phrase secrète")])
            #expect(reset.status == .seeOther)
            #expect(try await browser.post(second, [("password", "encore une autre phrase")]).status == .notFound)
            try await browser.signIn("sophie@demo.terreau.invalid", password: "ma nouvelle phrase secrète")
            // Expiry: a link older than an hour is refused.
            try await browser.post("/mot-de-passe", [("email", "sophie@demo.terreau.invalid")])
            let third = try #require(try await app.lastMail(to: "sophie@demo.terreau.invalid")?.link)
            app.clock.advance(by: 3601)
            #expect(try await browser.get(third).status == .notFound)
        }
    }

    @Test("an address already registered gets the same answer, and its owner a warning")
    func duplicateSignUp() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let browser = Browser(app)
            try await browser.get("/inscription")
            let response = try await browser.post("/inscription", [("display_name", "Imposteur"), ("email", "elise@demo.terreau.invalid"), ("password", "une phrase assez longue")])
            #expect(response.status == .ok)
            #expect(try await app.lastMail(to: "elise@demo.terreau.invalid")?.subject == "Une inscription avec votre adresse")
            #expect(try await PersonRecord.query(on: app.db).filter(\.$displayName == "Imposteur").count() == 0)
        }
    }

    @Test("an unconfirmed account cannot sign in; the link is sent again")
    func unconfirmed() async throws {
        try await TestApp.with(.sqlite) { app in
            let browser = Browser(app)
            try await browser.get("/inscription")
            try await browser.post("/inscription", [("display_name", "Léa"), ("email", "lea@exemple.fr"), ("password", "une phrase assez longue")])
            await app.detachedWork.settle()  // the account is written just after the answer
            let response = try await browser.post("/connexion", [("email", "lea@exemple.fr"), ("password", "une phrase assez longue")])
            #expect(response.status == .forbidden)
            #expect(response.text.contains("Confirmez d&#39;abord votre adresse") || response.text.contains("Confirmez d'abord votre adresse"))
            #expect(try await OutboxRecord.query(on: app.db).filter(\.$toAddress == "lea@exemple.fr").count() == 2)
        }
    }
}
