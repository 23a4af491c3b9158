import Foundation
import SQLKit
import TerreauCore

/// What someone asks the inventory for: words, filters, a sort order and a page.
struct InventoryQuery: Equatable, Sendable {
    enum Sort: String, CaseIterable, Sendable { case relevance, recent, title }
    /// A facet: each one's counts ignore its own filter, so every choice shows what it would give.
    enum Dimension: CaseIterable { case kind, theme, commune, neighbourhood, young, availability }

    var text = ""
    var kind: InventoryKind?
    var theme: String?
    var commune: String?
    var neighbourhood: String?
    /// A day (`sat`) or a part of the day (`evening`).
    var availability: String?
    var forYoung = false
    var sort: Sort = .relevance
    var page = 1
    static let pageSize = 20

    /// Read from the address's query string; unknown values are ignored rather than refused.
    init(_ get: (String) -> String?) {
        text = String((get("q") ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        kind = get("type").flatMap(InventoryKind.init(pathSegment:))
        theme = get("theme").flatMap { Themes.all.contains($0) ? $0 : nil }
        commune = get("commune").flatMap { CommuneCode.isCommune($0) ? $0 : nil }
        neighbourhood = get("quartier").flatMap { Slug.isValid($0) ? $0 : nil }
        availability = get("dispo").flatMap { (Availability.days + Availability.parts).contains($0) ? $0 : nil }
        forYoung = get("jeunes") == "oui"
        sort = get("tri").flatMap(Sort.init(rawValue:)) ?? (text.isEmpty ? .recent : .relevance)
        if sort == .relevance && SearchText.queryTerms(text).isEmpty { sort = .recent }
        page = max(1, min(Int(get("page") ?? "") ?? 1, 10_000))
    }

    init() {}

    /// The query string for this query, with one parameter changed (links of facets and pages).
    func queryString(_ change: (inout InventoryQuery) -> Void = { _ in }) -> String {
        var copy = self
        change(&copy)
        var parts: [(String, String)] = []
        if !copy.text.isEmpty { parts.append(("q", copy.text)) }
        if let kind = copy.kind { parts.append(("type", kind.pathSegment)) }
        if let theme = copy.theme { parts.append(("theme", theme)) }
        if let commune = copy.commune { parts.append(("commune", commune)) }
        if let neighbourhood = copy.neighbourhood { parts.append(("quartier", neighbourhood)) }
        if let availability = copy.availability { parts.append(("dispo", availability)) }
        if copy.forYoung { parts.append(("jeunes", "oui")) }
        if copy.sort != (copy.text.isEmpty ? .recent : .relevance) { parts.append(("tri", copy.sort.rawValue)) }
        if copy.page > 1 { parts.append(("page", String(copy.page))) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return parts.isEmpty ? "" : "?" + parts.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }
}

/// One row of a result list.
struct InventoryHit: Sendable {
    var id: UUID
    var kind: InventoryKind
    var title: String
    var visibility: String
    var communeCode: String?
    var neighbourhood: String?
    var forYoung: Bool
    var fields: [String: String]
    var updatedAt: Date
}

struct InventoryResults: Sendable {
    var hits: [InventoryHit]
    var total: Int
    var facets: [InventoryQuery.Dimension: [(value: String, count: Int)]]
}

/// The inventory's one query: the visibility rule (quality S6), the words, the filters, the facet
/// counts and a page — a fixed number of statements whatever the number of rows (quality P2).
struct InventorySearch {
    let database: any SQLDatabase
    let community: UUID
    let viewer: Viewer
    /// The signed-in person: their own records are always listed.
    let me: UUID?

    var engine: any FullTextSearch { FullTextSearchEngines.for(database) }

    /// The visibility rule, shared by every listing of inventory records.
    func visible() -> SQLQueryString {
        let listable = InventoryPolicy.listable(by: viewer).map(\.rawValue)
        var rule: SQLQueryString = listable.isEmpty ? "1 = 0" : "i.visibility IN (\(binds: listable))"
        if let me { rule = "(\(rule) OR i.person_id = \(bind: me) OR i.created_by = \(bind: me))" }
        return "i.community_id = \(bind: community) AND \(rule)"
    }

    private func conditions(_ query: InventoryQuery, excluding: Set<InventoryQuery.Dimension> = []) -> SQLQueryString {
        var parts: [SQLQueryString] = [visible()]
        let terms = SearchText.queryTerms(query.text)
        if !terms.isEmpty { parts.append(engine.matches(terms)) }
        if !excluding.contains(.kind), let kind = query.kind { parts.append("i.kind = \(bind: kind.rawValue)") }
        if !excluding.contains(.theme), let theme = query.theme {
            parts.append("EXISTS (SELECT 1 FROM inventory_item_themes th WHERE th.item_id = i.id AND th.theme = \(bind: theme))")
        }
        if !excluding.contains(.commune), let commune = query.commune { parts.append("i.commune_code = \(bind: commune)") }
        if !excluding.contains(.neighbourhood), let neighbourhood = query.neighbourhood { parts.append("i.neighbourhood = \(bind: neighbourhood)") }
        if !excluding.contains(.young), query.forYoung { parts.append("i.for_young = \(true)") }
        if !excluding.contains(.availability), let slot = query.availability {
            let pattern = Availability.days.contains(slot) ? "%" + slot + "-%" : "%-" + slot + "%"
            parts.append("(i.availability LIKE \(bind: pattern) OR i.availability = \(bind: Availability.occasionally))")
        }
        return parts.joined(separator: " AND ")
    }

    private var from: SQLQueryString { "FROM inventory_items i" + engine.join }

    func run(_ query: InventoryQuery) async throws -> InventoryResults {
        let terms = SearchText.queryTerms(query.text)
        let order: SQLQueryString
        switch query.sort {
        case .relevance where !terms.isEmpty: order = engine.relevance(terms) + ", i.updated_at DESC"
        case .title: order = "i.title ASC"
        default: order = "i.updated_at DESC"
        }
        let offset = (query.page - 1) * InventoryQuery.pageSize
        let rows = try await database.raw("""
            SELECT \(Self.columns) \(from) WHERE \(conditions(query))
            ORDER BY \(order) LIMIT \(literal: InventoryQuery.pageSize) OFFSET \(literal: offset)
            """).all()
        let hits = try rows.map(Self.hit)
        var (facets, total) = try await placeFacets(query)
        facets[.theme] = try await themeFacet(query)
        facets[.availability] = try await availabilityFacet(query)
        return InventoryResults(hits: hits, total: total, facets: facets)
    }

    /// The total and the kind, commune, area and young-people facets in one statement: rows are
    /// grouped by those four columns with the other filters applied, and each facet sums the groups
    /// that pass every filter but its own.
    private func placeFacets(_ query: InventoryQuery) async throws -> (facets: [InventoryQuery.Dimension: [(value: String, count: Int)]], total: Int) {
        let own: Set<InventoryQuery.Dimension> = [.kind, .commune, .neighbourhood, .young]
        struct Group { var kind: String; var commune: String?; var neighbourhood: String?; var young: Bool; var count: Int }
        let groups = try await database.raw("""
            SELECT i.kind, i.commune_code, i.neighbourhood, i.for_young, COUNT(*) AS n \(from) WHERE \(conditions(query, excluding: own))
            GROUP BY i.kind, i.commune_code, i.neighbourhood, i.for_young
            """).all().map {
            Group(kind: try $0.decode(column: "kind", as: String.self), commune: try $0.decode(column: "commune_code", as: String?.self),
                neighbourhood: try $0.decode(column: "neighbourhood", as: String?.self), young: try $0.decode(column: "for_young", as: Bool.self),
                count: try $0.decode(column: "n", as: Int.self))
        }
        func passes(_ group: Group, except dimension: InventoryQuery.Dimension?) -> Bool {
            (dimension == .kind || query.kind == nil || group.kind == query.kind?.rawValue)
                && (dimension == .commune || query.commune == nil || group.commune == query.commune)
                && (dimension == .neighbourhood || query.neighbourhood == nil || group.neighbourhood == query.neighbourhood)
                && (dimension == .young || !query.forYoung || group.young)
        }
        func tally(_ dimension: InventoryQuery.Dimension, _ key: (Group) -> String?) -> [(value: String, count: Int)] {
            var counts: [String: Int] = [:]
            for group in groups where passes(group, except: dimension) { if let value = key(group) { counts[value, default: 0] += group.count } }
            return counts.map { ($0.key, $0.value) }.filter { $0.1 > 0 }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
        }
        let total = groups.filter { passes($0, except: nil) }.map(\.count).reduce(0, +)
        return ([
            .kind: tally(.kind) { $0.kind }, .commune: tally(.commune) { $0.commune }, .neighbourhood: tally(.neighbourhood) { $0.neighbourhood },
            .young: tally(.young) { $0.young ? "yes" : nil },
        ], total)
    }

    private func themeFacet(_ query: InventoryQuery) async throws -> [(value: String, count: Int)] {
        try await database.raw("""
            SELECT th.theme AS value, COUNT(*) AS n \(from) JOIN inventory_item_themes th ON th.item_id = i.id
            WHERE \(conditions(query, excluding: [.theme])) GROUP BY th.theme
            """).all().map { (try $0.decode(column: "value", as: String.self), try $0.decode(column: "n", as: Int.self)) }
            .sorted { ($0.1, $1.0) > ($1.1, $0.0) }
    }

    /// Counted per day and per part of the day in one pass over the matching rows.
    private func availabilityFacet(_ query: InventoryQuery) async throws -> [(value: String, count: Int)] {
        let keys = Availability.days + Availability.parts
        let columns = (Availability.days.map { ($0, "%" + $0 + "-%") } + Availability.parts.map { ($0, "%-" + $0 + "%") })
            .map { key, pattern -> SQLQueryString in
                "SUM(CASE WHEN i.availability LIKE \(bind: pattern) OR i.availability = \(bind: Availability.occasionally) THEN 1 ELSE 0 END) AS \(ident: key)"
            }.joined(separator: ", ")
        guard let row = try await database.raw("SELECT \(columns) \(from) WHERE \(conditions(query, excluding: [.availability]))").first() else { return [] }
        return try keys.map { ($0, try row.decode(column: $0, as: Int?.self) ?? 0) }.filter { $0.1 > 0 }
    }

    static let columns: SQLQueryString = "i.id, i.kind, i.title, i.visibility, i.commune_code, i.neighbourhood, i.for_young, i.fields, i.updated_at"

    static func hit(_ row: any SQLRow) throws -> InventoryHit {
        InventoryHit(
            id: try row.decode(column: "id", as: UUID.self),
            kind: InventoryKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .need,
            title: try row.decode(column: "title", as: String.self),
            visibility: try row.decode(column: "visibility", as: String.self),
            communeCode: try row.decode(column: "commune_code", as: String?.self),
            neighbourhood: try row.decode(column: "neighbourhood", as: String?.self),
            forYoung: try row.decode(column: "for_young", as: Bool.self),
            fields: InventoryStore.decode(try row.decode(column: "fields", as: String.self)),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    /// The records holding a vocabulary term, within the same visibility rule.
    func holders(of term: UUID, limit: Int = 100) async throws -> [InventoryHit] {
        try await database.raw("""
            SELECT \(Self.columns) FROM inventory_items i JOIN inventory_item_skills s ON s.item_id = i.id
            WHERE s.term_id = \(bind: term) AND \(visible()) ORDER BY i.kind, i.title LIMIT \(literal: limit)
            """).all().map(Self.hit)
    }

    struct Near {
        var commune: String?
        var neighbourhood: String?
    }

    /// Records of some kinds sharing a theme or a skill (when any is given), nearest first.
    func suggestions(kinds: [InventoryKind], themes: [String], terms: [UUID], near: Near, limit: Int = 6) async throws -> [InventoryHit] {
        var parts: [SQLQueryString] = [visible(), "i.kind IN (\(binds: kinds.map(\.rawValue)))"]
        var related: [SQLQueryString] = []
        if !themes.isEmpty {
            related.append("EXISTS (SELECT 1 FROM inventory_item_themes th WHERE th.item_id = i.id AND th.theme IN (\(binds: themes)))")
        }
        if !terms.isEmpty {
            related.append("EXISTS (SELECT 1 FROM inventory_item_skills s WHERE s.item_id = i.id AND s.term_id IN (\(binds: terms)))")
        }
        if !related.isEmpty { parts.append("(" + related.joined(separator: " OR ") + ")") }
        let distance: SQLQueryString = """
            CASE WHEN i.neighbourhood = \(bind: near.neighbourhood ?? "") THEN 0 WHEN i.commune_code = \(bind: near.commune ?? "") THEN 1 ELSE 2 END
            """
        return try await database.raw("""
            SELECT \(Self.columns) FROM inventory_items i WHERE \(parts.joined(separator: " AND "))
            ORDER BY \(distance), i.updated_at DESC LIMIT \(literal: limit)
            """).all().map(Self.hit)
    }

}
