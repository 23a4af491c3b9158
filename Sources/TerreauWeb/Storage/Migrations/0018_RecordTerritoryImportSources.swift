import Fluent
import SQLKit

/// Each territory import records who ran it, the files it read with their SHA-256, and what it
/// changed for the communities (operations issue). Written once and never edited.
struct RecordTerritoryImportSources: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("ALTER TABLE territory_imports ADD COLUMN operator_name TEXT NOT NULL DEFAULT ''").run()
        try await sql.raw("ALTER TABLE territory_imports ADD COLUMN files TEXT NOT NULL DEFAULT ''").run()
        try await sql.raw("ALTER TABLE territory_imports ADD COLUMN report TEXT NOT NULL DEFAULT ''").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for column in ["report", "files", "operator_name"] { try await sql.raw("ALTER TABLE territory_imports DROP COLUMN \(ident: column)").run() }
    }
}
