import Foundation
import SQLKit

/// Full-text search behind one protocol. Both engines index `inventory_items.search_text`, which
/// already holds folded, stemmed words (`SearchText`); each engine only has to say which records
/// hold a prefix of every query word. Ordering, relevance included, is the `InventoryIndex`'s, so
/// both engines list the same records in the same order.
protocol FullTextSearch: Sendable {
    /// Statements creating the index.
    var migration: [String] { get }
    var teardown: [String] { get }
    /// True for rows holding, for each group, a word starting with one of the group's words (a
    /// query word and its equivalents, `QueryExpansion`).
    func matches(_ groups: [[String]]) -> SQLQueryString
    /// The `search_rowid`s of a community's records matching every group. They come back as one
    /// comma-separated string: decoding tens of thousands of one-column rows through the driver
    /// costs far more than splitting that string.
    func matchedRowids(_ groups: [[String]], community: UUID, database: any SQLDatabase) async throws -> [Int64]
}

extension FullTextSearch {
    func rowids(from statement: SQLQueryString, database: any SQLDatabase) async throws -> [Int64] {
        let joined = try await database.raw(statement).first()?.decode(column: "ids", as: String?.self) ?? ""
        return joined.split(separator: ",").compactMap { Int64($0) }
    }
}

enum FullTextSearchEngines {
    static func `for`(_ database: any SQLDatabase) -> any FullTextSearch {
        database.dialect.name == "sqlite" ? SQLiteFullText() : PostgresFullText()
    }
}

/// FTS5, its rows keyed by `search_rowid` and kept in step by triggers.
struct SQLiteFullText: FullTextSearch {
    let migration = [
        "CREATE VIRTUAL TABLE inventory_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')",
        "CREATE TRIGGER inventory_fts_insert AFTER INSERT ON inventory_items BEGIN INSERT INTO inventory_fts (rowid, body) VALUES (new.search_rowid, new.search_text); END",
        "CREATE TRIGGER inventory_fts_update AFTER UPDATE OF search_text ON inventory_items BEGIN UPDATE inventory_fts SET body = new.search_text WHERE rowid = old.search_rowid; END",
        "CREATE TRIGGER inventory_fts_delete AFTER DELETE ON inventory_items BEGIN DELETE FROM inventory_fts WHERE rowid = old.search_rowid; END",
    ]
    let teardown = [
        "DROP TRIGGER IF EXISTS inventory_fts_insert", "DROP TRIGGER IF EXISTS inventory_fts_update",
        "DROP TRIGGER IF EXISTS inventory_fts_delete", "DROP TABLE IF EXISTS inventory_fts",
    ]
    /// `("velo"* OR "bicyclett"*) AND "repar"*`: every group, each word as a prefix; FTS5 wants
    /// the AND spelled out after a bracket. The words are letters and digits only.
    func matches(_ groups: [[String]]) -> SQLQueryString {
        let query = groups.map { group in
            let words = group.map { "\"\($0)\"*" }
            return words.count == 1 ? words[0] : "(" + words.joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
        return "inventory_fts MATCH \(bind: query)"
    }

    /// Every community's matches: the facet table only knows its own community's rows.
    func matchedRowids(_ groups: [[String]], community: UUID, database: any SQLDatabase) async throws -> [Int64] {
        try await rowids(from: "SELECT group_concat(rowid) AS ids FROM inventory_fts WHERE \(matches(groups))", database: database)
    }
}

/// A GIN index over `to_tsvector('simple', search_text)`: 'simple' because the words are already
/// folded and stemmed the same way as for SQLite.
struct PostgresFullText: FullTextSearch {
    let migration = ["CREATE INDEX inventory_items_search ON inventory_items USING GIN (to_tsvector('simple', search_text))"]
    let teardown = ["DROP INDEX IF EXISTS inventory_items_search"]
    /// `(velo:* | bicyclet:*) & repar:*`.
    private func query(_ groups: [[String]]) -> String {
        groups.map { group in "(" + group.map { $0 + ":*" }.joined(separator: " | ") + ")" }.joined(separator: " & ")
    }

    func matches(_ groups: [[String]]) -> SQLQueryString {
        "to_tsvector('simple', i.search_text) @@ to_tsquery('simple', \(bind: query(groups)))"
    }

    func matchedRowids(_ groups: [[String]], community: UUID, database: any SQLDatabase) async throws -> [Int64] {
        try await rowids(from: """
            SELECT string_agg(i.search_rowid::text, ',') AS ids FROM inventory_items i
            WHERE i.community_id = \(bind: community) AND \(matches(groups))
            """, database: database)
    }
}
