import Foundation

/// The public register of proposals addressed to elected officials or public bodies: a dated
/// timeline of statuses, each step taken in order. Déposée (by its authors) → transmise (by a
/// coordinator) → à l'étude → acceptée or refusée (a refusal says why) → réalisée (what was
/// accepted). The addressee — the official's own verified account, or for a body a
/// coordinator recording its answer — moves it from « transmise » on.
public enum RegisterStatus: String, CaseIterable, Codable, Sendable {
    case deposee, transmise, etude, acceptee, refusee, realisee
}

public enum RegisterStep: String, CaseIterable, Sendable {
    case transmit, study, accept, refuse, realise
}

/// Who is taking a step on a register entry.
public struct RegisterActor: Sendable {
    public var isCoordinator: Bool
    /// The elected official the proposal is addressed to, on their own account.
    public var isAddressedOfficial: Bool
    /// The proposal is addressed to a body (whose answers coordinators record).
    public var addressedToBody: Bool

    public init(isCoordinator: Bool, isAddressedOfficial: Bool, addressedToBody: Bool) {
        self.isCoordinator = isCoordinator
        self.isAddressedOfficial = isAddressedOfficial
        self.addressedToBody = addressedToBody
    }

    /// Coordinators transmit; the official answers for themself — nobody answers in their
    /// name — and coordinators record a body's answers.
    public func mayTake(_ step: RegisterStep) -> Bool {
        step == .transmit ? isCoordinator : isAddressedOfficial || (addressedToBody && isCoordinator)
    }
}

/// To whom a proposal is addressed: a verified elected official, or a public body.
public enum RegisterBody: String, CaseIterable, Codable, Sendable {
    /// The council of one of the territory's communes.
    case communeCouncil = "conseil-municipal"
    /// The council of the intercommunal body (EPCI).
    case epciCouncil = "conseil-communautaire"
    case departement = "conseil-departemental"
    case region = "conseil-regional"
}

public enum Register {
    public enum Refusal: String, Error, Sendable {
        /// The step does not follow from the current status (no skipping).
        case outOfOrder
        /// A refusal must say why.
        case reasonRequired
        /// This person may not take this step.
        case notAllowed
    }

    public static func next(from status: RegisterStatus, _ step: RegisterStep, by actor: RegisterActor, reason: String) throws(Refusal) -> RegisterStatus {
        let next: RegisterStatus
        switch (status, step) {
        case (.deposee, .transmit): next = .transmise
        case (.transmise, .study): next = .etude
        case (.transmise, .accept), (.etude, .accept): next = .acceptee
        case (.transmise, .refuse), (.etude, .refuse): next = .refusee
        case (.acceptee, .realise): next = .realisee
        default: throw .outOfOrder
        }
        guard actor.mayTake(step) else { throw .notAllowed }
        if step == .refuse, reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .reasonRequired }
        return next
    }

    /// Whether the answer is late: no acceptance or refusal within `delayDays` of the deposit.
    public static func isOverdue(_ status: RegisterStatus, depositedAt: Date, delayDays: Int, now: Date) -> Bool {
        guard [.deposee, .transmise, .etude].contains(status) else { return false }
        return now > dueDate(status, depositedAt: depositedAt, delayDays: delayDays)
    }

    /// When an answer is due: one delay after deposit; « à l'étude » is a first answer that
    /// buys the official one more delay for the final one — not, the day it is given, a
    /// proposal shown as late (issue 22).
    public static func dueDate(_ status: RegisterStatus, depositedAt: Date, delayDays: Int) -> Date {
        depositedAt.addingTimeInterval(Double(status == .etude ? 2 * delayDays : delayDays) * 86_400)
    }
}
