import Foundation

/// A collective gathers organisations around a theme, for good or for one occasion; it is itself
/// an organisation of kind `collective`, so it has a page, members and neighbours like any other.
public enum CollectiveDuration: String, CaseIterable, Codable, Sendable {
    case permanent
    case oneOff = "one_off"
}

/// Where an organisation stands towards a collective. Every change is recorded with its date
/// and who made it; the row is never deleted, so joining (and leaving) stays on record.
public enum CollectiveStatus: String, CaseIterable, Codable, Sendable {
    /// `asked`: the organisation asked to join; the collective's admins have not answered yet.
    case invited, asked, joined, declined, left
}

/// What an organisation's admin, or the collective's, can do about one membership.
public enum CollectiveEvent: String, CaseIterable, Sendable {
    /// The collective's admins invite (again) an organisation.
    case invite
    /// The invited organisation's admins answer.
    case join, decline
    /// A member organisation's admins withdraw it.
    case leave
    /// An organisation's admins ask to join (issue 22: a collective could not be asked).
    case ask
    /// The collective's admins answer a request.
    case accept, refuse
}

public enum CollectiveMembership {
    /// The status after an event, or nil when the event makes no sense from there (inviting an
    /// organisation already in, joining without an invitation, leaving before joining).
    /// When both sides want it — inviting an organisation that asked, asking while invited — it
    /// is joined at once: nobody is made to answer what they just asked for.
    public static func next(from current: CollectiveStatus?, _ event: CollectiveEvent) -> CollectiveStatus? {
        switch (current, event) {
        case (nil, .invite), (.declined?, .invite), (.left?, .invite): return .invited
        case (nil, .ask), (.declined?, .ask), (.left?, .ask): return .asked
        case (.invited?, .join), (.invited?, .ask), (.asked?, .invite), (.asked?, .accept): return .joined
        case (.invited?, .decline), (.asked?, .refuse): return .declined
        case (.joined?, .leave): return .left
        default: return nil
        }
    }

    /// Who acts: the collective's admins invite and answer requests; the organisation's admins
    /// ask, join, decline and leave.
    public static func isCollectiveSide(_ event: CollectiveEvent) -> Bool {
        [.invite, .accept, .refuse].contains(event)
    }

    /// Whether a one-off collective is over on `day` (it runs through its last day).
    public static func isOver(duration: CollectiveDuration, endsOn: Date?, at now: Date, calendar: Calendar = CalendarDay.paris) -> Bool {
        guard duration == .oneOff, let endsOn else { return false }
        return calendar.startOfDay(for: now) > calendar.startOfDay(for: endsOn)
    }
}
