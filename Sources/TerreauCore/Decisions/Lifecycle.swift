import Foundation

/// Where a decision stands. Draft → deliberation (linked to a proposal or a debate) → voting
/// (a window on the server's clock) → closed, with an outcome statement that never changes
/// afterwards and a date to review it.
public enum DecisionPhase: String, CaseIterable, Codable, Sendable {
    case draft, deliberation, voting, closed
}

public enum DecisionStep: String, CaseIterable, Sendable {
    /// The author opens the debate.
    case deliberate
    /// The voting window opens: the electorate is fixed at that moment.
    case openVoting
    /// The window has ended: ballots are counted once and the result stored.
    case close
}

public enum DecisionLifecycle {
    /// Why a step is refused, in French.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        case wrongPhase(DecisionPhase, DecisionStep)
        case deliberationTooShort(until: Date)
        case windowNotOver(until: Date)
        case badWindow

        public var description: String {
            switch self {
            case .wrongPhase(let phase, let step): return "impossible de « \(step.rawValue) » depuis l'étape « \(phase.rawValue) »."
            case .deliberationTooShort: return "la délibération n'a pas duré le temps que fixent les règles."
            case .windowNotOver: return "le vote n'est pas encore terminé."
            case .badWindow: return "la fin du vote doit suivre son ouverture."
            }
        }
    }

    /// The phase after `step`, checked against the clock: a vote opens only after the
    /// deliberation the rules require, closes only once its window has ended.
    public static func next(_ phase: DecisionPhase, _ step: DecisionStep, now: Date, deliberationStarted: Date?, deliberationDays: Int,
                            votingEnds: Date?) throws(Refusal) -> DecisionPhase {
        switch (phase, step) {
        case (.draft, .deliberate): return .deliberation
        case (.deliberation, .openVoting):
            let earliest = (deliberationStarted ?? now).addingTimeInterval(Double(deliberationDays) * 86_400)
            guard now >= earliest else { throw .deliberationTooShort(until: earliest) }
            guard let votingEnds, votingEnds > now else { throw .badWindow }
            return .voting
        case (.voting, .close):
            guard let votingEnds, now >= votingEnds else { throw .windowNotOver(until: votingEnds ?? now) }
            return .closed
        default: throw .wrongPhase(phase, step)
        }
    }

    /// Whether a ballot cast (or changed) now counts: only inside the window.
    public static func acceptsBallots(_ phase: DecisionPhase, now: Date, votingEnds: Date?) -> Bool {
        guard phase == .voting, let votingEnds else { return false }
        return now < votingEnds
    }
}
