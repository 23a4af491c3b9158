import Fluent
import Foundation
import SQLKit
import TerreauCore

/// The skills vocabulary in the database: importing ESCO and the everyday list, looking terms up
/// by what people type, proposals and merges.
struct VocabularyStore {
    let database: any Database
    var sql: any SQLDatabase { database as! any SQLDatabase }

    /// The vocabulary shipped in `Resources/Vocabulary` (the resources directory ends in `Resources/`) (ESCO French export + everyday list).
    static func shipped(resources: String) throws -> [VocabularyEntry] {
        let directory = resources + "Vocabulary/"
        func file(_ name: String) throws -> SourceFile {
            SourceFile(name: name, data: try Data(contentsOf: URL(fileURLWithPath: directory + name)))
        }
        return try entries(escoDirectory: directory, everyday: file("everyday-fr.csv"))
    }

    static func entries(escoDirectory: String, everyday: SourceFile) throws -> [VocabularyEntry] {
        func file(_ name: String) throws -> SourceFile {
            let path = escoDirectory.hasSuffix("/") ? escoDirectory + name : escoDirectory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ImportFailure(issues: [ImportIssue(file: path, message: "fichier introuvable.")])
            }
            return SourceFile(name: name, data: data)
        }
        let esco = try VocabularyParser.esco(skills: file("skills_fr.csv"), groups: file("skillGroups_fr.csv"),
            broader: file("broaderRelationsSkillPillar.csv"))
        return esco + (try VocabularyParser.everyday(everyday, esco: esco))
    }

    /// The shared vocabulary's wordings, for search's equivalent words (`QueryExpansion`). A
    /// community's own proposals are left out: their words are not the whole platform's.
    static func expansionConcepts(_ sql: any SQLDatabase) async throws -> [[String]] {
        try await sql.raw("SELECT label, synonyms FROM skill_terms WHERE community_id IS NULL AND merged_into IS NULL").all().map { row in
            [try row.decode(column: "label", as: String.self)] + (try row.decode(column: "synonyms", as: String.self)).split(separator: "\n").map(String.init)
        }
    }

    /// Changes when a shared term is added or merged: the expansion is built again then.
    static func expansionSignature(_ sql: any SQLDatabase) async throws -> String {
        let row = try await sql.raw("SELECT COUNT(*) AS n, COUNT(merged_into) AS m FROM skill_terms WHERE community_id IS NULL").first()
        return "\(try row?.decode(column: "n", as: Int.self) ?? 0)-\(try row?.decode(column: "m", as: Int.self) ?? 0)"
    }

    /// Adds the entries whose key is not stored yet, in one transaction; returns how many.
    @discardableResult
    func importShared(_ entries: [VocabularyEntry], now: Date) async throws -> Int {
        try await database.writing { database in
            let sql = database as! any SQLDatabase
            let existing = Set(try await sql.raw("SELECT key FROM skill_terms").all().map { try $0.decode(column: "key", as: String.self) })
            let fresh = entries.filter { !existing.contains($0.key) }
            for chunk in stride(from: 0, to: fresh.count, by: 400).map({ Array(fresh[$0..<min($0 + 400, fresh.count)]) }) {
                var terms: [SkillTermRecord] = []
                var labels: [SkillLabelRecord] = []
                for entry in chunk {
                    let term = Self.record(entry, community: nil, proposedBy: nil, now: now)
                    term.id = UUID()
                    terms.append(term)
                    labels += Self.labelRecords(for: term)
                }
                try await terms.create(on: database)
                try await labels.create(on: database)
            }
            return fresh.count
        }
    }

    static func record(_ entry: VocabularyEntry, community: UUID?, proposedBy: UUID?, now: Date) -> SkillTermRecord {
        let term = SkillTermRecord()
        term.$community.id = community
        term.key = entry.key
        term.label = entry.label
        term.synonyms = entry.synonyms.joined(separator: "\n")
        term.source = entry.source.rawValue
        term.conceptType = entry.conceptType
        term.broader = entry.broader.joined(separator: " ")
        term.description = entry.description
        term.searchText = SearchText.document([entry.label] + entry.synonyms)
        term.$proposedBy.id = proposedBy
        term.createdAt = now
        return term
    }

    static func labelRecords(for term: SkillTermRecord) -> [SkillLabelRecord] {
        Set(([term.label] + term.synonymList).map(SearchText.fold)).sorted().map { folded in
            let label = SkillLabelRecord()
            label.$term.id = term.id!
            label.folded = folded
            return label
        }
    }

    /// Terms visible in a community: the shared vocabulary and the community's own proposals.
    private func visible(in community: UUID) -> SQLQueryString {
        "(t.community_id IS NULL OR t.community_id = \(bind: community)) AND t.merged_into IS NULL"
    }

    /// Every term a community may pick (the field apps' skills file), by label.
    func pickable(in community: UUID) async throws -> [(id: UUID, label: String, source: String, conceptType: String)] {
        try await sql.raw("""
            SELECT t.id, t.label, t.source, t.concept_type FROM skill_terms t WHERE \(visible(in: community)) ORDER BY t.label, t.id
            """).all().map {
            (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "label", as: String.self),
             try $0.decode(column: "source", as: String.self), try $0.decode(column: "concept_type", as: String.self))
        }
    }

    /// The labels of terms named by id (a field app sends ids), only those visible here.
    func labels(of ids: [UUID], community: UUID) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.raw("SELECT t.id, t.label FROM skill_terms t WHERE t.id IN (\(binds: ids)) AND \(visible(in: community))").all()
        return Dictionary(try rows.map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "label", as: String.self)) },
                          uniquingKeysWith: { first, _ in first })
    }

    /// A portrait's skills as typed: those the vocabulary knows become its labels (and terms),
    /// the others join the free-text know-how in the person's own words — an interview or a
    /// newcomer never gets stuck on the vocabulary.
    func portraitSkills(_ values: [String: String], community: UUID) async throws -> (values: [String: String], terms: [SkillTermRecord]) {
        var values = values
        let typed = InventoryStore.skillLines(values)
        let resolved = try await resolve(typed, community: community)
        values[InventoryField.skills.rawValue] = typed.compactMap { resolved.found[$0]?.label }.joined(separator: "\n")
        values[InventoryField.skillsFree.rawValue] = ([values[InventoryField.skillsFree.rawValue] ?? ""] + resolved.unknown)
            .filter { !$0.isEmpty }.joined(separator: "\n")
        return (values, Array(resolved.found.values))
    }

    /// What people typed, matched exactly (accents and case aside) against labels and synonyms.
    /// A merged term resolves to the one it was merged into.
    func resolve(_ typed: [String], community: UUID) async throws -> (found: [String: SkillTermRecord], unknown: [String]) {
        let folded = Dictionary(typed.map { (SearchText.fold($0), $0) }, uniquingKeysWith: { first, _ in first })
        guard !folded.isEmpty else { return ([:], []) }
        let rows = try await sql.raw("""
            SELECT l.folded, t.id FROM skill_labels l JOIN skill_terms t ON t.id = l.term_id
            WHERE l.folded IN (\(binds: Array(folded.keys))) AND \(visible(in: community))
            ORDER BY CASE t.source WHEN 'everyday' THEN 0 WHEN 'esco' THEN 1 ELSE 2 END
            """).all()
        var idByFolded: [String: UUID] = [:]
        for row in rows {
            let key = try row.decode(column: "folded", as: String.self)
            if idByFolded[key] == nil { idByFolded[key] = try row.decode(column: "id", as: UUID.self) }
        }
        let terms = try await SkillTermRecord.query(on: database).filter(\.$id ~~ Array(Set(idByFolded.values))).all()
        let byID = Dictionary(uniqueKeysWithValues: terms.map { ($0.id!, $0) })
        var found: [String: SkillTermRecord] = [:]
        var unknown: [String] = []
        for original in typed {
            if let id = idByFolded[SearchText.fold(original)], let term = byID[id] { found[original] = term } else { unknown.append(original) }
        }
        return (found, unknown)
    }

    /// Plain search for the vocabulary page and the form's suggestions: every query word must
    /// start a word of the label or a synonym; best matches first.
    func search(_ query: String, community: UUID, limit: Int = 20) async throws -> [SkillTermRecord] {
        let words = SearchText.queryTerms(query)
        guard !words.isEmpty else { return [] }
        var condition = visible(in: community)
        for word in words { condition = "\(condition) AND (' ' || t.search_text) LIKE \(bind: "% " + word + "%")" }
        let ids = try await sql.raw("SELECT t.id FROM skill_terms t WHERE \(condition) LIMIT 400").all()
            .map { try $0.decode(column: "id", as: UUID.self) }
        let terms = try await SkillTermRecord.query(on: database).filter(\.$id ~~ ids).all()
        return terms.compactMap { term in
            VocabularyParser.rank(query: query, label: term.label, synonyms: term.synonymList).map { (term, $0) }
        }.sorted { ($0.1, $0.0.label.count, $0.0.label) < ($1.1, $1.0.label.count, $1.0.label) }.prefix(limit).map(\.0)
    }

    /// A member proposes a term for their community; usable at once, shown as « proposé ».
    func propose(_ label: String, synonyms: [String], community: UUID, by person: UUID, now: Date) async throws -> SkillTermRecord {
        try await database.writing { database in
            let id = UUID()
            let term = Self.record(VocabularyEntry(key: "proposed:" + id.uuidString.lowercased(), label: label, synonyms: synonyms,
                source: .proposed, conceptType: "skill"), community: community, proposedBy: person, now: now)
            term.id = id
            try await term.create(on: database)
            try await Self.labelRecords(for: term).create(on: database)
            return term
        }
    }

    /// A coordinator merges `term` into `target`: its label and synonyms become the target's
    /// synonyms, everything that held it now holds the target, and its page points there.
    func merge(_ term: SkillTermRecord, into target: SkillTermRecord) async throws {
        try await database.writing { database in
            let sql = database as! any SQLDatabase
            var synonyms = target.synonymList
            for label in [term.label] + term.synonymList where label != target.label && !synonyms.contains(label) { synonyms.append(label) }
            target.synonyms = synonyms.joined(separator: "\n")
            target.searchText = SearchText.document([target.label] + synonyms)
            try await target.update(on: database)
            try await sql.raw("""
                DELETE FROM inventory_item_skills WHERE term_id = \(bind: term.id!)
                AND item_id IN (SELECT item_id FROM inventory_item_skills WHERE term_id = \(bind: target.id!))
                """).run()
            try await sql.raw("UPDATE inventory_item_skills SET term_id = \(bind: target.id!) WHERE term_id = \(bind: term.id!)").run()
            try await SkillLabelRecord.query(on: database).filter(\.$term.$id ~~ [term.id!, target.id!]).delete()
            try await Self.labelRecords(for: target).create(on: database)
            term.mergedInto = target.id
            try await term.update(on: database)
        }
    }

    /// Terms one step above and below in the hierarchy.
    func neighbours(of term: SkillTermRecord) async throws -> (broader: [SkillTermRecord], narrower: [SkillTermRecord]) {
        let broaderKeys = term.broader.split(separator: " ").map(String.init)
        let broader = broaderKeys.isEmpty ? [] : try await SkillTermRecord.query(on: database).filter(\.$key ~~ broaderKeys).all()
        let narrower = try await SkillTermRecord.query(on: database).filter(\.$broader, .custom("LIKE"), "%" + term.key + "%")
            .filter(\.$mergedInto == nil).sort(\.$label).limit(30).all()
        return (broader, narrower)
    }
}
