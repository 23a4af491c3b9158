import Foundation
import Testing
@testable import TerreauCore

@Suite("Indicators of success: cooperations, social links, diversity against the census, coverage, officials' answers, organisations out of isolation")
struct IndicatorsTests {
    static func day(_ text: String) -> Date { CalendarDay.parse(text)!.addingTimeInterval(12 * 3600) }
    static let now = day("2026-04-15")
    static let (ana, bob, cleo, dan) = (UUID(), UUID(), UUID(), UUID())

    static func table(_ report: IndicatorReport, _ key: IndicatorKey) -> IndicatorTable { report.tables.first { $0.key == key }! }
    static func column(_ table: IndicatorTable, _ name: String) -> [Double?] {
        let index = table.columns.firstIndex(of: name)!
        return table.rows.map { $0.values[index] }
    }
    static func compute(_ facts: IndicatorFacts) -> IndicatorReport {
        Indicators.compute(facts, actorKinds: ["resident", "association"], ageBands: ["18-25", "26-40"], now: now)
    }

    @Test("months run from the first dated fact to the current month, in Paris time, and at most two years back", arguments: [
        ("2026-01-31T23:30:00Z", ["2026-02", "2026-03", "2026-04"]),  // already February in Paris
        ("2026-04-01T00:00:00Z", ["2026-04"]),
        ("2023-01-10T12:00:00Z", Month.range(Month(year: 2024, month: 5), Month(year: 2026, month: 4)).map(\.key)),
        ("2027-01-10T12:00:00Z", ["2026-04"]),  // a fact dated ahead does not reverse the window
    ])
    func window(first: String, months: [String]) {
        var facts = IndicatorFacts()
        facts.portraits = [ISO8601DateFormatter().date(from: first)!]
        #expect(Self.compute(facts).months.map(\.key) == months)
    }

    @Test("an empty community has one month of zeros, no rate without a census and no median without answers")
    func empty() {
        let report = Self.compute(IndicatorFacts())
        #expect(report.months.map(\.key) == ["2026-04"])
        #expect(report.tables.map(\.key) == IndicatorKey.allCases)
        let coverage = Self.table(report, .coverage)
        #expect(coverage.figures.first { $0.key == "perThousand" }?.value == nil)
        #expect(Self.column(coverage, "perThousand") == [nil])
        #expect(Self.table(report, .responsiveness).figures.first { $0.key == "medianDays" }?.value == .some(nil))
    }

    @Test("cooperations add accepted connections and collectives formed, month by month")
    func cooperations() {
        var facts = IndicatorFacts()
        facts.connections = [.init(Self.ana, Self.bob, at: Self.day("2026-02-03")), .init(Self.ana, Self.cleo, at: Self.day("2026-04-01"))]
        facts.collectivesFormed = [Self.day("2026-02-20"), Self.day("2026-03-05")]
        let table = Self.table(Self.compute(facts), .cooperations)
        #expect(table.figures == [.init("connections", 2), .init("collectives", 2)])
        #expect(Self.column(table, "connections") == [1, 0, 1])
        #expect(Self.column(table, "collectives") == [1, 1, 0])
        #expect(Self.column(table, "total") == [2, 1, 1])
        #expect(table.columns[table.charted] == "total")
    }

    @Test("social links count each person once, from their first accepted connection")
    func socialLinks() {
        var facts = IndicatorFacts()
        facts.connections = [.init(Self.ana, Self.bob, at: Self.day("2026-03-03")), .init(Self.bob, Self.ana, at: Self.day("2026-01-10")),
                             .init(Self.ana, Self.cleo, at: Self.day("2026-03-09")), .init(Self.dan, Self.cleo, at: Self.day("2026-04-02"))]
        let table = Self.table(Self.compute(facts), .socialLinks)
        #expect(table.figures == [.init("people", 4)])
        #expect(Self.column(table, "new") == [2, 0, 1, 1])
        #expect(Self.column(table, "cumulative") == [2, 2, 3, 4])
    }

    @Test("running totals carry what came before the two-year window")
    func carried() {
        var facts = IndicatorFacts()
        facts.portraits = [Self.day("2020-06-01"), Self.day("2020-07-01"), Self.day("2026-04-01")]
        facts.populations = ["38185": 1000]
        let table = Self.table(Self.compute(facts), .coverage)
        #expect(table.rows.count == Indicators.window)
        #expect(Self.column(table, "cumulative").first == 2)
        #expect(Self.column(table, "cumulative").last == 3)
        #expect(Self.column(table, "perThousand").last == 3)
    }

    @Test("coverage is portraits per 1,000 inhabitants of the whole territory at each month's end")
    func coverage() {
        var facts = IndicatorFacts()
        facts.populations = ["38185": 1500, "38421": 500]
        facts.portraits = [Self.day("2026-03-01"), Self.day("2026-03-02"), Self.day("2026-04-02"), Self.day("2026-04-03")]
        let table = Self.table(Self.compute(facts), .coverage)
        #expect(Self.column(table, "recorded") == [2, 2])
        #expect(Self.column(table, "perThousand") == [1, 2])
        #expect(table.figures == [.init("portraits", 4), .init("population", 2000), .init("perThousand", 2)])
        #expect(table.rates == ["perThousand"])
    }

    @Test("officials' answers: given, given after the delay, overdue at each month's end, median days", arguments: [
        // (deposited, answered) — delay 30 days; now is 2026-04-15
        ([("2026-02-01", "2026-02-11")], [1, 0, 0], [0, 0, 0], 0.0, 10.0),
        ([("2026-02-01", "2026-03-20")], [0, 1, 0], [0, 0, 0], 0.0, 47.0),  // due 3 March, late but answered by March's end
        ([("2026-02-01", nil)], [0, 0, 0], [0, 1, 1], 1.0, nil),
        ([("2026-02-01", "2026-02-05"), ("2026-02-02", "2026-02-14"), ("2026-04-10", nil)], [2, 0, 0], [0, 0, 0], 0.0, 8.0),
    ] as [([(String, String?)], [Double], [Double], Double, Double?)])
    func responsiveness(requests: [(String, String?)], answered: [Double], overdue: [Double], overdueNow: Double, median: Double?) {
        var facts = IndicatorFacts()
        facts.answerDelayDays = 30
        facts.requests = requests.map { .init(depositedAt: Self.day($0.0), answeredAt: $0.1.map(Self.day)) }
        let table = Self.table(Self.compute(facts), .responsiveness)
        #expect(Self.column(table, "answered") == answered)
        #expect(Self.column(table, "overdue") == overdue)
        #expect(table.figures.first { $0.key == "overdue" }?.value == overdueNow)
        #expect(table.figures.first { $0.key == "medianDays" }?.value == .some(median))
        #expect(Self.column(table, "late").reduce(0) { $0 + ($1 ?? 0) } == Double(requests.filter { $0.1 != nil && Self.day($0.1!) > Self.day($0.0) + 30 * 86_400 }.count))
    }

    @Test("an organisation leaves isolation on its first partnership; collectives and self-pairs do not count")
    func outOfIsolation() {
        let (a, b, c, collective) = (UUID(), UUID(), UUID(), UUID())
        var facts = IndicatorFacts()
        facts.organisations = [a: Self.day("2025-01-01"), b: Self.day("2025-01-01"), c: Self.day("2025-01-01")]
        facts.partnerships = [.init(a, b, at: Self.day("2026-03-10")), .init(a, b, at: Self.day("2026-04-01")),
                              .init(c, collective, at: Self.day("2026-03-12")), .init(c, c, at: Self.day("2026-03-13"))]
        let table = Self.table(Self.compute(facts), .outOfIsolation)
        #expect(table.figures == [.init("organisations", 3), .init("withPartner", 2), .init("isolated", 1)])
        #expect(Self.column(table, "new") == [2, 0])  // a and b in March; their second tie in April is not new
        #expect(Self.column(table, "cumulative") == [2, 2])
    }

    @Test("diversity: contributors by kind, commune beside its census share, age band; under five withheld, unknowns last")
    func diversity() {
        var facts = IndicatorFacts()
        facts.populations = ["38185": 3000, "38421": 1000]
        facts.contributors = (0..<6).map { _ in .init(since: Self.day("2026-03-01"), actorKind: "resident", communeCode: "38185", ageBand: "26-40") }
            + (0..<2).map { _ in .init(since: Self.day("2026-04-01"), actorKind: "association", communeCode: "38421", ageBand: nil) }
            + [.init(since: Self.day("2026-04-02"), actorKind: "resident", communeCode: "99999", ageBand: "18-25")]
        let report = Self.compute(facts)
        let byKind = report.diversity.first { $0.dimension == "actorKind" }!
        #expect(byKind.lines.map(\.key) == ["resident", "association"])
        #expect(byKind.lines.map(\.contributors) == [7, nil])
        #expect(byKind.lines[0].share == 7.0 / 9)
        let byCommune = report.diversity.first { $0.dimension == "commune" }!
        #expect(byCommune.lines.map(\.key) == ["38185", "38421", ""])  // a commune outside the territory counts as unknown
        #expect(byCommune.lines.map(\.contributors) == [6, nil, nil])
        #expect(byCommune.lines.map(\.censusShare) == [0.75, 0.25, nil])
        let byAge = report.diversity.first { $0.dimension == "ageBand" }!
        #expect(byAge.lines.map(\.key) == ["18-25", "26-40", ""])
        #expect(byAge.lines.map(\.contributors) == [nil, 6, nil])
        let table = Self.table(report, .diversity)
        #expect(table.figures == [.init("contributors", 9), .init("kinds", 2)])
        #expect(Self.column(table, "cumulative") == [6, 9])
    }
}
