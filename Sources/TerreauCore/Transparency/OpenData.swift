import Foundation

/// The open data a community publishes: each dataset described once — its fields and their
/// types, its licence — so that the CSV, the JSON, the Frictionless data package and the DCAT-AP
/// catalogue all say the same thing.
public struct OpenDataset: Equatable, Sendable {
    public enum FieldType: String, Sendable {
        case string, integer, number, boolean, date, datetime
    }

    public struct Field: Equatable, Sendable {
        public var name: String
        public var type: FieldType
        public var description: String
        public init(_ name: String, _ type: FieldType = .string, _ description: String) {
            self.name = name
            self.type = type
            self.description = description
        }
    }

    public enum Licence: String, Sendable {
        /// Contributed data (the inventory, proposals, decisions): a database licence that keeps
        /// derived databases open.
        case odbl = "ODbL-1.0"
        /// Reference data (census figures, the official geographic code).
        case licenceOuverte = "etalab-2.0"
        /// The ESCO skills classification (European Commission).
        case ccBy = "CC-BY-4.0"

        public var title: String {
            switch self {
            case .odbl: return "Open Data Commons Open Database License 1.0"
            case .licenceOuverte: return "Licence Ouverte / Open Licence 2.0 (Etalab)"
            case .ccBy: return "Creative Commons Attribution 4.0"
            }
        }

        public var url: String {
            switch self {
            case .odbl: return "https://opendatacommons.org/licenses/odbl/1-0/"
            case .licenceOuverte: return "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
            case .ccBy: return "https://creativecommons.org/licenses/by/4.0/"
            }
        }
    }

    /// The file name without extension (`organisations`, `statistiques-communes`).
    public var name: String
    public var title: String
    public var description: String
    public var licences: [Licence]
    public var fields: [Field]
    /// Whether a GeoJSON file goes with it (features carry the commune's boundary).
    public var hasGeometry: Bool

    public init(name: String, title: String, description: String, licences: [Licence], fields: [Field], hasGeometry: Bool = false) {
        self.name = name
        self.title = title
        self.description = description
        self.licences = licences
        self.fields = fields
        self.hasGeometry = hasGeometry
    }
}

/// RFC 4180 CSV, UTF-8, CRLF line ends; text cells that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) get a leading apostrophe
/// (quality R2). Numbers are written as they are.
public enum CSV {
    public static func line(_ values: [String?], types: [OpenDataset.FieldType]) -> String {
        var out = ""
        out.reserveCapacity(256)
        for index in values.indices {
            if index > 0 { out += "," }
            out += cell(values[index], type: types[index])
        }
        return out + "\r\n"
    }

    /// Read byte by byte: a million rows go through here.
    public static func cell(_ value: String?, type: OpenDataset.FieldType) -> String {
        guard let value, let first = value.utf8.first else { return "" }
        var quoted = false, quotes = false
        for byte in value.utf8 where byte == 0x2C || byte == 0x0A || byte == 0x0D || byte == 0x22 {
            quoted = true
            if byte == 0x22 { quotes = true }
        }
        // =, +, -, @, tab, carriage return
        let formula = type == .string && (first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D)
        let text = formula ? "'" + value : value
        guard quoted else { return text }
        return "\"" + (quotes ? text.replacing("\"", with: "\"\"") : text) + "\""
    }
}

/// Statistics never show a cell under five people: a count of 1 to 4 is published as missing,
/// and so is a rate computed from it.
public enum SmallCells {
    public static let threshold = 5

    public static func publishable(_ count: Int) -> Int? {
        (1..<threshold).contains(count) ? nil : count
    }
}

// MARK: The community's own means

/// What runs the diagnostic, in the public ledger: money (subsidies, sponsorship) in whole
/// euros, time (professional, volunteer) in hours, skills sponsorship in either.
public enum FundingKind: String, CaseIterable, Codable, Sendable {
    case subsidy
    case privateSponsorship = "private-sponsorship"
    case skillsSponsorship = "skills-sponsorship"
    case professionalTime = "professional-time"
    case volunteerTime = "volunteer-time"
    case inKind = "in-kind"
}

public enum FundingProblem: Equatable, Sendable {
    case missingContributor, badKind, badDay, futureDay, noAmountNorHours, badAmount, badHours, tooLong
}

public enum FundingRules {
    /// A ledger line checked: who, what kind, when (not in the future), and an amount in whole
    /// euros and/or a number of hours — at least one of them.
    public static func check(kind: String, contributor: String, day: String, amount: String, hours: String, description: String,
                             today: Date) -> (kind: FundingKind?, day: Date?, amount: Int?, hours: Double?, problems: [FundingProblem]) {
        var problems: [FundingProblem] = []
        let kind = FundingKind(rawValue: kind)
        if kind == nil { problems.append(.badKind) }
        if contributor.isEmpty || contributor.count > 200 { problems.append(.missingContributor) }
        let date = CalendarDay.parse(day)
        if date == nil { problems.append(.badDay) } else if date! > today { problems.append(.futureDay) }
        let euros = amount.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{202F}", with: "").replacingOccurrences(of: "€", with: "")
        var money: Int?
        if !euros.isEmpty {
            if let value = Int(euros), value > 0, value <= 100_000_000 { money = value } else { problems.append(.badAmount) }
        }
        var time: Double?
        if !hours.isEmpty {
            if let value = Double(hours.replacingOccurrences(of: ",", with: ".")), value > 0, value <= 1_000_000 { time = value } else { problems.append(.badHours) }
        }
        if euros.isEmpty && hours.isEmpty { problems.append(.noAmountNorHours) }
        if description.count > 2000 { problems.append(.tooLong) }
        return (kind, date, money, time, problems)
    }
}

// MARK: The published diagnostic

/// What an edition of the published diagnostic holds, frozen when it is published: editions
/// never change, so they can be compared.
public struct DiagnosticSnapshot: Codable, Equatable, Sendable {
    public struct Figure: Codable, Equatable, Sendable {
        public var key: String
        public var value: Int
        public init(key: String, value: Int) {
            self.key = key
            self.value = value
        }
    }

    public struct CommuneCoverage: Codable, Equatable, Sendable {
        public var code: String
        public var name: String
        public var population: Int?
        /// nil under five people.
        public var portraits: Int?
        public init(code: String, name: String, population: Int?, portraits: Int?) {
            self.code = code
            self.name = name
            self.population = population
            self.portraits = portraits
        }

        public var perThousand: Double? {
            guard let portraits, let population, population > 0 else { return nil }
            return Double(portraits) * 1000 / Double(population)
        }
    }

    public struct Proposal: Codable, Equatable, Sendable {
        public var title: String
        public var status: String
        public var answer: String?
        public init(title: String, status: String, answer: String?) {
            self.title = title
            self.status = status
            self.answer = answer
        }
    }

    public var figures: [Figure]
    public var coverage: [CommuneCoverage]
    /// Theme key → public records of the inventory in that field.
    public var themes: [Figure]
    public var uncoveredNeeds: [String]
    public var proposals: [Proposal]
    /// Those who chose to appear (a public profile), and how many others contributed.
    public var coauthors: [String]
    public var otherContributors: Int

    public init(figures: [Figure], coverage: [CommuneCoverage], themes: [Figure], uncoveredNeeds: [String], proposals: [Proposal],
                coauthors: [String], otherContributors: Int) {
        self.figures = figures
        self.coverage = coverage
        self.themes = themes
        self.uncoveredNeeds = uncoveredNeeds
        self.proposals = proposals
        self.coauthors = coauthors
        self.otherContributors = otherContributors
    }

    /// Key figures of two editions side by side: (key, before, after), in the later edition's order.
    public static func compare(_ old: DiagnosticSnapshot, _ new: DiagnosticSnapshot) -> [(key: String, before: Int?, after: Int?)] {
        let before = Dictionary(old.figures.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let keys = new.figures.map(\.key) + old.figures.map(\.key).filter { key in !new.figures.contains { $0.key == key } }
        let after = Dictionary(new.figures.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        return keys.map { ($0, before[$0], after[$0]) }
    }
}
