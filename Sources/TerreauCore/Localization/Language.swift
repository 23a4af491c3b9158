import Foundation

/// The interface languages: French first, English second.
public enum Language: String, Sendable, CaseIterable, Codable {
    case fr, en

    public static let `default`: Language = .fr

    /// CLDR plural categories we use. French puts 0 and 1 in "one"; English only 1.
    public func pluralCategory(_ count: Int) -> PluralCategory {
        switch self {
        case .fr: return abs(count) < 2 ? .one : .other
        case .en: return count == 1 ? .one : .other
        }
    }

    /// Thousands grouped as each language writes them: a narrow no-break space in French
    /// (« 158 180 »), a comma in English ("158,180").
    public func format(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += self == .fr ? "\u{202F}" : "," }
            grouped.append(digit)
        }
        return number < 0 ? "-" + grouped : grouped
    }

    /// A share (0…1) as a whole percentage: « 90 % » (narrow no-break space) in French, "90%" in English.
    public func formatPercent(_ share: Double) -> String {
        let value = format(Int((share * 100).rounded()))
        return self == .fr ? value + "\u{202F}%" : value + "%"
    }

    /// A date and time as each language writes it, in Paris time: « 30/11/2026 à 09:05 »,
    /// "2026-11-30 09:05".
    public func formatDate(_ date: Date) -> String {
        let c = CalendarDay.paris.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        switch self {
        case .fr: return "\(two(c.day))/\(two(c.month))/\(c.year ?? 0) à \(two(c.hour)):\(two(c.minute))"
        case .en: return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute))"
        }
    }

    /// A rate per thousand with one decimal, as each language writes it (« 12,5 », "12.5"); a dash
    /// when there is none.
    public func formatPerThousand(_ value: Double?) -> String {
        guard let value else { return "—" }
        let text = String(format: "%.1f", value)
        return self == .fr ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// A time of day in Paris time, the same in both languages: « 09:05 ».
    public static func formatHour(_ date: Date) -> String {
        let c = CalendarDay.paris.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// A day as each language writes it: « 31/12/2026 », "2026-12-31".
    public func formatDay(_ date: Date) -> String {
        let c = CalendarDay.paris.dateComponents([.year, .month, .day], from: date)
        switch self {
        case .fr: return String(format: "%02d/%02d/%04d", c.day ?? 0, c.month ?? 0, c.year ?? 0)
        case .en: return CalendarDay.format(date)
        }
    }

    /// An explicit choice (the `lang` cookie) wins; otherwise the browser's Accept-Language,
    /// in its order of preference; otherwise French.
    public static func negotiate(choice: String?, acceptLanguage: String?) -> Language {
        if let choice, let language = Language(rawValue: choice.lowercased()) { return language }
        let ranked = (acceptLanguage ?? "").split(separator: ",").enumerated().compactMap { position, part -> (Language, Double, Int)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), let language = Language(rawValue: String(tag.prefix(2))) else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0 ? (language, quality, position) : nil
        }
        return ranked.max { ($0.1, -$0.2) < ($1.1, -$1.2) }?.0 ?? .default
    }
}

public enum PluralCategory: String, Sendable, Codable {
    case one, other
}
