import Foundation

/// The position an argument takes on the proposal debated.
public enum Stance: String, CaseIterable, Codable, Sendable {
    case pour, contre, nuance
}

/// How many arguments each stance gathers, counting only those shown (hidden contributions
/// are not counted, so reporting cannot be used to tilt the figures silently: each hiding is
/// logged and can be appealed).
public struct StanceCount: Equatable, Sendable {
    public var pour = 0, contre = 0, nuance = 0
    public var total: Int { pour + contre + nuance }

    public init(pour: Int = 0, contre: Int = 0, nuance: Int = 0) {
        self.pour = pour
        self.contre = contre
        self.nuance = nuance
    }

    public init(_ stances: [Stance]) {
        for stance in stances { self[stance] += 1 }
    }

    public subscript(_ stance: Stance) -> Int {
        get {
            switch stance {
            case .pour: return pour
            case .contre: return contre
            case .nuance: return nuance
            }
        }
        set {
            switch stance {
            case .pour: pour = newValue
            case .contre: contre = newValue
            case .nuance: nuance = newValue
            }
        }
    }
}

/// A contribution's moderation: reports hide it once they reach the community's threshold;
/// moderators hide or restore it with a reason; its author may appeal a hiding once, and a
/// moderator answers the appeal by restoring or confirming. Reports made before a moderator
/// restored a contribution do not count again: the threshold counts from the last review.
public struct ModerationState: Equatable, Sendable {
    public enum Hidden: String, Codable, Sendable {
        case byReports = "reports"
        case byModerator = "moderator"
    }

    public enum Appeal: String, Codable, Sendable {
        case none, pending, answered
    }

    public var hidden: Hidden?
    /// Reports since the last moderator's review.
    public var reports: Int
    public var appeal: Appeal

    public init(hidden: Hidden? = nil, reports: Int = 0, appeal: Appeal = .none) {
        self.hidden = hidden
        self.reports = reports
        self.appeal = appeal
    }

    public var isHidden: Bool { hidden != nil }
}

public enum ModerationEvent: Equatable, Sendable {
    /// One more person reports it; `threshold` is the community's rule.
    case report(threshold: Int)
    /// A moderator hides it, or restores it — or keeps it shown, dismissing its reports
    /// (reasons are required by the caller).
    case hide, restore
    /// Its author asks for a review of the hiding.
    case appeal
    /// A moderator keeps it hidden after an appeal.
    case confirm
}

public enum Moderation {
    public enum Refusal: String, Error, Sendable {
        /// Hiding what is hidden, restoring what is shown…
        case noChange
        /// Appealing twice, or appealing what is shown.
        case noAppeal
    }

    public static func next(_ state: ModerationState, _ event: ModerationEvent) throws(Refusal) -> ModerationState {
        var next = state
        switch event {
        case .report(let threshold):
            next.reports += 1
            if state.hidden == nil, next.reports >= max(1, threshold) { next.hidden = .byReports }
        case .hide:
            guard state.hidden != .byModerator else { throw .noChange }
            next.hidden = .byModerator
            next.reports = 0
            if state.appeal == .pending { next.appeal = .answered }
        case .restore:
            // Restoring also dismisses the reports on a contribution still shown.
            guard state.hidden != nil || state.reports > 0 else { throw .noChange }
            next.hidden = nil
            next.reports = 0
            if state.appeal == .pending { next.appeal = .answered }
        case .appeal:
            guard state.hidden != nil, state.appeal == .none else { throw .noAppeal }
            next.appeal = .pending
        case .confirm:
            guard state.hidden != nil, state.appeal == .pending else { throw .noChange }
            next.hidden = .byModerator
            next.reports = 0
            next.appeal = .answered
        }
        return next
    }

    /// Whether a contribution waits in the moderators' queue: hidden by reports and not yet
    /// reviewed, reported while shown, or appealed.
    public static func needsReview(_ state: ModerationState) -> Bool {
        state.appeal == .pending || state.hidden == .byReports || (state.hidden == nil && state.reports > 0)
    }
}
