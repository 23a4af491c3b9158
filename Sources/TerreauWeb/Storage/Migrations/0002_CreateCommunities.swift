import Fluent
import TerreauCore
import Vapor

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
