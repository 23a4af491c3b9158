import Fluent
import SQLKit

/// The sociocratic consent process (integrity issue): clarifying questions, the proposer's
/// answers and each member's reaction are kept with the round they belong to; a decision
/// remembers whether its first round moved from questions to reactions, and a fallback vote
/// the consent decision it follows.
///
/// Written once and never edited: table and column names are literals, nothing calls live code.
struct AddConsentProcess: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // SQLite adds one column per statement.
        try await database.schema("decisions").field("reactions_open", .bool).update()
        try await database.schema("decisions").field("fallback_of", .uuid, .references("decisions", "id", onDelete: .setNull)).update()
        try await database.schema("decision_contributions")
            .id()
            .field("decision_id", .uuid, .required, .references("decisions", "id", onDelete: .cascade))
            .field("round", .int, .required)
            .field("kind", .string, .required)
            .field("text", .string, .required)
            .field("answers_id", .uuid, .references("decision_contributions", "id", onDelete: .cascade))
            .field("author_id", .uuid, .references("people", "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .create()
        try await (database as! any SQLDatabase).raw("CREATE INDEX decision_contributions_decision ON decision_contributions (decision_id, round)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("decision_contributions").delete()
        try await database.schema("decisions").deleteField("fallback_of").update()
        try await database.schema("decisions").deleteField("reactions_open").update()
    }
}
