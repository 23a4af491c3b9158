import Fluent

/// When the addressed official was told that an answer is overdue: once per entry, by the
/// background worker (issue 22: « 0 non lue » with an overdue proposal waiting).
struct AddRegisterOverdueReminder: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("register_entries").field("overdue_reminded_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("register_entries").deleteField("overdue_reminded_at").update()
    }
}
