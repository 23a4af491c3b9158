import Foundation

/// iCalendar (RFC 5545) for events, in Paris time: each event carries a UID, a DTSTAMP (UTC),
/// its start and end with `TZID=Europe/Paris`, and the calendar a VTIMEZONE describing Europe/Paris
/// (CET/CEST, the EU rule: last Sunday of March and of October). Lines end with CRLF and are folded
/// at 75 octets without splitting a UTF-8 character; text values are escaped.
public enum ICalendar {
    public struct Event: Sendable {
        public var uid: String
        public var stamp: Date
        public var start: Date
        public var end: Date
        public var summary: String
        public var description: String
        public var location: String
        public var url: String?
        public var cancelled: Bool

        public init(uid: String, stamp: Date, start: Date, end: Date, summary: String, description: String, location: String, url: String?, cancelled: Bool = false) {
            self.uid = uid
            self.stamp = stamp
            self.start = start
            self.end = end
            self.summary = summary
            self.description = description
            self.location = location
            self.url = url
            self.cancelled = cancelled
        }
    }

    public static let timeZone = TimeZone(identifier: "Europe/Paris")!

    public static func calendar(name: String, events: [Event]) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Terreau//Agenda//FR", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + escape(name), "X-WR-TIMEZONE:Europe/Paris"]
        lines += [
            "BEGIN:VTIMEZONE", "TZID:Europe/Paris", "X-LIC-LOCATION:Europe/Paris",
            "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
            "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
            "END:VTIMEZONE",
        ]
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:" + escape(event.uid), "DTSTAMP:" + utc(event.stamp),
                      "DTSTART;TZID=Europe/Paris:" + local(event.start), "DTEND;TZID=Europe/Paris:" + local(event.end),
                      "SUMMARY:" + escape(event.summary)]
            if !event.description.isEmpty { lines.append("DESCRIPTION:" + escape(event.description)) }
            if !event.location.isEmpty { lines.append("LOCATION:" + escape(event.location)) }
            if let url = event.url { lines.append("URL:" + url) }
            lines.append("STATUS:" + (event.cancelled ? "CANCELLED" : "CONFIRMED"))
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// TEXT escaping (RFC 5545 §3.3.11).
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": break
            default: out.append(character)
            }
        }
        return out
    }

    /// Folds a content line at 75 octets, continuation lines starting with a space.
    public static func fold(_ line: String) -> String {
        var result = "", current = 0
        for character in line {
            let size = String(character).utf8.count
            if current + size > 75 {
                result += "\r\n "
                current = 1
            }
            result.append(character)
            current += size
        }
        return result
    }

    static func utc(_ date: Date) -> String {
        format(date, in: TimeZone(identifier: "UTC")!) + "Z"
    }

    static func local(_ date: Date) -> String {
        format(date, in: timeZone)
    }

    static func format(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
