import Fluent
import FluentSQL
import TerreauCore
import Vapor

/// Matching (issue 6): which communes touch (computed from the boundaries already imported) and
/// the connections members ask for and accept.
struct CreateConnections: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CommuneNeighbourRecord.schema)
            .id()
            .field("commune_code", .string, .required)
            .field("neighbour_code", .string, .required)
            .unique(on: "commune_code", "neighbour_code")
            .create()
        let boundaries = try await CommuneBoundaryRecord.query(on: database).all().compactMap { record in
            GeoJSON.geometry(fromText: record.geometry).map { CommuneBoundary(communeCode: record.id!, geometry: $0, sourceCodes: []) }
        }
        try await TerritoryStore.storeNeighbours(Adjacency.neighbours(boundaries), on: database)

        let people = PersonRecord.schema
        try await database.schema(ConnectionRecord.schema)
            .id()
            .field("community_id", .uuid, .required, .references(CommunityRecord.schema, "id", onDelete: .cascade))
            .field("requester_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("recipient_id", .uuid, .required, .references(people, "id", onDelete: .cascade))
            .field("item_id", .uuid, .required, .references(InventoryItemRecord.schema, "id", onDelete: .cascade))
            .field("about_id", .uuid, .references(InventoryItemRecord.schema, "id", onDelete: .setNull))
            .field("message", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("decided_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX connections_recipient ON connections (recipient_id, status)").run()
        try await sql.raw("CREATE INDEX connections_requester ON connections (requester_id)").run()
        // One open request per person and record: asking twice changes nothing (R3's spirit).
        try await sql.raw("CREATE UNIQUE INDEX connections_open ON connections (requester_id, item_id) WHERE status = 'requested'").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ConnectionRecord.schema).delete()
        try await database.schema(CommuneNeighbourRecord.schema).delete()
    }
}
