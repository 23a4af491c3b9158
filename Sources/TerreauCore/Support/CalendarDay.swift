import Foundation

/// Days as forms send them (`2026-12-31`, what `<input type="date">` posts) and as the platform
/// counts them: in Paris time, whatever the server's zone.
public enum CalendarDay {
    public static let paris: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        return calendar
    }()

    /// The start of the day written `yyyy-MM-dd`, or nil for anything else (including 2026-02-30).
    public static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            let date = paris.date(from: DateComponents(year: year, month: month, day: day)),
            paris.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day)
        else { return nil }
        return date
    }

    /// `yyyy-MM-dd`, the value a date field shows again.
    public static func format(_ date: Date) -> String {
        let c = paris.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
