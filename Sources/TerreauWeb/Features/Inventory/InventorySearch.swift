import Foundation
import SQLKit
import TerreauCore

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
    var facets: [InventoryQuery.Dimension: [FacetCount]]
}

/// The inventory's one query: the words found by full-text search; the visibility rule (quality
/// S6), the filters, the facet counts, the order and the page from the community's
/// `InventoryIndex` (`InventoryCache`); then the page's rows — a fixed number of statements
/// whatever the number of rows (quality P2).
struct InventorySearch {
    let database: any SQLDatabase
    let community: UUID
    let viewer: Viewer
    /// The signed-in person: their own records are always listed.
    let me: UUID?
    let cache: InventoryCache

    /// The visibility rule, shared by every listing of inventory records.
    func visible() -> SQLQueryString {
        let listable = InventoryPolicy.listable(by: viewer).map(\.rawValue)
        var rule: SQLQueryString = listable.isEmpty ? "1 = 0" : "i.visibility IN (\(binds: listable))"
        if let me { rule = "(\(rule) OR i.person_id = \(bind: me) OR i.created_by = \(bind: me))" }
        return "i.community_id = \(bind: community) AND \(rule)"
    }

    /// `generation`: the community's inventory generation, when the caller has already read it.
    func run(_ query: InventoryQuery, generation known: Int? = nil) async throws -> InventoryResults {
        var generation = known ?? 0
        if known == nil { generation = try await cache.generation(of: community, database: database) }
        let result = try await cache.search(query, community: community, generation: generation, viewer: viewer, me: me, database: database)
        guard !result.page.isEmpty else { return InventoryResults(hits: [], total: result.total, facets: result.facets) }
        // The rule again: a record changed since the index was read is never shown by mistake.
        let rows = try await database.raw("""
            SELECT i.search_rowid, \(Self.columns) FROM inventory_items i WHERE i.search_rowid IN (\(binds: result.page)) AND \(visible())
            """).all()
        var hits: [Int64: InventoryHit] = [:]
        for row in rows { hits[Int64(try row.decode(column: "search_rowid", as: Int.self))] = try Self.hit(row) }
        return InventoryResults(hits: result.page.compactMap { hits[$0] }, total: result.total, facets: result.facets)
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

    /// The records holding one of some vocabulary terms, within the same visibility rule.
    func holders(of terms: [UUID], limit: Int = 100) async throws -> [InventoryHit] {
        try await database.raw("""
            SELECT \(Self.columns) FROM inventory_items i
            WHERE EXISTS (SELECT 1 FROM inventory_item_skills s WHERE s.item_id = i.id AND s.term_id IN (\(binds: terms)))
              AND \(visible()) ORDER BY i.kind, i.title LIMIT \(literal: limit)
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
