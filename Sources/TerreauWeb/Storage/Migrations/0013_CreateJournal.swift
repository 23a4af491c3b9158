import Fluent
import TerreauCore
import Vapor

struct CreateJournal: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(JournalEntryRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("recorded_at", .datetime, .required)
            .field("act", .string, .required)
            .field("subject", .string, .required)
            .field("subject_id", .string, .required)
            .field("summary", .string, .required)
            .field("is_public", .bool, .required)
            .field("hash", .string, .required)
            .unique(on: "community_id", "position")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(JournalEntryRecord.schema).delete()
    }
}
