import Fluent
import Foundation
import SQLKit
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Fieldwork: the method, campaigns and coverage, interviewers, consent-first interviews, paper, claim codes, staff reads")
struct FieldworkTests {
    static let day = 86_400.0
    static let start = Date(timeIntervalSince1970: 1_800_000_000)  // 15 January 2027
    static let base = "/c/grenoble-alpes/enquete"

    /// Camille publishes the starter questionnaire, opens a campaign with targets and registers
    /// Karim, assigned to Échirolles for the campaign.
    static func prepare(_ app: Application, _ names: [String] = ["camille", "karim", "sophie", "lucas"]) async throws -> [String: Browser] {
        try await app.seedDemo()
        app.clock.freeze(at: start)
        let b = try await RegisterTests.browsers(app, names)
        let camille = b["camille"]!
        #expect(try await camille.get(base + "/methode/brouillon").status == .ok)
        #expect(try await camille.post(base + "/methode/publier", [("note", "Première version.")]).status == .seeOther)
        let created = try await camille.post(base + "/campagnes", [("kind", "global"), ("name", "Diagnostic 2027"),
            ("first_day", CalendarDay.format(start - day)), ("last_day", CalendarDay.format(start + 30 * day)), ("census_year", "2022"),
            ("target_commune_38151", "40"), ("target_commune_38185", "100")])
        #expect(created.status == .seeOther)
        let karim = try await MatchingTests.person(app, "karim@demo.terreau.invalid")
        #expect(try await camille.post(base + "/enqueteurs", [("person", karim.uuidString), ("trained_on", CalendarDay.format(start - 10 * day)),
            ("trainer", "Collectif des jardins"), ("charter", "yes")]).status == .seeOther)
        let interviewer = try #require(try await InterviewerRecord.query(on: app.db).first())
        let campaign = try #require(try await CampaignRecord.query(on: app.db).first())
        #expect(try await camille.post(base + "/enqueteurs/\(interviewer.id!.uuidString)/affectations",
            [("campaign", campaign.id!.uuidString), ("place", "commune:38151"), ("first_day", ""), ("last_day", "")]).status == .seeOther)
        return b
    }

    /// An interview's form: consent, visibility, then answers to the starter questionnaire.
    static func answers(name: String, consent: Bool = true, visibility: String = "members", key: String = UUID().uuidString,
                        code: String = ClaimCode.generate(), extra: [(String, String)] = []) -> [(String, String)] {
        var form: [(String, String)] = [("version", "1"), ("channel", "interviewer"), ("idempotency_key", key), ("claim_code", code),
            ("visibility", visibility), ("contact", "yes"), ("a_name", name), ("a_commune", "38151"), ("a_age", "26-40"),
            ("a_skills", "Cuisine du monde\nSavoir réparer une chaise"), ("a_enjoys", "Cuisiner pour les voisins"),
            ("a_availability", "sat-morning"), ("a_availability", "sun-morning"), ("a_associations", "yes"),
            ("a_topics", "Jardins et alimentation"), ("a_topics", "Entraide entre voisin·es"), ("a_ties", "4"), ("a_idea", "Un four à pain")]
        if consent { form.append(("consent", "yes")) }
        return form + extra
    }

    /// The draft editor's form for a questionnaire, row by row as the page shows it.
    static func rows(_ questionnaire: Questionnaire, change: (Int, inout [String: String]) -> Void = { _, _ in }) -> [(String, String)] {
        var form: [(String, String)] = [("rows", String(questionnaire.questions.count)), ("consent_text", questionnaire.consentText)]
        for (offset, question) in questionnaire.questions.enumerated() {
            let i = offset + 1
            var row = ["key": question.key, "order": String(i), "section": question.section, "label": question.label, "help": question.help,
                       "kind": question.kind.rawValue, "options": question.options.joined(separator: "\n"), "maps": question.mapsTo?.rawValue ?? "",
                       "scale": String(question.scaleMax), "required": question.required ? "yes" : ""]
            change(i, &row)
            form += row.sorted { $0.key < $1.key }.map { ("\($0.key)_\(i)", $0.value) }
        }
        return form
    }

    @Test("the method: a draft refused as a whole with each question named, then published with a note; versions compared; its debate",
          arguments: Engine.available)
    func method(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            app.clock.freeze(at: Self.start)
            let b = try await RegisterTests.browsers(app, ["camille", "karim"])
            let camille = b["camille"]!
            #expect(try await b["karim"]!.get(Self.base + "/methode/brouillon").status == .forbidden)
            let draft = try await camille.get(Self.base + "/methode/brouillon")
            #expect(draft.text.contains("Brouillon de la version 1 du questionnaire"))
            #expect(draft.text.contains("Sous quel nom souhaitez-vous apparaître"))
            let stored = try #require(try await QuestionnaireVersionRecord.query(on: app.db).first())
            let questions = stored.questionnaire.questions
            // The whole draft posted back with a broken question 2, a bad mapping in 3 and a new question without choices.
            var form: [(String, String)] = [("rows", String(questions.count + 1)), ("consent_text", "Texte lu.")]
            for (offset, question) in questions.enumerated() {
                let i = offset + 1
                form += [("key_\(i)", question.key), ("order_\(i)", String(i)), ("section_\(i)", question.section),
                         ("label_\(i)", i == 2 ? "" : question.label), ("help_\(i)", ""), ("kind_\(i)", i == 3 ? "long-text" : question.kind.rawValue),
                         ("options_\(i)", question.options.joined(separator: "\n")), ("maps_\(i)", question.mapsTo?.rawValue ?? ""), ("scale_\(i)", "5")]
                if question.required { form.append(("required_\(i)", "yes")) }
            }
            let n = questions.count + 1
            form += [("key_\(n)", ""), ("order_\(n)", "0.5"), ("section_\(n)", "Vous"), ("label_\(n)", "Depuis quand habitez-vous ici ? " + ProposalTests.hostile),
                     ("kind_\(n)", "single-choice"), ("options_\(n)", "Moins d'un an"), ("maps_\(n)", ""), ("scale_\(n)", "5")]
            let refused = try await camille.post(Self.base + "/methode/brouillon", form)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Question 2 : donnez une formulation."))
            #expect(refused.text.contains("Question 3 : pour remplir « Quartier ou secteur », le type de réponse doit être : Choix unique."))
            #expect(refused.text.contains("Question \(n) : proposez au moins deux choix, un par ligne."))
            #expect(refused.text.contains("Depuis quand habitez-vous ici ? &quot;&gt;&lt;script&gt;"), "typed values come back, as text")
            #expect(!refused.text.contains("<script>alert"))
            #expect(try #require(try await QuestionnaireVersionRecord.find(stored.id, on: app.db)).content == stored.content, "nothing saved")

            // Fixed: the new question goes first (order 0.5).
            form = form.map { pair in
                switch pair.0 {
                case "label_2": return (pair.0, questions[1].label)
                case "kind_3": return (pair.0, "single-choice")
                case "options_\(n)": return (pair.0, "Moins d'un an\nPlus d'un an")
                default: return pair
                }
            }
            #expect(try await camille.post(Self.base + "/methode/brouillon", form).status == .seeOther)
            let saved = try #require(try await QuestionnaireVersionRecord.find(stored.id, on: app.db)).questionnaire
            #expect(saved.questions.count == questions.count + 1)
            #expect(saved.questions[0].key == "depuis-quand-habitez-vous-ici-script")
            #expect(saved.consentText == "Texte lu.")

            // Publishing is its own act, with a note.
            let noNote = try await camille.post(Self.base + "/methode/publier", [("note", "")])
            #expect(noNote.status == .unprocessableEntity)
            #expect(noNote.text.contains("Dites en quelques mots ce qui change et pourquoi"))
            #expect(try await camille.post(Self.base + "/methode/publier", [("note", "Première version, adoptée au lancement.")]).status == .seeOther)
            let again = try await camille.post(Self.base + "/methode/publier", [("note", "Rien de neuf.")])
            #expect(again.status == .unprocessableEntity)
            #expect(again.text.contains("Le brouillon est identique à la version en vigueur"))

            // Version 2 removes the new question and rewords the first.
            let first = try #require(try await QuestionnaireVersionRecord.query(on: app.db).filter(\.$number == 1).first()).questionnaire
            let next = Self.rows(first) { index, row in
                if row["key"] == "depuis-quand-habitez-vous-ici-script" { row["remove"] = "yes" }
                if row["key"] == "name" { row["label"] = "Votre prénom ou un pseudonyme" }
            }
            #expect(try await camille.post(Self.base + "/methode/brouillon", next).status == .seeOther)
            #expect(try await camille.post(Self.base + "/methode/publier", [("note", "L'ancienneté retirée ; le nom reformulé.")]).status == .seeOther)
            let page = try await app.get(Self.base + "/methode").text
            #expect(page.contains("Version 2 en vigueur"))
            #expect(page.contains("Ce qui a changé de la version 1 à la version 2"))
            #expect(page.contains("Questions retirées"))
            #expect(page.contains("Votre prénom ou un pseudonyme — formulation"))
            #expect(page.contains("L&#39;ancienneté retirée ; le nom reformulé."))
            #expect(!page.contains("<script>alert"))
            // The debate: one proposal, a version per published questionnaire.
            let debate = try #require(try await ProposalRecord.query(on: app.db).filter(\.$title == "Méthode de l’enquête : le questionnaire en débat").first())
            #expect(debate.version == 2)
            #expect(page.contains("Débat"))
            #expect(try await app.count("questionnaire_versions") == 2)
        }
    }

    @Test("campaigns and interviewers: bad input named and nothing stored; the interviewer role given; the assignment told",
          arguments: Engine.available)
    func campaignsAndInterviewers(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let b = try await Self.prepare(app)
            let camille = b["camille"]!
            let refused = try await camille.post(Self.base + "/campagnes", [("kind", "global"), ("name", ""), ("first_day", "2027-02-01"),
                ("last_day", "2027-01-01"), ("census_year", "1789"), ("target_commune_38185", "beaucoup")])
            #expect(refused.status == .unprocessableEntity)
            for message in ["Donnez un nom à la campagne", "Le dernier jour ne peut pas précéder le premier", "L’année du recensement est une année",
                            "L’objectif est un nombre entier positif"] {
                #expect(refused.text.contains(message), "\(message)")
            }
            #expect(refused.text.contains("value=\"beaucoup\""))
            #expect(try await app.count("campaigns") == 1)
            #expect(try await app.count("campaign_targets") == 2)
            let lucas = try await MatchingTests.person(app, "lucas@demo.terreau.invalid")
            let noCharter = try await camille.post(Self.base + "/enqueteurs", [("person", lucas.uuidString), ("trained_on", "2999-01-01"), ("trainer", "")])
            #expect(noCharter.status == .unprocessableEntity)
            for message in ["La charte de l’enquêteur·rice doit être acceptée", "Donnez la date de la formation", "Nommez qui a assuré la formation"] {
                #expect(noCharter.text.contains(message), "\(message)")
            }
            #expect(try await app.count("interviewers") == 1)
            let karim = try await MatchingTests.person(app, "karim@demo.terreau.invalid")
            let membership = try #require(try await MembershipRecord.query(on: app.db).filter(\.$person.$id == karim).first())
            #expect(Role.parse(membership.roles).contains(.interviewer))
            #expect(try await ProposalTests.notifications(app, "karim@demo.terreau.invalid", "notification.assigned").count == 1)
            let list = try await camille.get(Self.base + "/enqueteurs").text
            #expect(list.contains("formé·e le 05/01/2027 par Collectif des jardins"))
            #expect(list.contains("Échirolles"))
            #expect(try await b["sophie"]!.get(Self.base + "/enqueteurs").status == .forbidden)
            // Karim's home shows the running assignment and the way in.
            let home = try await b["karim"]!.get(Self.base).text
            #expect(home.contains("Mes affectations"))
            #expect(home.contains("Commencer un entretien"))
        }
    }

    @Test("an interview: no consent, nothing stored and the answers kept; then recorded once whatever the resends; paper numbers keyed once",
          arguments: Engine.available)
    func interview(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let b = try await Self.prepare(app)
            let karim = b["karim"]!
            #expect(try await b["lucas"]!.get(Self.base + "/entretien").status == .forbidden, "not an interviewer")
            let form = try await karim.get(Self.base + "/entretien")
            #expect(form.status == .ok)
            #expect(form.text.contains("Nous menons un diagnostic"), "the consent text comes first")
            let consentAt = try #require(form.text.range(of: "id=\"consent\""))
            let firstQuestion = try #require(form.text.range(of: "a_name"))
            #expect(consentAt.lowerBound < firstQuestion.lowerBound)
            #expect(!form.text.contains("id=\"consent\" name=\"consent\" value=\"yes\" required checked"), "consent boxes start empty")

            let people = try await app.count("people")
            let refused = try await karim.post(Self.base + "/entretiens", Self.answers(name: "Fatou " + ProposalTests.hostile, consent: false))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Le consentement est obligatoire : lisez le texte à la personne et cochez la case. Vos réponses sont gardées."))
            #expect(refused.text.contains("value=\"Fatou &quot;&gt;&lt;script&gt;"), "answers kept, as text")
            #expect(refused.text.contains("Un four à pain"))
            #expect(!refused.text.contains("<script>alert"))
            #expect(try await app.count("interviews") == 0)
            #expect(try await app.count("people") == people)

            let key = UUID().uuidString, code = ClaimCode.generate()
            let recorded = try await karim.post(Self.base + "/entretiens", Self.answers(name: "Fatou", key: key, code: code))
            #expect(recorded.status == .created)
            #expect(recorded.text.contains(code))
            let resent = try await karim.post(Self.base + "/entretiens", Self.answers(name: "Fatou", key: key, code: code))
            #expect(resent.status == .ok)
            #expect(resent.text.contains("Cet entretien était déjà enregistré"))
            #expect(try await app.count("interviews") == 1)
            let interview = try #require(try await InterviewRecord.query(on: app.db).first())
            let portrait = try #require(try await InventoryItemRecord.find(interview.$item.id, on: app.db))
            #expect(portrait.title == "Fatou")
            #expect(portrait.$person.id == interview.$person.id)
            #expect(portrait.$createdBy.id == nil, "the interviewer's access ends with the assignment")
            #expect(portrait.visibility == "members")
            let fields = InventoryStore.decode(portrait.fields)
            #expect(fields["skills_free"]?.contains("Savoir réparer une chaise") == true, "skills the vocabulary does not know are kept in the person's words")
            #expect(fields["availability"] == "sat-morning sun-morning")
            #expect(FieldworkStore.decode(interview.answers) == ["associations": "yes", "topics": "Jardins et alimentation\nEntraide entre voisin·es", "ties": "4", "idea": "Un four à pain"])
            let consents = try await ConsentRecord.query(on: app.db).filter(\.$person.$id == interview.$person.id).sort(\.$purpose).all()
            #expect(consents.map(\.purpose) == ["contact", "portrait"])
            #expect(consents.allSatisfy { $0.channel == "interviewer" && $0.textVersion == "questionnaire-v1" && $0.$recordedBy.id == interview.$interviewer.id })
            #expect(interview.$interviewer.id == (try await MatchingTests.person(app, "karim@demo.terreau.invalid")))
            #expect(interview.communeCode == "38151")

            // The offline mode's JSON answers: created, then already recorded.
            karim.extraHeaders = ["Accept": "application/json"]
            let jsonKey = UUID().uuidString
            let first = try await karim.post(Self.base + "/entretiens", Self.answers(name: "Bernard", key: jsonKey))
            #expect(first.status == .created)
            #expect(first.text.contains("\"status\":\"created\""))
            async let one = karim.post(Self.base + "/entretiens", Self.answers(name: "Bernard", key: jsonKey))
            async let two = karim.post(Self.base + "/entretiens", Self.answers(name: "Bernard", key: jsonKey))
            let (a, c) = try await (one, two)
            #expect(a.status == .ok && c.status == .ok)
            #expect(a.text.contains("already-recorded"))
            let noConsent = try await karim.post(Self.base + "/entretiens", Self.answers(name: "Inès", consent: false))
            #expect(noConsent.status == .unprocessableEntity)
            #expect(noConsent.text.contains("\"consent\""))
            // A browser's navigation accepts */*: it gets the page, not JSON.
            karim.extraHeaders = ["Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]
            let page = try await karim.post(Self.base + "/entretiens", Self.answers(name: "Inès", consent: false))
            #expect(page.headers.contentType?.subType == "html")
            #expect(page.text.contains("Le consentement est obligatoire"))
            karim.extraHeaders = [:]
            #expect(try await app.count("interviews") == 2)

            // Paper: the number is asked, and each number is keyed once.
            let entry = try await karim.get(Self.base + "/saisie")
            #expect(entry.text.contains("Numéro du formulaire"))
            #expect(try await karim.post(Self.base + "/entretiens", Self.answers(name: "Inès").map { $0.0 == "channel" ? ($0.0, "paper") : $0 }).status
                    == .unprocessableEntity, "a paper form without its number")
            let paper = try await karim.post(Self.base + "/entretiens", Self.answers(name: "Inès", visibility: "statistics", extra: [("form_number", "1-0001")])
                .map { $0.0 == "channel" ? ($0.0, "paper") : $0 })
            #expect(paper.status == .created)
            #expect(paper.text.contains("Formulaire n° 1-0001 saisi."))
            let twice = try await karim.post(Self.base + "/entretiens", Self.answers(name: "Inès bis", extra: [("form_number", "1-0001")])
                .map { $0.0 == "channel" ? ($0.0, "paper") : $0 })
            #expect(twice.status == .unprocessableEntity)
            #expect(twice.text.contains("Le formulaire n° 1-0001 a déjà été saisi."))
            #expect(try await InterviewRecord.query(on: app.db).filter(\.$channel == "paper").count() == 1)
            #expect(try await ConsentRecord.query(on: app.db).filter(\.$channel == "paper").count() == 2)
            let sheets = try await karim.get(Self.base + "/formulaire-papier?premier=7&nombre=3").text
            #expect(sheets.contains("1-0007") && sheets.contains("1-0009") && !sheets.contains("1-0010"))
        }
    }

    @Test("a claim code: wrong ones counted and throttled; the right one shows, corrects and deletes the portrait; another is taken over",
          arguments: Engine.available)
    func claims(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let b = try await Self.prepare(app)
            let karim = b["karim"]!
            let codes = [ClaimCode.generate(), ClaimCode.generate()]
            for (index, code) in codes.enumerated() {
                #expect(try await karim.post(Self.base + "/entretiens", Self.answers(name: ["Fatou", "Bernard"][index], code: code)).status == .created)
            }
            // S2: the sixth wrong code from one address within a quarter of an hour gets 429 (every test
            // browser shares one address); the next window starts afresh.
            let guesser = Browser(app, address: "198.51.100.9")
            for _ in 0..<5 { #expect(try await guesser.post("/c/grenoble-alpes/portrait-recueilli", [("code", ClaimCode.generate())]).status == .unprocessableEntity) }
            let throttled = try await guesser.post("/c/grenoble-alpes/portrait-recueilli", [("code", ClaimCode.generate())])
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers.first(name: "Retry-After") != nil)
            app.clock.freeze(at: Self.start + 901)
            let resident = Browser(app, address: "198.51.100.7")
            #expect(try await resident.get("/c/grenoble-alpes/portrait-recueilli").status == .ok)
            let wrong = try await resident.post("/c/grenoble-alpes/portrait-recueilli", [("code", "AAAA-BBBB-CCCC-DDDD")])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("Ce code ne correspond à aucun portrait"))
            #expect(try await resident.post("/c/grenoble-alpes/portrait-recueilli", [("code", "pas un code")]).status == .unprocessableEntity)
            // Typed loosely: lower case, spaces instead of dashes.
            let typed = codes[0].lowercased().replacingOccurrences(of: "-", with: " ")
            #expect(try await resident.post("/c/grenoble-alpes/portrait-recueilli", [("code", typed)]).location == "/c/grenoble-alpes/portrait-recueilli/mon-portrait")
            let mine = try await resident.get("/c/grenoble-alpes/portrait-recueilli/mon-portrait")
            #expect(mine.text.contains("Fatou"))
            #expect(mine.text.contains("Un four à pain"))
            #expect(mine.text.contains("lors d&#39;un entretien"))
            // Correcting it.
            let edit = try await resident.get("/c/grenoble-alpes/portrait-recueilli/corriger")
            #expect(edit.status == .ok)
            let version = try #require(try await InventoryItemRecord.query(on: app.db).filter(\.$title == "Fatou").first()).version
            #expect(try await resident.post("/c/grenoble-alpes/portrait-recueilli/corriger", [("version", String(version)), ("title", "Fatou D."),
                ("visibility", "public"), ("commune", "38151"), ("enjoys", "Coudre")]).status == .seeOther)
            let corrected = try #require(try await InventoryItemRecord.query(on: app.db).filter(\.$title == "Fatou D.").first())
            #expect(corrected.visibility == "public")
            // Deleting it: the portrait, answers, consents and the code go.
            let person = corrected.$person.id!
            #expect(try await resident.post("/c/grenoble-alpes/portrait-recueilli/supprimer").location == "/c/grenoble-alpes/portrait-recueilli/mon-portrait",
                    "not without the confirmation box")
            let deleted = try await resident.post("/c/grenoble-alpes/portrait-recueilli/supprimer", [("confirm", "yes")])
            #expect(deleted.text.contains("Votre portrait, vos réponses et vos consentements ont été supprimés"))
            #expect(try await InventoryItemRecord.query(on: app.db).filter(\.$person.$id == person).count() == 0)
            #expect(try await InterviewRecord.query(on: app.db).filter(\.$person.$id == person).count() == 0)
            #expect(try await ConsentRecord.query(on: app.db).filter(\.$person.$id == person).count() == 0)
            #expect(try await PortraitClaimRecord.query(on: app.db).filter(\.$person.$id == person).count() == 0)
            #expect(try await resident.get("/c/grenoble-alpes/portrait-recueilli/mon-portrait").location == "/c/grenoble-alpes/portrait-recueilli")

            // Sophie takes the second one over: it moves to her, the code stops working.
            let sophie = b["sophie"]!
            _ = try await sophie.post("/c/grenoble-alpes/portrait-recueilli", [("code", codes[1])])
            #expect(try await sophie.post("/c/grenoble-alpes/portrait-recueilli/prendre-la-main").status == .seeOther)
            let me = try await MatchingTests.person(app, "sophie@demo.terreau.invalid")
            #expect(try await InventoryItemRecord.query(on: app.db).filter(\.$title == "Bernard").first()?.$person.id == me)
            #expect(try await ConsentRecord.query(on: app.db).filter(\.$person.$id == me).filter(\.$purpose == "portrait").count() == 1)
            let stranger = Browser(app, address: "198.51.100.8")
            #expect(try await stranger.post("/c/grenoble-alpes/portrait-recueilli", [("code", codes[1])]).status == .unprocessableEntity)

        }
    }

    @Test("coverage per 1,000 inhabitants from the census; staff reads logged; the interviewer's access ends with the assignment",
          arguments: Engine.available)
    func coverageAndAccess(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let b = try await Self.prepare(app)
            let karim = b["karim"]!
            for (index, name) in ["Fatou", "Bernard", "Inès"].enumerated() {
                #expect(try await karim.post(Self.base + "/entretiens", Self.answers(name: name, visibility: index == 2 ? "statistics" : "members")).status == .created)
            }
            // Figures from the census populations stored for the territory.
            let echirolles = try #require(try await CommuneRecord.query(on: app.db).filter(\.$code == "38151").filter(\.$kind == "COM").first()?.population)
            let campaign = try #require(try await CampaignRecord.query(on: app.db).first())
            let dashboard = try await app.get(Self.base + "/campagnes/\(campaign.id!.uuidString)").text
            let rate = String(format: "%.1f", 3.0 * 1000 / Double(echirolles)).replacingOccurrences(of: ".", with: ",")
            let population = Language.fr.format(echirolles)
            #expect(dashboard.contains("<th scope=\"row\">Échirolles</th><td class=\"num\">\(population)</td><td class=\"num\">3</td><td class=\"num\">\(rate)</td><td class=\"num\">40</td>"))
            #expect(dashboard.contains("<progress max=\"100\" value=\"8\""), "3 of 40")
            #expect(dashboard.contains("role=\"img\""))
            #expect(dashboard.contains("class=\"commune cover-"))

            // Coordinators' reads are logged; so are the interviewer's, while the assignment runs.
            let interview = try #require(try await InterviewRecord.query(on: app.db).first())
            let path = Self.base + "/entretiens/\(interview.id!.uuidString)"
            #expect(try await b["camille"]!.get(path).status == .ok)
            #expect(try await karim.get(path).status == .ok)
            #expect(try await b["sophie"]!.get(path).status == .forbidden)
            #expect(try await app.count("staff_reads") == 2)
            // A coordinator opening a members-only portrait leaves a trace too; a member does not.
            let fatou = try #require(try await InventoryItemRecord.query(on: app.db).filter(\.$title == "Fatou").first())
            #expect(try await b["camille"]!.get("/c/grenoble-alpes/inventaire/\(fatou.id!.uuidString)").status == .ok)
            #expect(try await b["sophie"]!.get("/c/grenoble-alpes/inventaire/\(fatou.id!.uuidString)").status == .ok)
            #expect(try await app.count("staff_reads") == 3)
            #expect(try await StaffReadRecord.query(on: app.db).filter(\.$what == "portrait").count() == 1)
            #expect(try await b["camille"]!.get(Self.base + "/consultations").text.contains("Karim Benali"))
            #expect(try await karim.get(Self.base).text.contains("Fatou"))

            // After the assignment: no interview page, no list, no form.
            app.clock.freeze(at: Self.start + 40 * Self.day)
            let later = try await RegisterTests.browsers(app, ["karim"])["karim"]!
            #expect(try await later.get(path).status == .notFound)
            #expect(!(try await later.get(Self.base).text.contains("Fatou")))
            let noLonger = try await later.get(Self.base + "/entretien")
            #expect(noLonger.status == .forbidden)
            #expect(noLonger.text.contains("Vous n’avez pas d’affectation en cours"), "the refusal says why")
            let statistics = try #require(try await InventoryItemRecord.query(on: app.db).filter(\.$title == "Inès").first())
            #expect(try await later.get("/c/grenoble-alpes/inventaire/\(statistics.id!.uuidString)").status == .notFound)
            #expect(try await app.count("staff_reads") == 3)
        }
    }
}
