import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import TerreauCore
import Vapor

/// Reads what matching needs from the database: every record of a community as a
/// `MatchRecord`, the vocabulary as a `SkillGraph`, which communes touch.
struct MatchingStore {
    let database: any Database
    var sql: any SQLDatabase { database as! any SQLDatabase }

    func records(community: UUID) async throws -> [MatchRecord] {
        let items = try await InventoryItemRecord.query(on: database).filter(\.$community.$id == community).sort(\.$createdAt).all()
        var skills: [UUID: [String]] = [:]
        for row in try await sql.raw("""
            SELECT s.item_id AS item, t.key AS key FROM inventory_item_skills s
            JOIN skill_terms t ON t.id = s.term_id JOIN inventory_items i ON i.id = s.item_id
            WHERE i.community_id = \(bind: community)
            """).all() {
            skills[try row.decode(column: "item", as: UUID.self), default: []].append(try row.decode(column: "key", as: String.self))
        }
        return items.map { item in
            let values = InventoryStore.decode(item.fields)
            let kind = InventoryKind(rawValue: item.kind) ?? .need
            let subtype = [InventoryField.needType, .offerType, .placeType, .equipmentType].compactMap { values[$0.rawValue] }.first ?? ""
            let text = [InventoryField.description, .skillsFree, .enjoys, .shares, .activities, .conditions].compactMap { values[$0.rawValue] }
                .joined(separator: "\n")
            return MatchRecord(
                id: item.id!, kind: kind, subtype: subtype, visibility: Visibility(rawValue: item.visibility) ?? .statistics, title: item.title,
                text: text, skills: skills[item.id!] ?? [], themes: (values["themes"] ?? "").split(separator: " ").map(String.init),
                commune: item.communeCode, neighbourhood: item.neighbourhood, availability: item.availability, young: item.forYoung,
                person: item.$person.id, creator: item.$createdBy.id, organisation: item.$organisation.id)
        }
    }

    /// The shared vocabulary and the community's own terms.
    func skillGraph(community: UUID) async throws -> SkillGraph {
        let terms = try await SkillTermRecord.query(on: database)
            .group(.or) { $0.filter(\.$community.$id == nil).filter(\.$community.$id == community) }.all()
        let keys = Dictionary(uniqueKeysWithValues: terms.map { ($0.id!, $0.key) })
        return SkillGraph(terms.map { term in
            SkillTerm(key: term.key, label: term.label, synonyms: term.synonymList, broader: term.broader.split(separator: " ").map(String.init),
                mergedInto: term.mergedInto.flatMap { keys[$0] }, isGroup: term.conceptType == "group")
        })
    }

    /// Changes when a term is added or merged: the graph is rebuilt then.
    func vocabularyVersion() async throws -> String {
        let row = try await sql.raw("SELECT COUNT(*) AS terms, COUNT(merged_into) AS merged FROM skill_terms").first()
        return "\(try row?.decode(column: "terms", as: Int.self) ?? 0)/\(try row?.decode(column: "merged", as: Int.self) ?? 0)"
    }
}

/// One `Matcher` per community, rebuilt when its inventory generation or the vocabulary moves
/// (the same signal the listing's index follows, see `InventoryCache`).
final class MatchingCache: Sendable {
    private struct Entry {
        var generation: Int
        var vocabulary: String
        var matcher: Matcher
    }

    private let entries = NIOLockedValueBox<[UUID: Entry]>([:])

    func matcher(community: UUID, request: Request) async throws -> Matcher {
        let store = MatchingStore(database: request.db)
        let generation = try await request.application.inventoryCache.generation(of: community, database: store.sql)
        let vocabulary = try await store.vocabularyVersion()
        if let entry = entries.withLockedValue({ $0[community] }), entry.generation == generation, entry.vocabulary == vocabulary {
            return entry.matcher
        }
        let matcher = Matcher(records: try await store.records(community: community), skills: try await store.skillGraph(community: community),
            neighbours: try await TerritoryStore(database: request.db).neighbours())
        entries.withLockedValue { $0[community] = Entry(generation: generation, vocabulary: vocabulary, matcher: matcher) }
        return matcher
    }
}

extension Application {
    private struct MatchingCacheKey: StorageKey { typealias Value = MatchingCache }

    /// Created with the application (see `configure`).
    var matchingCache: MatchingCache {
        get { storage[MatchingCacheKey.self]! }
        set { storage[MatchingCacheKey.self] = newValue }
    }
}
