import Fluent
import FluentSQL
import Vapor

/// The one ordered list of migrations. Append only: a deployed migration is never edited.
enum TerreauMigrations {
    static let all: [any AsyncMigration] = [
        CreateTerritoryReference(),
        CreateCommunities(),
        CreateSessions(),
    ]
}

struct CreateTerritoryReference: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RegionRecord.schema)
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .create()
        try await database.schema(DepartementRecord.schema)
            .field("code", .string, .identifier(auto: false))
            .field("region_code", .string, .required)
            .field("name", .string, .required)
            .field("chef_lieu", .string, .required)
            .create()
        try await database.schema(CommuneRecord.schema)
            .field("id", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("departement_code", .string, .required)
            .field("region_code", .string, .required)
            .field("parent_code", .string)
            .field("population", .int)
            .field("total_population", .int)
            .unique(on: "kind", "code")
            .create()
        try await database.schema(CommuneBoundaryRecord.schema)
            .field("commune_code", .string, .identifier(auto: false))
            .field("geometry", .string, .required)
            .field("min_longitude", .double, .required)
            .field("min_latitude", .double, .required)
            .field("max_longitude", .double, .required)
            .field("max_latitude", .double, .required)
            .field("source_codes", .string, .required)
            .create()
        try await database.schema(CommuneMovementRecord.schema)
            .id()
            .field("modification", .string, .required)
            .field("effective_date", .string, .required)
            .field("kind_before", .string, .required)
            .field("code_before", .string, .required)
            .field("name_before", .string, .required)
            .field("kind_after", .string, .required)
            .field("code_after", .string, .required)
            .field("name_after", .string, .required)
            .create()
        try await database.schema(TerritoryImportRecord.schema)
            .id()
            .field("imported_at", .datetime, .required)
            .field("scope", .string, .required)
            .field("communes", .int, .required)
            .field("boundaries", .int, .required)
            .field("mapped_through_history", .int, .required)
            .field("unmatched", .string, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "communes_code").on(CommuneRecord.schema).column("code").run()
        try await sql.create(index: "communes_departement").on(CommuneRecord.schema).column("departement_code").run()
        try await sql.create(index: "commune_movements_before").on(CommuneMovementRecord.schema).column("code_before").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [TerritoryImportRecord.schema, CommuneMovementRecord.schema, CommuneBoundaryRecord.schema,
                       CommuneRecord.schema, DepartementRecord.schema, RegionRecord.schema] {
            try await database.schema(schema).delete()
        }
    }
}

struct CreateCommunities: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CommunityRecord.schema)
            .id()
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("contact_email", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "slug")
            .create()
        try await database.schema(CommunityCommuneRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("commune_code", .string, .required)
            .unique(on: "community_id", "commune_code")
            .create()
        try await database.schema(NeighbourhoodRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("geometry", .string)
            .field("position", .int, .required)
            .unique(on: "community_id", "slug")
            .create()
        try await database.schema(NeighbourhoodCommuneRecord.schema)
            .id()
            .field("neighbourhood_id", .uuid, .required, .references(NeighbourhoodRecord.schema, "id", onDelete: .cascade))
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("commune_code", .string, .required)
            .unique(on: "neighbourhood_id", "commune_code")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [NeighbourhoodCommuneRecord.schema, NeighbourhoodRecord.schema, CommunityCommuneRecord.schema, CommunityRecord.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// Sessions live in the database so that several instances behind a load balancer share them.
struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await SessionRecord.migration.prepare(on: database).get()
    }

    func revert(on database: any Database) async throws {
        try await SessionRecord.migration.revert(on: database).get()
    }
}
