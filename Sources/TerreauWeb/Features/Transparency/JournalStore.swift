import Fluent
import Foundation
import SQLKit
import TerreauCore

/// Appends to a community's journal and reads it back. Called by the stores that make public
/// acts, inside their transaction, so an act and its entry are written together or not at all.
struct JournalStore {
    let database: any Database

    func append(community: UUID, _ act: JournalAct, _ subject: JournalSubject, id: UUID?, summary: String, isPublic: Bool = true, now: Date) async throws {
        try await database.writing { database in
            let sql = database as! any SQLDatabase
            // One writer per community's chain: PostgreSQL locks the community's row until the
            // transaction ends; SQLite has a single writer. `NO KEY UPDATE`, not `UPDATE`: the
            // foreign-key checks of rows inserted earlier in the same transactions hold key-share
            // locks on that row, and a full `FOR UPDATE` queued behind them deadlocked with the
            // inventory's generation trigger under concurrent writers (finding F5).
            if sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT id FROM communities WHERE id = \(bind: community) FOR NO KEY UPDATE").run()
            }
            let last = try await JournalEntryRecord.query(on: database).filter(\.$community.$id == community).sort(\.$position, .descending).first()
            let entry = JournalEntry(position: (last?.position ?? 0) + 1, at: now, act: act, subject: subject, subjectID: id?.uuidString ?? "",
                                     summary: String(summary.prefix(300)), isPublic: isPublic)
            let record = JournalEntryRecord()
            record.$community.id = community
            record.position = entry.position
            record.recordedAt = Date(timeIntervalSince1970: entry.at.timeIntervalSince1970.rounded(.down))
            record.act = act.rawValue
            record.subject = subject.rawValue
            record.subjectID = entry.subjectID
            record.summary = entry.summary
            record.isPublic = isPublic
            record.hash = JournalChain.hash(entry, after: last?.hash ?? HashChain.genesis)
            try await record.create(on: database)
        }
    }

    func chain(of community: UUID) async throws -> [(entry: JournalEntry, hash: String)] {
        try await JournalEntryRecord.query(on: database).filter(\.$community.$id == community).sort(\.$position).all().map { ($0.entry, $0.hash) }
    }
}
