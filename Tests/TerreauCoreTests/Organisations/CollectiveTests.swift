import Foundation
import Testing
@testable import TerreauCore

@Suite("Collectives: who may join, decline, leave")
struct CollectiveTests {
    struct Step: CustomTestStringConvertible, Sendable {
        var from: CollectiveStatus?
        var event: CollectiveEvent
        var to: CollectiveStatus?
        var testDescription: String { "\(from?.rawValue ?? "none") + \(event.rawValue) → \(to?.rawValue ?? "refused")" }
    }

    @Test("every status × event", arguments: [
        Step(from: nil, event: .invite, to: .invited), Step(from: nil, event: .join, to: nil), Step(from: nil, event: .decline, to: nil),
        Step(from: nil, event: .leave, to: nil),
        Step(from: .invited, event: .invite, to: nil), Step(from: .invited, event: .join, to: .joined),
        Step(from: .invited, event: .decline, to: .declined), Step(from: .invited, event: .leave, to: nil),
        Step(from: .joined, event: .invite, to: nil), Step(from: .joined, event: .join, to: nil), Step(from: .joined, event: .decline, to: nil),
        Step(from: .joined, event: .leave, to: .left),
        Step(from: .declined, event: .invite, to: .invited), Step(from: .declined, event: .join, to: nil), Step(from: .declined, event: .leave, to: nil),
        Step(from: .left, event: .invite, to: .invited), Step(from: .left, event: .join, to: nil), Step(from: .left, event: .leave, to: nil),
        // Asking to join, and the collective's answer; both sides willing is joined at once.
        Step(from: nil, event: .ask, to: .asked), Step(from: .declined, event: .ask, to: .asked), Step(from: .left, event: .ask, to: .asked),
        Step(from: .asked, event: .accept, to: .joined), Step(from: .asked, event: .refuse, to: .declined), Step(from: .asked, event: .ask, to: nil),
        Step(from: .asked, event: .invite, to: .joined), Step(from: .invited, event: .ask, to: .joined), Step(from: .asked, event: .join, to: nil),
        Step(from: .asked, event: .leave, to: nil), Step(from: nil, event: .accept, to: nil), Step(from: .invited, event: .accept, to: nil),
        Step(from: .joined, event: .ask, to: nil), Step(from: .joined, event: .refuse, to: nil),
    ])
    func transitions(step: Step) {
        #expect(CollectiveMembership.next(from: step.from, step.event) == step.to)
    }

    @Test("a one-off collective runs through its last day, Paris time; a permanent one never ends")
    func ending() throws {
        let lastDay = try #require(CalendarDay.parse("2026-12-31"))
        let lateEvening = try #require(ISO8601DateFormatter().date(from: "2026-12-31T22:30:00Z"))  // 23:30 in Paris
        let nextMorning = try #require(ISO8601DateFormatter().date(from: "2026-12-31T23:30:00Z"))  // 00:30 on 1 January
        #expect(!CollectiveMembership.isOver(duration: .oneOff, endsOn: lastDay, at: lateEvening))
        #expect(CollectiveMembership.isOver(duration: .oneOff, endsOn: lastDay, at: nextMorning))
        #expect(!CollectiveMembership.isOver(duration: .permanent, endsOn: lastDay, at: nextMorning))
    }

    @Test("days from a form: only real yyyy-MM-dd dates", arguments: [
        ("2026-12-31", "2026-12-31"), ("2028-02-29", "2028-02-29"), ("2026-02-30", nil), ("2026-13-01", nil), ("31/12/2026", nil),
        ("2026-1-5", nil), ("", nil), ("2026-12-31T00:00", nil),
    ] as [(String, String?)])
    func days(text: String, expected: String?) {
        #expect(CalendarDay.parse(text).map(CalendarDay.format) == expected)
    }

    @Test("a day as each language writes it")
    func formatting() throws {
        let day = try #require(CalendarDay.parse("2027-06-30"))
        #expect(Language.fr.formatDay(day) == "30/06/2027")
        #expect(Language.en.formatDay(day) == "2027-06-30")
    }
}
