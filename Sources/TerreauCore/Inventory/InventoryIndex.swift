import Foundation

/// What the listing needs to know of one inventory record to filter, count, order and page it.
public struct IndexedRecord: Sendable, Equatable {
    public var rowid: Int64
    public var kind: InventoryKind
    public var visibility: Visibility
    public var title: String
    public var commune: String?
    public var neighbourhood: String?
    public var young: Bool
    /// The stored pattern (`sat-evening sun-morning`, `occasionally` or empty).
    public var availability: String
    public var themes: [String]
    public var person: UUID?
    public var creator: UUID?
    public var updatedAt: Double

    public init(rowid: Int64, kind: InventoryKind, visibility: Visibility, title: String = "", commune: String? = nil, neighbourhood: String? = nil,
                young: Bool = false, availability: String = "", themes: [String] = [], person: UUID? = nil, creator: UUID? = nil,
                updatedAt: Double = 0) {
        self.rowid = rowid
        self.kind = kind
        self.visibility = visibility
        self.title = title
        self.commune = commune
        self.neighbourhood = neighbourhood
        self.young = young
        self.availability = availability
        self.themes = themes
        self.person = person
        self.creator = creator
        self.updatedAt = updatedAt
    }
}

public struct FacetCount: Equatable, Sendable {
    public var value: String
    public var count: Int

    public init(_ value: String, _ count: Int) {
        self.value = value
        self.count = count
    }
}

/// One page of a listing: the records to show, in order, and the counts around them.
public struct IndexResult: Equatable, Sendable {
    public var page: [Int64]
    /// Records passing every filter.
    public var total: Int
    public var facets: [InventoryQuery.Dimension: [FacetCount]]
}

/// A community's records reduced to small integers, held in memory, so that the listing's
/// filters, its total, its six facet counts, its order and its page are one pass over an array
/// instead of scans of the table (quality P1). Full-text search only has to say which records
/// hold the words.
///
/// - Visibility (quality S6): a record is listed and counted when the viewer's roles allow its
///   visibility, or when it is their own — the rule `InventorySearch.visible()` writes in SQL.
/// - Facets: each counts the records passing every filter but its own, so every choice shows
///   what choosing it would give.
/// - Order: `recent` (last change first); `title` (accent- and case-insensitive); `relevance`
///   (records whose title holds more of the words first, then the most recent) — computed the
///   same way whichever database found the words.
public struct InventoryIndex: Sendable {
    /// Plain values only (no reference counting), so the pass copies nothing but bytes.
    private struct Row: Sendable {
        var rowid: Int64
        var kind: UInt8
        var visibility: UInt8
        var young: Bool
        /// One bit per `Availability.filters` entry.
        var availability: UInt16
        var commune: Int32
        var neighbourhood: Int32
        /// This row's themes: `themeCodes[themeStart ..< themeStart + themeCount]`.
        var themeStart: Int32
        var themeCount: Int32
        var person: UUID?
        var creator: UUID?
    }

    private static let kinds = InventoryKind.allCases
    private static let visibilities = Visibility.allCases

    /// Most recent first; `byTitle` holds the same positions in title order.
    private var rows: [Row] = []
    private var themeCodes: [UInt16] = []
    /// Each row's title as folded, stemmed words, for relevance.
    private var titleTerms: [[String]] = []
    private var byTitle: [Int32] = []
    private var positions: [Int64: Int32] = [:]
    private var communes: [String] = [], neighbourhoods: [String] = [], themes: [String] = []

    public var count: Int { rows.count }

    public init(_ records: [IndexedRecord]) {
        let records = records.sorted { ($0.updatedAt, $0.rowid) > ($1.updatedAt, $1.rowid) }
        var communeIndex: [String: Int32] = [:], neighbourhoodIndex: [String: Int32] = [:], themeIndex: [String: Int32] = [:]
        func intern(_ value: String?, _ index: inout [String: Int32], _ values: inout [String]) -> Int32 {
            guard let value else { return -1 }
            if let known = index[value] { return known }
            values.append(value)
            index[value] = Int32(values.count - 1)
            return Int32(values.count - 1)
        }
        rows.reserveCapacity(records.count)
        positions.reserveCapacity(records.count)
        for record in records {
            let themeStart = Int32(themeCodes.count)
            for theme in record.themes { themeCodes.append(UInt16(intern(theme, &themeIndex, &themes))) }
            positions[record.rowid] = Int32(rows.count)
            titleTerms.append(SearchText.terms(record.title))
            rows.append(Row(
                rowid: record.rowid, kind: UInt8(Self.kinds.firstIndex(of: record.kind)!),
                visibility: UInt8(Self.visibilities.firstIndex(of: record.visibility)!),
                young: record.young, availability: Self.availabilityBits(record.availability),
                commune: intern(record.commune, &communeIndex, &communes), neighbourhood: intern(record.neighbourhood, &neighbourhoodIndex, &neighbourhoods),
                themeStart: themeStart, themeCount: Int32(themeCodes.count) - themeStart, person: record.person, creator: record.creator))
        }
        let titles = records.map { SearchText.fold($0.title) }
        byTitle = (0..<Int32(records.count)).sorted { titles[Int($0)] < titles[Int($1)] }
    }

    /// A day bit is set by any slot of that day, a part bit by that part on any day; « occasionally »
    /// sets them all (the listing keeps occasional people for every slot).
    public static func availabilityBits(_ pattern: String) -> UInt16 {
        if pattern == Availability.occasionally { return UInt16((1 << Availability.filters.count) - 1) }
        var bits: UInt16 = 0
        for slot in pattern.split(separator: " ") {
            let parts = slot.split(separator: "-", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if let day = Availability.filters.firstIndex(of: parts[0]) { bits |= 1 << day }
            if let part = Availability.filters.firstIndex(of: parts[1]) { bits |= 1 << part }
        }
        return bits
    }

    /// The page, total and facets of `query` for `viewer`. `matched`: the records holding the
    /// query's words (nil when it has none); rows of other communities are ignored.
    public func search(_ query: InventoryQuery, viewer: Viewer, me: UUID?, matched: [Int64]? = nil) -> IndexResult {
        let listable = InventoryPolicy.listable(by: viewer).reduce(UInt8(0)) { $0 | 1 << UInt8(Self.visibilities.firstIndex(of: $1)!) }
        let kind = query.kind.map { UInt8(Self.kinds.firstIndex(of: $0)!) }
        // A filter naming a value no record has still filters (everything out).
        let commune = query.commune.map { communes.firstIndex(of: $0).map(Int32.init) ?? -2 }
        let neighbourhood = query.neighbourhood.map { neighbourhoods.firstIndex(of: $0).map(Int32.init) ?? -2 }
        let theme = query.theme.map { themes.firstIndex(of: $0).map(UInt16.init) ?? UInt16.max }
        let slot = query.availability.flatMap { Availability.filters.firstIndex(of: $0) }.map { UInt16(1) << UInt16($0) }
        var isMatched: [Bool]?
        if let matched {
            var flags = [Bool](repeating: false, count: rows.count)
            for rowid in matched { if let position = positions[rowid] { flags[Int(position)] = true } }
            isMatched = flags
        }
        let terms = SearchText.queryTerms(query.text)
        let byRelevance = query.sort == .relevance && !terms.isEmpty
        let wanted = query.page * InventoryQuery.pageSize

        var total = 0, young = 0
        var kinds = [Int](repeating: 0, count: Self.kinds.count), communeCounts = [Int](repeating: 0, count: communes.count)
        var neighbourhoodCounts = [Int](repeating: 0, count: neighbourhoods.count), themeCounts = [Int](repeating: 0, count: themes.count)
        var slots = [Int](repeating: 0, count: Availability.filters.count)
        // The first `wanted` passing rows in the scan's order, per relevance score (how many of
        // the words the title holds).
        var pages = [[Int64]](repeating: [], count: byRelevance ? terms.count + 1 : 1)

        func visit(_ position: Int) {
            if let isMatched, !isMatched[position] { return }
            let row = rows[position]
            guard listable & (1 << row.visibility) != 0 || (me != nil && (row.person == me || row.creator == me)) else { return }
            // The one filter the row fails, if it fails exactly one: that facet still counts it.
            var failed: InventoryQuery.Dimension?
            var failures = 0
            if let kind, row.kind != kind { failures += 1; failed = .kind }
            if let commune, row.commune != commune { failures += 1; failed = .commune }
            if let neighbourhood, row.neighbourhood != neighbourhood { failures += 1; failed = .neighbourhood }
            if query.forYoung && !row.young { failures += 1; failed = .young }
            if let slot, row.availability & slot == 0 { failures += 1; failed = .availability }
            if failures > 1 { return }
            let rowThemes = Int(row.themeStart)..<Int(row.themeStart + row.themeCount)
            if let theme, !themeCodes[rowThemes].contains(theme) { failures += 1; failed = .theme }
            if failures > 1 { return }
            let all = failures == 0
            if all {
                total += 1
                var score = 0
                if byRelevance { for term in terms where titleTerms[position].contains(where: { $0.hasPrefix(term) }) { score += 1 } }
                if pages[score].count < wanted { pages[score].append(row.rowid) }
            }
            if all || failed == .kind { kinds[Int(row.kind)] += 1 }
            if (all || failed == .commune) && row.commune >= 0 { communeCounts[Int(row.commune)] += 1 }
            if (all || failed == .neighbourhood) && row.neighbourhood >= 0 { neighbourhoodCounts[Int(row.neighbourhood)] += 1 }
            if (all || failed == .young) && row.young { young += 1 }
            if all || failed == .theme { for code in themeCodes[rowThemes] { themeCounts[Int(code)] += 1 } }
            if all || failed == .availability {
                var bits = row.availability, index = 0
                while bits != 0 {
                    if bits & 1 != 0 { slots[index] += 1 }
                    bits >>= 1
                    index += 1
                }
            }
        }
        if query.sort == .title {
            for position in byTitle { visit(Int(position)) }
        } else {
            for position in rows.indices { visit(position) }
        }

        /// Most frequent first, then alphabetical; values nobody has are left out.
        func ranked(_ values: [String], _ counts: [Int]) -> [FacetCount] {
            zip(values, counts).filter { $0.1 > 0 }.map { FacetCount($0.0, $0.1) }
                .sorted { ($0.count, $1.value) > ($1.count, $0.value) }
        }
        let ordered = pages.reversed().flatMap { $0 }
        return IndexResult(
            page: Array(ordered.dropFirst(wanted - InventoryQuery.pageSize).prefix(InventoryQuery.pageSize)),
            total: total,
            facets: [
                .kind: ranked(Self.kinds.map(\.rawValue), kinds),
                .theme: ranked(themes, themeCounts),
                .commune: ranked(communes, communeCounts),
                .neighbourhood: ranked(neighbourhoods, neighbourhoodCounts),
                .young: young > 0 ? [FacetCount("yes", young)] : [],
                // In the week's order, not by count.
                .availability: zip(Availability.filters, slots).filter { $0.1 > 0 }.map { FacetCount($0.0, $0.1) },
            ])
    }
}
