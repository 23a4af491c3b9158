import Foundation

/// A calendar month in Paris time: the step of the indicators' series.
public struct Month: Hashable, Comparable, Sendable {
    public var year: Int
    public var month: Int

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    public init(_ date: Date) {
        let c = CalendarDay.paris.dateComponents([.year, .month], from: date)
        self.init(year: c.year ?? 0, month: c.month ?? 1)
    }

    /// `2026-03`.
    public var key: String { String(format: "%04d-%02d", year, month) }

    public var next: Month { month == 12 ? Month(year: year + 1, month: 1) : Month(year: year, month: month + 1) }

    /// The month's first instant.
    public var start: Date { CalendarDay.paris.date(from: DateComponents(year: year, month: month, day: 1)) ?? .distantPast }

    /// The first instant of the following month: what happened before it happened by this month's end.
    public var end: Date { next.start }

    public static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }

    /// The months from `first` to `last`, both included.
    public static func range(_ first: Month, _ last: Month) -> [Month] {
        var months: [Month] = [], month = first
        while month <= last {
            months.append(month)
            month = month.next
        }
        return months
    }
}

/// The seed's indicators of success (« indicateurs de réussite »), in the order the dashboard
/// and its definitions page show them.
public enum IndicatorKey: String, CaseIterable, Sendable {
    case cooperations
    case socialLinks = "social-links"
    case diversity
    case coverage
    case responsiveness
    case outOfIsolation = "out-of-isolation"
}

/// What the indicators are computed from: dated facts read from the community's records, with
/// no name, address or text in them.
public struct IndicatorFacts: Sendable {
    /// Two parties brought together on a day: people for a connection, organisations for a partnership.
    public struct Pair: Sendable {
        public var a: UUID
        public var b: UUID
        public var at: Date
        public init(_ a: UUID, _ b: UUID, at: Date) {
            self.a = a
            self.b = b
            self.at = at
        }
    }

    /// A person who contributed (an inventory version, a proposal, an argument), from their first contribution.
    public struct Contributor: Sendable {
        public var since: Date
        public var actorKind: String
        public var communeCode: String?
        public var ageBand: String?
        public init(since: Date, actorKind: String, communeCode: String?, ageBand: String?) {
            self.since = since
            self.actorKind = actorKind
            self.communeCode = communeCode
            self.ageBand = ageBand
        }
    }

    /// A proposal addressed to an official or a body, and when it got its answer (accepted or refused).
    public struct Request: Sendable {
        public var depositedAt: Date
        public var answeredAt: Date?
        public init(depositedAt: Date, answeredAt: Date?) {
            self.depositedAt = depositedAt
            self.answeredAt = answeredAt
        }
    }

    /// Accepted connections, dated by their acceptance.
    public var connections: [Pair] = []
    /// When each collective got its first member besides its founder.
    public var collectivesFormed: [Date] = []
    public var contributors: [Contributor] = []
    /// When each portrait counted in the coverage was recorded.
    public var portraits: [Date] = []
    /// Census population of each commune of the territory.
    public var populations: [String: Int] = [:]
    public var requests: [Request] = []
    /// The community's answer delay, in days.
    public var answerDelayDays = 60
    /// Organisations (collectives aside), with the day each was recorded.
    public var organisations: [UUID: Date] = [:]
    /// Organisations working together: members of one collective, co-organisers of one event.
    public var partnerships: [Pair] = []

    public init() {}
}

/// One indicator as the dashboard shows it: headline figures now, then a monthly table whose
/// `charted` column the chart draws.
public struct IndicatorTable: Equatable, Sendable {
    public struct Figure: Equatable, Sendable {
        public var key: String
        public var value: Double?
        public init(_ key: String, _ value: Double?) {
            self.key = key
            self.value = value
        }
    }

    public struct Row: Equatable, Sendable {
        public var month: Month
        public var values: [Double?]
    }

    public var key: IndicatorKey
    public var figures: [Figure]
    /// Column keys; those in `rates` are per-thousand values, the others counts.
    public var columns: [String]
    public var rates: Set<String> = []
    public var rows: [Row]
    public var charted: Int
}

/// Contributors broken down one way (actor kind, commune, age band) beside the census where it
/// has a figure. Counts under five people are withheld (nil), as in every published statistic.
public struct DiversityBreakdown: Equatable, Sendable {
    public struct Line: Equatable, Sendable {
        public var key: String
        public var contributors: Int?
        /// Share of all contributors (nil when the count is withheld).
        public var share: Double?
        /// Share of the territory's census population, for communes.
        public var censusShare: Double?
    }

    public var dimension: String
    public var lines: [Line]
}

public struct IndicatorReport: Equatable, Sendable {
    public var months: [Month]
    public var tables: [IndicatorTable]
    public var diversity: [DiversityBreakdown]
}

public enum Indicators {
    /// How many months the series show, ending with the current one.
    public static let window = 24

    public static func compute(_ facts: IndicatorFacts, actorKinds: [String], ageBands: [String], now: Date) -> IndicatorReport {
        let last = Month(now)
        let dates = facts.connections.map(\.at) + facts.collectivesFormed + facts.contributors.map(\.since) + facts.portraits
            + facts.requests.map(\.depositedAt) + facts.partnerships.map(\.at)
        var first = dates.min().map(Month.init) ?? last
        if first > last { first = last }
        var months = Month.range(first, last)
        if months.count > window { months.removeFirst(months.count - window) }
        return IndicatorReport(months: months,
            tables: [cooperations(facts, months), socialLinks(facts, months), contributors(facts, months), coverage(facts, months),
                     responsiveness(facts, months, now: now), outOfIsolation(facts, months)],
            diversity: diversity(facts, actorKinds: actorKinds, ageBands: ageBands))
    }

    /// How many of `dates` fall in each month.
    static func perMonth(_ dates: [Date], _ months: [Month]) -> [Double] {
        var counts: [Month: Int] = [:]
        for date in dates { counts[Month(date), default: 0] += 1 }
        return months.map { Double(counts[$0] ?? 0) }
    }

    static func rows(_ months: [Month], _ columns: [[Double?]]) -> [IndicatorTable.Row] {
        months.indices.map { index in IndicatorTable.Row(month: months[index], values: columns.map { $0[index] }) }
    }

    /// New cooperations: connections accepted and collectives formed, month by month.
    static func cooperations(_ facts: IndicatorFacts, _ months: [Month]) -> IndicatorTable {
        let connections = perMonth(facts.connections.map(\.at), months), collectives = perMonth(facts.collectivesFormed, months)
        let total = zip(connections, collectives).map { $0 + $1 }
        return IndicatorTable(key: .cooperations,
            figures: [.init("connections", Double(facts.connections.count)), .init("collectives", Double(facts.collectivesFormed.count))],
            columns: ["connections", "collectives", "total"], rows: rows(months, [connections, collectives, total]), charted: 2)
    }

    /// Social links: distinct people party to at least one accepted connection, by each month's end.
    static func socialLinks(_ facts: IndicatorFacts, _ months: [Month]) -> IndicatorTable {
        var firstLink: [UUID: Date] = [:]
        for pair in facts.connections {
            for person in [pair.a, pair.b] where firstLink[person].map({ pair.at < $0 }) ?? true { firstLink[person] = pair.at }
        }
        let newPeople = perMonth(Array(firstLink.values), months)
        let before = Double(firstLink.values.filter { $0 < start(of: months) }.count)
        return IndicatorTable(key: .socialLinks, figures: [.init("people", Double(firstLink.count))],
            columns: ["new", "cumulative"], rows: rows(months, [newPeople, running(newPeople, from: before)]), charted: 1)
    }

    /// Contributors, month by month (their diversity is in the breakdowns).
    static func contributors(_ facts: IndicatorFacts, _ months: [Month]) -> IndicatorTable {
        let kinds = Set(facts.contributors.map(\.actorKind)).count
        let arrivals = perMonth(facts.contributors.map(\.since), months)
        let before = Double(facts.contributors.filter { $0.since < start(of: months) }.count)
        return IndicatorTable(key: .diversity, figures: [.init("contributors", Double(facts.contributors.count)), .init("kinds", Double(kinds))],
            columns: ["new", "cumulative"], rows: rows(months, [arrivals, running(arrivals, from: before)]), charted: 1)
    }

    /// Coverage: portraits per 1,000 inhabitants of the territory, by each month's end.
    static func coverage(_ facts: IndicatorFacts, _ months: [Month]) -> IndicatorTable {
        let population = facts.populations.values.reduce(0, +)
        func rate(_ portraits: Double) -> Double? { population > 0 ? portraits * 1000 / Double(population) : nil }
        let recorded = perMonth(facts.portraits, months)
        let cumulative = running(recorded, from: Double(facts.portraits.filter { $0 < start(of: months) }.count))
        return IndicatorTable(key: .coverage,
            figures: [.init("portraits", Double(facts.portraits.count)), .init("population", Double(population)),
                      .init("perThousand", rate(Double(facts.portraits.count)))],
            columns: ["recorded", "cumulative", "perThousand"], rates: ["perThousand"],
            rows: rows(months, [recorded, cumulative, cumulative.map(rate)]), charted: 2)
    }

    /// Responsiveness of officials: answers given (and given late) each month, proposals waiting
    /// past the community's answer delay at each month's end, and the median days to answer.
    static func responsiveness(_ facts: IndicatorFacts, _ months: [Month], now: Date) -> IndicatorTable {
        let delay = Double(facts.answerDelayDays) * 86_400
        let answers = facts.requests.compactMap(\.answeredAt)
        let late = facts.requests.compactMap { request in request.answeredAt.flatMap { $0 > request.depositedAt + delay ? $0 : nil } }
        func overdue(at moment: Date) -> Int {
            facts.requests.filter { $0.depositedAt + delay < moment && ($0.answeredAt.map { $0 > moment } ?? true) }.count
        }
        let days = facts.requests.compactMap { request in request.answeredAt.map { $0.timeIntervalSince(request.depositedAt) / 86_400 } }.sorted()
        let median: Double? = days.isEmpty ? nil
            : days.count % 2 == 1 ? days[days.count / 2] : (days[days.count / 2 - 1] + days[days.count / 2]) / 2
        return IndicatorTable(key: .responsiveness,
            figures: [.init("addressed", Double(facts.requests.count)), .init("answered", Double(answers.count)),
                      .init("late", Double(late.count)), .init("overdue", Double(overdue(at: now))), .init("medianDays", median.map { $0.rounded() })],
            columns: ["deposited", "answered", "late", "overdue"],
            rows: rows(months, [perMonth(facts.requests.map(\.depositedAt), months), perMonth(answers, months), perMonth(late, months),
                                months.map { Double(overdue(at: min($0.end, now))) }]),
            charted: 1)
    }

    /// Associations out of isolation: organisations whose first partner came that month.
    static func outOfIsolation(_ facts: IndicatorFacts, _ months: [Month]) -> IndicatorTable {
        var firstPartner: [UUID: Date] = [:]
        // A partner is another organisation: a collective is where partners meet, not a partner.
        for pair in facts.partnerships where pair.a != pair.b && facts.organisations[pair.a] != nil && facts.organisations[pair.b] != nil {
            for organisation in [pair.a, pair.b] where firstPartner[organisation].map({ pair.at < $0 }) ?? true {
                firstPartner[organisation] = pair.at
            }
        }
        let arrivals = perMonth(Array(firstPartner.values), months)
        let before = Double(firstPartner.values.filter { $0 < start(of: months) }.count)
        return IndicatorTable(key: .outOfIsolation,
            figures: [.init("organisations", Double(facts.organisations.count)), .init("withPartner", Double(firstPartner.count)),
                      .init("isolated", Double(facts.organisations.count - firstPartner.count))],
            columns: ["new", "cumulative"], rows: rows(months, [arrivals, running(arrivals, from: before)]), charted: 1)
    }

    /// Contributors by actor kind, by commune beside the census, and by age band; counts under
    /// five withheld.
    static func diversity(_ facts: IndicatorFacts, actorKinds: [String], ageBands: [String]) -> [DiversityBreakdown] {
        let total = facts.contributors.count, population = facts.populations.values.reduce(0, +)
        func breakdown(_ dimension: String, _ keys: [String], _ value: (IndicatorFacts.Contributor) -> String?,
                       census: ((String) -> Double?)? = nil) -> DiversityBreakdown {
            var counts: [String: Int] = [:]
            for contributor in facts.contributors { counts[value(contributor) ?? "", default: 0] += 1 }
            let unknown = counts[""].map { [$0] } ?? []
            return DiversityBreakdown(dimension: dimension, lines: (keys + (unknown.isEmpty ? [] : [""])).map { key in
                let count = SmallCells.publishable(counts[key] ?? 0)
                return .init(key: key, contributors: count, share: count.flatMap { total > 0 ? Double($0) / Double(total) : nil },
                             censusShare: key.isEmpty ? nil : census?(key))
            })
        }
        let communes = facts.populations.keys.sorted()
        return [
            breakdown("actorKind", actorKinds, { $0.actorKind }),
            breakdown("commune", communes, { $0.communeCode.flatMap { facts.populations[$0] != nil ? $0 : nil } },
                      census: { code in population > 0 ? facts.populations[code].map { Double($0) / Double(population) } : nil }),
            breakdown("ageBand", ageBands, { $0.ageBand }),
        ]
    }

    /// The window's first instant: what came before it is carried into the running totals.
    static func start(of months: [Month]) -> Date { months.first?.start ?? .distantPast }

    /// Running totals, starting from what came before the window.
    static func running(_ values: [Double], from start: Double) -> [Double] {
        var total = start
        return values.map { total += $0; return total }
    }
}
