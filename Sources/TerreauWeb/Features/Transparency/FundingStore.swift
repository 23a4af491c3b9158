import Fluent
import Foundation
import TerreauCore

/// Writes the ledger of means: each line versioned, with its revisions and journal entries.
struct FundingStore {
    let database: any Database

    /// One transaction: the line (new version), its revision, its journal entry.
    func save(_ entry: FundingEntryRecord, isNew: Bool, reason: String, by person: UUID, now: Date) async throws {
        try await database.writing { database in
            entry.version = isNew ? 1 : entry.version + 1
            entry.updatedAt = now
            if isNew { try await entry.create(on: database) } else { try await entry.update(on: database) }
            let revision = FundingRevisionRecord()
            revision.$entry.id = entry.id!
            revision.version = entry.version
            revision.snapshot = Self.snapshot(entry)
            revision.reason = reason
            revision.$author.id = person
            revision.createdAt = now
            try await revision.create(on: database)
            try await JournalStore(database: database).append(community: entry.$community.id, isNew ? .created : .edited, .funding, id: entry.id,
                                                              summary: entry.contributor, now: now)
        }
    }

    static func snapshot(_ entry: FundingEntryRecord) -> String {
        let object: [String: Any?] = ["kind": entry.kind, "contributor": entry.contributor, "organisation": entry.$organisation.id?.uuidString,
                                       "amount": entry.amount, "hours": entry.hours, "description": entry.description,
                                       "received_on": CalendarDay.format(entry.receivedOn)]
        let data = (try? JSONSerialization.data(withJSONObject: object.compactMapValues { $0 }, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
