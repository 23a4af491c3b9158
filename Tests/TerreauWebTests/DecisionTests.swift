import Fluent
import Foundation
import SQLKit
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Decisions: rules the platform enforces, ballots, counts")
struct DecisionTests {
    static let day = 86_400.0

    static func grenoble(_ app: Application) async throws -> CommunityRecord {
        try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
    }

    static func location(_ response: TestingHTTPResponse) -> String { response.headers.first(name: .location) ?? "" }

    /// The rules form's fields for `rules`, as the governance page would post them.
    static func rulesFields(_ rules: Governance) -> [(String, String)] {
        var fields: [(String, String)] = []
        for (name, value) in RulesForm.values(rules) {
            if name.hasPrefix("methods-") {
                for method in value.split(separator: " ") { fields.append((name + "[]", String(method))) }
            } else {
                fields.append((name, value))
            }
        }
        return fields
    }

    @Test("a rule change decided by consent takes effect and the next decision must follow it; bypassing the rules is refused",
          arguments: Engine.available)
    func ruleChange(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            app.clock.freeze(at: start)
            let camille = Browser(app)
            try await camille.signIn("camille@demo.terreau.invalid")

            // Grenoble started from « Consentement »: ordinary decisions cannot be taken by simple majority.
            let refused = try await camille.post("/c/grenoble-alpes/decisions", [
                ("kind", "general"), ("method", "majority"), ("title", "Acheter une sono"), ("text", "Pour les fêtes de quartier.")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("les règles en vigueur ne permettent pas de décider « Décision courante » par « Majorité simple »"))
            #expect(refused.text.contains("value=\"Acheter une sono\""))
            #expect(try await app.count("decisions") == 0)

            // A rule change, proposed by consent as the rules require: ordinary decisions by simple majority.
            let store = DecisionStore(database: app.db)
            let community = try await Self.grenoble(app)
            var proposed = try await store.governance(of: community.id!).normalized
            proposed.kinds[.general]?.methods = [.majority]
            let created = try await camille.post("/c/grenoble-alpes/decisions", [
                ("kind", "rule-change"), ("method", "consent"), ("title", "Décider à la majorité"), ("text", ""),
                ("charter", "Notre charte, deuxième version : nous décidons à la majorité des choses courantes.")] + Self.rulesFields(proposed))
            #expect(created.status == .seeOther, "\(created.text.prefix(2000))")
            let path = Self.location(created)
            #expect(try await app.get(path).text.contains("Notre charte, deuxième version"))
            #expect(try await camille.post(path + "/etape", [("step", "deliberate")]).status == .seeOther)
            // The deliberation is the debate of a proposal published with the decision.
            let debated = try #require(try await DecisionRecord.query(on: app.db).first()?.$proposal.get(on: app.db))
            #expect(debated.title == "Décider à la majorité")
            #expect(debated.status == "decision")
            #expect(try await app.get(path).text.contains("La délibération a lieu dans le débat de la proposition « Décider à la majorité »"))
            // Consent: the questions close and the reactions come before the consent round.
            _ = try await camille.post(path + "/etape", [("step", "reactions")])
            // Voting cannot open before the seven days of deliberation the rules require.
            _ = try await camille.post(path + "/etape", [("step", "openVoting"), ("ends_on", "2027-02-01")])
            #expect(try await camille.get(path).text.contains("la délibération n&#39;a pas duré le temps que fixent les règles"))
            // Days pass: sessions expire, so everyone signs in again.
            app.clock.freeze(at: start.addingTimeInterval(8 * Self.day))
            try await camille.signIn("camille@demo.terreau.invalid")
            let ends = CalendarDay.format(start.addingTimeInterval(10 * Self.day))
            _ = try await camille.post(path + "/etape", [("step", "openVoting"), ("ends_on", ends)])
            let decision = try #require(try await DecisionRecord.query(on: app.db).first())
            #expect(decision.phase == "voting")
            #expect(decision.electorateSize == 7)

            // Four members consent (the quorum is half of seven); closing before the end is refused.
            for (index, email) in ["camille", "karim", "sophie", "nadia"].enumerated() {
                let member = index == 0 ? camille : Browser(app, address: "192.0.2.\(20 + index)")
                if index > 0 { try await member.signIn("\(email)@demo.terreau.invalid") }
                #expect(try await member.post(path + "/bulletin", [("choice", "consent")]).status == .seeOther)
            }
            _ = try await camille.post(path + "/etape", [("step", "close"), ("statement", "Adopté.")])
            #expect(try await DecisionRecord.find(decision.id, on: app.db)?.phase == "voting")
            app.clock.freeze(at: start.addingTimeInterval(12 * Self.day))
            try await camille.signIn("camille@demo.terreau.invalid")
            _ = try await camille.post(path + "/etape", [("step", "close")])
            // The conclusion is written after the count, starting from it.
            #expect(try await DecisionRecord.find(decision.id, on: app.db)?.outcomeStatement == "Proposition adoptée · au tour 1 · 4 bulletins comptés")
            #expect(try await camille.get(path).text.contains("Publier la déclaration"))
            // A coordinator reading in English is offered the same form (the stored text is French).
            camille.extraHeaders = ["Accept-Language": "en"]
            #expect(try await camille.get(path).text.contains("Publish the statement"))
            camille.extraHeaders = [:]
            _ = try await camille.post(path + "/etape", [("step", "statement"), ("statement", "Adopté par consentement.")])
            let closed = try #require(try await DecisionRecord.find(decision.id, on: app.db))
            #expect(closed.phase == "closed")
            #expect(closed.headHash?.count == 64)
            let page = try await app.get(path).text
            #expect(page.contains("Proposition adoptée"))
            #expect(page.contains("Adopté par consentement."))
            // The proposal debated is adopted, dated, with the decision on its timeline.
            #expect(try await ProposalRecord.find(debated.id, on: app.db)?.status == "adopted")
            #expect(try await ProposalEventRecord.query(on: app.db).filter(\.$proposal.$id == debated.id!).filter(\.$status == "adopted").first()?.$decision.id == decision.id)
            // The charter carried by the rule change is version 2, linked to the decision; joining now means accepting it.
            let charter = try await CharterStore(database: app.db).current(of: community)
            #expect(charter.version == 2)
            #expect(charter.$decision.id == decision.id)
            #expect(charter.text.hasPrefix("Notre charte, deuxième version"))
            let charterPage = try await app.get("/c/grenoble-alpes/charte").text
            #expect(charterPage.contains("Adoptée par une décision de la communauté"))
            #expect(charterPage.contains("Version 2"))
            // Joining now means accepting version 2: a form showing version 1 is refused.
            let newcomer = Browser(app, address: "192.0.2.40")
            try await newcomer.signIn("paul@demo.terreau.invalid")
            #expect(try await newcomer.get("/c/grenoble-alpes/rejoindre").text.contains("Notre charte, deuxième version"))
            let stale = try await newcomer.post("/c/grenoble-alpes/rejoindre", [("actor_kind", "resident"), ("charter_version", "1"), ("accept_charter", "yes")])
            #expect(stale.status == .unprocessableEntity)

            // Rules n° 2 are in force: majority is now the way, consent is no longer allowed for ordinary decisions.
            let rules = try await store.governance(of: community.id!)
            #expect(rules.version == 2)
            #expect(rules.rule(for: .general).methods == [.majority])
            #expect(try await app.get("/c/grenoble-alpes/gouvernance").text.contains("Décider à la majorité"))
            let next = try await camille.post("/c/grenoble-alpes/decisions", [("kind", "general"), ("method", "majority"), ("title", "Acheter une sono")])
            #expect(next.status == .seeOther)
            let old = try await camille.post("/c/grenoble-alpes/decisions", [("kind", "general"), ("method", "consent"), ("title", "Acheter une sono")])
            #expect(old.status == .unprocessableEntity)
            // A closed decision's statement and result cannot be reopened or changed.
            _ = try await camille.post(path + "/etape", [("step", "close"), ("statement", "Autre chose.")])
            _ = try await camille.post(path + "/etape", [("step", "statement"), ("statement", "Autre chose.")])
            #expect(try await camille.get(path).text.contains("La déclaration de résultat est déjà publiée"))
            #expect(try await DecisionRecord.find(decision.id, on: app.db)?.outcomeStatement == "Adopté par consentement.")
        }
    }

    @Test("a rule change carrying only a new charter publishes charter version 2 and leaves the rules at their version", arguments: Engine.available)
    func charterOnly(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let community = try await Self.grenoble(app)
            let store = DecisionStore(database: app.db)
            let rules = try await store.governance(of: community.id!)
            let camille = try await MatchingTests.person(app, "camille@demo.terreau.invalid")
            let now = app.clock.now()
            let decision = try await store.createDraft(.init(kind: .ruleChange, method: .consent, title: "Charte, version 2", text: "", options: [], grades: [],
                settings: [:], proposed: rules, charter: "La charte, réécrite par la communauté et adoptée par consentement."),
                community: community.id!, author: camille, rules: rules, now: now.addingTimeInterval(-20 * Self.day))
            _ = try await store.deliberate(decision, by: camille, now: now.addingTimeInterval(-20 * Self.day))
            #expect(try await store.openReactions(decision, now: now.addingTimeInterval(-15 * Self.day)) == nil)
            #expect(try await store.openVoting(decision, until: now.addingTimeInterval(-Self.day), now: now.addingTimeInterval(-10 * Self.day)) == nil)
            let members = try await MembershipRecord.query(on: app.db).filter(\.$community.$id == community.id!).all().map(\.$person.id)
            for member in members.prefix(5) {
                _ = try await store.cast(DecisionStore.json(JSONValue.object(["round": .int(1), "choice": .string("consent"), "reason": .string("")])),
                                         in: decision, as: "person:" + member.uuidString, receipt: nil, now: now.addingTimeInterval(-5 * Self.day))
            }
            #expect(try await store.close(decision, statement: "Charte adoptée.", now: now) == nil)
            #expect(try await DecisionRecord.find(decision.id, on: app.db)?.rulesRefusal == nil)
            #expect(try await store.governance(of: community.id!).version == rules.version)
            let charter = try await CharterStore(database: app.db).current(of: community)
            #expect(charter.version == 2)
            #expect(charter.$decision.id == decision.id)
        }
    }

    /// Puts Grenoble under its current rules changed by `change`, as the next version (set by the
    /// test, without the decision a community would take).
    @discardableResult
    static func adoptRules(_ app: Application, _ change: (inout Governance) -> Void) async throws -> Governance {
        let community = try await grenoble(app)
        var rules = try await DecisionStore(database: app.db).governance(of: community.id!).normalized
        change(&rules)
        rules.version += 1
        let record = GovernanceRecord()
        record.$community.id = community.id!
        record.version = rules.version
        record.rules = DecisionStore.json(rules)
        record.createdAt = app.clock.now()
        try await record.create(on: app.db)
        return rules
    }

    /// A secret majority vote open now in Grenoble, under rules that allow it (set by the test).
    static func openVote(_ app: Application, secret: Bool = true) async throws -> DecisionRecord {
        let community = try await grenoble(app)
        let store = DecisionStore(database: app.db)
        let rules = try await adoptRules(app) { $0.kinds[.general] = KindRule(methods: [.majority, .schulze], secret: secret) }
        let now = app.clock.now()
        let camille = try await MatchingTests.person(app, "camille@demo.terreau.invalid")
        let decision = try await store.createDraft(.init(kind: .general, method: .majority, title: "Acheter une sono", text: "", options: [], grades: [],
            settings: [:], proposed: nil), community: community.id!, author: camille, rules: rules, now: now.addingTimeInterval(-20 * day))
        _ = try await store.deliberate(decision, by: camille, now: now.addingTimeInterval(-20 * day))
        let refusal = try await store.openVoting(decision, until: now.addingTimeInterval(day), now: now.addingTimeInterval(-10 * day))
        #expect(refusal == nil)
        return decision
    }

    static func rawPost(_ app: Application, _ path: String, _ fields: [(String, String)], cookie: String, address: String) async throws -> HTTPStatus {
        var headers: HTTPHeaders = ["X-Forwarded-For": address, "Cookie": "terreau_session=\(cookie)"]
        headers.contentType = .urlEncodedForm
        let body = fields.map { "\(Browser.encode($0.0))=\(Browser.encode($0.1))" }.joined(separator: "&")
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body)).status
    }

    @Test("R3 and R4: 50 identical ballots at once store one; changing three times counts once; a secret ballot carries no voter, time or joinable order",
          arguments: Engine.available)
    func ballots(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            app.clock.freeze(at: Date(timeIntervalSince1970: 1_800_000_000))
            let decision = try await Self.openVote(app)
            let path = "/c/grenoble-alpes/decisions/\(decision.id!.uuidString)"
            let karim = Browser(app)
            try await karim.signIn("karim@demo.terreau.invalid")
            try await karim.get(path)
            let cookie = try #require(karim.sessionID), csrf = try #require(karim.csrf)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await Self.rawPost(app, path + "/bulletin", [("choice", "pour"), ("_csrf", csrf)], cookie: cookie, address: "192.0.2.1") }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .seeOther })
            #expect(try await BallotRecord.query(on: app.db).filter(\.$decision.$id == decision.id!).count() == 1)

            // The receipt is shown once; with it Karim changes his vote three times, then sends the same again.
            let karimID = try await MatchingTests.person(app, "karim@demo.terreau.invalid")
            let page = try await karim.get(path).text
            #expect(!page.contains("Gardez ce code"), "the receipt went to one of the 50 responses' flash, read once")
            let row = try #require(try await BallotRecord.query(on: app.db).filter(\.$decision.$id == decision.id!).first())
            // Without the receipt, a second ballot is refused: one ballot per member.
            _ = try await karim.post(path + "/bulletin", [("choice", "contre")])
            #expect(try await karim.get(path).text.contains("Vous avez déjà voté. Pour changer votre bulletin"))
            // R4: no voter id in the key, no timestamp or voter column in the log.
            #expect(row.ballotKey.hasPrefix("receipt:"))
            #expect(!row.ballotKey.contains(karimID.uuidString))
            #expect(!row.content.contains(karimID.uuidString))
            let sql = app.db as! any SQLDatabase
            #expect(try await Self.columns(sql, "ballots") == ["ballot_key", "content", "decision_id", "hash", "id", "position"])
            #expect(try await Self.columns(sql, "decision_electors") == ["decision_id", "has_voted", "organisation_id", "person_id", "receipt_binding", "voter_key"])
            if sql.dialect.name == "sqlite" {
                let ddl = try await sql.raw("SELECT sql FROM sqlite_master WHERE name = 'decision_electors'").first()?.decode(column: "sql", as: String.self) ?? ""
                #expect(ddl.contains("WITHOUT ROWID"), "the electorate must keep no insertion order")
            }
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM decision_electors WHERE decision_id = \(bind: decision.id!) AND has_voted = \(bind: true)")
                .first()?.decode(column: "n", as: Int.self) == 1)

            // A fresh ballot from Sophie gives her a receipt she can use to change her vote three times.
            let sophie = Browser(app, address: "192.0.2.11")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            _ = try await sophie.post(path + "/bulletin", [("choice", "contre")])
            let shown = try await sophie.get(path).text
            let receipt = try #require(shown.range(of: #"[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]"#,
                options: .regularExpression).map { String(shown[$0]) })
            for choice in ["pour", "abstention", "pour"] {
                _ = try await sophie.post(path + "/bulletin", [("choice", choice), ("receipt", receipt)])
            }
            _ = try await sophie.post(path + "/bulletin", [("choice", "pour"), ("receipt", receipt)])
            #expect(try await sophie.get(path).text.contains("identique à celui déjà enregistré"))
            #expect(try await BallotRecord.query(on: app.db).filter(\.$decision.$id == decision.id!).count() == 5)

            // A bad ballot is refused with a French message; a non-member cannot vote.
            _ = try await sophie.post(path + "/bulletin", [("choice", "peut-être"), ("receipt", receipt)])
            #expect(try await sophie.get(path).text.contains("« pour », « contre » ou « abstention » attendu, pas « peut-être »"))
            let paul = Browser(app, address: "192.0.2.12")
            try await paul.signIn("paul@demo.terreau.invalid")
            #expect(try await paul.post(path + "/bulletin", [("choice", "pour")]).status == .forbidden)

            // The count: two voters, each counted once with their last ballot; the stored result equals a recount.
            app.clock.advance(by: 2 * Self.day)
            try await sophie.signIn("sophie@demo.terreau.invalid")
            let store = DecisionStore(database: app.db)
            let refusal = try await store.close(decision, statement: "Adopté.", now: app.clock.now())
            #expect(refusal == nil)
            let closed = try #require(try await DecisionRecord.find(decision.id, on: app.db))
            let stored = try JSONDecoder().decode(TallyReport.self, from: Data(try #require(closed.result).utf8))
            #expect(stored.choices == ChoiceCount(pour: 2, contre: 0, abstention: 0))
            #expect(stored.ballots == 2)
            let recount = try await store.count(closed)
            #expect(recount.report == stored)
            #expect(recount.head == closed.headHash)
            // After the close no ballot is accepted.
            _ = try await sophie.post(path + "/bulletin", [("choice", "contre"), ("receipt", receipt)])
            #expect(try await BallotRecord.query(on: app.db).filter(\.$decision.$id == decision.id!).count() == 5)
        }
    }

    static func columns(_ sql: any SQLDatabase, _ table: String) async throws -> [String] {
        if sql.dialect.name == "sqlite" {
            return try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table))").all().map { try $0.decode(column: "name", as: String.self) }.sorted()
        }
        return try await sql.raw("SELECT column_name AS name FROM information_schema.columns WHERE table_name = \(bind: table) AND table_schema = current_schema()")
            .all().map { try $0.decode(column: "name", as: String.self) }.sorted()
    }

    @Test("R6: editing one ballot row offline is detected by the chain; the count refuses an altered log")
    func tampering() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            app.clock.freeze(at: Date(timeIntervalSince1970: 1_800_000_000))
            let decision = try await Self.openVote(app)
            let store = DecisionStore(database: app.db)
            for (index, choice) in ["pour", "contre", "pour"].enumerated() {
                _ = try await store.cast(DecisionStore.json(JSONValue.string(choice)), in: decision, as: try await Self.electorKey(app, decision, index),
                    receipt: nil, now: app.clock.now())
            }
            #expect(DecisionStore.firstBroken(try await store.log(of: decision.id!)) == nil)
            let sql = app.db as! any SQLDatabase
            try await sql.raw("UPDATE ballots SET content = '\"contre\"' WHERE decision_id = \(bind: decision.id!) AND position = 3").run()
            #expect(DecisionStore.firstBroken(try await store.log(of: decision.id!)) == 2)
            await #expect(throws: Abort.self) { _ = try await store.count(decision) }
            // Rewriting the row's hash too is still detected by the next rows — here by the published head.
            let log = try await store.log(of: decision.id!)
            let rehashed = HashChain.hash(previous: log[1].hash, content: DecisionStore.chained(key: log[2].ballotKey, content: log[2].content))
            try await sql.raw("UPDATE ballots SET hash = \(bind: rehashed) WHERE decision_id = \(bind: decision.id!) AND position = 3").run()
            #expect(DecisionStore.firstBroken(try await store.log(of: decision.id!)) == nil)
            #expect(rehashed != log[2].hash, "the head hash published at the close would no longer match")
        }
    }

    static func electorKey(_ app: Application, _ decision: DecisionRecord, _ index: Int) async throws -> String {
        let rows = try await (app.db as! any SQLDatabase).raw("SELECT voter_key FROM decision_electors WHERE decision_id = \(bind: decision.id!) ORDER BY voter_key").all()
        return try rows[index].decode(column: "voter_key", as: String.self)
    }
}
