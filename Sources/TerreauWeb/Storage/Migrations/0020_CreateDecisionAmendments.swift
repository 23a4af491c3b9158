import Fluent
import SQLKit

/// Consent rounds (integrity issue): between rounds the proposer amends the proposal to answer
/// the objections; each amendment keeps the text before and after, so the circle reads what
/// changed before answering again.
///
/// Written once and never edited: table and column names are literals, nothing calls live code.
struct CreateDecisionAmendments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("decision_amendments")
            .id()
            .field("decision_id", .uuid, .required, .references("decisions", "id", onDelete: .cascade))
            .field("round", .int, .required)
            .field("previous_text", .string, .required)
            .field("text", .string, .required)
            .field("amended_by", .uuid, .references("people", "id", onDelete: .setNull))
            .field("amended_at", .datetime, .required)
            .create()
        try await (database as! any SQLDatabase).raw("CREATE INDEX decision_amendments_decision ON decision_amendments (decision_id, round)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("decision_amendments").delete()
    }
}
