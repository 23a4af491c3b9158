import Foundation

/// The sociocratic consent process as a decision's lifecycle. The proposer presents the
/// proposal (draft); the circle asks clarifying questions, which the proposer answers, then
/// each member reacts once, without debate (deliberation, first round); the consent round
/// follows (voting), where each member consents, consents with a concern (« préoccupation »)
/// or objects with a reason the whole circle reads. Objections left after a round send the
/// proposal to integration: the proposer amends it (a new version, diff shown) and a new round
/// opens. It stops at the consent of all, or after the rounds the rules allow, with the rules'
/// fallback (a majority vote) or no adoption.
public enum ConsentStage: String, CaseIterable, Codable, Sendable {
    case presentation, clarifying, reactions, consentRound, integration, decided
}

/// What a member of the circle writes during the deliberation.
public enum ConsentContribution: String, CaseIterable, Codable, Sendable {
    /// A question to understand the proposal (not an opinion).
    case question
    /// The proposer's answer to a question.
    case answer
    /// A member's reaction, once per member, said in turn without debate.
    case reaction
}

public enum ConsentProcess {
    /// The stage a consent decision is in. `reactionsOpen` is the stored switch from questions
    /// to reactions during the first round's deliberation.
    public static func stage(phase: DecisionPhase, round: Int, reactionsOpen: Bool) -> ConsentStage {
        switch phase {
        case .draft: .presentation
        case .deliberation: round > 1 ? .integration : reactionsOpen ? .reactions : .clarifying
        case .voting: .consentRound
        case .closed: .decided
        }
    }

    /// Whether `contribution` may be written now: questions while clarifying; the proposer's
    /// answers until the consent round opens (a question asked late still gets its answer);
    /// reactions during the reactions stage.
    public static func accepts(_ contribution: ConsentContribution, in stage: ConsentStage) -> Bool {
        switch contribution {
        case .question: stage == .clarifying
        case .answer: stage == .clarifying || stage == .reactions
        case .reaction: stage == .reactions
        }
    }

    /// Questions come before reactions, reactions before the first consent round; between
    /// later rounds, the integration (the amended text) leads straight to the next round.
    public static func mayOpenConsentRound(from stage: ConsentStage) -> Bool {
        stage == .reactions || stage == .integration
    }

    /// What follows a consent round's count.
    public enum Next: Equatable, Sendable {
        case adopted
        /// Objections remain and another round is allowed: back to integration.
        case nextRound
        /// Objections remain after the last round: the rules' fallback vote on the final text.
        case fallback(VotingMethod)
        case notAdopted
    }

    /// After the count of `round` (the proposal adopted or not, objections left), under rules
    /// allowing `maximumRounds` and naming `fallback` (nil: not adopted).
    public static func next(adopted: Bool, remainingObjections: Int, round: Int, maximumRounds: Int, fallback: VotingMethod?) -> Next {
        if adopted { return .adopted }
        if remainingObjections > 0, round < maximumRounds { return .nextRound }
        if remainingObjections > 0, let fallback { return .fallback(fallback) }
        return .notAdopted
    }

    /// The methods a community may name as the fallback: those that decide the final text by
    /// for / against.
    public static let fallbackMethods: [VotingMethod] = [.majority, .qualifiedMajority]
}
