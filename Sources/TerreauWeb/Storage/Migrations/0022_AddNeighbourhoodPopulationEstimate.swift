import Fluent

/// A neighbourhood drawn as a polygon gets its population estimated from the share of each
/// commune's area it covers (integrity issue), computed when it is drawn — or by
/// `terreau coherence --corriger` for those drawn before — and stored, so that no page
/// recomputes geometry.
///
/// Written once and never edited: table and column names are literals, nothing calls live code.
struct AddNeighbourhoodPopulationEstimate: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("neighbourhoods").field("population_estimate", .int).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("neighbourhoods").deleteField("population_estimate").update()
    }
}
