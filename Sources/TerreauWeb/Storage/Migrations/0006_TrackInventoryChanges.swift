import Fluent
import FluentSQL
import TerreauCore
import Vapor

/// Each community's `inventory_generation`, moved on by the database itself at every insert,
/// update or delete of one of its inventory records — including deletes cascading from an
/// erased person — so that what is held in memory about the inventory (`InventoryFacetIndex`)
/// knows when it is stale. Also the indexes of the listing's two orders; the covering index the
/// facet counts used to scan is no longer read.
struct TrackInventoryChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CommunityRecord.schema).field("inventory_generation", .int64, .required, .sql(.default(0))).update()
        let sql = database as! any SQLDatabase
        let triggers: [String]
        if sql.dialect.name == "sqlite" {
            triggers = [("insert", "new.community_id"), ("update", "new.community_id OR id = old.community_id"), ("delete", "old.community_id")]
                .map { operation, communities in
                    """
                    CREATE TRIGGER inventory_generation_\(operation) AFTER \(operation.uppercased()) ON inventory_items
                    BEGIN UPDATE communities SET inventory_generation = inventory_generation + 1 WHERE id = \(communities); END
                    """
                }
        } else {
            // Once per statement, not per row: a bulk insert moves the generation on once.
            triggers = ["""
                CREATE FUNCTION inventory_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  UPDATE communities SET inventory_generation = inventory_generation + 1 WHERE id IN (SELECT community_id FROM changed_rows);
                  RETURN NULL;
                END $$
                """] + [("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")].map { operation, table in
                    """
                    CREATE TRIGGER inventory_generation_\(operation) AFTER \(operation.uppercased()) ON inventory_items
                    REFERENCING \(table) TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION inventory_generation_bump()
                    """
                }
        }
        for statement in triggers + [
            "CREATE INDEX inventory_items_recent ON inventory_items (community_id, updated_at)",
            "CREATE INDEX inventory_items_title ON inventory_items (community_id, title)",
            "DROP INDEX inventory_items_facets",
        ] { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for operation in ["insert", "update", "delete"] { try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: "inventory_generation_" + operation)\(unsafeRaw: sql.dialect.name == "sqlite" ? "" : " ON inventory_items")").run() }
        if sql.dialect.name != "sqlite" { try await sql.raw("DROP FUNCTION IF EXISTS inventory_generation_bump()").run() }
        for statement in [
            "DROP INDEX IF EXISTS inventory_items_recent", "DROP INDEX IF EXISTS inventory_items_title",
            "CREATE INDEX inventory_items_facets ON inventory_items (search_rowid, community_id, visibility, kind, commune_code, neighbourhood, for_young, availability, person_id, created_by, id)",
        ] { try await sql.raw(SQLQueryString(statement)).run() }
        try await database.schema(CommunityRecord.schema).deleteField("inventory_generation").update()
    }
}
