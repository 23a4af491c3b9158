import FluentKit
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import TerreauCore
import Vapor

/// What is held in memory about each community's inventory (quality P1): its `InventoryIndex`, so
/// that a search filters, counts, orders and pages in one pass over an array rather than with
/// scans of the table; the results already given; and the browse pages already rendered for
/// visitors who are not signed in.
///
/// All of it is current exactly when its generation is: the database moves a community's
/// `inventory_generation` on at every insert, update or delete of one of its records (triggers,
/// see `TrackInventoryChanges`), and every search reads it first — one primary-key read. So a
/// change made by another process, a cascade or a future code path is never missed, and nobody is
/// ever counted or shown anything from a stale table (quality S6).
final class InventoryCache: Sendable {
    private struct ResultKey: Hashable {
        var query: InventoryQuery
        var listable: [Visibility]
        var me: UUID?
    }

    /// A page as a visitor without a session gets it: the address and the language are all that vary.
    struct PageKey: Hashable {
        var uri: String
        var language: Language
    }

    private struct Entry {
        var generation: Int
        var index: InventoryIndex
        var results: [ResultKey: IndexResult] = [:]
        var pages: [PageKey: ByteBuffer] = [:]
    }

    private struct State {
        var entries: [UUID: Entry] = [:]
        /// One load per community and generation; whoever asks meanwhile waits for it.
        var loading: [UUID: (generation: Int, task: Task<InventoryIndex, any Error>)] = [:]
    }

    private let state = NIOLockedValueBox(State())
    /// The vocabulary's equivalent words, with the signature of the vocabulary they were read from.
    private let expansion = NIOLockedValueBox<(signature: String, value: QueryExpansion)?>(nil)
    /// How many results and pages are remembered per community; 0 computes every query afresh
    /// (the benchmark's latency figures).
    let limit: Int

    init(limit: Int = 500) {
        self.limit = limit
    }

    func generation(of community: UUID, database: any SQLDatabase) async throws -> Int {
        try await database.raw("SELECT inventory_generation AS g FROM communities WHERE id = \(bind: community)").first()?
            .decode(column: "g", as: Int.self) ?? 0
    }

    /// Moves a community's generation on (every community's when nil) for a change the triggers
    /// do not see but the browse page shows: its neighbourhoods, the communes' names.
    static func invalidate(_ community: UUID?, database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let scope: SQLQueryString = community.map { "WHERE id = \(bind: $0)" } ?? ""
        try await sql.raw("UPDATE communities SET inventory_generation = inventory_generation + 1 \(scope)").run()
    }

    func search(_ query: InventoryQuery, community: UUID, generation: Int, viewer: Viewer, me: UUID?, database: any SQLDatabase) async throws -> IndexResult {
        let key = ResultKey(query: query, listable: InventoryPolicy.listable(by: viewer), me: me)
        if let result = current(community, generation)?.results[key] { return result }
        let index = try await index(community: community, generation: generation, database: database)
        let groups = SearchText.queryTerms(query.text).isEmpty ? [] : try await expansion(database: database).groups(query.text)
        let matched = groups.isEmpty ? nil : try await FullTextSearchEngines.for(database).matchedRowids(groups, community: community, database: database)
        let result = index.search(query, viewer: viewer, me: me, matched: matched)
        remember(community, generation) { entry in
            if entry.results.count >= self.limit { entry.results.removeAll() }
            entry.results[key] = result
        }
        return result
    }

    /// Built once per state of the shared vocabulary (one count per search to know it).
    func expansion(database: any SQLDatabase) async throws -> QueryExpansion {
        let signature = try await VocabularyStore.expansionSignature(database)
        if let known = expansion.withLockedValue({ $0 }), known.signature == signature { return known.value }
        let built = QueryExpansion(try await VocabularyStore.expansionConcepts(database))
        expansion.withLockedValue { $0 = (signature, built) }
        return built
    }

    func page(_ key: PageKey, community: UUID, generation: Int) -> ByteBuffer? {
        current(community, generation)?.pages[key]
    }

    func remember(page body: ByteBuffer, for key: PageKey, community: UUID, generation: Int) {
        remember(community, generation) { entry in
            if entry.pages.count >= self.limit { entry.pages.removeAll() }
            entry.pages[key] = body
        }
    }

    private func current(_ community: UUID, _ generation: Int) -> Entry? {
        state.withLockedValue { $0.entries[community] }.flatMap { $0.generation == generation ? $0 : nil }
    }

    private func remember(_ community: UUID, _ generation: Int, _ change: (inout Entry) -> Void) {
        guard limit > 0 else { return }
        state.withLockedValue { state in
            guard state.entries[community]?.generation == generation else { return }
            change(&state.entries[community]!)
        }
    }

    private func index(community: UUID, generation: Int, database: any SQLDatabase) async throws -> InventoryIndex {
        if let index = current(community, generation)?.index { return index }
        let task: Task<InventoryIndex, any Error> = state.withLockedValue { state in
            if let loading = state.loading[community], loading.generation == generation { return loading.task }
            let task = Task { try await Self.load(community: community, database: database) }
            state.loading[community] = (generation, task)
            return task
        }
        let index = try await task.value
        state.withLockedValue { state in
            if state.loading[community]?.generation == generation { state.loading[community] = nil }
            // Labelled with the generation read before loading: a change landing meanwhile only
            // makes the next search load again.
            if state.entries[community].map({ $0.generation < generation }) ?? true {
                state.entries[community] = Entry(generation: generation, index: index)
            }
        }
        return index
    }

    /// One statement: each record's listing columns and its themes, joined into one string.
    static func load(community: UUID, database: any SQLDatabase) async throws -> InventoryIndex {
        let themes: SQLQueryString = database.dialect.name == "sqlite" ? "group_concat(th.theme, ' ')" : "string_agg(th.theme, ' ')"
        let rows = try await database.raw("""
            SELECT i.search_rowid, i.kind, i.visibility, i.title, i.updated_at, i.commune_code, i.neighbourhood, i.for_young, i.availability, i.person_id, i.created_by,
              (SELECT \(themes) FROM inventory_item_themes th WHERE th.item_id = i.id) AS themes
            FROM inventory_items i WHERE i.community_id = \(bind: community)
            """).all()
        return InventoryIndex(try rows.map { row in
            IndexedRecord(
                rowid: Int64(try row.decode(column: "search_rowid", as: Int.self)),
                kind: InventoryKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .need,
                visibility: Visibility(rawValue: try row.decode(column: "visibility", as: String.self)) ?? .coordinators,
                title: try row.decode(column: "title", as: String.self),
                commune: try row.decode(column: "commune_code", as: String?.self),
                neighbourhood: try row.decode(column: "neighbourhood", as: String?.self),
                young: try row.decode(column: "for_young", as: Bool.self),
                availability: try row.decode(column: "availability", as: String.self),
                themes: (try row.decode(column: "themes", as: String?.self) ?? "").split(separator: " ").map(String.init),
                person: try row.decode(column: "person_id", as: UUID?.self),
                creator: try row.decode(column: "created_by", as: UUID?.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self).timeIntervalSince1970)
        })
    }
}

extension Application {
    private struct InventoryCacheKey: StorageKey { typealias Value = InventoryCache }

    /// Created with the application (see `configure`).
    var inventoryCache: InventoryCache {
        get { storage[InventoryCacheKey.self]! }
        set { storage[InventoryCacheKey.self] = newValue }
    }
}
