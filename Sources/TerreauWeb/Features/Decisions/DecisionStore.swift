import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// Storage of governance versions, decisions, electorates and ballot logs. Every rule the
/// platform enforces comes from `TerreauCore` (`DecisionRules`, `DecisionLifecycle`,
/// `BallotFile`, `HashChain`); this type only reads and writes rows around them.
struct DecisionStore {
    let database: any Database
    var sql: any SQLDatabase { database as! any SQLDatabase }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable) -> String {
        String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    // MARK: Governance

    static func storeFirstRules(_ template: RulesTemplate, for community: UUID, on database: any Database, now: Date) async throws {
        let record = GovernanceRecord()
        record.$community.id = community
        record.version = 1
        record.rules = json(template.rules)
        record.template = template.rawValue
        record.createdAt = now
        try await record.create(on: database)
    }

    func governance(of community: UUID) async throws -> Governance {
        guard let record = try await GovernanceRecord.query(on: database).filter(\.$community.$id == community).sort(\.$version, .descending).first(),
            var rules = try? JSONDecoder().decode(Governance.self, from: Data(record.rules.utf8))
        else { return RulesTemplate.consent.rules }
        rules.version = record.version
        return rules
    }

    func history(of community: UUID) async throws -> [GovernanceRecord] {
        try await GovernanceRecord.query(on: database).filter(\.$community.$id == community).sort(\.$version, .descending).with(\.$decision).all()
    }

    // MARK: Drafts

    struct Draft {
        var kind: DecisionKind
        var method: VotingMethod
        var title: String
        var text: String
        var options: [String]
        var grades: [String]
        var settings: [String: JSONValue]
        var proposed: Governance?
        /// For a rule change: a new text of the ethics charter.
        var charter: String? = nil
        /// The proposal whose debate is the deliberation.
        var proposal: UUID? = nil
    }

    /// A new decision in draft, with the electorate, secrecy and quorum the rules in force give
    /// its kind (read again when voting opens).
    func createDraft(_ draft: Draft, community: UUID, author: UUID?, rules: Governance, now: Date) async throws -> DecisionRecord {
        let rule = rules.rule(for: draft.kind)
        let decision = DecisionRecord()
        decision.$community.id = community
        decision.kind = draft.kind.rawValue
        decision.method = draft.method.rawValue
        decision.title = draft.title
        decision.text = draft.text
        decision.options = Self.json(draft.method.decidesOneProposal ? [] : draft.options)
        decision.grades = Self.json(draft.method == .majorityJudgment ? draft.grades : [])
        decision.settings = Self.json(draft.settings)
        decision.proposedRules = draft.proposed.map(Self.json)
        decision.proposedCharter = draft.charter
        decision.$proposal.id = draft.proposal
        decision.phase = DecisionPhase.draft.rawValue
        decision.rulesVersion = rules.version
        decision.electorateKind = rule.electorate.rawValue
        decision.secret = rule.secret
        decision.quorum = rule.quorum
        decision.round = 1
        decision.$createdBy.id = author
        decision.createdAt = now
        try await decision.create(on: database)
        return decision
    }

    // MARK: Reading a decision's election

    /// A decision as the head of the file `terreau tally` reads: method, options, grades and
    /// the method's settings — ballots are added by the caller.
    static func header(of decision: DecisionRecord) -> [String: JSONValue] {
        func decode(_ text: String) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
        var root = decode(decision.settings)?.object ?? [:]
        root["method"] = .string(decision.method)
        root["candidates"] = decode(decision.options)
        root["grades"] = decode(decision.grades)
        return root
    }

    /// The election a decision counts, with `ballots` (stored JSON items, one per voter).
    static func election(of decision: DecisionRecord, ballots: [String], rules: Governance) throws -> Election {
        var root = header(of: decision)
        if let size = decision.electorateSize { root["electorate"] = .int(size) }
        if let quorum = decision.quorum { root["quorum"] = .double(quorum) }
        let items = ballots.compactMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        if decision.method == VotingMethod.consent.rawValue {
            root["maximum_rounds"] = .int(rules.maximumConsentRounds)
            root["rounds"] = .array(Self.consentRounds(items, upTo: decision.round))
        } else {
            root["ballots"] = .array(items)
        }
        return try BallotFile.election(root, file: "décision « \(decision.title) »", allowingNoBallots: true)
    }

    /// Consent ballots (`{"round": n, "choice": "consent" | "stand-aside" | "objection", "reason": …}`)
    /// as the rounds `Consent.tally` reads: an objection not raised again in a later round was lifted.
    static func consentRounds(_ items: [JSONValue], upTo last: Int) -> [JSONValue] {
        (1...max(1, last)).map { round in
            let mine = items.filter { $0["round"]?.int == round }
            let objections = mine.filter { $0["choice"]?.string == "objection" }
            return .object([
                "consents": .int(mine.filter { $0["choice"]?.string == "consent" }.count),
                "stand_asides": .int(mine.filter { $0["choice"]?.string == "stand-aside" }.count),
                "objections": .array(objections.map { .object(["reason": $0["reason"] ?? .string(""), "by": .string("")]) }),
            ])
        }
    }

    // MARK: Electorate

    /// Fixes who may vote, at the moment voting opens: the community's members, or its
    /// organisations that have an admin. Returns the electorate's size.
    func fixElectorate(of decision: DecisionRecord, on database: any Database) async throws -> Int {
        let sql = database as! any SQLDatabase
        var keys: [(String, UUID?, UUID?)] = []
        if decision.electorateKind == Electorate.organisations.rawValue {
            let organisations = try await OrganisationRecord.query(on: database).filter(\.$community.$id == decision.$community.id).all()
            let admins = try await OrganisationMemberRecord.query(on: database).filter(\.$status == "approved")
                .filter(\.$role == OrganisationRole.admin.rawValue).all()
            let withAdmin = Set(admins.map(\.$organisation.id))
            keys = organisations.filter { withAdmin.contains($0.id!) }.map { ("organisation:" + $0.id!.uuidString, nil, $0.id!) }
        } else {
            keys = try await MembershipRecord.query(on: database).filter(\.$community.$id == decision.$community.id).all()
                .map { ("person:" + $0.$person.id.uuidString, $0.$person.id, nil) }
        }
        for (key, person, organisation) in keys {
            try await sql.raw("""
                INSERT INTO decision_electors (decision_id, voter_key, person_id, organisation_id, has_voted)
                VALUES (\(bind: decision.id!), \(bind: key), \(bind: person), \(bind: organisation), \(bind: false))
                """).run()
        }
        return keys.count
    }

    /// The elector keys a person may vote as in this decision (themself, or the organisations
    /// they administer), with whether each has voted.
    func electorKeys(for person: UUID, in decision: DecisionRecord) async throws -> [(key: String, hasVoted: Bool)] {
        var candidates = ["person:" + person.uuidString]
        if decision.electorateKind == Electorate.organisations.rawValue {
            candidates = try await OrganisationStore(database: database).adminOrganisations(of: person).map { "organisation:" + $0.id!.uuidString }
        }
        guard !candidates.isEmpty else { return [] }
        return try await sql.raw("""
            SELECT voter_key, has_voted FROM decision_electors WHERE decision_id = \(bind: decision.id!) AND voter_key IN (\(binds: candidates))
            """).all().map { (try $0.decode(column: "voter_key", as: String.self), try $0.decode(column: "has_voted", as: Bool.self)) }
            .sorted { $0.0 < $1.0 }
    }

    /// A call's priorities: the options (by index, in the order of the call's applications, as
    /// the decision listed them) that `person` may not vote on, with the tie that prevents it.
    /// Empty for any other decision.
    func recusals(of person: UUID, in decision: DecisionRecord) async throws -> [Int: ConflictLink] {
        guard decision.kind == DecisionKind.priorities.rawValue,
              let call = try await CallRecord.query(on: database).filter(\.$decision.$id == decision.id!).first() else { return [:] }
        let applications = try await CallApplicationRecord.query(on: database).filter(\.$call.$id == call.id!).sort(\.$createdAt).all()
        let conflicts = try await ProposalStore(database: database).conflicts(of: person, in: applications, community: decision.$community.id)
        return Dictionary(uniqueKeysWithValues: applications.enumerated().compactMap { index, application in conflicts[application.id!].map { (index, $0) } })
    }

    // MARK: Ballots

    enum CastResult: Equatable {
        /// Stored (first ballot or a change) as the log's row `hash`; for a secret ballot's first
        /// cast, the receipt to keep.
        case stored(receipt: String?, hash: String)
        /// Identical to the voter's current ballot: nothing added.
        case unchanged
        /// Already voted (secret ballot) and no receipt given.
        case receiptNeeded
        /// A receipt that is not this elector's (someone else's, mistyped, or from before
        /// receipts were bound): nothing changes, whoever's ballot it is.
        case receiptNotYours
        case notAnElector
        case closed
    }

    /// Adds a ballot to the log, under a lock on the decision row so that the chain, the
    /// one-ballot-per-voter rule and the electorate's « a voté » stay consistent however many
    /// requests arrive at once (R3). A secret ballot is keyed by the hash of a receipt: the
    /// log never holds who cast it, the electorate only that they voted (R4).
    func cast(_ content: String, in decision: DecisionRecord, as voterKey: String, receipt: String?, now: Date) async throws -> CastResult {
        try await Self.lock.run(decision.id!) {
            try await database.writing { database in
                let sql = database as! any SQLDatabase
                // Serialises casts across instances on PostgreSQL; SQLite serialises writers itself.
                if sql.dialect.name != "sqlite" {
                    try await sql.raw("SELECT id FROM decisions WHERE id = \(bind: decision.id!) FOR UPDATE").run()
                }
                guard let current = try await DecisionRecord.find(decision.id, on: database) else { return .closed }
                let elector = try await sql.raw("""
                    SELECT has_voted, receipt_binding FROM decision_electors WHERE decision_id = \(bind: decision.id!) AND voter_key = \(bind: voterKey)
                    """).first()
                let hasVoted = try elector?.decode(column: "has_voted", as: Bool.self) ?? false
                var key = voterKey
                var newReceipt: String?
                switch BallotAdmission.decide(phase: DecisionPhase(rawValue: current.phase) ?? .draft, now: now, votingEnds: current.votingEndsAt,
                                              elector: try elector.map { (hasVoted, try $0.decode(column: "receipt_binding", as: String?.self)) },
                                              secret: current.secret, voterKey: voterKey, receipt: receipt) {
                case .closed: return .closed
                case .notAnElector: return .notAnElector
                case .receiptNeeded: return .receiptNeeded
                case .receiptNotYours: return .receiptNotYours
                case .open: break
                case .secretChange(let given): key = Self.receiptKey(given)
                case .firstSecretBallot:
                    let fresh = Self.newReceipt()
                    newReceipt = fresh
                    key = Self.receiptKey(fresh)
                    try await sql.raw("""
                        UPDATE decision_electors SET receipt_binding = \(bind: ReceiptCode.binding(voterKey: voterKey, receipt: fresh))
                        WHERE decision_id = \(bind: decision.id!) AND voter_key = \(bind: voterKey)
                        """).run()
                }
                let last = try await BallotRecord.query(on: database).filter(\.$decision.$id == decision.id!).sort(\.$position, .descending).first()
                if let mine = try await BallotRecord.query(on: database).filter(\.$decision.$id == decision.id!).filter(\.$ballotKey == key)
                    .sort(\.$position, .descending).first(), mine.content == content {
                    return .unchanged
                }
                let row = BallotRecord()
                row.$decision.id = decision.id!
                row.position = (last?.position ?? 0) + 1
                row.ballotKey = key
                row.content = content
                row.hash = HashChain.hash(previous: last?.hash ?? HashChain.genesis, content: Self.chained(key: key, content: content))
                try await row.create(on: database)
                if !hasVoted {
                    try await sql.raw("UPDATE decision_electors SET has_voted = \(bind: true) WHERE decision_id = \(bind: decision.id!) AND voter_key = \(bind: voterKey)").run()
                }
                return .stored(receipt: newReceipt, hash: row.hash)
            }
        }
    }

    /// What the chain covers for a row: the key and the ballot, so that neither can be edited.
    static func chained(key: String, content: String) -> String { key + "\n" + content }

    static func receiptKey(_ receipt: String) -> String {
        "receipt:" + HashChain.hex(SHA256.hash(data: Data(receipt.utf8)))
    }

    static func newReceipt() -> String {
        // 128 bits, written in groups a person can copy: « 7KQ2-…».
        let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<26).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
        return stride(from: 0, to: characters.count, by: 5).map { String(characters[$0..<min($0 + 5, characters.count)]) }.joined(separator: "-")
    }

    /// One lock per decision inside this process (PostgreSQL's row lock covers other instances).
    static let lock = KeyedLock()

    // MARK: Steps

    /// Draft → deliberation. The deliberation is a proposal's debate: the one the decision was
    /// drafted from, or else a proposal published now with the decision's title and text.
    func deliberate(_ decision: DecisionRecord, by person: UUID, now: Date) async throws -> DecisionLifecycle.Refusal? {
        let next: DecisionPhase
        do { next = try DecisionLifecycle.next(phase(decision), .deliberate, now: now, deliberationStarted: nil, deliberationDays: 0, votingEnds: nil) } catch {
            return error
        }
        try await database.writing { database in
            if decision.$proposal.id == nil {
                let summary = decision.text.count >= 20 ? decision.text : decision.title + "\n\n" + decision.text
                let proposal = try await ProposalStore(database: database).create(
                    .init(title: decision.title, summary: summary, themes: ["autre"], communeCode: nil, organisation: nil, coauthors: [], needs: []),
                    community: decision.$community.id, author: decision.$createdBy.id ?? person, status: .decision, now: now)
                decision.$proposal.id = proposal.id
            }
            decision.phase = next.rawValue
            decision.deliberationStartedAt = now
            try await decision.update(on: database)
            try await JournalStore(database: database).append(community: decision.$community.id, .opened, .decision, id: decision.id, summary: decision.title, now: now)
        }
        return nil
    }

    static func phase(_ decision: DecisionRecord) -> DecisionPhase { DecisionPhase(rawValue: decision.phase) ?? .draft }
    func phase(_ decision: DecisionRecord) -> DecisionPhase { Self.phase(decision) }

    enum StepRefusal: Error {
        case lifecycle(DecisionLifecycle.Refusal)
        case rules(RuleRefusal)
        /// Consent: the consent round opens after the reactions (or, later, the integration).
        case consentStage(ConsentStage)
    }

    static func consentStage(_ decision: DecisionRecord) -> ConsentStage? {
        guard decision.method == VotingMethod.consent.rawValue else { return nil }
        return ConsentProcess.stage(phase: phase(decision), round: decision.round, reactionsOpen: decision.reactionsOpen ?? false)
    }

    /// Consent, first round: from clarifying questions to reactions.
    func openReactions(_ decision: DecisionRecord, now: Date) async throws -> StepRefusal? {
        guard let stage = Self.consentStage(decision), stage == .clarifying else {
            return .consentStage(Self.consentStage(decision) ?? .decided)
        }
        try await database.writing { database in
            decision.reactionsOpen = true
            try await decision.update(on: database)
            try await JournalStore(database: database).append(community: decision.$community.id, .edited, .decision, id: decision.id,
                                                              summary: decision.title, now: now)
        }
        return nil
    }

    /// A clarifying question, the proposer's answer to one, or a member's reaction (one per
    /// member and round: a second replaces the first). False when the stage does not take it.
    func contribute(_ kind: ConsentContribution, to decision: DecisionRecord, text: String, answering question: UUID?,
                    by person: UUID, now: Date) async throws -> Bool {
        guard let stage = Self.consentStage(decision), ConsentProcess.accepts(kind, in: stage) else { return false }
        if kind == .answer {
            guard let question, try await DecisionContributionRecord.query(on: database).filter(\.$id == question)
                .filter(\.$decision.$id == decision.id!).filter(\.$kind == ConsentContribution.question.rawValue).first() != nil else { return false }
        }
        try await database.writing { database in
            let existing = kind == .reaction
                ? try await DecisionContributionRecord.query(on: database).filter(\.$decision.$id == decision.id!).filter(\.$round == decision.round)
                    .filter(\.$kind == kind.rawValue).filter(\.$author.$id == person).first()
                : nil
            let record = existing ?? DecisionContributionRecord()
            record.$decision.id = decision.id!
            record.round = decision.round
            record.kind = kind.rawValue
            record.text = text
            record.$answers.id = kind == .answer ? question : nil
            record.$author.id = person
            record.createdAt = now
            try await record.save(on: database)
        }
        return true
    }

    func contributions(of decision: UUID) async throws -> [DecisionContributionRecord] {
        try await DecisionContributionRecord.query(on: database).filter(\.$decision.$id == decision).with(\.$author)
            .sort(\.$round).sort(\.$createdAt).all()
    }

    /// The fallback vote that followed this consent decision, if any.
    func fallback(of decision: UUID) async throws -> DecisionRecord? {
        try await DecisionRecord.query(on: database).filter(\.$fallbackOf.$id == decision).first()
    }

    /// Deliberation → voting, until `ends`. The rules in force must still allow the method; the
    /// electorate, secrecy and quorum are taken from them and fixed now.
    func openVoting(_ decision: DecisionRecord, until ends: Date, now: Date) async throws -> StepRefusal? {
        let rules = try await governance(of: decision.$community.id)
        let kind = DecisionKind(rawValue: decision.kind) ?? .general
        let method = VotingMethod(rawValue: decision.method) ?? .majority
        // A fallback vote uses the method the rules name for it, whatever the kind's list says.
        let isFallback = decision.$fallbackOf.id != nil && rules.consentFallback == method
        if !isFallback {
            do { try DecisionRules.checkOpening(kind: kind, method: method, under: rules) } catch { return .rules(error) }
        }
        if let stage = Self.consentStage(decision), phase(decision) == .deliberation, !ConsentProcess.mayOpenConsentRound(from: stage) {
            return .consentStage(stage)
        }
        do {
            // Later consent rounds and a fallback vote follow a deliberation already held.
            _ = try DecisionLifecycle.next(phase(decision), .openVoting, now: now, deliberationStarted: decision.deliberationStartedAt,
                deliberationDays: decision.round > 1 || isFallback ? 0 : rules.deliberationDays, votingEnds: ends)
        } catch { return .lifecycle(error) }
        let rule = rules.rule(for: kind)
        try await database.writing { database in
            decision.phase = DecisionPhase.voting.rawValue
            decision.rulesVersion = rules.version
            decision.electorateKind = rule.electorate.rawValue
            decision.secret = rule.secret
            decision.quorum = rule.quorum
            decision.votingOpenedAt = now
            decision.votingEndsAt = ends
            if decision.round == 1 {
                decision.electorateSize = try await fixElectorate(of: decision, on: database)
            } else {
                // A new round of consent: everyone may answer again.
                try await (database as! any SQLDatabase).raw("UPDATE decision_electors SET has_voted = \(bind: false) WHERE decision_id = \(bind: decision.id!)").run()
            }
            try await decision.update(on: database)
        }
        return nil
    }

    /// Between consent rounds, the proposer amends the proposal to answer the objections; the
    /// text before and after is kept, and the journal says so. Refused outside that moment.
    func amend(_ decision: DecisionRecord, text: String, by person: UUID, now: Date) async throws -> Bool {
        guard decision.method == VotingMethod.consent.rawValue, decision.round > 1, Self.phase(decision) == .deliberation, text != decision.text else {
            return false
        }
        try await database.writing { database in
            let amendment = DecisionAmendmentRecord()
            amendment.$decision.id = decision.id!
            amendment.round = decision.round
            amendment.previousText = decision.text
            amendment.text = text
            amendment.$amendedBy.id = person
            amendment.amendedAt = now
            try await amendment.create(on: database)
            decision.text = text
            try await decision.update(on: database)
            try await JournalStore(database: database).append(community: decision.$community.id, .edited, .decision, id: decision.id,
                                                              summary: decision.title, now: now)
        }
        return true
    }

    func amendments(of decision: UUID) async throws -> [DecisionAmendmentRecord] {
        try await DecisionAmendmentRecord.query(on: database).filter(\.$decision.$id == decision).sort(\.$round).sort(\.$amendedAt).all()
    }

    /// Closes with a conclusion known beforehand (the demo's, the tests').
    func close(_ decision: DecisionRecord, statement: String, now: Date) async throws -> StepRefusal? {
        try await close(decision, statement: { _ in statement }, now: now)
    }

    /// The conclusion the author or a coordinator writes after the count, journalled.
    func writeStatement(_ decision: DecisionRecord, _ statement: String, now: Date) async throws {
        try await database.writing { database in
            decision.outcomeStatement = statement
            try await decision.update(on: database)
            try await JournalStore(database: database).append(community: decision.$community.id, .edited, .decision, id: decision.id,
                                                              summary: decision.title, now: now)
        }
    }

    /// Voting → closed: counts once, stores the result with the log's head hash, the outcome
    /// statement and its review date; applies an adopted rule change. Under consent, objections
    /// left after a round that is not the last send the proposal back to integration for the
    /// next round instead; after the last round, the rules' fallback vote opens on the final
    /// text (titled `fallbackTitle`), for as long as the last round lasted.
    func close(_ decision: DecisionRecord, statement: (TallyReport) -> String, fallbackTitle: String? = nil, now: Date) async throws -> StepRefusal? {
        do {
            _ = try DecisionLifecycle.next(phase(decision), .close, now: now, deliberationStarted: decision.deliberationStartedAt,
                deliberationDays: 0, votingEnds: decision.votingEndsAt)
        } catch { return .lifecycle(error) }
        let (report, _, head) = try await count(decision)
        let conclusion = statement(report)
        let rules = try await governance(of: decision.$community.id)
        let after: ConsentProcess.Next? = decision.method == VotingMethod.consent.rawValue
            ? ConsentProcess.next(adopted: report.outcome == .adopted, remainingObjections: report.remainingObjections?.count ?? 0,
                                  round: decision.round, maximumRounds: rules.maximumConsentRounds, fallback: rules.consentFallback)
            : nil
        if after == .nextRound {
            decision.round += 1
            decision.phase = DecisionPhase.deliberation.rawValue
            decision.deliberationStartedAt = now
            decision.votingEndsAt = nil
            try await decision.update(on: database)
            return nil
        }
        try await database.writing { database in
            decision.phase = DecisionPhase.closed.rawValue
            decision.closedAt = now
            decision.result = Self.json(report)
            decision.headHash = head
            decision.outcomeStatement = conclusion
            decision.reviewOn = Calendar(identifier: .gregorian).date(byAdding: .month, value: rules.reviewAfterMonths, to: now)
            let kind = DecisionKind(rawValue: decision.kind) ?? .general
            if [.ruleChange, .methodChange].contains(kind), let text = decision.proposedRules,
                let proposed = try? JSONDecoder().decode(Governance.self, from: Data(text.utf8)), report.outcome == .adopted {
                do {
                    let next = try DecisionRules.apply(proposed, decidedAs: kind, method: VotingMethod(rawValue: decision.method) ?? .majority,
                        outcome: .adopted, openedUnder: decision.rulesVersion, to: rules)
                    // A change of the charter alone leaves the rules as they are: no new version.
                    var unchanged = next
                    unchanged.version = rules.version
                    if unchanged.normalized != rules.normalized {
                        let record = GovernanceRecord()
                        record.$community.id = decision.$community.id
                        record.version = next.version
                        record.rules = Self.json(next)
                        record.$decision.id = decision.id
                        record.createdAt = now
                        try await record.create(on: database)
                        try await JournalStore(database: database).append(community: decision.$community.id, .ruleChanged, .rules, id: decision.id,
                                                                          summary: decision.title, now: now)
                    }
                } catch let refusal as RuleRefusal {
                    decision.rulesRefusal = refusal.description
                }
            }
            if kind == .ruleChange, report.outcome == .adopted, decision.rulesRefusal == nil, let charter = decision.proposedCharter {
                try await CharterStore(database: database).add(to: decision.$community.id, text: charter, author: decision.$createdBy.id,
                                                                decision: decision.id, now: now)
                try await JournalStore(database: database).append(community: decision.$community.id, .ruleChanged, .charter, id: decision.id,
                                                                  summary: decision.title, now: now)
            }
            // A call for support whose priorities this was is now decided.
            try await CallRecord.query(on: database).filter(\.$decision.$id == decision.id!).set(\.$phase, to: CallPhase.decided.rawValue).update()
            // A proposal going to the fallback vote is decided by that vote.
            if case .fallback = after {} else if let proposalID = decision.$proposal.id, let proposal = try await ProposalRecord.find(proposalID, on: database) {
                let method = VotingMethod(rawValue: decision.method) ?? .majority
                try await ProposalStore(database: database).move(proposal, ProposalLifecycle.event(forOutcome: report.outcome, decidesOneProposal: method.decidesOneProposal),
                    note: conclusion, person: nil, decision: decision.id, now: now, on: database)
            }
            try await decision.update(on: database)
            try await JournalStore(database: database).append(community: decision.$community.id, .closed, .decision, id: decision.id, summary: decision.title, now: now)
        }
        if case .fallback(let method) = after {
            try await openFallback(of: decision, method: method, title: fallbackTitle ?? decision.title + " — vote de repli", rules: rules, now: now)
        }
        return nil
    }

    /// The fallback vote on a consent decision's final text: same kind, proposal and proposed
    /// rules, the method the rules name, open at once (the rounds were its deliberation).
    private func openFallback(of consent: DecisionRecord, method: VotingMethod, title: String, rules: Governance, now: Date) async throws {
        let proposed = consent.proposedRules.flatMap { try? JSONDecoder().decode(Governance.self, from: Data($0.utf8)) }
        let vote = try await createDraft(.init(kind: DecisionKind(rawValue: consent.kind) ?? .general, method: method, title: title, text: consent.text,
            options: [], grades: [], settings: [:], proposed: proposed, charter: consent.proposedCharter, proposal: consent.$proposal.id),
            community: consent.$community.id, author: consent.$createdBy.id, rules: rules, now: now)
        vote.$fallbackOf.id = consent.id
        vote.phase = DecisionPhase.deliberation.rawValue
        vote.deliberationStartedAt = now
        try await vote.update(on: database)
        let window = max(86_400, (consent.votingEndsAt ?? now).timeIntervalSince(consent.votingOpenedAt ?? now))
        _ = try await openVoting(vote, until: now.addingTimeInterval(window), now: now)
    }

    // MARK: Counting and checking

    /// The log of a decision in chain order.
    func log(of decision: UUID) async throws -> [BallotRecord] {
        try await BallotRecord.query(on: database).filter(\.$decision.$id == decision).sort(\.$position).all()
    }

    /// Each voter's last ballot, in chain order of their first one.
    static func currentBallots(_ log: [BallotRecord]) -> [String] {
        var latest: [String: String] = [:], order: [String] = []
        for row in log {
            if latest[row.ballotKey] == nil { order.append(row.ballotKey) }
            latest[row.ballotKey] = row.content
        }
        return order.map { latest[$0]! }
    }

    /// Every voter's last ballot of each round, rounds in order (`consentRounds` groups them).
    static func consentBallots(_ log: [BallotRecord]) -> [String] {
        let rounds = Consent.ballotsByRound(log.map { ($0.ballotKey, $0.content) }, round: consentRound)
        return rounds.keys.sorted().flatMap { rounds[$0]!.map(\.content) }
    }

    /// The round a consent ballot was cast in.
    static func consentRound(_ content: String) -> Int? {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(content.utf8)))?["round"]?.int
    }

    /// Every row of the log that no longer follows from the one before (R6), from 0.
    static func brokenRows(_ log: [BallotRecord]) -> [Int] {
        HashChain.broken(log.map { HashChain.Entry(content: chained(key: $0.ballotKey, content: $0.content), hash: $0.hash) })
    }

    /// The first of them, or nil when the log holds.
    static func firstBroken(_ log: [BallotRecord]) -> Int? {
        brokenRows(log).first
    }

    /// Counts a decision's ballots now, as `terreau recount` and the close do: walks the chain
    /// (refusing an altered log), then streams each voter's last ballot into the counter, so a
    /// million ballots are never all in memory.
    func count(_ decision: DecisionRecord) async throws -> (report: TallyReport, election: Election, head: String) {
        let head = try await verifiedHead(of: decision)
        let (report, election) = try await tally(decision)
        return (report, election, head)
    }

    /// Rows read per query on PostgreSQL, whose driver buffers a query's rows: a million
    /// ballots are read a page at a time.
    static let page = 20_000

    /// The log's head hash, after checking every row follows from the one before (R6).
    func verifiedHead(of decision: DecisionRecord) async throws -> String {
        if let sqlite = database as? any SQLiteDatabase {
            let chain = RowSink(HashChain.genesis)
            try await Self.stream(sqlite, "SELECT ballot_key, content, hash FROM ballots WHERE decision_id = ?1 ORDER BY position", decision.id!) { row in
                guard chain.failure == nil else { return }
                guard let key = row.column("ballot_key")?.string, let content = row.column("content")?.string, let hash = row.column("hash")?.string,
                    HashChain.hash(previous: chain.value, content: Self.chained(key: key, content: content)) == hash
                else { chain.failure = "le journal des bulletins est altéré à la ligne \(chain.rows + 1)."; return }
                chain.value = hash
                chain.rows += 1
            }
            if let failure = chain.failure { throw Abort(.conflict, reason: failure) }
            return chain.value
        }
        var previous = HashChain.genesis, after = 0, checked = 0
        while true {
            let rows = try await sql.raw("""
                SELECT position, ballot_key, content, hash FROM ballots WHERE decision_id = \(bind: decision.id!) AND position > \(bind: after)
                ORDER BY position LIMIT \(unsafeRaw: String(Self.page))
                """).all()
            for row in rows {
                let key = try row.decode(column: "ballot_key", as: String.self), content = try row.decode(column: "content", as: String.self), hash = try row.decode(column: "hash", as: String.self)
                guard HashChain.hash(previous: previous, content: Self.chained(key: key, content: content)) == hash else {
                    throw Abort(.conflict, reason: "le journal des bulletins est altéré à la ligne \(checked + 1).")
                }
                previous = hash
                checked += 1
                after = try row.decode(column: "position", as: Int.self)
            }
            if rows.count < Self.page { return previous }
        }
    }

    /// Rows of a query handed over one at a time as SQLite steps through them: the generic path
    /// buffers a whole result (and schedules a task per row), which costs more than counting.
    static func stream(_ sqlite: any SQLiteDatabase, _ query: String, _ decision: UUID, _ onRow: @escaping @Sendable (SQLiteRow) -> Void) async throws {
        try await sqlite.withConnection { connection in
            try await connection.query(query, [.text(decision.uuidString)], onRow)
        }
    }

    /// Each voter's last ballot, streamed page by page into the counter.
    func tally(_ decision: DecisionRecord) async throws -> (TallyReport, Election) {
        let rules = try await governance(of: decision.$community.id)
        if decision.method == VotingMethod.consent.rawValue {
            // Consent is counted by rounds, from a handful of ballots: each round's own.
            let election = try Self.election(of: decision, ballots: Self.consentBallots(try await log(of: decision.id!)), rules: rules)
            return (election.tally(), election)
        }
        let election = try Self.election(of: decision, ballots: [], rules: rules)
        if let sqlite = database as? any SQLiteDatabase {
            // Most voters never change their ballot: find the few who did (from the index alone),
            // then read the log once in its own order, skipping their earlier ballots.
            let changed = RowSink([String: Int]())
            try await Self.stream(sqlite, """
                SELECT ballot_key, MAX(position) AS last FROM ballots WHERE decision_id = ?1 AND ballot_key IN
                (SELECT ballot_key FROM ballots WHERE decision_id = ?1 GROUP BY ballot_key HAVING COUNT(*) > 1) GROUP BY ballot_key
                """, decision.id!) { row in
                if let key = row.column("ballot_key")?.string, let last = row.column("last")?.integer { changed.value[key] = last }
            }
            let superseded = changed.value
            let counter = RowSink(ElectionCounter(election))
            // The content as a blob: its bytes as stored, without making (and checking) a String.
            try await Self.stream(sqlite, "SELECT position, ballot_key, CAST(content AS BLOB) AS content FROM ballots WHERE decision_id = ?1 ORDER BY position",
                                  decision.id!) { row in
                guard counter.failure == nil else { return }
                if !superseded.isEmpty, let key = row.column("ballot_key")?.string, let last = superseded[key], last != row.column("position")?.integer { return }
                do {
                    guard let content = row.column("content")?.blob else { throw Abort(.conflict, reason: "bulletin vide") }
                    try content.withUnsafeReadableBytes { try counter.value.add(bytes: $0.bindMemory(to: UInt8.self)) }
                } catch {
                    counter.failure = "un bulletin enregistré est illisible (n° \(counter.rows + 1)) : \(error)"
                }
                counter.rows += 1
            }
            if let failure = counter.failure { throw Abort(.conflict, reason: failure) }
            return (counter.value.report(), election)
        }
        var counter = ElectionCounter(election)
        var after = "", read = 0
        while true {
            let latest: SQLQueryString = sql.dialect.name == "sqlite"
                // SQLite returns the bare column from the row holding MAX(position).
                ? """
                    SELECT ballot_key, content, MAX(position) AS last FROM ballots WHERE decision_id = \(bind: decision.id!) AND ballot_key > \(bind: after)
                    GROUP BY ballot_key ORDER BY ballot_key LIMIT \(unsafeRaw: String(Self.page))
                    """
                : """
                    SELECT DISTINCT ON (ballot_key) ballot_key, content FROM ballots WHERE decision_id = \(bind: decision.id!) AND ballot_key > \(bind: after)
                    ORDER BY ballot_key, position DESC LIMIT \(unsafeRaw: String(Self.page))
                    """
            let rows = try await sql.raw(latest).all()
            for row in rows {
                do { try counter.add(json: try row.decode(column: "content", as: String.self)) } catch {
                    throw Abort(.conflict, reason: "un bulletin enregistré est illisible (n° \(read + 1)) : \(error)")
                }
                read += 1
                after = try row.decode(column: "ballot_key", as: String.self)
            }
            if rows.count < Self.page { return (counter.report(), election) }
        }
    }
}

/// State carried across the rows of one streamed query; SQLite hands rows over one after
/// another on one thread, never at once.
final class RowSink<Value>: @unchecked Sendable {
    var value: Value
    var rows = 0
    var failure: String?
    init(_ value: Value) { self.value = value }
}

/// Serialises work per key inside one process.
actor KeyedLock {
    private var busy: Set<UUID> = []
    private var waiting: [UUID: [CheckedContinuation<Void, Never>]] = [:]

    func run<T: Sendable>(_ key: UUID, _ work: @Sendable () async throws -> T) async throws -> T {
        while busy.contains(key) {
            await withCheckedContinuation { waiting[key, default: []].append($0) }
        }
        busy.insert(key)
        defer {
            busy.remove(key)
            if var queue = waiting[key], !queue.isEmpty {
                queue.removeFirst().resume()
                waiting[key] = queue.isEmpty ? nil : queue
            }
        }
        return try await work()
    }
}
