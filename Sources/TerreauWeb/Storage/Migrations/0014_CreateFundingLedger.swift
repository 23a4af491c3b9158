import Fluent
import TerreauCore
import Vapor

struct CreateFundingLedger: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let people = PersonRecord.schema
        try await database.schema(FundingEntryRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("contributor", .string, .required)
            .field("organisation_id", .uuid, .references(OrganisationRecord.schema, "id", onDelete: .setNull))
            .field("amount", .int)
            .field("hours", .double)
            .field("description", .string, .required)
            .field("received_on", .datetime, .required)
            .field("version", .int, .required)
            .field("entered_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(FundingRevisionRecord.schema)
            .id()
            .field("entry_id", .uuid, .required, .references(FundingEntryRecord.schema, "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("snapshot", .string, .required)
            .field("reason", .string, .required)
            .field("author_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .unique(on: "entry_id", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FundingRevisionRecord.schema).delete()
        try await database.schema(FundingEntryRecord.schema).delete()
    }
}
