import Fluent
import Foundation
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Register of proposals to officials, calls for support, officials' commitments")
struct RegisterTests {
    static let day = 86_400.0

    static func browsers(_ app: Application, _ names: [String]) async throws -> [String: Browser] {
        var browsers: [String: Browser] = [:]
        for (index, name) in names.enumerated() {
            let browser = Browser(app, address: "192.0.2.\(50 + index)")
            try await browser.signIn(name + "@demo.terreau.invalid")
            browsers[name] = browser
        }
        return browsers
    }

    @Test("the register: no skipped status, a refusal gives its reason, coordinators transmit, only the official answers, overdue after the delay (injected clock)",
          arguments: Engine.available)
    func register(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            app.clock.freeze(at: start)
            var b = try await Self.browsers(app, ["camille", "sophie", "elise", "karim"])
            let path = try #require(try await ProposalTests.publish(b["sophie"]!, [("title", "Éclairer le passage " + ProposalTests.hostile),
                ("summary", "Le passage sous la voie ferrée est sombre dès 17 heures."), ("themes[]", "mobilite")]).location)
            let elise = try await MatchingTests.person(app, "elise@demo.terreau.invalid")
            let sophie = try await MatchingTests.person(app, "sophie@demo.terreau.invalid")

            // Only a verified official of the community, or a body of its territory, is an addressee.
            _ = try await b["sophie"]!.post(path + "/registre", [("to", "official:" + sophie.uuidString)])
            #expect(try await b["sophie"]!.get(path).text.contains("Ce destinataire n&#39;est pas un élu vérifié"))
            _ = try await b["sophie"]!.post(path + "/registre", [("to", "body:conseil-municipal"), ("commune", "75056")])
            #expect(try await app.count("register_entries") == 0)
            // Only its authors file it.
            #expect(try await b["karim"]!.post(path + "/registre", [("to", "official:" + elise.uuidString)]).status == .forbidden)
            _ = try await b["sophie"]!.post(path + "/registre", [("to", "official:" + elise.uuidString)])
            let entry = try #require(try await RegisterEntryRecord.query(on: app.db).first())
            #expect(entry.status == "deposee")
            #expect(try await ProposalTests.notifications(app, "camille@demo.terreau.invalid", "notification.registerDeposit").count == 1)

            // Nobody skips a step: the official cannot transmit, nor answer before it is transmitted.
            #expect(try await b["elise"]!.post(path + "/registre/etape", [("step", "transmit")]).status == .forbidden)
            _ = try await b["elise"]!.post(path + "/registre/etape", [("step", "accept")])
            #expect(try await RegisterEntryRecord.find(entry.id, on: app.db)?.status == "deposee")
            #expect(try await b["sophie"]!.post(path + "/registre/etape", [("step", "transmit")]).status == .forbidden)
            _ = try await b["camille"]!.post(path + "/registre/etape", [("step", "transmit"), ("note", "Transmise à l'élue.")])
            #expect(try await RegisterEntryRecord.find(entry.id, on: app.db)?.status == "transmise")
            #expect(try await ProposalTests.notifications(app, "elise@demo.terreau.invalid", "notification.registerTransmitted").count == 1)
            // The coordinator cannot answer in the official's name.
            #expect(try await b["camille"]!.post(path + "/registre/etape", [("step", "accept")]).status == .forbidden)
            _ = try await b["elise"]!.post(path + "/registre/etape", [("step", "realise")])
            #expect(try await b["elise"]!.get(path).text.contains("le registre ne saute aucune étape"))
            _ = try await b["elise"]!.post(path + "/registre/etape", [("step", "study"), ("note", "Le service voirie chiffre l'éclairage.")])
            #expect(try await b["elise"]!.get("/c/grenoble-alpes/registre/mes-propositions").text.contains("Éclairer le passage"))
            #expect(try await b["sophie"]!.get("/c/grenoble-alpes/registre/mes-propositions").status == .forbidden)

            // One status: the proposal reads « À l'étude », not « En débat » beside it.
            let studied = try await app.get(path).text
            #expect(studied.contains(#"<p class="eyebrow"><span class="badge">à l&#39;étude</span>"#))
            #expect(!studied.contains(#"<p class="eyebrow"><span class="badge">en débat</span>"#))

            // « À l'étude » buys one more delay: 61 days on, not overdue; 121 days on, overdue in the list and its filter.
            app.clock.freeze(at: start.addingTimeInterval(61 * Self.day))
            #expect(!(try await app.get("/c/grenoble-alpes/registre?retard=1").text.contains("Éclairer le passage")))
            app.clock.freeze(at: start.addingTimeInterval(121 * Self.day))
            let late = try await app.get("/c/grenoble-alpes/registre?retard=1").text
            #expect(late.contains("Éclairer le passage"))
            #expect(late.contains(">en retard<"))
            #expect(!late.contains("<script>alert"))
            #expect(try await app.get("/c/grenoble-alpes/registre?destinataire=official:\(elise.uuidString)").text.contains("Éclairer le passage"))
            #expect(!(try await app.get("/c/grenoble-alpes/registre?destinataire=body:conseil-municipal").text.contains("Éclairer le passage")))

            // A refusal without its reason changes nothing; with it, the entry is answered and no longer late.
            b = try await Self.browsers(app, ["elise"])
            _ = try await b["elise"]!.post(path + "/registre/etape", [("step", "refuse"), ("note", "  ")])
            #expect(try await RegisterEntryRecord.find(entry.id, on: app.db)?.status == "etude")
            // Said beside the form, the refusal still chosen — not in the success banner.
            let refusedPage = try await b["elise"]!.get(path).text
            #expect(refusedPage.contains(#"<p class="field-error" id="answer-error-\#(entry.id!.uuidString)" role="alert">Un refus se motive"#))
            #expect(refusedPage.contains(#"value="refuse" checked"#))
            #expect(!refusedPage.contains(#"class="flash" role="status">Un refus se motive"#))
            // Once: reading the page again does not show it again.
            #expect(!(try await b["elise"]!.get(path).text.contains("Un refus se motive")))
            _ = try await b["elise"]!.post(path + "/registre/etape", [("step", "refuse"), ("note", "Relève de la SNCF : je leur écris " + ProposalTests.hostile)])
            #expect(try await RegisterEntryRecord.find(entry.id, on: app.db)?.status == "refusee")
            let events = try await RegisterEventRecord.query(on: app.db).sort(\.$at).all()
            #expect(events.map(\.status) == ["deposee", "transmise", "etude", "refusee"])
            #expect(events.last?.note.hasPrefix("Relève de la SNCF") == true)
            #expect(!(try await app.get("/c/grenoble-alpes/registre?retard=1").text.contains("Éclairer le passage")))
            let page = try await app.get(path).text
            #expect(page.contains("Relève de la SNCF"))
            #expect(!page.contains("<script>alert"))
            #expect(try await ProposalTests.notifications(app, "sophie@demo.terreau.invalid", "notification.registerStep").count == 3)
        }
    }

    /// Sophie's cooperative carries « Atelier vélo mobile », Camille's gardens « Jardins au pied des
    /// tours »: both published, as the calls' tests apply with them.
    static func twoProjects(_ app: Application, _ b: [String: Browser]) async throws -> (cooperative: UUID, gardens: UUID, bikes: UUID, jardins: UUID) {
        let cooperative = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Atelier Vélo Solidaire (SCOP)").first()).id!
        let gardens = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Collectif des jardins de la Villeneuve").first()).id!
        _ = try await ProposalTests.publish(b["sophie"]!, [("title", "Atelier vélo mobile"), ("summary", "Un atelier de réparation itinérant."),
            ("themes[]", "mobilite"), ("organisation", cooperative.uuidString)])
        _ = try await ProposalTests.publish(b["camille"]!, [("title", "Jardins au pied des tours"), ("summary", "Des jardins partagés au pied des tours."),
            ("themes[]", "mobilite"), ("organisation", gardens.uuidString)])
        let bikes = try #require(try await ProposalRecord.query(on: app.db).filter(\.$title == "Atelier vélo mobile").first()).id!
        let jardins = try #require(try await ProposalRecord.query(on: app.db).filter(\.$title == "Jardins au pied des tours").first()).id!
        return (cooperative, gardens, bikes, jardins)
    }

    @Test("a call for support: bad input named; apply with one's own projects; no organisation grades its own; medians rank; the priorities go to the organisations' vote",
          arguments: Engine.available)
    func call(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let b = try await Self.browsers(app, ["camille", "sophie", "karim"])
            let refused = try await b["camille"]!.post("/c/grenoble-alpes/appels", [("title", ""), ("description", "court"), ("criteria", "Un\nUn"),
                ("grades", "bien"), ("closes", "2001-01-01")])
            #expect(refused.status == .unprocessableEntity)
            for message in ["Donnez un titre", "Décrivez l&#39;appel", "Au plus sept critères, distincts", "De 3 à 10 mentions", "Donnez une date de clôture à venir"] {
                #expect(refused.text.contains(message), "\(message)")
            }
            #expect(try await app.count("calls") == 0)
            #expect(try await b["sophie"]!.post("/c/grenoble-alpes/appels", [("title", "x")]).status == .forbidden)
            let created = try await b["camille"]!.post("/c/grenoble-alpes/appels", [("title", "Appel 2027 " + ProposalTests.hostile),
                ("description", "Trois projets de quartier soutenus en 2027."), ("criteria", "Utilité pour les jeunes"),
                ("grades", "insuffisant\npassable\nbien\ntrès bien"), ("closes", "2099-12-31")])
            let callPath = try #require(created.location)
            let call = try #require(try await CallRecord.query(on: app.db).first())
            #expect(CallsController.decode(call.criteria) == CallCriteria.seed + ["Utilité pour les jeunes"])

            // Each admin applies with a project their organisation carries.
            let (cooperative, gardens, bikes, jardins) = try await Self.twoProjects(app, b)
            #expect(try await b["karim"]!.post(callPath + "/candidature", [("proposal", bikes.uuidString)]).status == .forbidden)
            #expect(try await b["sophie"]!.post(callPath + "/candidature", [("proposal", bikes.uuidString)]).status == .seeOther)
            #expect(try await b["camille"]!.post(callPath + "/candidature", [("proposal", jardins.uuidString)]).status == .seeOther)
            _ = try await b["sophie"]!.post(callPath + "/candidature", [("proposal", bikes.uuidString)])
            #expect(try await app.count("call_applications") == 2)
            // Grades before the evaluation opens are refused.
            let applications = try await CallApplicationRecord.query(on: app.db).all()
            let bikesApp = try #require(applications.first { $0.$proposal.id == bikes }).id!.uuidString
            let jardinsApp = try #require(applications.first { $0.$proposal.id == jardins }).id!.uuidString
            _ = try await b["sophie"]!.post(callPath + "/evaluation", [("evaluator", cooperative.uuidString), ("grade-\(jardinsApp)-0", "3")])
            #expect(try await app.count("peer_grades") == 0)
            _ = try await b["camille"]!.post(callPath + "/etape", [("step", "startEvaluation")])
            #expect(try await CallRecord.find(call.id, on: app.db)?.phase == "evaluation")
            _ = try await b["camille"]!.post(callPath + "/candidature", [("proposal", bikes.uuidString)])
            #expect(try await b["camille"]!.get(callPath).text.contains("Les candidatures sont closes."))

            // The cooperative does not grade its own project: the whole form is refused.
            _ = try await b["sophie"]!.post(callPath + "/evaluation", [("evaluator", cooperative.uuidString),
                ("grade-\(jardinsApp)-0", "3"), ("grade-\(bikesApp)-0", "3")])
            #expect(try await b["sophie"]!.get(callPath).text.contains("Une organisation n&#39;évalue pas un projet qu&#39;elle porte"))
            #expect(try await app.count("peer_grades") == 0)
            // Karim is no admin of the cooperative.
            #expect(try await b["karim"]!.post(callPath + "/evaluation", [("evaluator", cooperative.uuidString), ("grade-\(jardinsApp)-0", "3")]).status == .forbidden)
            for criterion in 0..<4 {
                _ = try await b["sophie"]!.post(callPath + "/evaluation", [("evaluator", cooperative.uuidString), ("grade-\(jardinsApp)-\(criterion)", "3")])
            }
            // A later grade replaces the earlier one.
            _ = try await b["sophie"]!.post(callPath + "/evaluation", [("evaluator", cooperative.uuidString), ("grade-\(jardinsApp)-0", "2")])
            for criterion in 0..<4 {
                _ = try await b["camille"]!.post(callPath + "/evaluation", [("evaluator", gardens.uuidString), ("grade-\(bikesApp)-\(criterion)", "1")])
            }
            #expect(try await app.count("peer_grades") == 8)
            let page = try await app.get(callPath).text
            #expect(page.contains("Classement provisoire"))
            #expect(!page.contains("<script>alert"))
            let jardinsRow = try #require(page.range(of: "Jardins au pied des tours</a>")), bikesRow = try #require(page.range(of: "Atelier vélo mobile</a>"))
            #expect(jardinsRow.lowerBound < bikesRow.lowerBound, "the project graded « très bien » comes first")

            // The priorities go to a vote between organisations, with a method the rules allow.
            _ = try await b["camille"]!.post(callPath + "/etape", [("step", "submitToDecision")])
            let submitted = try #require(try await CallRecord.find(call.id, on: app.db))
            #expect(submitted.phase == "decision")
            let decision = try #require(try await submitted.$decision.get(on: app.db))
            #expect(decision.kind == "priorities")
            #expect(decision.method == "majority-judgment")
            #expect(decision.electorateKind == "organisations")
            #expect(Set(CallsController.decode(decision.options)) == ["Atelier vélo mobile", "Jardins au pied des tours"])
        }
    }

    @Test("an elected official's proposals are one click from every page, with what is overdue counted and listed first", arguments: Engine.available)
    func officialDesk(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            try await DemoProposals.ensure(on: app.db, now: app.clock.now())
            let b = try await Self.browsers(app, ["elise", "camille"])
            let desk = "href=\"/c/grenoble-alpes/registre/mes-propositions\" class=\"desk\" >Mes propositions : 2 à traiter <strong class=\"overdue\">(1 en retard)</strong>"
            for page in ["/c/grenoble-alpes/agenda", "/c/grenoble-alpes/decisions", "/moi", "/c/trieves"] {
                #expect(try await b["elise"]!.get(page).text.contains(desk), "Élise's desk on \(page)")
            }
            #expect(!(try await b["camille"]!.get("/c/grenoble-alpes/agenda").text.contains("class=\"desk\"")), "only officials have a desk")
            let dashboard = try await b["elise"]!.get("/c/grenoble-alpes/registre/mes-propositions").text
            let overdue = try #require(dashboard.range(of: "Éclairer le passage sous la voie ferrée")), studied = try #require(dashboard.range(of: DemoProposals.toolbox))
            #expect(overdue.lowerBound < studied.lowerBound, "the overdue proposal comes first")
            #expect(dashboard.contains("aria-current=\"page\">Mes propositions"))
            // Each answer form has ids of its own, and no answer is chosen in advance.
            let ids = dashboard.matches(of: /id="([^"]+)"/).map { String($0.1) }
            #expect(Set(ids).count == ids.count, "duplicate ids: \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())")
            #expect(!dashboard.contains("name=\"step\" value=\"accept\" checked"))
            let underpass = try #require(try await ProposalRecord.query(on: app.db).filter(\.$title == "Éclairer le passage sous la voie ferrée").first())
            let path = "/c/grenoble-alpes/propositions/\(underpass.id!.uuidString)/registre/etape"
            _ = try await b["elise"]!.post(path, [("note", "Sans réponse choisie")])
            #expect(try await b["elise"]!.get("/c/grenoble-alpes/propositions/\(underpass.id!.uuidString)").text.contains("choisissez une réponse"))
            #expect(try await RegisterEntryRecord.query(on: app.db).filter(\.$proposal.$id == underpass.id!).first()?.status == "transmise")
            // The overdue answer reaches her notifications, once (the background worker's round).
            #expect(try await RegisterReminders.send(app) == 1)
            #expect(try await RegisterReminders.send(app) == 0)
            let reminders = try await ProposalTests.notifications(app, "elise@demo.terreau.invalid", "notification.registerOverdue")
            #expect(reminders.count == 1)
            #expect(try await b["elise"]!.get("/moi/notifications").text.contains("Votre réponse à « Éclairer le passage sous la voie ferrée » est en retard"))
        }
    }

    @Test("an official's recognition and commitments: only officials sign; each follow-up dated; giving one up says why", arguments: Engine.available)
    func recognition(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let b = try await Self.browsers(app, ["elise", "sophie"])
            #expect(try await b["sophie"]!.post("/c/grenoble-alpes/engagements", [("statement", "Je signe à la place d'une élue, ce qui est interdit.")]).status == .forbidden)
            let short = try await b["elise"]!.post("/c/grenoble-alpes/engagements", [("statement", "Oui.")])
            #expect(short.status == .unprocessableEntity)
            #expect(short.text.contains("La déclaration compte de 20 à 5 000 caractères."))
            #expect(try await app.count("recognitions") == 0)
            _ = try await b["elise"]!.post("/c/grenoble-alpes/engagements", [("statement", "Je reconnais le diagnostic comme la parole des habitants. " + ProposalTests.hostile)])
            _ = try await b["elise"]!.post("/c/grenoble-alpes/engagements/nouveau", [("text", "Répondre à chaque proposition sous 60 jours")])
            let commitment = try #require(try await CommitmentRecord.query(on: app.db).first())
            #expect(commitment.status == "made")
            let path = "/c/grenoble-alpes/engagements/\(commitment.id!.uuidString)"
            #expect(try await b["sophie"]!.post(path, [("status", "kept")]).status == .forbidden)
            _ = try await b["elise"]!.post(path, [("status", "dropped"), ("note", "")])
            #expect(try await CommitmentRecord.find(commitment.id, on: app.db)?.status == "made")
            _ = try await b["elise"]!.post(path, [("status", "in-progress"), ("note", "Un agent suit le registre.")])
            _ = try await b["elise"]!.post(path, [("status", "kept")])
            _ = try await b["elise"]!.post(path, [("status", "dropped"), ("note", "Trop tard")])
            #expect(try await CommitmentRecord.find(commitment.id, on: app.db)?.status == "kept")
            #expect(try await CommitmentEventRecord.query(on: app.db).sort(\.$at).all().map(\.status) == ["made", "in-progress", "kept"])
            let page = try await app.get("/c/grenoble-alpes/engagements").text
            #expect(page.contains("Élise Fabre"))
            #expect(page.contains("Répondre à chaque proposition sous 60 jours"))
            #expect(page.contains("tenu"))
            #expect(!page.contains("<script>alert"))
        }
    }

    @Test("S7: hostile text typed into every new form shows as text on every page, queue, dashboard and notification that displays it",
          arguments: Engine.available)
    func hostileText(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let h = ProposalTests.hostile
            let b = try await Self.browsers(app, ["camille", "sophie", "karim", "nadia", "elise", "lucas"])
            let cooperative = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Atelier Vélo Solidaire (SCOP)").first()).id!
            let path = try #require(try await ProposalTests.publish(b["sophie"]!, [("title", "Titre " + h), ("summary", "Résumé assez long " + h),
                ("themes[]", "mobilite"), ("needs", "Besoin " + h), ("organisation", cooperative.uuidString)]).location)
            let proposal = try #require(try await ProposalRecord.query(on: app.db).first())
            _ = try await b["karim"]!.post(path + "/suivre", [])
            _ = try await b["lucas"]!.post(path + "/contributions", [("stance", "contre"), ("body", "Argument " + h)])
            let comment = try #require(try await CommentRecord.query(on: app.db).first())
            for name in ["camille", "sophie", "karim"] {
                _ = try await b[name]!.post("/c/grenoble-alpes/contributions/\(comment.id!.uuidString)/signalement", [("reason", "Motif " + h)])
            }
            _ = try await b["lucas"]!.post("/c/grenoble-alpes/contributions/\(comment.id!.uuidString)/recours", [("appeal", "Recours " + h)])
            let elise = try await MatchingTests.person(app, "elise@demo.terreau.invalid")
            _ = try await b["sophie"]!.post(path + "/registre", [("to", "official:" + elise.uuidString)])
            _ = try await b["camille"]!.post(path + "/registre/etape", [("step", "transmit"), ("note", "Note " + h)])
            _ = try await b["sophie"]!.post(path + "/modifier", [("title", "Titre " + h), ("summary", "Résumé réécrit " + h), ("version", "1")])
            let call = try #require(try await b["camille"]!.post("/c/grenoble-alpes/appels", [("title", "Appel " + h), ("description", "Description " + h),
                ("criteria", "Critère " + h), ("grades", "a\nb\nc"), ("closes", "2099-12-31")]).location)
            _ = try await b["sophie"]!.post(call + "/candidature", [("proposal", proposal.id!.uuidString)])
            _ = try await b["elise"]!.post("/c/grenoble-alpes/engagements", [("statement", "Déclaration " + h)])
            _ = try await b["elise"]!.post("/c/grenoble-alpes/engagements/nouveau", [("text", "Engagement " + h)])
            let event = try #require(try await b["camille"]!.post("/c/grenoble-alpes/agenda", [("kind", "festive"), ("title", "Fête " + h),
                ("description", "Description " + h), ("day", "2099-06-21"), ("starts", "19:00"), ("ends", "23:00"), ("address", "Adresse " + h)]).location)
            _ = try await b["karim"]!.post(event + "/inscription")
            let study = try #require(try await b["karim"]!.upload("/c/grenoble-alpes/etudes", [("title", "Étude " + h), ("commissioned_by", "Commanditaire " + h),
                ("author", "Auteur " + h), ("year", "2024"), ("territory", "Territoire " + h), ("licence", "odbl")],
                file: ("file", "etude.pdf", "application/pdf", SimplePDF.document(lines: ["Texte"]))).location)
            _ = try await b["karim"]!.post("/c/grenoble-alpes/etudes/demandes", [("request_title", "Demande " + h), ("request_details", "Détails " + h)])
            _ = try await b["camille"]!.post("/c/grenoble-alpes/agenda/fetes", [("festival_title", "Programme " + h), ("festival_slug", "programme-s7"),
                ("festival_description", "Présentation " + h), ("first_day", "2099-06-01"), ("last_day", "2099-06-30")])

            let pages: [(Browser?, String)] = [
                (nil, "/c/grenoble-alpes/propositions"), (nil, path), (nil, path + "?vue=positions"), (b["lucas"], path), (b["nadia"], "/c/grenoble-alpes/moderation"),
                (nil, "/c/grenoble-alpes/registre"), (b["elise"], "/c/grenoble-alpes/registre/mes-propositions"), (nil, "/c/grenoble-alpes/appels"), (nil, call),
                (b["sophie"], call), (nil, "/c/grenoble-alpes/engagements"), (b["elise"], "/c/grenoble-alpes/engagements"), (b["karim"], "/moi/notifications"),
                (b["sophie"], path + "/modifier"), (nil, "/c/grenoble-alpes/agenda"), (nil, event), (b["camille"], event), (b["karim"], "/moi/notifications"),
                (nil, "/c/grenoble-alpes/etudes"), (nil, study), (b["camille"], "/c/grenoble-alpes/etudes"), (nil, "/fete/programme-s7"),
            ]
            for (browser, page) in pages {
                let html = if let browser { try await browser.get(page).text } else { try await app.get(page).text }
                #expect(!html.contains("<script>alert"), "\(page)")
                #expect(!html.contains("<svg onload"), "\(page)")
                #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(page) should show the text")
            }
        }
    }
}
