import Fluent
import Foundation

// Reference data from the official geographic code. Instance-wide (shared by every community),
// keyed by the official codes, and replaced whole by each territory import.

final class RegionRecord: Model, @unchecked Sendable {
    static let schema = "regions"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String

    init() {}
    init(code: String, name: String) {
        id = code
        self.name = name
    }
}

final class DepartementRecord: Model, @unchecked Sendable {
    static let schema = "departements"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "region_code") var regionCode: String
    @Field(key: "name") var name: String
    @Field(key: "chef_lieu") var chefLieu: String

    init() {}
    init(code: String, regionCode: String, name: String, chefLieu: String) {
        id = code
        self.regionCode = regionCode
        self.name = name
        self.chefLieu = chefLieu
    }
}

/// A row of the COG. Its id is "KIND:CODE" because a code alone is not unique (COM and COMD rows
/// can share one).
final class CommuneRecord: Model, @unchecked Sendable {
    static let schema = "communes"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "kind") var kind: String
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "departement_code") var departementCode: String
    @Field(key: "region_code") var regionCode: String
    @OptionalField(key: "parent_code") var parentCode: String?
    @OptionalField(key: "population") var population: Int?
    @OptionalField(key: "total_population") var totalPopulation: Int?

    init() {}
}

final class CommuneBoundaryRecord: Model, @unchecked Sendable {
    static let schema = "commune_boundaries"
    @ID(custom: "commune_code", generatedBy: .user) var id: String?
    /// GeoJSON geometry text, exterior rings counter-clockwise (RFC 7946).
    @Field(key: "geometry") var geometry: String
    @Field(key: "min_longitude") var minLongitude: Double
    @Field(key: "min_latitude") var minLatitude: Double
    @Field(key: "max_longitude") var maxLongitude: Double
    @Field(key: "max_latitude") var maxLatitude: Double
    /// The boundary file's codes merged into this commune, comma-separated.
    @Field(key: "source_codes") var sourceCodes: String

    init() {}
}

final class CommuneMovementRecord: Model, @unchecked Sendable {
    static let schema = "commune_movements"
    @ID(key: .id) var id: UUID?
    @Field(key: "modification") var modification: String
    @Field(key: "effective_date") var effectiveDate: String
    @Field(key: "kind_before") var kindBefore: String
    @Field(key: "code_before") var codeBefore: String
    @Field(key: "name_before") var nameBefore: String
    @Field(key: "kind_after") var kindAfter: String
    @Field(key: "code_after") var codeAfter: String
    @Field(key: "name_after") var nameAfter: String

    init() {}
}

/// One line per territory import, so an operator can see when the reference data last changed
/// and what did not line up.
final class TerritoryImportRecord: Model, @unchecked Sendable {
    static let schema = "territory_imports"
    @ID(key: .id) var id: UUID?
    @Field(key: "imported_at") var importedAt: Date
    @Field(key: "scope") var scope: String
    @Field(key: "communes") var communes: Int
    @Field(key: "boundaries") var boundaries: Int
    @Field(key: "mapped_through_history") var mappedThroughHistory: Int
    /// Unmatched boundary codes, comma-separated.
    @Field(key: "unmatched") var unmatched: String
    /// Who ran it (the system account behind the command).
    @Field(key: "operator_name") var operatorName: String
    /// One line per file read: its name and `sha256:` digest.
    @Field(key: "files") var files: String
    /// What it changed for the communities (`TerritoryUpdate.report`).
    @Field(key: "report") var report: String

    init() {}
}

/// Two communes whose boundaries touch (both orders are stored).
final class CommuneNeighbourRecord: Model, @unchecked Sendable {
    static let schema = "commune_neighbours"
    @ID(key: .id) var id: UUID?
    @Field(key: "commune_code") var communeCode: String
    @Field(key: "neighbour_code") var neighbourCode: String

    init() {}
    init(commune: String, neighbour: String) {
        communeCode = commune
        neighbourCode = neighbour
    }
}
