import Fluent
import FluentSQL
import TerreauCore
import Vapor

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
