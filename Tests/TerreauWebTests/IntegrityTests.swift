import Fluent
import SQLKit
import Foundation
import TerreauCore
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

/// The democratic-integrity loopholes (issue 21), each reproduced on the code before its fix.
@Suite("Democratic integrity")
struct IntegrityTests {
    static let receiptPattern = #"[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]"#

    /// Each current ballot of the decision, by key.
    static func ballots(_ app: Application, _ decision: DecisionRecord) async throws -> [String: String] {
        var latest: [String: String] = [:]
        for row in try await DecisionStore(database: app.db).log(of: decision.id!) { latest[row.ballotKey] = row.content }
        return latest
    }

    @Test("a receipt alone changes nothing: only its elector, signed in, changes a secret ballot", arguments: Engine.available)
    func receiptIsNotABearerPassword(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            app.clock.freeze(at: Date(timeIntervalSince1970: 1_800_000_000))
            let decision = try await DecisionTests.openVote(app)
            let path = "/c/grenoble-alpes/decisions/\(decision.id!.uuidString)"
            let sophie = Browser(app, address: "192.0.2.11"), karim = Browser(app, address: "192.0.2.12"), paul = Browser(app, address: "192.0.2.13")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            try await karim.signIn("karim@demo.terreau.invalid")
            try await paul.signIn("paul@demo.terreau.invalid")
            _ = try await sophie.post(path + "/bulletin", [("choice", "contre")])
            let shown = try await sophie.get(path).text
            let receipt = try #require(shown.range(of: Self.receiptPattern, options: .regularExpression).map { String(shown[$0]) })
            #expect(shown.contains("Empreinte de votre bulletin"))
            let before = try await Self.ballots(app, decision)

            // Karim saw Sophie's receipt. Before voting himself, then after: refused both times.
            _ = try await karim.post(path + "/bulletin", [("choice", "pour"), ("receipt", receipt)])
            #expect(try await karim.get(path).text.contains("Ce code ne correspond pas à votre bulletin"))
            #expect(try await Self.ballots(app, decision) == before, "Sophie's ballot stands, and Karim has not voted")
            _ = try await karim.post(path + "/bulletin", [("choice", "pour")])
            #expect(try await Self.ballots(app, decision).count == 2)
            _ = try await karim.post(path + "/bulletin", [("choice", "abstention"), ("receipt", receipt)])
            #expect(try await karim.get(path).text.contains("Ce code ne correspond pas à votre bulletin"))
            #expect(try await Self.ballots(app, decision)[before.keys.first!] == before.values.first!)
            // Paul is not an elector: a receipt makes no difference.
            #expect(try await paul.post(path + "/bulletin", [("choice", "pour"), ("receipt", receipt)]).status == .forbidden)

            // Sophie, signed in, with her receipt as she may type it: her ballot changes.
            _ = try await sophie.post(path + "/bulletin", [("choice", "pour"), ("receipt", receipt.lowercased().replacingOccurrences(of: "-", with: " "))])
            #expect(try await sophie.get(path).text.contains("Votre nouveau bulletin remplace le précédent"))
            #expect(try await Self.ballots(app, decision)[before.keys.first!]?.contains("pour") == true)

            // Anyone holding the receipt checks it is counted, without seeing the choice.
            let visitor = Browser(app, address: "192.0.2.14")
            try await visitor.get(path)
            #expect(try await visitor.post(path + "/recu", [("receipt", receipt)]).status == .seeOther)
            let check = try await visitor.get(path).text
            #expect(check.contains("Ce code correspond à un bulletin compté") && check.contains("(2 version(s)") && check.contains("intact"))
            _ = try await visitor.post(path + "/recu", [("receipt", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-F")])
            #expect(try await visitor.get(path).text.contains("Aucun bulletin de ce vote ne correspond à ce code"))
            #expect(await JournalTests.verify(app, decision.id!.uuidString))
        }
    }

    @Test("in an open vote a ballot is its elector's: another's receipt or none, each changes only their own", arguments: Engine.available)
    func openVoteBallotsAreTheirElectors(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            app.clock.freeze(at: Date(timeIntervalSince1970: 1_800_000_000))
            let decision = try await DecisionTests.openVote(app, secret: false)
            let path = "/c/grenoble-alpes/decisions/\(decision.id!.uuidString)"
            let sophie = Browser(app, address: "192.0.2.11"), karim = Browser(app, address: "192.0.2.12")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            try await karim.signIn("karim@demo.terreau.invalid")
            _ = try await sophie.post(path + "/bulletin", [("choice", "contre")])
            _ = try await karim.post(path + "/bulletin", [("choice", "pour"), ("receipt", "7KQ2A-BCDEF-GHJKL-MNPQR-STUVW-X")])
            _ = try await karim.post(path + "/bulletin", [("choice", "abstention")])
            let ballots = try await Self.ballots(app, decision)
            let sophieID = try await MatchingTests.person(app, "sophie@demo.terreau.invalid")
            let karimID = try await MatchingTests.person(app, "karim@demo.terreau.invalid")
            #expect(ballots["person:\(sophieID.uuidString)"]?.contains("contre") == true)
            #expect(ballots["person:\(karimID.uuidString)"]?.contains("abstention") == true)
            #expect(ballots.count == 2)
            // No receipt check on an open vote: the page has none, and the route says nothing.
            #expect(!(try await sophie.get(path).text.contains("Vérifier un bulletin")))
        }
    }
}

extension IntegrityTests {
    @Test("nobody grades their own project through a sister organisation; the rule is the community's, shown on the call and the charter", arguments: Engine.available)
    func conflictsOfInterest(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let b = try await RegisterTests.browsers(app, ["camille", "sophie"])
            let created = try await b["camille"]!.post("/c/grenoble-alpes/appels", [("title", "Appel 2028"),
                ("description", "Deux projets de quartier soutenus en 2028."), ("criteria", ""),
                ("grades", "insuffisant\npassable\nbien\ntrès bien"), ("closes", "2099-12-31")])
            let callPath = try #require(created.location)
            let mobility = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Collectif mobilités douces du sud grenoblois").first()).id!
            let (cooperative, gardens, bikes, jardins) = try await RegisterTests.twoProjects(app, b)
            _ = try await b["sophie"]!.post(callPath + "/candidature", [("proposal", bikes.uuidString)])
            _ = try await b["camille"]!.post(callPath + "/candidature", [("proposal", jardins.uuidString)])
            _ = try await b["camille"]!.post(callPath + "/etape", [("step", "startEvaluation")])
            let applications = try await CallApplicationRecord.query(on: app.db).all()
            let bikesApp = try #require(applications.first { $0.$proposal.id == bikes }).id!.uuidString
            let jardinsApp = try #require(applications.first { $0.$proposal.id == jardins }).id!.uuidString

            // Sophie admins the cooperative that carries the bikes project and the mobility
            // collective: grading it as the collective is grading her own (the review's loophole).
            let page = try await b["sophie"]!.get(callPath).text
            #expect(page.contains("Ne notent pas un projet et ne votent pas sur sa priorité : son auteur ou autrice, ses co-auteurs et co-autrices, les membres et responsables des organisations qui le portent"))
            #expect(page.contains("Vous ne notez pas ce projet : vous en êtes l&#39;auteur ou l&#39;autrice"))
            _ = try await b["sophie"]!.post(callPath + "/evaluation", [("evaluator", mobility.uuidString), ("grade-\(bikesApp)-0", "3")])
            #expect(try await b["sophie"]!.get(callPath).text.contains("vous ne pouvez pas noter « Atelier vélo mobile »"))
            #expect(try await app.count("peer_grades") == 0)
            // Grading the gardens' project as the collective is fine.
            _ = try await b["sophie"]!.post(callPath + "/evaluation", [("evaluator", mobility.uuidString), ("grade-\(jardinsApp)-0", "3")])
            #expect(try await app.count("peer_grades") == 1)

            // Camille authored the gardens' project and the rule counts authors; a member of the
            // cooperative who did not author the bikes project is still tied through it.
            let tie = PeerEvaluation.conflict(person: UUID(), organisations: [cooperative], evaluator: mobility,
                                              project: .init(author: UUID(), carriers: [cooperative]), counted: Set(ConflictLink.allCases))
            #expect(tie == .carrier)

            // The rule is data: a community that counts no tie leaves only « no organisation grades its own ».
            try await DecisionTests.adoptRules(app) { $0.conflictLinks = [] }
            _ = try await b["sophie"]!.post(callPath + "/evaluation", [("evaluator", mobility.uuidString), ("grade-\(bikesApp)-0", "3")])
            #expect(try await app.count("peer_grades") == 2)
            #expect(try await app.get("/c/grenoble-alpes/charte").text.contains("les règles n&#39;écartent personne d&#39;autre"))
            try await DecisionTests.adoptRules(app) { $0.conflictLinks = Set(ConflictLink.allCases) }
            // The priorities vote between organisations: neither Sophie (for the collective) nor
            // Camille (for the gardens) votes on a project she is tied to, and the recusal neither
            // lowers nor raises it (majority judgment over the grades it did receive).
            _ = try await b["camille"]!.post(callPath + "/etape", [("step", "submitToDecision")])
            let decision = try #require(try await CallRecord.query(on: app.db).first()?.$decision.get(on: app.db))
            let store = DecisionStore(database: app.db)
            let now = app.clock.now()
            _ = try await store.deliberate(decision, by: decision.$createdBy.id!, now: now.addingTimeInterval(-20 * 86_400))
            #expect(try await store.openVoting(decision, until: now.addingTimeInterval(86_400), now: now.addingTimeInterval(-10 * 86_400)) == nil)
            let options = CallsController.decode(decision.options)
            let bikesOption = try #require(options.firstIndex(of: "Atelier vélo mobile")), jardinsOption = 1 - bikesOption
            let decisionPath = "/c/grenoble-alpes/decisions/\(decision.id!.uuidString)"
            let ballotPage = try await b["sophie"]!.get(decisionPath).text
            #expect(ballotPage.contains("<strong>Atelier vélo mobile</strong> — Vous ne vous prononcez pas sur ce projet, car vous en êtes l&#39;auteur ou l&#39;autrice"))
            #expect(!ballotPage.contains("name=\"option-\(bikesOption)\""))
            _ = try await b["sophie"]!.post(decisionPath + "/bulletin", [("as", "organisation:" + mobility.uuidString),
                ("option-\(bikesOption)", "très bien"), ("option-\(jardinsOption)", "passable")])
            #expect(try await b["sophie"]!.get(decisionPath).text.contains("Bulletin non enregistré : vous ne pouvez pas vous prononcer sur « Atelier vélo mobile »"))
            #expect(try await Self.ballots(app, decision).isEmpty)
            _ = try await b["sophie"]!.post(decisionPath + "/bulletin", [("as", "organisation:" + mobility.uuidString), ("option-\(jardinsOption)", "passable")])
            _ = try await b["camille"]!.post(decisionPath + "/bulletin", [("as", "organisation:" + gardens.uuidString), ("option-\(bikesOption)", "bien")])
            let cast = try await Self.ballots(app, decision)
            #expect(cast["organisation:" + mobility.uuidString] == #"{"Atelier vélo mobile":null,"Jardins au pied des tours":"passable"}"#)
            #expect(cast["organisation:" + gardens.uuidString] == #"{"Atelier vélo mobile":"bien","Jardins au pied des tours":null}"#)
            let counted = try #require(try await DecisionRecord.find(decision.id, on: app.db))
            #expect(try await store.close(counted, statement: "Priorités", now: now.addingTimeInterval(2 * 86_400)) == nil)
            let report = try JSONDecoder().decode(TallyReport.self, from: Data(try #require(try await DecisionRecord.find(decision.id, on: app.db)?.result).utf8))
            #expect(report.gradeCounts?["Atelier vélo mobile"] == [0, 0, 0, 0, 1, 0, 0])
            #expect(report.gradeCounts?["Jardins au pied des tours"] == [0, 0, 1, 0, 0, 0, 0])
            #expect(report.ranking.first == ["Atelier vélo mobile"])
            #expect(try await app.get(decisionPath).text.contains("Atelier vélo mobile : ne se prononce pas (lien d&#39;intérêt)"))

        }
    }

    @Test("elected officials and agents coordinate or moderate only where the rules allow it: web, /admin and the command line", arguments: Engine.available)
    func officialsRunTheCommunityOnlyByRule(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let community = try await DecisionTests.grenoble(app)
            let elise = try await MatchingTests.person(app, "elise@demo.terreau.invalid")
            let lucas = try await MatchingTests.person(app, "lucas@demo.terreau.invalid")
            let store = MembershipStore(database: app.db)
            for (person, kind) in [(elise, ActorKind.elected), (lucas, .agent)] {
                await #expect(throws: MembershipStore.GrantRefusal.officialsNotAllowed(kind)) {
                    try await store.grant(.coordinator, to: person, in: community, notifier: Notifier(app), catalog: app.localization[.fr], now: Date())
                }
            }
            // The coordinators' members page refuses it too, naming the rule.
            let camille = Browser(app)
            try await camille.signIn("camille@demo.terreau.invalid")
            let membership = try #require(try await MembershipRecord.query(on: app.db).filter(\.$person.$id == lucas).filter(\.$community.$id == community.id!).first())
            _ = try await camille.post("/c/grenoble-alpes/membres/\(membership.id!.uuidString)", [("roles", "moderator")])
            #expect(try await camille.get("/c/grenoble-alpes/membres").text.contains("les règles de la communauté ne permettent pas à Lucas"))
            #expect(!Role.parse(try #require(try await MembershipRecord.find(membership.id, on: app.db)).roles).contains(.moderator))
            #expect(try await app.get("/c/grenoble-alpes/charte").text.contains("Les élus et les agents ne coordonnent pas et ne modèrent pas la communauté"))

            // Once the rules allow it, the same grant passes.
            try await DecisionTests.adoptRules(app) { $0.officialsMayRunCommunity = true }
            try await store.grant(.moderator, to: lucas, in: community, notifier: Notifier(app), catalog: app.localization[.fr], now: Date())
            #expect(Role.parse(try #require(try await MembershipRecord.find(membership.id, on: app.db)).roles).contains(.moderator))
        }
    }
}

extension IntegrityTests {
    @Test("consent in two rounds: the objection's reason is shown to the circle, each round counts its own answers, the conclusion follows the count",
          arguments: Engine.available)
    func consentRounds(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            app.clock.freeze(at: start)
            let store = DecisionStore(database: app.db)
            let community = try await DecisionTests.grenoble(app)
            let rules = try await store.governance(of: community.id!)
            let camilleID = try await MatchingTests.person(app, "camille@demo.terreau.invalid")
            let decision = try await store.createDraft(.init(kind: .general, method: .consent, title: "Ouvrir le local le dimanche", text: "Le local ouvre le dimanche matin.",
                options: [], grades: [], settings: [:], proposed: nil), community: community.id!, author: camilleID, rules: rules, now: start)
            _ = try await store.deliberate(decision, by: camilleID, now: start)
            let path = "/c/grenoble-alpes/decisions/\(decision.id!.uuidString)"
            app.clock.freeze(at: start.addingTimeInterval(8 * DecisionTests.day))
            var members: [String: Browser] = [:]
            for (index, name) in ["camille", "karim", "sophie", "nadia"].enumerated() {
                let browser = Browser(app, address: "192.0.2.\(60 + index)")
                try await browser.signIn("\(name)@demo.terreau.invalid")
                members[name] = browser
            }

            // Clarifying questions first: a member asks, the proposer answers; no reaction yet,
            // and the consent round cannot open before the reactions.
            var page = try await members["nadia"]!.get(path).text
            #expect(page.contains("<li aria-current=\"step\" class=\"current\">Questions de clarification"))
            _ = try await members["nadia"]!.post(path + "/echanges", [("kind", "question"), ("text", "Qui garde les clés ?")])
            _ = try await members["nadia"]!.post(path + "/echanges", [("kind", "reaction"), ("text", "Trop tôt pour réagir.")])
            #expect(try await members["nadia"]!.get(path).text.contains("ce moment du processus est passé"))
            let question = try #require(try await DecisionContributionRecord.query(on: app.db).filter(\.$kind == "question").first())
            #expect(try await members["karim"]!.post(path + "/echanges", [("kind", "answer"), ("question", question.id!.uuidString), ("text", "Moi")]).status == .forbidden)
            _ = try await members["camille"]!.post(path + "/echanges", [("kind", "answer"), ("question", question.id!.uuidString),
                                                                        ("text", "Les bénévoles, à tour de rôle <script>alert(1)</script>")])
            _ = try await members["camille"]!.post(path + "/etape", [("step", "openVoting"), ("ends_on", "2099-01-01")])
            #expect(try await members["camille"]!.get(path).text.contains("Le tour de consentement s&#39;ouvre après les réactions"))
            #expect(try await DecisionRecord.find(decision.id, on: app.db)?.phase == "deliberation")
            // Reactions: once each, a second replaces the first; questions are closed.
            _ = try await members["camille"]!.post(path + "/etape", [("step", "reactions")])
            _ = try await members["karim"]!.post(path + "/echanges", [("kind", "question"), ("text", "Encore une question ?")])
            for (name, text) in [("karim", "Bonne idée."), ("karim", "Bonne idée, mais les clés m'inquiètent."), ("sophie", "J'en serai.")] {
                _ = try await members[name]!.post(path + "/echanges", [("kind", "reaction"), ("text", text)])
            }
            #expect(try await DecisionContributionRecord.query(on: app.db).count() == 4, "one question, its answer, one reaction each")
            page = try await app.get(path).text
            #expect(page.contains("Question de Nadia") && page.contains("Réponse de Camille"))
            #expect(page.contains("Les bénévoles, à tour de rôle &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(page.contains("Bonne idée, mais les clés m&#39;inquiètent.") && !page.contains("Bonne idée.</span>"))
            let reacted = try #require(try await DecisionRecord.find(decision.id, on: app.db))
            #expect(try await store.openVoting(reacted, until: start.addingTimeInterval(9 * DecisionTests.day), now: app.clock.now()) == nil)
            app.clock.freeze(at: start.addingTimeInterval(8 * DecisionTests.day + 60))
            for (name, browser) in members { try await browser.signIn("\(name)@demo.terreau.invalid") }
            // Round 1: Karim objects, with his reason; the others consent.
            _ = try await members["karim"]!.post(path + "/bulletin", [("choice", "objection"), ("reason", "Personne n'a les clés le dimanche.")])
            for name in ["camille", "sophie", "nadia"] { _ = try await members[name]!.post(path + "/bulletin", [("choice", "consent")]) }
            page = try await app.get(path).text
            #expect(page.contains("Tour 1") && page.contains("3 consentement(s), 0 préoccupation(s), 1 objection(s)"))
            #expect(page.contains("Objection : « Personne n&#39;a les clés le dimanche. » — Karim"), "the circle reads the objection and its reason")
            app.clock.freeze(at: start.addingTimeInterval(10 * DecisionTests.day))
            #expect(try await store.close(reacted, statement: "x", now: app.clock.now()) == nil)
            var current = try #require(try await DecisionRecord.find(decision.id, on: app.db))
            #expect(current.phase == "deliberation" && current.round == 2, "a remaining objection sends the proposal to a second round")

            // Between rounds the proposer amends the proposal; the circle reads what changed.
            #expect(try await members["karim"]!.post(path + "/etape", [("step", "amend"), ("text", "Autre chose")]).status == .forbidden)
            try await members["camille"]!.signIn("camille@demo.terreau.invalid")
            _ = try await members["camille"]!.post(path + "/etape", [("step", "amend"), ("text", "Le local ouvre le dimanche matin, clés chez Karim.")])
            page = try await members["camille"]!.get(path).text
            #expect(page.contains("La proposition est amendée"))
            #expect(page.contains("Texte amendé pour le tour 2") && page.contains("<del>matin.</del><ins>matin, clés chez Karim.</ins>"))
            #expect(try await DecisionAmendmentRecord.query(on: app.db).count() == 1)

            // Round 2: Karim consents, Sophie stands aside; Camille and Nadia do not answer again.
            #expect(try await store.openVoting(current, until: start.addingTimeInterval(12 * DecisionTests.day), now: app.clock.now()) == nil)
            app.clock.freeze(at: start.addingTimeInterval(10 * DecisionTests.day + 60))
            for (name, browser) in members { try await browser.signIn("\(name)@demo.terreau.invalid") }
            _ = try await members["karim"]!.post(path + "/bulletin", [("choice", "consent")])
            _ = try await members["sophie"]!.post(path + "/bulletin", [("choice", "stand-aside"), ("reason", "Il faudra un planning.")])
            page = try await app.get(path).text
            #expect(page.contains("Tour 2") && page.contains("1 consentement(s), 1 préoccupation(s), 0 objection(s)"), "round 2 counts round 2's answers only")
            #expect(page.contains("Préoccupation : « Il faudra un planning. » — Sophie"), "a concern is read by the circle too")
            _ = try await members["camille"]!.post(path + "/etape", [("step", "amend"), ("text", "Pendant le vote")])
            #expect(try await DecisionAmendmentRecord.query(on: app.db).count() == 1, "no amendment while the round is voting")
            #expect(page.contains("3 consentement(s), 0 préoccupation(s), 1 objection(s)"), "round 1 stays as it was answered")
            app.clock.freeze(at: start.addingTimeInterval(13 * DecisionTests.day))
            current = try #require(try await DecisionRecord.find(decision.id, on: app.db))
            #expect(try await store.close(current, statement: { DecisionsController.prefilledStatement($0, app.localization[.fr]) }, now: app.clock.now()) == nil)
            current = try #require(try await DecisionRecord.find(decision.id, on: app.db))
            let report = try JSONDecoder().decode(TallyReport.self, from: Data(try #require(current.result).utf8))
            #expect(report.outcome == .adopted && report.consentRound == 2 && report.ballots == 2)
            #expect(current.outcomeStatement == "Proposition adoptée · au tour 2 · 2 bulletins comptés")
            #expect(await JournalTests.verify(app, decision.id!.uuidString))
        }
    }

    @Test("after the last round allowed, an objection left sends the final text to the rules' fallback vote, which decides it",
          arguments: Engine.available)
    func consentFallback(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            app.clock.freeze(at: start)
            let store = DecisionStore(database: app.db)
            let community = try await DecisionTests.grenoble(app)
            let rules = try await DecisionTests.adoptRules(app) { $0.maximumConsentRounds = 1; $0.consentFallback = .majority }
            #expect(try await app.get("/c/grenoble-alpes/charte").text.contains("un vote à la majorité décide du texte final"))
            let camille = try await MatchingTests.person(app, "camille@demo.terreau.invalid")
            let decision = try await store.createDraft(.init(kind: .general, method: .consent, title: "Fermer la rue le samedi", text: "La rue des écoles est piétonne le samedi.",
                options: [], grades: [], settings: [:], proposed: nil), community: community.id!, author: camille, rules: rules, now: start)
            _ = try await store.deliberate(decision, by: camille, now: start)
            #expect(try await store.openReactions(decision, now: start) == nil)
            #expect(try await store.openVoting(decision, until: start.addingTimeInterval(10 * DecisionTests.day), now: start.addingTimeInterval(8 * DecisionTests.day)) == nil)
            let members = try await MembershipRecord.query(on: app.db).filter(\.$community.$id == community.id!).all().map(\.$person.id)
            for (index, member) in members.enumerated() {
                let choice = index == 0 ? "objection" : "consent"
                _ = try await store.cast(DecisionStore.json(JSONValue.object(["round": .int(1), "choice": .string(choice), "reason": .string(index == 0 ? "Les livraisons ?" : "")])),
                                         in: decision, as: "person:" + member.uuidString, receipt: nil, now: start.addingTimeInterval(9 * DecisionTests.day))
            }
            app.clock.freeze(at: start.addingTimeInterval(10 * DecisionTests.day))
            #expect(try await store.close(decision, statement: { DecisionsController.prefilledStatement($0, app.localization[.fr]) },
                                          fallbackTitle: "Fermer la rue le samedi — vote de repli", now: app.clock.now()) == nil)
            let closed = try #require(try await DecisionRecord.find(decision.id, on: app.db))
            #expect(closed.phase == "closed")
            let fallback = try #require(try await store.fallback(of: decision.id!))
            #expect(fallback.method == "majority" && fallback.phase == "voting" && fallback.text == closed.text)
            #expect(fallback.$proposal.id == closed.$proposal.id && fallback.electorateSize == members.count)
            #expect(fallback.votingEndsAt == app.clock.now().addingTimeInterval(2 * DecisionTests.day), "as long as the last round lasted")
            let proposal = try #require(try await ProposalRecord.find(closed.$proposal.id, on: app.db))
            #expect(proposal.status == "decision", "the proposal waits for the fallback vote")
            let consentPage = try await app.get("/c/grenoble-alpes/decisions/\(decision.id!.uuidString)").text
            #expect(consentPage.contains("un vote de repli décide du texte final") && consentPage.contains("Fermer la rue le samedi — vote de repli"))
            #expect(try await app.get("/c/grenoble-alpes/decisions/\(fallback.id!.uuidString)").text.contains("Ce vote de repli suit le processus de consentement"))
            for member in members { _ = try await store.cast(DecisionStore.json(JSONValue.string("pour")), in: fallback, as: "person:" + member.uuidString, receipt: nil, now: app.clock.now()) }
            app.clock.freeze(at: start.addingTimeInterval(13 * DecisionTests.day))
            let counted = try #require(try await DecisionRecord.find(fallback.id, on: app.db))
            #expect(try await store.close(counted, statement: "Adoptée au vote de repli.", now: app.clock.now()) == nil)
            #expect(try await ProposalRecord.find(closed.$proposal.id, on: app.db)?.status != "decision", "the fallback vote decided the proposal")
        }
    }
}

extension IntegrityTests {
    @Test("coherence: the command lists then repairs records whose neighbourhood misses their commune, links kept; the same perimeter gives the same figures on the campaign, the open data and the diagnostic",
          arguments: Engine.available)
    func coherence(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedInventory()
            let grenoble = try await DecisionTests.grenoble(app)
            try await DemoInventory.generate(DemoInventory.Plan(slug: "grenoble-alpes", seed: 21, portraits: 120, organisations: 10,
                resources: [(.place, 30), (.need, 30)]), community: grenoble, author: nil, database: app.db, now: app.clock.now())
            try await DemoFieldwork.ensure(on: app.db, catalog: app.localization[.fr], now: app.clock.now())
            #expect(await app.run(CoherenceCommand(), ["--community", "grenoble-alpes"]).printed.contains("Tout est cohérent."))
            // A record saved before the check: in a commune of « Est » but filed under « Grenoble »;
            // a neighbourhood drawn before the estimate existed.
            let item = try #require(try await InventoryItemRecord.query(on: app.db).filter(\.$neighbourhood == "est").filter(\.$communeCode != nil).sort(\.$createdAt).first())
            let sql = app.db as! any SQLDatabase
            try await sql.raw("UPDATE inventory_items SET neighbourhood = 'grenoble' WHERE id = \(bind: item.id!)").run()
            try await sql.raw("UPDATE neighbourhoods SET population_estimate = NULL WHERE slug = 'villeneuve'").run()
            let skills = try await InventoryItemSkillRecord.query(on: app.db).filter(\.$item.$id == item.id!).count()
            let listed = await app.run(CoherenceCommand(), ["--community", "grenoble-alpes"])
            let places = try await CommunityPlaces.load(try await DecisionTests.grenoble(app), on: app.db)
            #expect(listed.printed.contains("« \(item.title) » : commune \(places.communeName(item.communeCode)!) hors du quartier « grenoble » → quartier « Est » (à corriger)"))
            #expect(listed.printed.contains("quartier dessiné « Villeneuve » : population non estimée (à corriger)"))
            #expect(listed.printed.contains("2 incohérence(s)"))
            #expect(try await InventoryItemRecord.find(item.id, on: app.db)?.neighbourhood == "grenoble", "listing changes nothing")
            let fixed = await app.run(CoherenceCommand(), ["--community", "grenoble-alpes", "--corriger"])
            #expect(fixed.failure == nil && fixed.printed.contains("2 correction(s) faite(s)."))
            let repaired = try #require(try await InventoryItemRecord.find(item.id, on: app.db))
            #expect(repaired.neighbourhood == "est" && repaired.version == item.version + 1)
            #expect(repaired.$person.id == item.$person.id && repaired.$organisation.id == item.$organisation.id, "the record's links are kept")
            #expect(try await InventoryItemSkillRecord.query(on: app.db).filter(\.$item.$id == item.id!).count() == skills, "and its skills")
            #expect(try await InventoryStore(database: app.db).revisions(of: item.id!).first { $0.version == repaired.version }?.summary.hasPrefix("Cohérence") == true)
            #expect(try await NeighbourhoodRecord.query(on: app.db).filter(\.$slug == "villeneuve").first()?.populationEstimate != nil)
            #expect(await app.run(CoherenceCommand(), ["--community", "grenoble-alpes"]).printed.contains("Tout est cohérent."))

            // The same perimeter, the same figures: each commune's portraits on the diagnostic and
            // in the open data; each group of communes counts its communes' portraits, on the
            // campaign's coverage and in the open data (the review saw 42 for « Grenoble » and 25
            // for the commune of Grenoble).
            let community = try await DecisionTests.grenoble(app)
            let diagnostic = try await DiagnosticStore(database: app.db).snapshot(community)
            func csv(_ name: String) async throws -> [String: [Substring]] {
                let lines = try await app.get("/c/grenoble-alpes/donnees/\(name).csv").text.split(whereSeparator: \.isNewline).dropFirst()
                return Dictionary(lines.map { line in let cells = line.split(separator: ",", omittingEmptySubsequences: false); return (String(cells[0]), cells) },
                                  uniquingKeysWith: { first, _ in first })
            }
            let communes = try await csv("statistiques-communes"), areas = try await csv("statistiques-quartiers")
            for coverage in diagnostic.coverage {
                #expect(communes[coverage.code]?[3] == (coverage.portraits.map(String.init) ?? "")[...], "commune \(coverage.code)")
            }
            let raw = try await sql.raw("""
                SELECT commune_code, COUNT(*) AS n FROM inventory_items WHERE community_id = \(bind: community.id!) AND kind = 'portrait'
                AND visibility <> 'coordinators' AND commune_code IS NOT NULL GROUP BY commune_code
                """).all().reduce(into: [String: Int]()) { $0[try $1.decode(column: "commune_code", as: String.self)] = try $1.decode(column: "n", as: Int.self) }
            let territory = try await CommunityTerritory.load(community, on: app.db)
            let campaign = try #require(try await CampaignRecord.query(on: app.db).filter(\.$community.$id == community.id!).sort(\.$firstDay).first())
            let campaignPage = try await app.get(SiteRoute.campaign(slug: "grenoble-alpes", campaign: campaign.id!.uuidString).path).text
            var compared = 0
            for row in territory.neighbourhoods where row.record.geometry == nil {
                let sum = row.communeCodes.map { raw[$0] ?? 0 }.reduce(0, +)
                #expect(areas[row.record.slug]?[4] == (SmallCells.publishable(sum).map(String.init) ?? "")[...], "open data, \(row.record.name)")
                #expect(campaignPage.contains("<th scope=\"row\">\(row.record.name)</th><td class=\"num\">"), "campaign row \(row.record.name)")
                compared += 1
            }
            #expect(compared == 5)
        }
    }
}
