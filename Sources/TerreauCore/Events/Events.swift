import Foundation

/// What kind of gathering an event is. Trainings say what they train in; an interviewing
/// training attended counts towards becoming an interviewer.
public enum EventKind: String, CaseIterable, Codable, Sendable {
    case publicMeeting = "public-meeting"
    case training
    case learningExchange = "learning-exchange"
    case diagnosticLaunch = "diagnostic-launch"
    case festive
}

public enum TrainingTopic: String, CaseIterable, Codable, Sendable {
    case collectiveIntelligence = "collective-intelligence"
    case facilitation
    case conflictManagement = "conflict-management"
    case interviewing
}

/// Where a person stands for an event.
public enum SeatStatus: String, CaseIterable, Codable, Sendable {
    case confirmed, waiting, cancelled
}

/// Registration with a capacity and a waiting list, first come first served. A cancelled
/// seat goes to the first person waiting.
public enum EventSeats {
    /// The status a new registration gets.
    public static func register(capacity: Int?, confirmed: Int) -> SeatStatus {
        guard let capacity else { return .confirmed }
        return confirmed < capacity ? .confirmed : .waiting
    }

    /// After a cancellation (or a larger capacity): who moves from the waiting list, in order.
    /// `waiting` is in order of registration.
    public static func promoted<ID>(capacity: Int?, confirmed: Int, waiting: [ID]) -> [ID] {
        guard let capacity else { return waiting }
        return Array(waiting.prefix(max(0, capacity - confirmed)))
    }
}

/// A period of the year gathering events (the « Fête de la démocratie »): its programme is the
/// events that start within it.
public struct ProgrammePeriod: Sendable {
    public var first: Date
    /// The last day, included.
    public var last: Date

    public init(first: Date, last: Date) {
        self.first = first
        self.last = last
    }

    public func contains(_ date: Date, calendar: Calendar = CalendarDay.paris) -> Bool {
        let day = calendar.startOfDay(for: date)
        return day >= calendar.startOfDay(for: first) && day <= calendar.startOfDay(for: last)
    }
}
