import Crypto
import Foundation

/// A global campaign (the refresh that follows a census, with dates and targets) or the
/// continuous welcome of newcomers (open-ended).
public enum CampaignKind: String, CaseIterable, Codable, Sendable {
    case global
    case welcome
}

/// Dates of campaigns and assignments are days in Paris time, both ends included.
public struct DayRange: Equatable, Sendable {
    public var first: Date
    /// nil: open-ended.
    public var last: Date?

    public init(first: Date, last: Date?) {
        self.first = first
        self.last = last
    }

    public func contains(_ moment: Date, calendar: Calendar = CalendarDay.paris) -> Bool {
        let day = calendar.startOfDay(for: moment)
        if day < calendar.startOfDay(for: first) { return false }
        if let last, day > calendar.startOfDay(for: last) { return false }
        return true
    }

    public func isOver(at moment: Date, calendar: Calendar = CalendarDay.paris) -> Bool {
        guard let last else { return false }
        return calendar.startOfDay(for: moment) > calendar.startOfDay(for: last)
    }
}

public enum CampaignProblem: Equatable, Sendable {
    case missingName
    case badFirstDay
    case badLastDay
    case lastBeforeFirst
    case badCensusYear
    case badTarget(place: String)
}

/// A campaign's form checked: dates, census year and targets (a whole number per commune or
/// neighbourhood, 0 or empty for none).
public enum CampaignRules {
    public static func check(kind: CampaignKind, name: String, first: String, last: String, censusYear: String, targets: [String: String],
                             currentYear: Int) -> (range: DayRange?, year: Int?, targets: [String: Int], problems: [CampaignProblem]) {
        var problems: [CampaignProblem] = []
        if name.isEmpty || name.count > 160 { problems.append(.missingName) }
        let firstDay = CalendarDay.parse(first)
        if firstDay == nil { problems.append(.badFirstDay) }
        var lastDay: Date?
        if !last.isEmpty || kind == .global {
            lastDay = CalendarDay.parse(last)
            if lastDay == nil { problems.append(.badLastDay) }
        }
        if let firstDay, let lastDay, lastDay < firstDay { problems.append(.lastBeforeFirst) }
        let year = Int(censusYear)
        if year == nil || !(1990...currentYear).contains(year!) { problems.append(.badCensusYear) }
        var counts: [String: Int] = [:]
        for (place, text) in targets.sorted(by: { $0.key < $1.key }) where !text.isEmpty {
            guard let value = Int(text), (0...1_000_000).contains(value) else { problems.append(.badTarget(place: place)); continue }
            if value > 0 { counts[place] = value }
        }
        let range = firstDay.map { DayRange(first: $0, last: lastDay) }
        return (problems.isEmpty ? range : nil, year, counts, problems)
    }
}

// MARK: Coverage

/// Portraits collected against the census: per commune and per neighbourhood, per 1,000
/// inhabitants, against the campaign's targets, with the interviewers active there.
public struct Coverage: Equatable, Sendable {
    public struct Place: Equatable, Sendable {
        public var id: String
        public var name: String
        public var population: Int?
        public var portraits: Int
        public var target: Int?
        public var interviewers: Int

        /// Portraits per 1,000 inhabitants (nil without a population).
        public var perThousand: Double? {
            guard let population, population > 0 else { return nil }
            return Double(portraits) * 1000 / Double(population)
        }

        /// Share of the target reached, capped at 1 (nil without a target).
        public var progress: Double? {
            guard let target, target > 0 else { return nil }
            return min(1, Double(portraits) / Double(target))
        }
    }

    public struct Portrait: Sendable {
        public var commune: String?
        public var neighbourhood: String?
        public init(commune: String?, neighbourhood: String?) {
            self.commune = commune
            self.neighbourhood = neighbourhood
        }
    }

    public struct Interview: Sendable {
        public var commune: String?
        public var neighbourhood: String?
        public var interviewer: UUID
        public init(commune: String?, neighbourhood: String?, interviewer: UUID) {
            self.commune = commune
            self.neighbourhood = neighbourhood
            self.interviewer = interviewer
        }
    }

    public struct Neighbourhood: Sendable {
        public var slug: String
        public var name: String
        public var communes: [String]
        /// The census population of its communes when it is a group of communes; nil when it
        /// is drawn inside a commune (the census gives no figure for it).
        public var population: Int?
        /// Drawn as a polygon: its perimeter is its outline, so it counts what is tagged with it.
        public var drawn: Bool
        public init(slug: String, name: String, communes: [String], population: Int?, drawn: Bool = false) {
            self.slug = slug
            self.name = name
            self.communes = communes
            self.population = population
            self.drawn = drawn
        }

        /// Whether a record at `commune`, tagged `neighbourhood`, lies in this perimeter: a group
        /// of communes holds its communes' records (and those tagged with it that name no
        /// commune), so its figure is the sum of its communes' — the same perimeter gives the
        /// same figure on every page; a drawn one holds what is tagged with it.
        public func holds(commune: String?, neighbourhood: String?) -> Bool {
            if drawn || commune == nil { return neighbourhood == slug }
            return communes.contains(commune!)
        }
    }

    public var communes: [Place]
    public var neighbourhoods: [Place]
    public var total: Place

    /// - Parameters:
    ///   - communes: code, name and census population of each commune of the territory.
    ///   - targets: by commune code or neighbourhood slug.
    public init(communes: [(code: String, name: String, population: Int?)], neighbourhoods: [Neighbourhood],
                portraits: [Portrait], interviews: [Interview], targets: [String: Int], totalName: String) {
        func interviewers(_ keep: (Interview) -> Bool) -> Int { Set(interviews.filter(keep).map(\.interviewer)).count }
        self.communes = communes.map { commune in
            Place(id: commune.code, name: commune.name, population: commune.population,
                  portraits: portraits.filter { $0.commune == commune.code }.count, target: targets[commune.code],
                  interviewers: interviewers { $0.commune == commune.code })
        }
        self.neighbourhoods = neighbourhoods.map { area in
            Place(id: area.slug, name: area.name, population: area.population,
                  portraits: portraits.filter { area.holds(commune: $0.commune, neighbourhood: $0.neighbourhood) }.count, target: targets[area.slug],
                  interviewers: interviewers { area.holds(commune: $0.commune, neighbourhood: $0.neighbourhood) })
        }
        let populations = communes.compactMap(\.population)
        let targeted = self.communes.compactMap(\.target) + self.neighbourhoods.compactMap(\.target)
        total = Place(id: "", name: totalName, population: populations.isEmpty ? nil : populations.reduce(0, +),
                      portraits: portraits.count, target: targeted.isEmpty ? nil : targeted.reduce(0, +),
                      interviewers: Set(interviews.map(\.interviewer)).count)
    }

    /// The map's colour class (0: none yet … 4: the highest), from portraits per 1,000
    /// inhabitants; the legend names the same bounds.
    public static let toneBounds: [Double] = [0, 2, 5, 10]

    public static func tone(_ perThousand: Double?) -> Int {
        guard let perThousand, perThousand > 0 else { return 0 }
        return toneBounds.lastIndex { perThousand > $0 }.map { $0 + 1 } ?? 0
    }
}

// MARK: Paper

public enum PaperForm {
    /// `2-0007`: the questionnaire version, then the sheet.
    public static func number(version: Int, sheet: Int) -> String { "\(version)-" + String(format: "%04d", sheet) }
}

// MARK: Claim codes

/// What a resident leaves an interview with: a code that lets them see, correct, take over
/// or delete their portrait. 16 characters of Crockford's base 32 (80 bits, written in four
/// groups); only its hash is stored.
public enum ClaimCode {
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let length = 16

    public static func generate<R: RandomNumberGenerator>(using generator: inout R) -> String {
        let characters = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
        return format(String(characters))
    }

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// The code of a submission sent from a field app: derived from a secret the server and
    /// that phone share (its app password's hash) and the submission's own id, so a resend
    /// after a cut connection gets the same code back without the server keeping it.
    public static func derived(secret: String, submission: String) -> String {
        let mac = Array(HMAC<SHA256>.authenticationCode(for: Data(("claim:" + submission).utf8), using: SymmetricKey(data: Data(secret.utf8))))
        var bits = 0, buffer = 0, characters = ""
        for byte in mac where characters.count < length {
            buffer = ((buffer << 8) | Int(byte)) & 0xFFFF
            bits += 8
            while bits >= 5, characters.count < length {
                bits -= 5
                characters.append(alphabet[(buffer >> bits) & 31])
            }
        }
        return format(characters)
    }

    /// `ABCD-EFGH-JKMN-PQRS`.
    public static func format(_ compact: String) -> String {
        stride(from: 0, to: compact.count, by: 4).map { start in
            String(compact.dropFirst(start).prefix(4))
        }.joined(separator: "-")
    }

    /// The code as typed (any case, spaces or dashes, O for 0, I and L for 1), or nil when it
    /// cannot be one.
    public static func normalise(_ typed: String) -> String? {
        var compact = ""
        for character in typed.uppercased() {
            switch character {
            case " ", "-", "\u{00A0}": continue
            case "O": compact.append("0")
            case "I", "L": compact.append("1")
            default:
                guard alphabet.contains(character) else { return nil }
                compact.append(character)
            }
        }
        return compact.count == length ? compact : nil
    }
}

// MARK: Interviewers

/// Who may take interviews and see what they entered: an interviewer reaches the non-public
/// portraits they entered only while one of their assignments is running.
public enum FieldworkPolicy {
    /// The interviewer charter's version an interviewer accepts when registered.
    public static let interviewerCharterVersion = "charte-enqueteur-1"

    public static func mayInterview(assignments: [DayRange], at moment: Date) -> Bool {
        assignments.contains { $0.contains(moment) }
    }

    /// Coordinators always (their reads are logged, quality S16); the interviewer who entered
    /// it while the assignment it was taken under runs, never after.
    public static func maySeeInterview(isCoordinator: Bool, enteredByViewer: Bool, assignment: DayRange?, at moment: Date) -> Bool {
        if isCoordinator { return true }
        guard enteredByViewer, let assignment else { return false }
        return assignment.contains(moment)
    }
}
