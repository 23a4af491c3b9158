import Foundation

/// Where a proposal or initiative stands. It is debated first; it may then be put to a
/// community decision, whose close adopts or rejects it (or, for a choice between several
/// options, settles it); an adopted proposal is later marked as carried out. Its authors may
/// withdraw it while it is debated, and put it back into debate.
public enum ProposalStatus: String, CaseIterable, Codable, Sendable {
    case debate
    case decision
    case adopted, rejected, decided
    case realised
    case withdrawn
}

public enum ProposalEvent: String, CaseIterable, Sendable {
    /// A decision is drafted from it: the debate becomes that decision's deliberation.
    case submitToDecision
    /// The decision closed (with its outcome).
    case adopt, reject, settle
    /// What was adopted has been done.
    case realise
    /// Its authors take it back, or put it back into debate.
    case withdraw, reopen
}

public enum ProposalLifecycle {
    /// The status after an event, or nil when the event makes no sense from there (no skipping
    /// the decision, no realising what was not adopted).
    public static func next(from status: ProposalStatus, _ event: ProposalEvent) -> ProposalStatus? {
        switch (status, event) {
        case (.debate, .submitToDecision): return .decision
        case (.decision, .adopt): return .adopted
        case (.decision, .reject): return .rejected
        case (.decision, .settle): return .decided
        case (.adopted, .realise), (.decided, .realise): return .realised
        case (.debate, .withdraw): return .withdrawn
        case (.withdrawn, .reopen): return .debate
        default: return nil
        }
    }

    /// Whether the debate still takes new arguments: while debated and while it is decided on.
    public static func isOpenForDebate(_ status: ProposalStatus) -> Bool {
        status == .debate || status == .decision
    }

    /// The event a decision's close sends to the proposal it deliberated: without quorum
    /// nothing was decided, which for the proposal is not being adopted.
    public static func event(forOutcome outcome: DecisionOutcome?, decidesOneProposal: Bool) -> ProposalEvent {
        if outcome == .noQuorum { return .reject }
        guard decidesOneProposal else { return .settle }
        return outcome == .adopted ? .adopt : .reject
    }
}

/// An organisation backs a project carried by others (open innovation): not one it carries
/// itself, and once only.
public enum Backing {
    public enum Refusal: String, Error, Sendable {
        case ownProject, alreadyBacked, notOpen
    }

    public static func check(organisation: UUID, carriedBy carrier: UUID?, backers: Set<UUID>, status: ProposalStatus) throws(Refusal) {
        guard organisation != carrier else { throw .ownProject }
        guard !backers.contains(organisation) else { throw .alreadyBacked }
        guard ![.withdrawn, .rejected].contains(status) else { throw .notOpen }
    }
}
