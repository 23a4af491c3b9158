import Fluent
import SQLKit

/// Instance administrators, and mail that says what it is and which community it concerns
/// (finding F1): reading mail is for the instance's administrators, never a body with a personal
/// link; a coordinator follows the delivery of their own community's mail only.
///
/// Written once and never edited: table and column names are literals, nothing calls live code.
struct AddInstanceAdministration: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("ALTER TABLE accounts ADD COLUMN instance_admin BOOLEAN NOT NULL DEFAULT FALSE").run()
        // `account` (confirmation, reset: a personal link), `notification` or `digest`.
        try await sql.raw("ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'notification'").run()
        try await sql.raw("ALTER TABLE outbox ADD COLUMN community_id UUID").run()
        // Mail already written with a link only its recipient may see: the account mails'
        // subjects as the catalogues wrote them when this migration shipped.
        try await sql.raw("""
            UPDATE outbox SET kind = 'account' WHERE subject IN ('Confirmez votre adresse pour Terreau', 'Choisir un nouveau mot de passe Terreau',
            'Une inscription avec votre adresse', 'Confirm your address for Terreau', 'Choose a new Terreau password', 'A sign-up with your address')
            """).run()
        try await sql.raw("CREATE INDEX outbox_community ON outbox (community_id, created_at)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("DROP INDEX outbox_community").run()
        try await sql.raw("ALTER TABLE outbox DROP COLUMN community_id").run()
        try await sql.raw("ALTER TABLE outbox DROP COLUMN kind").run()
        try await sql.raw("ALTER TABLE accounts DROP COLUMN instance_admin").run()
    }
}
