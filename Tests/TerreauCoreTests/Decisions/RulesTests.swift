import Foundation
import Testing
@testable import TerreauCore

@Suite("Community rules, decision lifecycle and the ballot log's hash chain")
struct RulesTests {
    @Test("the three starting templates hold together", arguments: RulesTemplate.allCases)
    func templates(template: RulesTemplate) {
        #expect(template.rules.problem == nil)
        #expect(template.rules.version == 1)
    }

    @Test("a decision opens only with a method the rules in force assign to its kind", arguments: [
        (RulesTemplate.consent, DecisionKind.ruleChange, VotingMethod.consent, true), (.consent, .ruleChange, .majority, false),
        (.majority, .ruleChange, .qualifiedMajority, true), (.majority, .ruleChange, .majority, false),
        (.majorityJudgment, .priorities, .majorityJudgment, true), (.majorityJudgment, .priorities, .approval, false),
        (.majority, .general, .schulze, true), (.consent, .general, .schulze, false),
    ] as [(RulesTemplate, DecisionKind, VotingMethod, Bool)])
    func opening(template: RulesTemplate, kind: DecisionKind, method: VotingMethod, allowed: Bool) {
        let opens = (try? DecisionRules.checkOpening(kind: kind, method: method, under: template.rules)) != nil
        #expect(opens == allowed)
    }

    @Test("a rule change decided by consent takes effect; the next decision must use the new rule")
    func ruleChange() throws {
        let current = RulesTemplate.consent.rules
        var proposed = current
        proposed.kinds[.general] = KindRule(methods: [.majorityJudgment], secret: false)
        let next = try DecisionRules.apply(proposed, decidedAs: .ruleChange, method: .consent, outcome: .adopted, openedUnder: 1, to: current)
        #expect(next.version == 2)
        #expect(throws: RuleRefusal.methodNotAllowed(kind: .general, method: .consent, allowed: [.majorityJudgment])) {
            try DecisionRules.checkOpening(kind: .general, method: .consent, under: next)
        }
        try DecisionRules.checkOpening(kind: .general, method: .majorityJudgment, under: next)
    }

    @Test("attempts to bypass the rules are refused, each saying why")
    func bypass() {
        let current = RulesTemplate.consent.rules
        var proposed = current
        proposed.maximumConsentRounds = 1
        // Another kind of decision cannot change rules.
        #expect(throws: RuleRefusal.notARuleChange(kind: .general)) {
            try DecisionRules.apply(proposed, decidedAs: .general, method: .consent, outcome: .adopted, openedUnder: 1, to: current)
        }
        // A method change may only change methods.
        #expect(throws: RuleRefusal.notARuleChange(kind: .methodChange)) {
            try DecisionRules.apply(proposed, decidedAs: .methodChange, method: .consent, outcome: .adopted, openedUnder: 1, to: current)
        }
        // Decided with a method the rules do not give to rule changes.
        #expect(throws: RuleRefusal.methodNotAllowed(kind: .ruleChange, method: .majority, allowed: [.consent])) {
            try DecisionRules.apply(proposed, decidedAs: .ruleChange, method: .majority, outcome: .adopted, openedUnder: 1, to: current)
        }
        #expect(throws: RuleRefusal.notAdopted) {
            try DecisionRules.apply(proposed, decidedAs: .ruleChange, method: .consent, outcome: .rejected, openedUnder: 1, to: current)
        }
        var later = current
        later.version = 2
        #expect(throws: RuleRefusal.rulesChangedMeanwhile(decidedUnder: 1, current: 2)) {
            try DecisionRules.apply(proposed, decidedAs: .ruleChange, method: .consent, outcome: .adopted, openedUnder: 1, to: later)
        }
        var broken = current
        broken.kinds[.ruleChange] = KindRule(methods: [.approval])
        #expect(throws: RuleRefusal.self) {
            try DecisionRules.apply(broken, decidedAs: .ruleChange, method: .consent, outcome: .adopted, openedUnder: 1, to: current)
        }
        // Changing only methods is a method change.
        var methods = current
        methods.kinds[.general]?.methods = [.dotVoting]
        #expect((try? DecisionRules.apply(methods, decidedAs: .methodChange, method: .consent, outcome: .adopted, openedUnder: 1, to: current))?.version == 2)
    }

    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static func day(_ days: Double) -> Date { start.addingTimeInterval(days * 86_400) }

    @Test("lifecycle: no skipping, deliberation as long as the rules say, the window on the server's clock")
    func lifecycle() throws {
        #expect(try DecisionLifecycle.next(.draft, .deliberate, now: Self.start, deliberationStarted: nil, deliberationDays: 7, votingEnds: nil) == .deliberation)
        #expect(throws: DecisionLifecycle.Refusal.wrongPhase(.draft, .openVoting)) {
            try DecisionLifecycle.next(.draft, .openVoting, now: Self.day(30), deliberationStarted: nil, deliberationDays: 7, votingEnds: Self.day(40))
        }
        #expect(throws: DecisionLifecycle.Refusal.deliberationTooShort(until: Self.day(7))) {
            try DecisionLifecycle.next(.deliberation, .openVoting, now: Self.day(6.9), deliberationStarted: Self.start, deliberationDays: 7, votingEnds: Self.day(14))
        }
        #expect(try DecisionLifecycle.next(.deliberation, .openVoting, now: Self.day(7), deliberationStarted: Self.start, deliberationDays: 7, votingEnds: Self.day(14)) == .voting)
        #expect(throws: DecisionLifecycle.Refusal.windowNotOver(until: Self.day(14))) {
            try DecisionLifecycle.next(.voting, .close, now: Self.day(13), deliberationStarted: Self.start, deliberationDays: 7, votingEnds: Self.day(14))
        }
        #expect(try DecisionLifecycle.next(.voting, .close, now: Self.day(14), deliberationStarted: Self.start, deliberationDays: 7, votingEnds: Self.day(14)) == .closed)
        #expect(throws: DecisionLifecycle.Refusal.wrongPhase(.closed, .close)) {
            try DecisionLifecycle.next(.closed, .close, now: Self.day(20), deliberationStarted: Self.start, deliberationDays: 7, votingEnds: Self.day(14))
        }
        #expect(DecisionLifecycle.acceptsBallots(.voting, now: Self.day(13.99), votingEnds: Self.day(14)))
        #expect(!DecisionLifecycle.acceptsBallots(.voting, now: Self.day(14), votingEnds: Self.day(14)))
        #expect(!DecisionLifecycle.acceptsBallots(.closed, now: Self.day(10), votingEnds: Self.day(14)))
    }

    @Test("R6: a hash-chained log names every edited, removed or reordered row")
    func chain() {
        #expect(HashChain.hash(previous: "", content: "") != HashChain.hash(previous: "", content: " "))
        let entries = HashChain.chain(["{\"A\":\"bien\"}", "{\"A\":\"passable\"}", "{\"A\":\"excellent\"}"])
        #expect(HashChain.firstBroken(entries) == nil)
        var edited = entries
        edited[1].content = "{\"A\":\"excellent\"}"
        #expect(HashChain.firstBroken(edited) == 1)
        #expect(HashChain.firstBroken([entries[0], entries[2]]) == 1)
        #expect(HashChain.firstBroken([entries[1], entries[0], entries[2]]) == 0)
        // Rehashing an edited row alone is not enough: the next row no longer follows.
        var rehashed = edited
        rehashed[1].hash = HashChain.hash(previous: entries[0].hash, content: edited[1].content)
        #expect(HashChain.firstBroken(rehashed) == 2)
        // Every broken row is named, not only the first: a second tampering further down does
        // not hide behind the first one.
        var twice = edited
        twice[2].content = "{\"A\":\"à rejeter\"}"
        #expect(HashChain.broken(twice) == [1, 2])
        let long = HashChain.chain((0..<6).map { "{\"A\":\"\($0)\"}" })
        var apart = long
        apart[1].content = "x"
        apart[4].content = "y"
        #expect(HashChain.broken(apart) == [1, 4])
        #expect(HashChain.broken(long) == [])
        // A known vector: SHA-256 of "0…0", the separator 0x1F and "abc".
        #expect(HashChain.hash(previous: HashChain.genesis, content: "abc").count == 64)
    }

    /// Rules under which a general decision may use any method (a rule change keeps the template's).
    static var anyMethod: Governance {
        var rules = RulesTemplate.majority.rules
        rules.kinds[.general] = KindRule(methods: VotingMethod.allCases, secret: false)
        return rules
    }

    @Test("a decision's draft: what the form may hold, each problem on its field", arguments: [
        (["kind": "general", "method": "schulze", "title": "Quel jardin ?", "options": "A\nB\nC"], [DecisionDraftCheck.Problem]()),
        (["kind": "général", "method": "schulze", "title": "T", "options": "A\nB"], [.kind]),
        (["kind": "general", "method": "tirage", "title": "T"], [.method]),
        (["kind": "ruleChange", "method": "majority", "title": "T"], [.kind]),
        (["kind": "rule-change", "method": "majority", "title": "T"], [.notAllowed(.ruleChange, .majority)]),
        (["kind": "general", "method": "schulze", "title": "", "options": "A\nA"], [.title, .options]),
        (["kind": "general", "method": "schulze", "title": String(repeating: "t", count: 201), "options": "A\nB"], [.title]),
        (["kind": "general", "method": "majority-judgment", "title": "T", "options": "A\nB", "grades": "Bien"], [.grades]),
        (["kind": "general", "method": "qualified-majority", "title": "T", "threshold": "deux tiers"], [.threshold]),
        (["kind": "general", "method": "dot-voting", "title": "T", "options": "A\nB", "dots": "0", "amount": "-3"], [.dots, .amount]),
        (["kind": "general", "method": "score", "title": "T", "options": "A\nB", "scale": "101"], [.scale]),
        (["kind": "general", "method": "consensus", "title": "T", "allowed_against": "-1"], [.allowedAgainst]),
    ] as [([String: String], [DecisionDraftCheck.Problem])])
    func draftCheck(values: [String: String], problems: [DecisionDraftCheck.Problem]) {
        let (draft, found) = DecisionDraftCheck.check(values, rules: Self.anyMethod)
        #expect(found == problems)
        #expect((draft != nil) == problems.isEmpty)
    }

    @Test("a checked draft carries the method's settings")
    func draftSettings() throws {
        let dots = try #require(DecisionDraftCheck.check(["kind": "general", "method": "dot-voting", "title": "Budget", "options": "A\nB", "dots": "5",
                                                          "amount": "3"], rules: Self.anyMethod).draft)
        #expect(dots.settings == ["dots": .int(5), "amount": .int(3)] && dots.options == ["A", "B"])
        let score = try #require(DecisionDraftCheck.check(["kind": "general", "method": "score", "title": "Note", "options": "A\nB", "scale": "10"],
                                                          rules: Self.anyMethod).draft)
        #expect(score.settings == ["scale": .array([.int(0), .int(10)])])
        #expect(DecisionDraftCheck.Problem.allowedAgainst.field == "allowed_against")
    }
}
