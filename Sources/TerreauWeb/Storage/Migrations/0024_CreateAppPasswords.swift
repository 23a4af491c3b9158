import Fluent

/// App passwords (issue 25): what an interviewer types into ODK Collect or Enketo, never their
/// account password. One per interviewer and community, revocable; the server keeps the HTTP
/// Digest hash (`MD5(user:realm:password)`), not the password.
///
/// Written once and never edited: table and column names are literals, nothing calls live code.
struct CreateAppPasswords: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("app_passwords")
            .id()
            .field("community_id", .uuid, .required, .references("communities", "id", onDelete: .cascade))
            .field("person_id", .uuid, .required, .references("people", "id", onDelete: .cascade))
            .field("username", .string, .required)
            .field("digest_ha1", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "username")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("app_passwords").delete()
    }
}
