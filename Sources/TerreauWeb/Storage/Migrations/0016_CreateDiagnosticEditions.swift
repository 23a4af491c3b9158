import Fluent
import TerreauCore
import Vapor

struct CreateDiagnosticEditions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DiagnosticEditionRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("decision_id", .uuid, .required, .references(DecisionRecord.schema, "id", onDelete: .restrict))
            .field("snapshot", .string, .required)
            .field("published_by", .uuid, .references(PersonRecord.schema, "id", onDelete: .setNull))
            .field("published_at", .datetime, .required)
            .unique(on: "community_id", "number")
            .unique(on: "decision_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DiagnosticEditionRecord.schema).delete()
    }
}
