import SQLKit

/// Full-text search behind one protocol. Both engines index `inventory_items.search_text`, which
/// already holds folded, stemmed words (`SearchText`); each engine only has to match prefixes of
/// every query word and rank by relevance.
protocol FullTextSearch: Sendable {
    /// Statements creating the index.
    var migration: [String] { get }
    var teardown: [String] { get }
    /// Added after `FROM inventory_items i` (empty when the engine indexes the table itself).
    var join: SQLQueryString { get }
    /// True for rows holding a word starting with each of `terms`.
    func matches(_ terms: [String]) -> SQLQueryString
    /// An ORDER BY expression, best first.
    func relevance(_ terms: [String]) -> SQLQueryString
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
    let join: SQLQueryString = " JOIN inventory_fts ON inventory_fts.rowid = i.search_rowid"

    /// `"velo"* "repar"*`: every word, as a prefix. The words are letters and digits only.
    func matches(_ terms: [String]) -> SQLQueryString {
        "inventory_fts MATCH \(bind: terms.map { "\"\($0)\"*" }.joined(separator: " "))"
    }

    func relevance(_ terms: [String]) -> SQLQueryString { "bm25(inventory_fts)" }
}

/// A GIN index over `to_tsvector('simple', search_text)`: 'simple' because the words are already
/// folded and stemmed the same way as for SQLite.
struct PostgresFullText: FullTextSearch {
    let migration = ["CREATE INDEX inventory_items_search ON inventory_items USING GIN (to_tsvector('simple', search_text))"]
    let teardown = ["DROP INDEX IF EXISTS inventory_items_search"]
    let join: SQLQueryString = ""

    private func query(_ terms: [String]) -> String { terms.map { $0 + ":*" }.joined(separator: " & ") }

    func matches(_ terms: [String]) -> SQLQueryString {
        "to_tsvector('simple', i.search_text) @@ to_tsquery('simple', \(bind: query(terms)))"
    }

    func relevance(_ terms: [String]) -> SQLQueryString {
        "ts_rank(to_tsvector('simple', i.search_text), to_tsquery('simple', \(bind: query(terms)))) DESC"
    }
}
