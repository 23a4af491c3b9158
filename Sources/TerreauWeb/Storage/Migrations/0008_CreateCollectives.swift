import Fluent
import FluentSQL
import TerreauCore
import Vapor

/// Collectives (issue 6): organisations gathering others around a theme, and who joined them.
struct CreateCollectives: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let organisations = OrganisationRecord.schema, people = PersonRecord.schema
        try await database.schema(CollectiveRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(organisations, "id", onDelete: .cascade))
            .field("founder_id", .uuid, .references(organisations, "id", onDelete: .setNull))
            .field("duration", .string, .required)
            .field("ends_on", .datetime)
            .unique(on: "organisation_id")
            .create()
        try await database.schema(CollectiveMemberRecord.schema)
            .id()
            .field("collective_id", .uuid, .required, .references(organisations, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(organisations, "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("invited_at", .datetime, .required)
            .field("invited_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("joined_at", .datetime)
            .field("answered_at", .datetime)
            .field("answered_by", .uuid, .references(people, "id", onDelete: .setNull))
            .unique(on: "collective_id", "organisation_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX collective_members_organisation ON collective_members (organisation_id, status)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CollectiveMemberRecord.schema).delete()
        try await database.schema(CollectiveRecord.schema).delete()
    }
}
