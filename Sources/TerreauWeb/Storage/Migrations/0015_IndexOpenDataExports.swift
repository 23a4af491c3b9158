import Fluent
import FluentSQL
import TerreauCore
import Vapor

/// The open data reads public records of one kind in id order, batch after batch: this index
/// makes each batch a range read instead of a sort of the whole table.
struct IndexOpenDataExports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("CREATE INDEX inventory_items_export ON inventory_items (community_id, kind, visibility, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX inventory_items_export").run()
    }
}
