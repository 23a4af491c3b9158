import Fluent
import FluentSQL
import TerreauCore
import Vapor

/// The shared inventory, its revisions and the skills vocabulary. Full-text search: SQLite keeps
/// an FTS5 table in step with `inventory_items.search_text` through triggers (so deleting a row,
/// erasure included, removes its index entry); PostgreSQL indexes the same column with GIN.
struct CreateInventory: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let people = PersonRecord.schema
        try await database.schema(SkillTermRecord.schema)
            .id()
            .field("community_id", .uuid, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("key", .string, .required)
            .field("label", .string, .required)
            .field("synonyms", .string, .required)
            .field("source", .string, .required)
            .field("concept_type", .string, .required)
            .field("broader", .string, .required)
            .field("description", .string, .required)
            .field("search_text", .string, .required)
            .field("merged_into", .uuid)
            .field("proposed_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .unique(on: "key")
            .create()
        try await database.schema(SkillLabelRecord.schema)
            .id()
            .field("term_id", .uuid, .required, .references(SkillTermRecord.schema, "id", onDelete: .cascade))
            .field("folded", .string, .required)
            .create()
        try await database.schema(InventoryItemRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("visibility", .string, .required)
            .field("commune_code", .string)
            .field("neighbourhood", .string)
            .field("for_young", .bool, .required)
            .field("availability", .string, .required)
            .field("person_id", .uuid, .references(people, "id", onDelete: .cascade))
            .field("organisation_id", .uuid, .references(OrganisationRecord.schema, "id", onDelete: .cascade))
            .field("created_by", .uuid, .references(people, "id", onDelete: .setNull))
            .field("version", .int, .required)
            .field("fields", .string, .required)
            .field("search_text", .string, .required)
            .field("search_rowid", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "search_rowid")
            .create()
        try await database.schema(InventoryItemSkillRecord.schema)
            .id()
            .field("item_id", .uuid, .required, .references(InventoryItemRecord.schema, "id", onDelete: .cascade))
            .field("term_id", .uuid, .required, .references(SkillTermRecord.schema, "id", onDelete: .cascade))
            .unique(on: "item_id", "term_id")
            .create()
        try await database.schema(InventoryItemThemeRecord.schema)
            .id()
            .field("item_id", .uuid, .required, .references(InventoryItemRecord.schema, "id", onDelete: .cascade))
            .field("theme", .string, .required)
            .unique(on: "item_id", "theme")
            .create()
        try await database.schema(InventoryRevisionRecord.schema)
            .id()
            .field("item_id", .uuid, .required, .references(InventoryItemRecord.schema, "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("author_id", .uuid, .references(people, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("summary", .string, .required)
            .field("snapshot", .string, .required)
            .field("changes", .string, .required)
            .field("reverted_to", .int)
            .unique(on: "item_id", "version")
            .create()
        let sql = database as! any SQLDatabase
        for statement in [
            "CREATE INDEX inventory_items_browse ON inventory_items (community_id, kind, updated_at)",
            // Covers the search's filters and facets: matched rows are counted from this index
            // without reading the wide rows (fields, search text).
            "CREATE INDEX inventory_items_facets ON inventory_items (search_rowid, community_id, visibility, kind, commune_code, neighbourhood, for_young, availability, person_id, created_by, id)",
            "CREATE INDEX inventory_items_listing ON inventory_items (community_id, visibility, kind, commune_code, neighbourhood, for_young, availability, person_id, created_by, id)",
            "CREATE INDEX inventory_items_person ON inventory_items (person_id)",
            "CREATE INDEX inventory_items_organisation ON inventory_items (organisation_id)",
            "CREATE INDEX inventory_item_skills_term ON inventory_item_skills (term_id)",
            "CREATE INDEX inventory_item_themes_theme ON inventory_item_themes (theme)",
            "CREATE INDEX skill_terms_community ON skill_terms (community_id)",
            "CREATE INDEX skill_labels_folded ON skill_labels (folded)",
            "CREATE INDEX skill_labels_term ON skill_labels (term_id)",
        ] { try await sql.raw(SQLQueryString(statement)).run() }
        for statement in FullTextSearchEngines.for(sql).migration { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for statement in FullTextSearchEngines.for(sql).teardown { try await sql.raw(SQLQueryString(statement)).run() }
        for schema in [InventoryRevisionRecord.schema, InventoryItemThemeRecord.schema, InventoryItemSkillRecord.schema,
            InventoryItemRecord.schema, SkillLabelRecord.schema, SkillTermRecord.schema] {
            try await database.schema(schema).delete()
        }
    }
}
