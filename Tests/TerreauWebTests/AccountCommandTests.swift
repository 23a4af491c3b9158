import ConsoleKit
import Fluent
import Foundation
import NIOConcurrencyHelpers
import TerreauCore
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

/// A console that keeps what a command prints.
final class RecordingConsole: Console, @unchecked Sendable {
    private let printed = NIOLockedValueBox("")
    var text: String { printed.withLockedValue { $0 } }
    var userInfo: [AnySendableHashable: any Sendable] = [:]
    func input(isSecure: Bool) -> String { "" }
    func output(_ text: ConsoleText, newLine: Bool) { printed.withLockedValue { $0 += text.description + (newLine ? "\n" : "") } }
    func report(error: String, newLine: Bool) { printed.withLockedValue { $0 += error + (newLine ? "\n" : "") } }
    func clear(_ type: ConsoleClear) {}
    var size: (width: Int, height: Int) { (80, 24) }
}

extension Application {
    /// Runs `terreau <arguments…>` against this application: what it printed, or the refusal.
    func run(_ command: any AsyncCommand, _ arguments: [String]) async -> (printed: String, failure: String?) {
        let console = RecordingConsole()
        var context = CommandContext(console: console, input: CommandInput(arguments: ["terreau"] + arguments))
        context.application = self
        do {
            try await command.run(using: &context)
            return (console.text, nil)
        } catch {
            return (console.text, String(describing: error))
        }
    }
}

@Suite("Instance administration without SMTP: admin create, account confirm, role, reset-link")
struct AccountCommandTests {
    static func passwordFile(_ password: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("terreau-password-\(UUID().uuidString)").path
        try Data((password + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a fresh instance gets its administrator, who reads the outbox; a newcomer is confirmed and made coordinator, no SQL, no mail",
          arguments: Engine.available)
    func firstStart(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let file = try Self.passwordFile("un jardin partagé au pied des tours")
            defer { try? FileManager.default.removeItem(atPath: file) }
            // Refusals name what is wrong.
            #expect(await app.run(AdminCreateCommand(), ["--email", "pas-une-adresse", "--password-file", file]).failure?.contains("« pas-une-adresse » n'est pas une adresse électronique") == true)
            let weak = try Self.passwordFile("motdepasse")
            defer { try? FileManager.default.removeItem(atPath: weak) }
            #expect(await app.run(AdminCreateCommand(), ["--email", "admin@exemple.fr", "--password-file", weak]).failure?.contains("mot de passe refusé") == true)
            #expect(try await AccountRecord.query(on: app.db).filter(\.$email == "admin@exemple.fr").count() == 0)

            let created = await app.run(AdminCreateCommand(), ["--email", "Admin@Exemple.fr", "--name", "Alix", "--password-file", file])
            #expect(created.failure == nil && created.printed.contains("Compte d'administration créé pour « admin@exemple.fr »"))
            let admin = Browser(app, address: "192.0.2.90")
            try await admin.signIn("admin@exemple.fr", password: "un jardin partagé au pied des tours")
            #expect(try await admin.get("/admin/courriels").status == .ok)

            // A newcomer signs up; without mail, the administrator confirms the address.
            let newcomer = Browser(app, address: "192.0.2.91")
            try await newcomer.get("/inscription")
            _ = try await newcomer.post("/inscription", [("display_name", "Noé"), ("email", "noe@exemple.fr"), ("password", "le thé du matin sous la pluie")])
            await app.detachedWork.settle()  // the account is written just after the answer
            #expect(await app.run(AccountConfirmCommand(), ["inconnu@exemple.fr"]).failure?.contains("aucun compte pour « inconnu@exemple.fr »") == true)
            #expect(await app.run(AccountConfirmCommand(), ["noe@exemple.fr"]).printed.contains("confirmée"))
            try await newcomer.signIn("noe@exemple.fr", password: "le thé du matin sous la pluie")

            // A role is given only to someone who joined, in a community that exists, among the roles there are.
            #expect(await app.run(AccountRoleCommand(), ["noe@exemple.fr", "--community", "nulle-part", "--role", "coordinator"]).failure?
                .contains("communauté « nulle-part » inconnue") == true)
            #expect(await app.run(AccountRoleCommand(), ["noe@exemple.fr", "--community", "trieves", "--role", "chef"]).failure?.contains("rôle « chef » inconnu") == true)
            #expect(await app.run(AccountRoleCommand(), ["noe@exemple.fr", "--community", "trieves", "--role", "coordinator"]).failure?
                .contains("n'a pas rejoint « Trièves en commun »") == true)
            let page = try await newcomer.get("/c/trieves/rejoindre").text
            let version = try #require(page.range(of: #"name="charter_version" value="[0-9]+""#, options: .regularExpression)
                .map { String(page[$0].dropFirst(#"name="charter_version" value=""#.count).dropLast()) })
            let joined = try await newcomer.post("/c/trieves/rejoindre", [("actor_kind", "resident"), ("accept_charter", "yes"), ("charter_version", version)])
            #expect(joined.status == .seeOther, "\(joined.text.prefix(400))")
            #expect(await app.run(AccountRoleCommand(), ["noe@exemple.fr", "--community", "trieves", "--role", "elected"]).failure?
                .contains("réservé aux personnes inscrites comme élues") == true)
            let granted = await app.run(AccountRoleCommand(), ["noe@exemple.fr", "--community", "trieves", "--role", "coordinator"])
            #expect(granted.failure == nil && granted.printed.contains("a maintenant le rôle « coordinator » dans « Trièves en commun »"))
            #expect(try await newcomer.get("/c/trieves/membres").status == .ok)
            #expect(try await newcomer.get("/c/trieves/courriels").status == .ok)
            #expect(try await newcomer.get("/admin/courriels").status == .forbidden)
        }
    }

    @Test("a reset link printed for a person works once and is not logged")
    func resetLink() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let printed = await app.run(AccountResetLinkCommand(), ["karim@demo.terreau.invalid"])
            #expect(printed.failure == nil && printed.printed.contains("valable 1 h et une seule fois"))
            let link = try #require(printed.printed.split(separator: "\n").last.flatMap { URL(string: String($0))?.path })
            let browser = Browser(app, address: "192.0.2.92")
            #expect(try await browser.get(link).status == .ok)
            #expect(try await browser.post(link, [("password", "le thé du matin sous la pluie")]).status == .seeOther)
            try await browser.signIn("karim@demo.terreau.invalid", password: "le thé du matin sous la pluie")
            #expect(try await Browser(app, address: "192.0.2.93").get(link).status == .notFound)
            #expect(LogCapture.contains(String(link.split(separator: "/").last!)) == false)
        }
    }
}

@Suite("Upgrades: pending migrations are listed, /readyz says so, nothing runs on an old schema by surprise")
struct MigrationStateTests {
    @Test("an unmigrated database: migrate --dry-run lists every migration, /readyz answers 503 naming them; migrated, 200", arguments: Engine.available)
    func pending(engine: Engine) async throws {
        try await TestApp.with(engine, configure: { $0.autoMigrate = false }) { app in
            let listed = await app.run(MigrationCommand(), ["--dry-run"])
            #expect(listed.failure == nil && listed.printed.contains("Migrations en attente (\(TerreauMigrations.all.count))"))
            #expect(listed.printed.contains("AddInstanceAdministration"))
            let notReady = try await app.get("/readyz")
            #expect(notReady.status == .serviceUnavailable && notReady.text.contains("RecordTerritoryImportSources"))
            #expect(try await Migrations.refusal(app)?.contains("terreau migrate -y") == true)
            try await app.autoMigrate()
            #expect(await app.run(MigrationCommand(), ["--dry-run"]).printed.contains("La base est à jour"))
            let ready = try await app.get("/readyz")
            #expect(ready.status == .ok && ready.text.contains("\"pendingMigrations\":[]"))
            #expect(try await Migrations.refusal(app) == nil)
        }
    }
}

@Suite("/admin: an instance administrator creates a community and names its coordinator from the browser")
struct AdministrationPageTests {
    @Test("a community on the imported territory, field errors named, a coordinator named once the person joined", arguments: Engine.available)
    func administration(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let camille = try await RegisterTests.browsers(app, ["camille"])["camille"]!
            let page = try await camille.get("/admin")
            #expect(page.status == .ok && page.text.contains("Trièves en commun") && page.text.contains("19 communes"))
            // Field by field: an unknown commune, no name.
            let refused = try await camille.post("/admin/communautes", [("name", ""), ("communes", "38226, 99999"), ("rules", "consentement")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("id=\"name-error\"") && refused.text.contains("id=\"communes-error\"") && refused.text.contains("99999"))
            let created = try await camille.post("/admin/communautes", [("name", "Vercors en commun"), ("communes", "38226, 38113"), ("departements", ""),
                ("contact", "bonjour@vercors.example.org"), ("rules", "majorite")])
            #expect(created.status == .seeOther)
            let vercors = try #require(try await CommunityStore(database: app.db).find(slug: "vercors-en-commun"))
            #expect(Set(try await CommunityStore(database: app.db).communeCodes(of: vercors.requireID())) == ["38226", "38113"])
            // A role for someone who has not joined is refused, naming the community; once joined, given and said.
            let refusedRole = try await camille.post("/admin/roles", [("email", "karim@demo.terreau.invalid"), ("community", "vercors-en-commun"), ("role", "coordinator")])
            #expect(refusedRole.status == .unprocessableEntity && refusedRole.text.contains("n’a pas rejoint « Vercors en commun »"))
            let karim = try await RegisterTests.browsers(app, ["karim"])["karim"]!
            let join = try await karim.get("/c/vercors-en-commun/rejoindre").text
            let version = try #require(join.range(of: #"name="charter_version" value="[0-9]+""#, options: .regularExpression)
                .map { String(join[$0].dropFirst(#"name="charter_version" value=""#.count).dropLast()) })
            #expect(try await karim.post("/c/vercors-en-commun/rejoindre", [("actor_kind", "association"), ("accept_charter", "yes"), ("charter_version", version)]).status == .seeOther)
            #expect(try await camille.post("/admin/roles", [("email", "karim@demo.terreau.invalid"), ("community", "vercors-en-commun"), ("role", "elected")]).text
                .contains("réservé aux personnes inscrites comme élues"))
            #expect(try await camille.post("/admin/roles", [("email", "karim@demo.terreau.invalid"), ("community", "vercors-en-commun"), ("role", "coordinator")]).status == .seeOther)
            #expect(try await camille.get("/admin").text.contains("Karim Benali a maintenant le rôle coordinateur·rice dans « Vercors en commun »."))
            #expect(try await karim.get("/c/vercors-en-commun/courriels").status == .ok)
            // Coordinating a community gives no access to the instance's administration.
            #expect(try await karim.get("/admin").status == .forbidden)
            #expect(try await karim.post("/admin/communautes", [("name", "Pirate"), ("communes", "38226"), ("rules", "majorite")]).status == .forbidden)
        }
    }
}
