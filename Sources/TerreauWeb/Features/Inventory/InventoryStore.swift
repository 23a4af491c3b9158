import Fluent
import Foundation
import SQLKit
import TerreauCore

/// Writes inventory records. Every creation and change goes through `save`, which stores the
/// record, its search text, its skills and themes, and a revision — in one transaction.
struct InventoryStore {
    let database: any Database

    struct Draft {
        var kind: InventoryKind
        var values: [String: String]
        /// The vocabulary terms named by the `skills` field, already resolved.
        var terms: [SkillTermRecord]
        var person: UUID? = nil
        var organisation: UUID? = nil
        /// Entered in an interview: the interviewer authors the first revision but is not the
        /// record's creator, so their access ends with their assignment.
        var enteredInInterview = false
        /// Skills the vocabulary does not know yet, which the author asked to propose: they become
        /// the community's terms in the record's own transaction (a refused form leaves none).
        var proposedSkills: [String] = []
    }

    static func decode(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    static func encode(_ values: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(values)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The text the search index holds for a record: every text field, the skills with their
    /// synonyms (so « vélo » finds « réparer des bicyclettes »), and the themes' keys.
    static func searchDocument(_ values: [String: String], terms: [SkillTermRecord]) -> String {
        let text = InventoryField.allCases.filter {
            switch $0.input {
            case .line, .text, .skills, .multiChoice: return true
            default: return false
            }
        }.map { values[$0.rawValue] ?? "" }
        return SearchText.document(text + terms.flatMap { [$0.label] + $0.synonymList })
    }

    func create(_ draft: Draft, community: UUID, author: UUID?, summary: String, now: Date) async throws -> InventoryItemRecord {
        let item = InventoryItemRecord()
        item.$community.id = community
        item.kind = draft.kind.rawValue
        item.$person.id = draft.person
        item.$organisation.id = draft.organisation
        item.$createdBy.id = draft.enteredInInterview ? nil : author
        item.version = 0
        item.createdAt = now
        item.searchRowID = Int.random(in: 1...(1 << 53))
        try await save(item, draft: draft, author: author, summary: summary, now: now, revertedTo: nil, isNew: true)
        return item
    }

    /// Stores a new version. `expectedVersion` is the version the form was opened at: when
    /// someone saved in between, nothing is written and `Conflict` says what changed (R9).
    func update(_ item: InventoryItemRecord, draft: Draft, expectedVersion: Int, author: UUID?, summary: String, now: Date,
                revertedTo: Int? = nil) async throws {
        guard item.version == expectedVersion else { throw Conflict(currentVersion: item.version) }
        try await save(item, draft: draft, author: author, summary: summary, now: now, revertedTo: revertedTo, isNew: false)
    }

    struct Conflict: Error { var currentVersion: Int }

    private func save(_ item: InventoryItemRecord, draft: Draft, author: UUID?, summary: String, now: Date, revertedTo: Int?, isNew: Bool) async throws {
        let previous = isNew ? [:] : Self.decode(item.fields)
        let values = draft.values
        Self.apply(draft, to: item, now: now)
        let expected = item.version
        item.version = expected + 1
        let changes = Revisions.diff(previous, values, order: draft.kind.fields)
        try await database.writing { database in
            if isNew {
                try await item.create(on: database)
            } else {
                // Compare-and-set: a concurrent save between our read and this write loses nothing.
                let sql = database as! any SQLDatabase
                let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
                let current = try await sql.raw("SELECT version FROM inventory_items WHERE id = \(bind: item.id!)\(lock)").first()?
                    .decode(column: "version", as: Int.self)
                guard current == expected else { throw Conflict(currentVersion: current ?? expected) }
                try await item.update(on: database)
            }
            let id = item.id!
            try await InventoryItemSkillRecord.query(on: database).filter(\.$item.$id == id).delete()
            try await InventoryItemThemeRecord.query(on: database).filter(\.$item.$id == id).delete()
            var proposed: [SkillTermRecord] = []
            if let author {
                for label in draft.proposedSkills {
                    proposed.append(try await VocabularyStore(database: database).propose(label, synonyms: [], community: item.$community.id, by: author, now: now))
                }
            }
            let termIDs = Array(Set((draft.terms + proposed).compactMap(\.id)))
            if !termIDs.isEmpty { try await termIDs.map { InventoryItemSkillRecord(itemID: id, termID: $0) }.create(on: database) }
            let themes = Self.themes(values)
            if !themes.isEmpty { try await themes.map { InventoryItemThemeRecord(itemID: id, theme: $0) }.create(on: database) }
            let revision = Self.revision(item: id, version: item.version, author: author, summary: summary, now: now, values: values,
                changes: changes, revertedTo: revertedTo)
            try await revision.create(on: database)
            try await JournalStore(database: database).append(community: item.$community.id, isNew ? .created : .edited, .inventory, id: id,
                summary: item.title, isPublic: item.visibility == Visibility.public.rawValue, now: now)
        }
    }

    /// Many new records at once (demo content, benchmark data): the same rows `create` writes,
    /// inserted in batches inside one transaction.
    func insert(_ drafts: [Draft], community: UUID, author: UUID?, summary: String, now: Date) async throws {
        try await database.writing { database in
            for start in stride(from: 0, to: drafts.count, by: 250) {
                var items: [InventoryItemRecord] = [], skills: [InventoryItemSkillRecord] = [], themes: [InventoryItemThemeRecord] = []
                var revisions: [InventoryRevisionRecord] = []
                for draft in drafts[start..<min(start + 250, drafts.count)] {
                    let item = InventoryItemRecord()
                    let id = UUID()
                    item.id = id
                    item.$community.id = community
                    item.kind = draft.kind.rawValue
                    item.$person.id = draft.person
                    item.$organisation.id = draft.organisation
                    item.$createdBy.id = author
                    item.createdAt = now
                    item.searchRowID = Int.random(in: 1...(1 << 53))
                    Self.apply(draft, to: item, now: now)
                    item.version = 1
                    items.append(item)
                    skills += Set(draft.terms.compactMap(\.id)).map { InventoryItemSkillRecord(itemID: id, termID: $0) }
                    themes += Self.themes(draft.values).map { InventoryItemThemeRecord(itemID: id, theme: $0) }
                    revisions.append(Self.revision(item: id, version: 1, author: author, summary: summary, now: now, values: draft.values,
                        changes: Revisions.diff([:], draft.values, order: draft.kind.fields), revertedTo: nil))
                }
                try await items.create(on: database)
                if !skills.isEmpty { try await skills.create(on: database) }
                if !themes.isEmpty { try await themes.create(on: database) }
                try await revisions.create(on: database)
            }
            if !drafts.isEmpty {
                try await JournalStore(database: database).append(community: community, .imported, .inventory, id: nil, summary: String(drafts.count), now: now)
            }
        }
    }

    /// The skills field: vocabulary labels, one per line.
    static func skillLines(_ values: [String: String]) -> [String] {
        (values[InventoryField.skills.rawValue] ?? "").split(separator: "\n").map(String.init)
    }

    static func themes(_ values: [String: String]) -> [String] {
        Array(Set((values[InventoryField.themes.rawValue] ?? "").split(separator: " ").map(String.init))).sorted()
    }

    /// Copies the values into the record's columns and search text.
    static func apply(_ draft: Draft, to item: InventoryItemRecord, now: Date) {
        let values = draft.values
        item.title = values[InventoryField.title.rawValue] ?? ""
        item.visibility = values[InventoryField.visibility.rawValue] ?? draft.kind.defaultVisibility.rawValue
        item.communeCode = (values[InventoryField.commune.rawValue]).flatMap { $0.isEmpty ? nil : $0 }
        item.neighbourhood = (values[InventoryField.neighbourhood.rawValue]).flatMap { $0.isEmpty ? nil : $0 }
        item.forYoung = values[InventoryField.forYoung.rawValue] == "yes"
            || (draft.kind == .offer && ["internship", "volunteering"].contains(values[InventoryField.offerType.rawValue] ?? ""))
        item.availability = values[InventoryField.availability.rawValue] ?? ""
        item.fields = encode(values)
        item.searchText = searchDocument(values, terms: draft.terms)
        item.updatedAt = now
    }

    static func revision(item: UUID, version: Int, author: UUID?, summary: String, now: Date, values: [String: String],
                         changes: [FieldChange], revertedTo: Int?) -> InventoryRevisionRecord {
        let revision = InventoryRevisionRecord()
        revision.$item.id = item
        revision.version = version
        revision.$author.id = author
        revision.createdAt = now
        revision.summary = summary
        revision.snapshot = encode(values)
        revision.changes = String(decoding: (try? JSONEncoder().encode(changes)) ?? Data("[]".utf8), as: UTF8.self)
        revision.revertedTo = revertedTo
        return revision
    }

    func revisions(of item: UUID) async throws -> [InventoryRevisionRecord] {
        try await InventoryRevisionRecord.query(on: database).filter(\.$item.$id == item).with(\.$author).sort(\.$version, .descending).all()
    }

    func revision(of item: UUID, version: Int) async throws -> InventoryRevisionRecord? {
        try await InventoryRevisionRecord.query(on: database).filter(\.$item.$id == item).filter(\.$version == version).with(\.$author).first()
    }

    /// The community's records whose neighbourhood does not cover their commune, with the
    /// repair each needs. With `apply`, each is saved again as a new revision (`summary`) with
    /// the neighbourhood repaired — its person, organisation and skills untouched.
    func placeRepairs(community: UUID, places: CommunityPlaces, apply: Bool, summary: String, now: Date) async throws -> [(item: InventoryItemRecord, repair: PlaceRepair)] {
        let items = try await InventoryItemRecord.query(on: database).filter(\.$community.$id == community).filter(\.$neighbourhood != nil)
            .sort(\.$createdAt).all()
        var repairs: [(item: InventoryItemRecord, repair: PlaceRepair)] = []
        for item in items {
            guard let repair = PlaceRepair.needed(commune: item.communeCode, neighbourhood: item.neighbourhood,
                                                  neighbourhoodCommunes: places.neighbourhoodCommunes),
                  let kind = InventoryKind(rawValue: item.kind) else { continue }
            repairs.append((item, repair))
            guard apply else { continue }
            var values = Self.decode(item.fields)
            switch repair {
            case .move(let slug): values[InventoryField.neighbourhood.rawValue] = slug
            case .clear: values[InventoryField.neighbourhood.rawValue] = ""
            }
            try await update(item, draft: Draft(kind: kind, values: values, terms: try await terms(of: item.id!)),
                             expectedVersion: item.version, author: nil, summary: summary, now: now)
        }
        return repairs
    }

    func terms(of item: UUID) async throws -> [SkillTermRecord] {
        try await InventoryItemSkillRecord.query(on: database).filter(\.$item.$id == item).with(\.$term).all().map(\.term)
    }

    /// Everyone who wrote a version, first contribution first.
    func coAuthors(of item: UUID) async throws -> [PersonRecord] {
        var seen = Set<UUID>()
        return try await revisions(of: item).reversed().compactMap(\.author).filter { seen.insert($0.id!).inserted }
    }
}
