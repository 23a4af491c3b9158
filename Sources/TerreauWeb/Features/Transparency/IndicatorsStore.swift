import Fluent
import Foundation
import SQLKit
import TerreauCore

/// The facts the indicators of success are computed from, read from the community's records.
struct IndicatorsStore {
    let database: any Database

    func facts(_ community: CommunityRecord) async throws -> IndicatorFacts {
        let sql = database as! any SQLDatabase, id = community.id!
        var facts = IndicatorFacts()
        facts.connections = try await sql.raw("""
            SELECT requester_id AS a, recipient_id AS b, decided_at AS at FROM connections
            WHERE community_id = \(bind: id) AND status = 'accepted' AND decided_at IS NOT NULL
            """).all().map { .init(try $0.decode(column: "a", as: UUID.self), try $0.decode(column: "b", as: UUID.self), at: try $0.decode(column: "at", as: Date.self)) }

        // Collective memberships (the founder's included), history kept: who joined, and when.
        var joined: [UUID: [(organisation: UUID, at: Date)]] = [:]
        for row in try await sql.raw("""
            SELECT m.collective_id AS collective, m.organisation_id AS organisation, m.joined_at AS at FROM collective_members m
            JOIN organisations o ON o.id = m.collective_id WHERE o.community_id = \(bind: id) AND m.joined_at IS NOT NULL
            """).all() {
            joined[try row.decode(column: "collective", as: UUID.self), default: []]
                .append((try row.decode(column: "organisation", as: UUID.self), try row.decode(column: "at", as: Date.self)))
        }
        for members in joined.values {
            let sorted = members.sorted { $0.at < $1.at }
            // Formed when a second organisation joins its founder.
            if sorted.count > 1 { facts.collectivesFormed.append(sorted[1].at) }
            // Each pair became partners when the later of the two joined.
            facts.partnerships += Self.pairs(sorted).map { .init($0.organisation, $1.organisation, at: $1.at) }
        }
        var organisers: [UUID: [UUID]] = [:], eventDays: [UUID: Date] = [:]
        for row in try await sql.raw("""
            SELECT e.id AS event, e.starts_at AS at, o.organisation_id AS organisation FROM event_organisers o
            JOIN events e ON e.id = o.event_id WHERE e.community_id = \(bind: id) AND o.role = 'organiser' AND e.cancelled = \(bind: false)
            """).all() {
            let event = try row.decode(column: "event", as: UUID.self)
            organisers[event, default: []].append(try row.decode(column: "organisation", as: UUID.self))
            eventDays[event] = try row.decode(column: "at", as: Date.self)
        }
        for (event, together) in organisers { facts.partnerships += Self.pairs(together).map { .init($0, $1, at: eventDays[event]!) } }
        for row in try await sql.raw("SELECT id, created_at AS at FROM organisations WHERE community_id = \(bind: id) AND kind <> 'collective'").all() {
            facts.organisations[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "at", as: Date.self)
        }

        facts.portraits = try await sql.raw("""
            SELECT created_at AS at FROM inventory_items WHERE community_id = \(bind: id) AND kind = 'portrait' AND visibility <> 'coordinators'
            """).all().map { try $0.decode(column: "at", as: Date.self) }
        let territory = try await CommunityTerritory.load(community, on: database)
        facts.populations = Dictionary(territory.communes.compactMap { commune in commune.population.map { (commune.code, $0) } }, uniquingKeysWith: { first, _ in first })

        // Contributors — who wrote an inventory version, a proposal or an argument here, as the
        // diagnostic's co-authors — with their actor kind and what their portrait says of them.
        var since: [UUID: Date] = [:]
        for row in try await sql.raw("""
            SELECT r.author_id AS person, r.created_at AS at FROM inventory_revisions r JOIN inventory_items i ON i.id = r.item_id
              WHERE i.community_id = \(bind: id) AND r.author_id IS NOT NULL
            UNION ALL SELECT author_id, created_at FROM proposals WHERE community_id = \(bind: id) AND author_id IS NOT NULL
            UNION ALL SELECT c.author_id, c.created_at FROM comments c JOIN proposals q ON q.id = c.proposal_id
              WHERE q.community_id = \(bind: id) AND c.author_id IS NOT NULL
            """).all() {
            let person = try row.decode(column: "person", as: UUID.self), at = try row.decode(column: "at", as: Date.self)
            if since[person].map({ at < $0 }) ?? true { since[person] = at }
        }
        let kinds = Dictionary(try await MembershipRecord.query(on: database).filter(\.$community.$id == id).all()
            .map { ($0.$person.id, $0.actorKind) }, uniquingKeysWith: { first, _ in first })
        var portraits: [UUID: (commune: String?, ageBand: String?)] = [:]
        for item in try await InventoryItemRecord.query(on: database).filter(\.$community.$id == id).filter(\.$kind == InventoryKind.portrait.rawValue)
            .filter(\.$visibility != Visibility.coordinators.rawValue).filter(\.$person.$id != nil).all() {
            let fields = (try? JSONDecoder().decode([String: String].self, from: Data(item.fields.utf8))) ?? [:]
            portraits[item.$person.id!] = (item.communeCode, fields[InventoryField.ageBand.rawValue].flatMap { $0.isEmpty ? nil : $0 })
        }
        // People erased since keep no trace here: their contributions are anonymous.
        let erased = Set(try await PersonRecord.query(on: database).filter(\.$id ~~ Array(since.keys)).filter(\.$erasedAt != nil).all().compactMap(\.id))
        facts.contributors = since.filter { !erased.contains($0.key) }.map { person, at in
            .init(since: at, actorKind: kinds[person] ?? "", communeCode: portraits[person]?.commune, ageBand: portraits[person]?.ageBand)
        }

        facts.requests = try await sql.raw("""
            SELECT e.deposited_at AS deposited, (SELECT MIN(v.at) FROM register_events v WHERE v.entry_id = e.id AND v.status IN ('acceptee', 'refusee')) AS answered
            FROM register_entries e JOIN proposals p ON p.id = e.proposal_id WHERE p.community_id = \(bind: id)
            """).all().map { .init(depositedAt: try $0.decode(column: "deposited", as: Date.self), answeredAt: try $0.decode(column: "answered", as: Date?.self)) }
        facts.answerDelayDays = try await DecisionStore(database: database).governance(of: id).answerDelayDays
        return facts
    }

    /// Every two items of a list, each pair once, in the list's order.
    static func pairs<Item>(_ items: [Item]) -> [(Item, Item)] {
        items.indices.flatMap { first in items[(first + 1)...].map { (items[first], $0) } }
    }
}
