import Fluent
import SQLKit

/// A secret ballot's receipt is bound to its elector (integrity issue: a receipt alone let anyone
/// who saw it rewrite that ballot). The elector's row keeps SHA-256 of the elector's key and the
/// receipt: it proves a receipt is theirs when they change their ballot, and links nothing to
/// the ballot log for someone reading the database without the receipt.
struct BindBallotReceipts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("ALTER TABLE decision_electors ADD COLUMN receipt_binding TEXT").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("ALTER TABLE decision_electors DROP COLUMN receipt_binding").run()
    }
}
