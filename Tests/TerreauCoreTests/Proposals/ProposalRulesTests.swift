import Foundation
import Testing
@testable import TerreauCore

@Suite("Proposals: statuses, backing, debate counts and moderation")
struct ProposalRulesTests {
    /// Every status × event pair: the expected next status, nil where refused.
    static let expected: [ProposalStatus: [ProposalEvent: ProposalStatus]] = [
        .debate: [.submitToDecision: .decision, .withdraw: .withdrawn],
        .decision: [.adopt: .adopted, .reject: .rejected, .settle: .decided],
        .adopted: [.realise: .realised],
        .decided: [.realise: .realised],
        .withdrawn: [.reopen: .debate],
        .rejected: [:],
        .realised: [:],
    ]

    @Test("every status × event: no skipping the decision, nothing after a rejection", arguments: ProposalStatus.allCases)
    func lifecycle(status: ProposalStatus) {
        for event in ProposalEvent.allCases {
            #expect(ProposalLifecycle.next(from: status, event) == Self.expected[status]?[event], "\(status) + \(event)")
        }
    }

    @Test("a decision's close moves its proposal by outcome", arguments: [
        (DecisionOutcome.adopted, true, ProposalEvent.adopt), (.rejected, true, .reject), (.tie, true, .reject), (.noQuorum, true, .reject),
        (nil, false, .settle), (.noQuorum, false, .reject),
    ] as [(DecisionOutcome?, Bool, ProposalEvent)])
    func outcome(outcome: DecisionOutcome?, decidesOne: Bool, event: ProposalEvent) {
        #expect(ProposalLifecycle.event(forOutcome: outcome, decidesOneProposal: decidesOne) == event)
    }

    @Test("the debate is open while debated and while decided on")
    func openForDebate() {
        #expect(ProposalStatus.allCases.filter(ProposalLifecycle.isOpenForDebate) == [.debate, .decision])
    }

    @Test("backing: never one's own project, once per organisation, not once withdrawn or rejected")
    func backing() {
        let mine = UUID(), other = UUID()
        func check(_ organisation: UUID, carrier: UUID?, backers: Set<UUID> = [], status: ProposalStatus = .debate) -> Backing.Refusal? {
            do { try Backing.check(organisation: organisation, carriedBy: carrier, backers: backers, status: status); return nil } catch { return error }
        }
        #expect(check(mine, carrier: mine) == .ownProject)
        #expect(check(mine, carrier: other) == nil)
        #expect(check(mine, carrier: nil) == nil)
        #expect(check(mine, carrier: other, backers: [mine]) == .alreadyBacked)
        #expect(check(mine, carrier: other, status: .withdrawn) == .notOpen)
        #expect(check(mine, carrier: other, status: .rejected) == .notOpen)
        #expect(check(mine, carrier: other, status: .adopted) == nil)
    }

    @Test("stance counts")
    func counts() {
        let count = StanceCount([.pour, .contre, .pour, .nuance, .pour])
        #expect(count == StanceCount(pour: 3, contre: 1, nuance: 1))
        #expect(count.total == 5)
        #expect(StanceCount([]).total == 0)
    }

    struct Step: CustomTestStringConvertible, Sendable {
        var from: ModerationState
        var event: ModerationEvent
        var to: ModerationState?
        var testDescription: String { "\(from) + \(event) → \(to.map { "\($0)" } ?? "refused")" }
    }

    static let shown = ModerationState()
    @Test("moderation steps", arguments: [
        // Reports hide at the threshold, not before; further reports keep counting.
        Step(from: shown, event: .report(threshold: 3), to: ModerationState(reports: 1)),
        Step(from: ModerationState(reports: 1), event: .report(threshold: 3), to: ModerationState(reports: 2)),
        Step(from: ModerationState(reports: 2), event: .report(threshold: 3), to: ModerationState(hidden: .byReports, reports: 3)),
        Step(from: ModerationState(hidden: .byReports, reports: 3), event: .report(threshold: 3), to: ModerationState(hidden: .byReports, reports: 4)),
        Step(from: shown, event: .report(threshold: 1), to: ModerationState(hidden: .byReports, reports: 1)),
        Step(from: shown, event: .report(threshold: 0), to: ModerationState(hidden: .byReports, reports: 1)),
        // A moderator hides or restores; a restore starts the count again.
        Step(from: shown, event: .hide, to: ModerationState(hidden: .byModerator)),
        Step(from: ModerationState(hidden: .byReports, reports: 3), event: .hide, to: ModerationState(hidden: .byModerator)),
        Step(from: ModerationState(hidden: .byModerator), event: .hide, to: nil),
        Step(from: ModerationState(hidden: .byReports, reports: 3), event: .restore, to: ModerationState()),
        Step(from: shown, event: .restore, to: nil),
        Step(from: ModerationState(reports: 2), event: .restore, to: ModerationState()),
        // One appeal per hiding, answered by restoring or confirming.
        Step(from: ModerationState(hidden: .byReports, reports: 3), event: .appeal, to: ModerationState(hidden: .byReports, reports: 3, appeal: .pending)),
        Step(from: shown, event: .appeal, to: nil),
        Step(from: ModerationState(hidden: .byModerator, appeal: .pending), event: .appeal, to: nil),
        Step(from: ModerationState(hidden: .byModerator, appeal: .answered), event: .appeal, to: nil),
        Step(from: ModerationState(hidden: .byReports, reports: 3, appeal: .pending), event: .confirm, to: ModerationState(hidden: .byModerator, appeal: .answered)),
        Step(from: ModerationState(hidden: .byReports, reports: 3, appeal: .pending), event: .restore, to: ModerationState(appeal: .answered)),
        Step(from: ModerationState(hidden: .byReports, reports: 3), event: .confirm, to: nil),
    ])
    func moderation(step: Step) {
        #expect((try? Moderation.next(step.from, step.event)) == step.to)
    }

    @Test("a restored contribution is hidden again only by a full new round of reports")
    func afterRestore() throws {
        var state = ModerationState()
        for _ in 0..<3 { state = try Moderation.next(state, .report(threshold: 3)) }
        #expect(state.isHidden)
        state = try Moderation.next(state, .restore)
        state = try Moderation.next(state, .report(threshold: 3))
        state = try Moderation.next(state, .report(threshold: 3))
        #expect(!state.isHidden)
        state = try Moderation.next(state, .report(threshold: 3))
        #expect(state.hidden == .byReports)
    }

    @Test("what waits in the moderators' queue")
    func queue() {
        #expect(!Moderation.needsReview(ModerationState()))
        #expect(Moderation.needsReview(ModerationState(reports: 1)))
        #expect(Moderation.needsReview(ModerationState(hidden: .byReports, reports: 3)))
        #expect(!Moderation.needsReview(ModerationState(hidden: .byModerator)))
        #expect(Moderation.needsReview(ModerationState(hidden: .byModerator, appeal: .pending)))
        #expect(!Moderation.needsReview(ModerationState(hidden: .byModerator, appeal: .answered)))
    }
}
