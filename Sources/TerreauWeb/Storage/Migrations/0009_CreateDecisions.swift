import Fluent
import FluentSQL
import TerreauCore
import Vapor

/// Decisions (issue 8): governance versions (every existing community starts from the consent
/// template), decisions, their electorate and their hash-chained ballot log.
struct CreateDecisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let people = PersonRecord.schema, communities = CommunityRecord.schema
        try await database.schema(DecisionRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("method", .string, .required)
            .field("title", .string, .required)
            .field("text", .string, .required)
            .field("options", .string, .required)
            .field("grades", .string, .required)
            .field("settings", .string, .required)
            .field("proposed_rules", .string)
            .field("phase", .string, .required)
            .field("rules_version", .int, .required)
            .field("electorate_kind", .string, .required)
            .field("secret", .bool, .required)
            .field("quorum", .double)
            .field("round", .int, .required)
            .field("created_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("deliberation_started_at", .datetime)
            .field("voting_opened_at", .datetime)
            .field("voting_ends_at", .datetime)
            .field("electorate_size", .int)
            .field("closed_at", .datetime)
            .field("result", .string)
            .field("head_hash", .string)
            .field("outcome_statement", .string)
            .field("review_on", .datetime)
            .field("rules_refusal", .string)
            .create()
        try await database.schema(GovernanceRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(communities, "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("rules", .string, .required)
            .field("template", .string)
            .field("decision_id", .uuid, .references(DecisionRecord.schema, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .unique(on: "community_id", "version")
            .create()
        try await database.schema(BallotRecord.schema)
            .id()
            .field("decision_id", .uuid, .required, .references(DecisionRecord.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("ballot_key", .string, .required)
            .field("content", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "decision_id", "position")
            .create()
        let sql = database as! any SQLDatabase
        // The electorate, fixed when voting opens: who may vote and whether they have — nothing
        // else, and no insertion order (SQLite: no rowid; the key is random-looking), so it
        // cannot be joined with the order of the ballot log (R4).
        let withoutRowID = sql.dialect.name == "sqlite" ? " WITHOUT ROWID" : ""
        try await sql.raw(SQLQueryString("""
            CREATE TABLE decision_electors (
                decision_id \(unsafeRaw: sql.dialect.name == "sqlite" ? "BLOB" : "UUID") NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
                voter_key TEXT NOT NULL,
                person_id \(unsafeRaw: sql.dialect.name == "sqlite" ? "BLOB" : "UUID") REFERENCES people (id) ON DELETE CASCADE,
                organisation_id \(unsafeRaw: sql.dialect.name == "sqlite" ? "BLOB" : "UUID") REFERENCES organisations (id) ON DELETE CASCADE,
                has_voted BOOLEAN NOT NULL,
                PRIMARY KEY (decision_id, voter_key)
            )\(unsafeRaw: withoutRowID)
            """)).run()
        try await sql.raw("CREATE INDEX ballots_key ON ballots (decision_id, ballot_key)").run()
        try await sql.raw("CREATE INDEX decisions_community ON decisions (community_id, phase)").run()
        let now = Date()
        for community in try await CommunityRecord.query(on: database).all() {
            try await DecisionStore.storeFirstRules(RulesTemplate.consent, for: community.id!, on: database, now: now)
        }
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP TABLE decision_electors").run()
        try await database.schema(BallotRecord.schema).delete()
        try await database.schema(GovernanceRecord.schema).delete()
        try await database.schema(DecisionRecord.schema).delete()
    }
}
