import Foundation
import Testing
@testable import TerreauCore

@Suite("Events: seats and waiting list, iCalendar, uploads of studies, requests, commitments")
struct EventRulesTests {
    @Test("a registration is confirmed while seats remain, then waits; without capacity, always confirmed", arguments: [
        (Int?.some(3), 0, SeatStatus.confirmed), (3, 2, .confirmed), (3, 3, .waiting), (3, 7, .waiting), (nil, 500, .confirmed), (1, 0, .confirmed),
    ])
    func register(capacity: Int?, confirmed: Int, status: SeatStatus) {
        #expect(EventSeats.register(capacity: capacity, confirmed: confirmed) == status)
    }

    @Test("a freed seat goes to the first people waiting, in order, never beyond capacity")
    func promotion() {
        #expect(EventSeats.promoted(capacity: 3, confirmed: 2, waiting: ["a", "b", "c"]) == ["a"])
        #expect(EventSeats.promoted(capacity: 5, confirmed: 2, waiting: ["a", "b"]) == ["a", "b"])
        #expect(EventSeats.promoted(capacity: 3, confirmed: 3, waiting: ["a"]) == [])
        #expect(EventSeats.promoted(capacity: 3, confirmed: 4, waiting: ["a"]) == [])
        #expect(EventSeats.promoted(capacity: nil, confirmed: 9, waiting: ["a", "b"]) == ["a", "b"])
    }

    @Test("a programme period holds the events starting on its days, Paris time")
    func period() throws {
        let first = try #require(CalendarDay.parse("2027-05-10")), last = try #require(CalendarDay.parse("2027-05-16"))
        let period = ProgrammePeriod(first: first, last: last)
        let iso = ISO8601DateFormatter()
        #expect(period.contains(try #require(iso.date(from: "2027-05-16T21:30:00Z"))))  // 23:30 in Paris, the last day
        #expect(!period.contains(try #require(iso.date(from: "2027-05-16T22:30:00Z"))))  // 00:30 on the 17th
        #expect(!period.contains(try #require(iso.date(from: "2027-05-09T21:00:00Z"))))
    }

    @Test("iCalendar: VTIMEZONE for Europe/Paris, UID, DTSTAMP in UTC, local times with TZID, escaped text, CRLF, folded lines")
    func calendar() throws {
        let iso = ISO8601DateFormatter()
        let start = try #require(iso.date(from: "2027-05-12T16:30:00Z")), end = try #require(iso.date(from: "2027-05-12T18:30:00Z"))
        let stamp = try #require(iso.date(from: "2027-04-01T08:00:00Z"))
        let text = ICalendar.calendar(name: "Grenoble; en commun", events: [ICalendar.Event(uid: "abc@terreau", stamp: stamp, start: start, end: end,
            summary: "Réunion, publique; sur le « diagnostic »", description: "Ligne 1\nLigne 2 \\ fin " + String(repeating: "é", count: 60),
            location: "Maison des habitants", url: "https://terreau.example/c/x/agenda/1")])
        #expect(text.hasSuffix("\r\n"))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.first == "BEGIN:VCALENDAR")
        #expect(lines.contains("TZID:Europe/Paris"))
        #expect(lines.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"))
        #expect(lines.contains("UID:abc@terreau"))
        #expect(lines.contains("DTSTAMP:20270401T080000Z"))
        // 16:30 UTC in May is 18:30 in Paris (summer time).
        #expect(lines.contains("DTSTART;TZID=Europe/Paris:20270512T183000"))
        #expect(lines.contains("DTEND;TZID=Europe/Paris:20270512T203000"))
        #expect(lines.contains("SUMMARY:Réunion\\, publique\\; sur le « diagnostic »"))
        #expect(lines.contains("X-WR-CALNAME:Grenoble\\; en commun"))
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("DESCRIPTION:Ligne 1\\nLigne 2 \\\\ fin " + String(repeating: "é", count: 60)))
    }

    @Test("uploads are judged by content: PDF from byte 0 only, not empty, not too large")
    func uploads() {
        func check(_ bytes: [UInt8]) -> StudyUpload.Refusal? {
            do { try StudyUpload.check(bytes); return nil } catch { return error }
        }
        #expect(check(Array("%PDF-1.7\n...".utf8)) == nil)
        // Only from byte 0 (finding F12): junk before the marker, however short, is refused, and
        // so is a page that starts as HTML and carries the marker further down.
        #expect(check(Array("\u{FEFF}  %PDF-1.4".utf8)) == .notPDF)
        #expect(check(Array("<html><body>%PDF-1.4 à lire</body></html>".utf8)) == .notPDF)
        #expect(check([]) == .empty)
        #expect(check(Array("<html><script>alert(1)</script></html>".utf8)) == .notPDF)
        #expect(check(Array("<svg onload=alert(1)>".utf8)) == .notPDF)
        #expect(check(Array("PK\u{3}\u{4}".utf8)) == .notPDF)
        #expect(check(Array(repeating: 0x20, count: 2000) + Array("%PDF-1.4".utf8)) == .notPDF)
        #expect(check(Array("%PDF-1.4".utf8) + Array(repeating: 0, count: StudyUpload.maximumBytes)) == .tooLarge)
        let name = StudyUpload.storedName()
        #expect(name.count == 36 && name.hasSuffix(".pdf") && name.dropLast(4).allSatisfy(\.isHexDigit))
        #expect(StudyUpload.storedName() != name)
    }

    @Test("a request for a study: found names the study, unavailable says why, once")
    func requests() {
        #expect(StudyRequestStatus.answer(.open, with: .found, note: "", study: true) == .found)
        #expect(StudyRequestStatus.answer(.open, with: .found, note: "là", study: false) == nil)
        #expect(StudyRequestStatus.answer(.open, with: .unavailable, note: " ", study: false) == nil)
        #expect(StudyRequestStatus.answer(.open, with: .unavailable, note: "Jamais publiée", study: false) == .unavailable)
        #expect(StudyRequestStatus.answer(.found, with: .unavailable, note: "x", study: false) == nil)
        #expect(StudyRequestStatus.answer(.open, with: .open, note: "x", study: true) == nil)
    }

    @Test("an official's commitment: made → in progress → kept; dropping one says why; nothing after kept or dropped")
    func commitments() {
        #expect(CommitmentStatus.next(from: .made, to: .inProgress, note: "") == .inProgress)
        #expect(CommitmentStatus.next(from: .made, to: .kept, note: "") == .kept)
        #expect(CommitmentStatus.next(from: .inProgress, to: .kept, note: "") == .kept)
        #expect(CommitmentStatus.next(from: .inProgress, to: .dropped, note: "") == nil)
        #expect(CommitmentStatus.next(from: .inProgress, to: .dropped, note: "Budget refusé") == .dropped)
        #expect(CommitmentStatus.next(from: .kept, to: .dropped, note: "x") == nil)
        #expect(CommitmentStatus.next(from: .dropped, to: .made, note: "x") == nil)
        #expect(CommitmentStatus.next(from: .inProgress, to: .made, note: "x") == nil)
    }
}
