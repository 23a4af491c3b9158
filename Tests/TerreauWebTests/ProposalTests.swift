import Fluent
import Foundation
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Proposals and their debate")
struct ProposalTests {
    static let hostile = "\"><script>alert(1)</script><svg onload=alert(2)>"

    static func notifications(_ app: Application, _ email: String, _ key: String) async throws -> [NotificationRecord] {
        let person = try await MatchingTests.person(app, email)
        return try await NotificationRecord.query(on: app.db).filter(\.$person.$id == person).filter(\.$messageKey == key).all()
    }

    static func publish(_ browser: Browser, _ fields: [(String, String)]) async throws -> TestingHTTPResponse {
        try await browser.post("/c/grenoble-alpes/propositions", fields)
    }

    @Test("publishing: bad input is named field by field and stores nothing; a proposal gets its needs in the inventory, its co-author and its follower",
          arguments: Engine.available)
    func publishing(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let camille = Browser(app)
            try await camille.signIn("camille@demo.terreau.invalid")
            let needsBefore = try await InventoryItemRecord.query(on: app.db).filter(\.$kind == "need").count()
            let refused = try await Self.publish(camille, [
                ("title", ""), ("summary", "Trop court"), ("themes[]", "pas-un-theme"), ("commune", "75056"),
                ("coauthors", "Karim Benali\nPersonne Inconnue"), ("needs", "Un local")])
            #expect(refused.status == .unprocessableEntity)
            for message in ["Donnez un titre", "Décrivez la proposition en 20 à 10 000 caractères", "Choisissez au moins un thème",
                            "Cette commune n&#39;est pas dans le territoire", "Ligne 2 : aucun membre ne s&#39;appelle « Personne Inconnue »"] {
                #expect(refused.text.contains(message), "\(message)")
            }
            #expect(refused.text.contains("Karim Benali\nPersonne Inconnue"))
            #expect(try await app.count("proposals") == 0)
            #expect(try await InventoryItemRecord.query(on: app.db).filter(\.$kind == "need").count() == needsBefore)

            let created = try await Self.publish(camille, [
                ("title", "Boîte à outils " + Self.hostile), ("summary", "Des outils prêtés dans chaque quartier, tenus par des bénévoles."),
                ("themes[]", "mobilite"), ("themes[]", "numerique"), ("commune", "38185"), ("coauthors", "karim benali"),
                ("needs", "Un local de 10 m²\nDes bénévoles le mardi")])
            #expect(created.status == .seeOther)
            let proposal = try #require(try await ProposalRecord.query(on: app.db).first())
            #expect(proposal.status == "debate")
            #expect(proposal.themes == "mobilite numerique")
            #expect(created.location == "/c/grenoble-alpes/propositions/\(proposal.id!.uuidString)")
            let karim = try await MatchingTests.person(app, "karim@demo.terreau.invalid")
            #expect(try await ProposalCoauthorRecord.query(on: app.db).all().map(\.$person.id) == [karim])
            let needs = try await ProposalNeedRecord.query(on: app.db).with(\.$item).all().map(\.item)
            #expect(Set(needs.map(\.title)) == ["Un local de 10 m²", "Des bénévoles le mardi"])
            #expect(needs.allSatisfy { $0.kind == "need" && $0.communeCode == "38185" && $0.visibility == "public" })
            #expect(try await ProposalStore(database: app.db).followers(of: proposal.id!) == [try await MatchingTests.person(app, "camille@demo.terreau.invalid")])
            // The page shows the hostile title as text (S7), the co-author, the needs linked to the inventory.
            let page = try await app.get(created.location ?? "").text
            #expect(!page.contains("<script>alert"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(page.contains("Par Camille Roux, Karim Benali"))
            #expect(page.contains("/c/grenoble-alpes/inventaire/\(needs[0].id!.uuidString)"))
            // The list filters by status and theme.
            #expect(try await app.get("/c/grenoble-alpes/propositions?theme=mobilite").text.contains("Boîte à outils"))
            #expect(!(try await app.get("/c/grenoble-alpes/propositions?theme=sante").text.contains("Boîte à outils")))
            #expect(!(try await app.get("/c/grenoble-alpes/propositions?statut=withdrawn").text.contains("Boîte à outils")))
            #expect(try await app.get("/c/grenoble-alpes/propositions?statut=inconnu&tri=x").status == .ok)
        }
    }

    @Test("debate and backing: stances counted, followers and the author answered told; organisations back once, never their own project",
          arguments: Engine.available)
    func debateAndBacking(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let camille = Browser(app), karim = Browser(app, address: "192.0.2.11"), sophie = Browser(app, address: "192.0.2.12")
            try await camille.signIn("camille@demo.terreau.invalid")
            try await karim.signIn("karim@demo.terreau.invalid")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            let path = try #require(try await Self.publish(camille, [("title", "Des bancs place Saint-Bruno"),
                ("summary", "Six bancs à l'ombre pour que chacun puisse s'asseoir."), ("themes[]", "mobilite")]).location)
            let proposal = try #require(try await ProposalRecord.query(on: app.db).first())

            // Without a stance nothing is published, and it is said.
            _ = try await karim.post(path + "/contributions", [("body", "Sans position")])
            #expect(try await karim.get(path).text.contains("Choisissez votre position"))
            #expect(try await app.count("comments") == 0)
            let argued = try await karim.post(path + "/contributions", [("stance", "pour"), ("body", "Les anciens du quartier le demandent " + Self.hostile)])
            #expect(argued.status == .seeOther)
            let argument = try #require(try await CommentRecord.query(on: app.db).first())
            #expect(argued.location == path + "#c-" + argument.id!.uuidString)
            #expect(try await Self.notifications(app, "camille@demo.terreau.invalid", "notification.comment").count == 1)
            _ = try await sophie.post(path + "/contributions", [("stance", "nuance"), ("body", "Oui, mais à l'ombre."), ("parent", argument.id!.uuidString)])
            _ = try await sophie.post(path + "/contributions", [("stance", "contre"), ("body", "Le budget manque.")])
            #expect(try await Self.notifications(app, "karim@demo.terreau.invalid", "notification.reply").count == 1)
            let byStance = try await app.get(path + "?vue=positions").text
            #expect(byStance.contains("3 arguments"))
            #expect(byStance.contains("Pour 1"))
            #expect(byStance.contains("Contre 1"))
            #expect(byStance.contains("Nuancé 1"))
            #expect(!byStance.contains("<script>alert"))
            // A reply to an argument of another proposal is refused.
            #expect(try await karim.post(path + "/contributions", [("stance", "pour"), ("body", "x y"), ("parent", UUID().uuidString)]).status == .badRequest)

            // Sophie backs it in the name of the cooperative she runs, once; Karim cannot act for it.
            let cooperative = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Atelier Vélo Solidaire (SCOP)").first())
            #expect(try await karim.post(path + "/soutien", [("organisation", cooperative.id!.uuidString)]).status == .forbidden)
            #expect(try await sophie.post(path + "/soutien", [("organisation", cooperative.id!.uuidString)]).status == .seeOther)
            _ = try await sophie.post(path + "/soutien", [("organisation", cooperative.id!.uuidString)])
            #expect(try await sophie.get(path).text.contains("Cette organisation soutient déjà la proposition."))
            #expect(try await app.count("proposal_backings") == 1)
            #expect(try await Self.notifications(app, "camille@demo.terreau.invalid", "notification.proposalBacked").count == 1)

            // A text edited after the first backing keeps every version, marked; a save from an old version is refused (R9).
            let edited = try await camille.post(path + "/modifier", [("title", "Des bancs place Saint-Bruno"),
                ("summary", "Six bancs à l'ombre, et deux tables."), ("version", "1")])
            #expect(edited.status == .seeOther)
            let stale = try await camille.post(path + "/modifier", [("title", "Autre"), ("summary", "Une autre version, partie de la première."), ("version", "1")])
            #expect(stale.status == .conflict)
            #expect(stale.text.contains("Quelqu&#39;un a enregistré la version 2"))
            #expect(stale.text.contains("Une autre version, partie de la première."))
            let versions = try await ProposalVersionRecord.query(on: app.db).sort(\.$version).all()
            #expect(versions.map(\.afterBacking) == [false, true])
            #expect(try await app.get(path).text.contains("écrite après le premier soutien"))
            // Only its authors (or a coordinator) edit it.
            #expect(try await sophie.post(path + "/modifier", [("title", "x"), ("summary", "Une réécriture par quelqu'un d'autre."), ("version", "2")]).status == .forbidden)

            // A project the cooperative carries cannot be backed by the cooperative itself.
            let own = try #require(try await Self.publish(sophie, [("title", "Atelier vélo mobile"), ("summary", "Un atelier de réparation qui va de quartier en quartier."),
                ("themes[]", "mobilite"), ("organisation", cooperative.id!.uuidString)]).location)
            _ = try await sophie.post(own + "/soutien", [("organisation", cooperative.id!.uuidString)])
            #expect(try await sophie.get(own).text.contains("Une organisation ne soutient pas un projet qu&#39;elle porte elle-même."))
            #expect(try await app.count("proposal_backings") == 1)

            // Withdrawn: the debate closes, a new argument is refused; put back into debate, it reopens.
            _ = try await camille.post(path + "/statut", [("event", "withdraw"), ("note", "On attend le budget.")])
            #expect(try await ProposalRecord.find(proposal.id, on: app.db)?.status == "withdrawn")
            _ = try await karim.post(path + "/contributions", [("stance", "pour"), ("body", "Encore un.")])
            #expect(try await app.count("comments") == 3)
            _ = try await camille.post(path + "/statut", [("event", "realise")])
            #expect(try await camille.get(path).text.contains("Ce changement de statut n&#39;est pas possible"))
            _ = try await camille.post(path + "/statut", [("event", "reopen")])
            let timeline = try await ProposalEventRecord.query(on: app.db).filter(\.$proposal.$id == proposal.id!).sort(\.$at).all().map(\.status)
            #expect(timeline == ["debate", "withdrawn", "debate"])
        }
    }

    @Test("moderation: hidden at the community's threshold of reports, each person counted once; the author is told, appeals, a moderator restores with a reason",
          arguments: Engine.available)
    func moderation(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            // Grenoble's rules (the consent template) hide a contribution at three reports.
            let grenoble = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            #expect(try await DecisionStore(database: app.db).governance(of: grenoble.id!).moderationReports == 3)
            var browsers: [String: Browser] = [:]
            for (index, name) in ["camille", "karim", "sophie", "nadia", "elise", "lucas"].enumerated() {
                let browser = Browser(app, address: "192.0.2.\(30 + index)")
                try await browser.signIn(name + "@demo.terreau.invalid")
                browsers[name] = browser
            }
            let path = try #require(try await Self.publish(browsers["camille"]!, [("title", "Une fresque sur le mur du gymnase"),
                ("summary", "Une fresque peinte avec les enfants de l'école voisine."), ("themes[]", "mobilite")]).location)
            _ = try await browsers["lucas"]!.post(path + "/contributions", [("stance", "contre"), ("body", "N'IMPORTE QUOI, encore de l'argent gaspillé !!!")])
            let shouting = try #require(try await CommentRecord.query(on: app.db).first())
            let report = "/c/grenoble-alpes/contributions/\(shouting.id!.uuidString)/signalement"

            // A report needs a reason; its author cannot report it; two reports, one of them twice, do not hide it.
            _ = try await browsers["sophie"]!.post(report, [("reason", "")])
            #expect(try await browsers["sophie"]!.get(path).text.contains("Dites pourquoi vous signalez cette contribution."))
            #expect(try await browsers["lucas"]!.post(report, [("reason", "moi-même")]).status == .badRequest)
            for name in ["sophie", "sophie", "karim"] { _ = try await browsers[name]!.post(report, [("reason", "Agressif.")]) }
            #expect(try await app.count("comment_reports") == 2)
            #expect(try await CommentRecord.find(shouting.id, on: app.db)?.hidden == nil)
            #expect(try await app.get(path).text.contains("N&#39;IMPORTE QUOI"))
            // The third person hides it: gone for readers and from the counts, shown to its author and moderators, its author told.
            _ = try await browsers["elise"]!.post(report, [("reason", "Pas un argument.")])
            #expect(try await CommentRecord.find(shouting.id, on: app.db)?.hidden == "reports")
            let anonymous = try await app.get(path).text
            #expect(!anonymous.contains("N&#39;IMPORTE QUOI"))
            #expect(anonymous.contains("Contribution masquée après plusieurs signalements"))
            #expect(anonymous.contains("0 argument"))
            #expect(try await browsers["lucas"]!.get(path).text.contains("N&#39;IMPORTE QUOI"))
            #expect(try await Self.notifications(app, "lucas@demo.terreau.invalid", "notification.hiddenByReports").count == 1)
            #expect(try await ModerationLogRecord.query(on: app.db).all().map(\.action) == ["hidden-by-reports"])

            // Only its author appeals, once; moderators are told.
            let appeal = "/c/grenoble-alpes/contributions/\(shouting.id!.uuidString)/recours"
            #expect(try await browsers["sophie"]!.post(appeal, [("appeal", "Pour lui")]).status == .forbidden)
            _ = try await browsers["lucas"]!.post(appeal, [("appeal", "Je reformule : le coût m'inquiète.")])
            _ = try await browsers["lucas"]!.post(appeal, [("appeal", "Encore")])
            #expect(try await CommentRecord.find(shouting.id, on: app.db)?.appealText == "Je reformule : le coût m'inquiète.")
            #expect(try await Self.notifications(app, "nadia@demo.terreau.invalid", "notification.appeal").count == 1)

            // The moderators' queue: Nadia (moderator) sees it, Sophie (member) may not.
            #expect(try await browsers["sophie"]!.get("/c/grenoble-alpes/moderation").status == .forbidden)
            let queue = try await browsers["nadia"]!.get("/c/grenoble-alpes/moderation").text
            #expect(queue.contains("Je reformule : le coût m"))
            #expect(queue.contains("Agressif."))
            let decide = "/c/grenoble-alpes/contributions/\(shouting.id!.uuidString)/moderation"
            // A decision without a reason changes nothing.
            _ = try await browsers["nadia"]!.post(decide, [("action", "restore"), ("reason", "")])
            #expect(try await CommentRecord.find(shouting.id, on: app.db)?.hidden == "reports")
            _ = try await browsers["nadia"]!.post(decide, [("action", "restore"), ("reason", "Reformulé dans le recours ; l'inquiétude est légitime.")])
            let restored = try #require(try await CommentRecord.find(shouting.id, on: app.db))
            #expect(restored.hidden == nil)
            #expect(restored.appeal == "answered")
            #expect(restored.reports == 0)
            let told = try await Self.notifications(app, "lucas@demo.terreau.invalid", "notification.moderation.restore")
            #expect(told.count == 1)
            #expect(told.first?.arguments == ["Reformulé dans le recours ; l'inquiétude est légitime."])
            #expect(try await ModerationLogRecord.query(on: app.db).sort(\.$at).all().map(\.action) == ["hidden-by-reports", "appeal", "restore"])
            #expect(!(try await browsers["nadia"]!.get("/c/grenoble-alpes/moderation").text.contains("Je reformule")))
            // The reports before the restore do not count again: one more is not enough.
            _ = try await browsers["camille"]!.post(report, [("reason", "Toujours agressif.")])
            #expect(try await CommentRecord.find(shouting.id, on: app.db)?.hidden == nil)
            // A moderator hides it directly, with a reason shown in its place.
            _ = try await browsers["nadia"]!.post(decide, [("action", "hide"), ("reason", "Propos répétés.")])
            #expect(try await app.get(path).text.contains("Contribution masquée par la modération. Motif : Propos répétés."))
        }
    }

    @Test("a decision drafted from a proposal takes its debate as deliberation; a proposal no longer debated cannot be", arguments: Engine.available)
    func toDecision(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let camille = Browser(app)
            try await camille.signIn("camille@demo.terreau.invalid")
            let path = try #require(try await Self.publish(camille, [("title", "Un composteur par immeuble"),
                ("summary", "Un composteur collectif au pied de chaque immeuble."), ("themes[]", "mobilite")]).location)
            let proposal = try #require(try await ProposalRecord.query(on: app.db).first())
            let page = try await camille.get(path).text
            let draftLink = "/c/grenoble-alpes/decisions/nouvelle?proposition=\(proposal.id!.uuidString)"
            #expect(page.contains(draftLink))
            let form = try await camille.get(draftLink).text
            #expect(form.contains("value=\"Un composteur par immeuble\""))
            #expect(form.contains("son débat sera la délibération"))
            let created = try await camille.post("/c/grenoble-alpes/decisions", [("kind", "general"), ("method", "consent"),
                ("title", "Un composteur par immeuble"), ("text", "Décision."), ("proposal", proposal.id!.uuidString)])
            #expect(created.status == .seeOther)
            let decision = try #require(try await DecisionRecord.query(on: app.db).first())
            #expect(decision.$proposal.id == proposal.id)
            #expect(try await ProposalRecord.find(proposal.id, on: app.db)?.status == "decision")
            #expect(try await ProposalEventRecord.query(on: app.db).filter(\.$status == "decision").first()?.$decision.id == decision.id)
            // Deliberating does not publish another proposal: the decision already has its debate.
            #expect(try await camille.post(DecisionTests.location(created) + "/etape", [("step", "deliberate")]).status == .seeOther)
            #expect(try await app.count("proposals") == 1)
            #expect(try await app.get(DecisionTests.location(created)).text.contains("La délibération a lieu dans le débat de la proposition « Un composteur par immeuble »"))
            #expect(try await app.get(path).text.contains("Décisions de la communauté"))
            // The proposal is now being decided: a second decision on it is refused, and nothing is stored.
            let again = try await camille.post("/c/grenoble-alpes/decisions", [("kind", "general"), ("method", "consent"),
                ("title", "Encore"), ("proposal", proposal.id!.uuidString)])
            #expect(again.status == .unprocessableEntity)
            #expect(again.text.contains("Cette proposition n&#39;est plus en débat"))
            #expect(try await app.count("decisions") == 1)
        }
    }
}
