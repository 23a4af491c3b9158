import Fluent
import Foundation
import SQLKit
import TerreauCore

/// Freezes the published diagnostic: the figures of the moment (an edition's snapshot), the
/// decisions that may stand behind a new edition, the edition itself with its journal entry.
struct DiagnosticStore {
    let database: any Database

    func snapshot(_ community: CommunityRecord) async throws -> DiagnosticSnapshot {
        let sql = database as! any SQLDatabase, id = community.id!
        func count(_ query: SQLQueryString) async throws -> Int {
            try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        var figures: [DiagnosticSnapshot.Figure] = []
        figures.append(.init(key: "portraits", value: try await count(
            "SELECT COUNT(*) AS n FROM inventory_items WHERE community_id = \(bind: id) AND kind = 'portrait' AND visibility <> 'coordinators'")))
        figures.append(.init(key: "organisations", value: try await count("SELECT COUNT(*) AS n FROM organisations WHERE community_id = \(bind: id)")))
        for kind in ["place", "equipment", "offer", "need"] {
            figures.append(.init(key: kind, value: try await count(
                "SELECT COUNT(*) AS n FROM inventory_items WHERE community_id = \(bind: id) AND kind = \(bind: kind) AND visibility = 'public'")))
        }
        figures.append(.init(key: "connections", value: try await count(
            "SELECT COUNT(*) AS n FROM connections WHERE community_id = \(bind: id) AND status = 'accepted'")))
        figures.append(.init(key: "proposals", value: try await count("SELECT COUNT(*) AS n FROM proposals WHERE community_id = \(bind: id)")))
        figures.append(.init(key: "decisions", value: try await count(
            "SELECT COUNT(*) AS n FROM decisions WHERE community_id = \(bind: id) AND phase = 'closed'")))
        figures.append(.init(key: "interviews", value: try await count("SELECT COUNT(*) AS n FROM interviews WHERE community_id = \(bind: id)")))

        // Coverage by commune, no count under five people.
        let rows = try await sql.raw("""
            SELECT commune_code AS code, COUNT(*) AS n FROM inventory_items
            WHERE community_id = \(bind: id) AND kind = 'portrait' AND visibility <> 'coordinators' AND commune_code IS NOT NULL GROUP BY commune_code
            """).all()
        var portraits: [String: Int] = [:]
        for row in rows { portraits[try row.decode(column: "code", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        let territory = try await CommunityTerritory.load(community, on: database)
        let coverage = territory.communes.map {
            DiagnosticSnapshot.CommuneCoverage(code: $0.code, name: $0.name, population: $0.population, portraits: SmallCells.publishable(portraits[$0.code] ?? 0))
        }
        let themes = try await sql.raw("""
            SELECT t.theme AS theme, COUNT(*) AS n FROM inventory_item_themes t JOIN inventory_items i ON i.id = t.item_id
            WHERE i.community_id = \(bind: id) AND i.visibility = 'public' GROUP BY t.theme ORDER BY n DESC, t.theme
            """).all().map { DiagnosticSnapshot.Figure(key: try $0.decode(column: "theme", as: String.self), value: try $0.decode(column: "n", as: Int.self)) }
        let uncovered = try await sql.raw("""
            SELECT title FROM inventory_items i WHERE i.community_id = \(bind: id) AND i.kind = 'need' AND i.visibility = 'public'
              AND NOT EXISTS (SELECT 1 FROM connections c WHERE (c.about_id = i.id OR c.item_id = i.id) AND c.status = 'accepted')
            ORDER BY i.title LIMIT 40
            """).all().map { try $0.decode(column: "title", as: String.self) }
        let proposals = try await ProposalRecord.query(on: database).filter(\.$community.$id == id).sort(\.$createdAt).limit(200).all()
        let answers = Dictionary(try await RegisterEntryRecord.query(on: database).filter(\.$proposal.$id ~~ proposals.compactMap(\.id)).all()
            .map { ($0.$proposal.id, $0.status) }, uniquingKeysWith: { first, _ in first })

        // Contributors: who wrote an inventory version, a proposal or an argument here.
        let people = try await sql.raw("""
            SELECT p.display_name AS name, p.profile_visibility AS visibility FROM people p WHERE p.erased_at IS NULL AND p.id IN (
              SELECT r.author_id FROM inventory_revisions r JOIN inventory_items i ON i.id = r.item_id WHERE i.community_id = \(bind: id)
              UNION SELECT author_id FROM proposals WHERE community_id = \(bind: id)
              UNION SELECT c.author_id FROM comments c JOIN proposals q ON q.id = c.proposal_id WHERE q.community_id = \(bind: id))
            """).all()
        var named: [String] = [], others = 0
        for row in people {
            if try row.decode(column: "visibility", as: String.self) == Visibility.public.rawValue {
                named.append(try row.decode(column: "name", as: String.self))
            } else { others += 1 }
        }
        figures.append(.init(key: "contributors", value: people.count))
        return DiagnosticSnapshot(figures: figures, coverage: coverage, themes: themes, uncoveredNeeds: uncovered,
            proposals: proposals.map { .init(title: $0.title, status: $0.status, answer: answers[$0.id!]) },
            coauthors: named.sorted { $0.compare($1, options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR")) == .orderedAscending },
            otherContributors: others)
    }

    /// Closed decisions of kind `publication`, adopted, not yet behind an edition.
    func eligible(_ community: CommunityRecord) async throws -> [DecisionRecord] {
        let used = Set(try await DiagnosticEditionRecord.query(on: database).filter(\.$community.$id == community.id!).all().map(\.$decision.id))
        return try await DecisionRecord.query(on: database).filter(\.$community.$id == community.id!).filter(\.$kind == DecisionKind.publication.rawValue)
            .filter(\.$phase == DecisionPhase.closed.rawValue).sort(\.$closedAt, .descending).all().filter { decision in
                guard !used.contains(decision.id!), let result = decision.result,
                      let report = try? JSONDecoder().decode(TallyReport.self, from: Data(result.utf8)) else { return false }
                return report.outcome == .adopted
            }
    }

    func publish(_ community: CommunityRecord, decision: DecisionRecord, by person: UUID?, now: Date) async throws -> DiagnosticEditionRecord {
        let content = try await snapshot(community)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let edition = DiagnosticEditionRecord()
        try await database.writing { database in
            let last = try await DiagnosticEditionRecord.query(on: database).filter(\.$community.$id == community.id!).sort(\.$number, .descending).first()
            edition.$community.id = community.id!
            edition.number = (last?.number ?? 0) + 1
            edition.$decision.id = decision.id!
            edition.snapshot = String(decoding: try encoder.encode(content), as: UTF8.self)
            edition.$publishedBy.id = person
            edition.publishedAt = now
            try await edition.create(on: database)
            try await JournalStore(database: database).append(community: community.id!, .published, .edition, id: edition.id,
                                                              summary: "n° \(edition.number)", now: now)
        }
        return edition
    }
}
