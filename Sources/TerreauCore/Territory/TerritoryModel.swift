import Foundation

/// Kinds of rows in the official geographic code (COG). A code is only unique together with its kind:
/// a current commune (`COM`) and a former one kept as a delegated or associated commune (`COMD`,
/// `COMA`) can share the same code.
public enum CommuneKind: String, Sendable, Codable, CaseIterable {
    case commune = "COM"
    case delegated = "COMD"
    case associated = "COMA"
    case arrondissement = "ARM"
}

public struct Region: Sendable, Equatable {
    public var code: String
    public var name: String
}

public struct Departement: Sendable, Equatable {
    public var code: String
    public var regionCode: String
    public var name: String
    public var chefLieu: String
}

public struct Commune: Sendable, Equatable {
    public var kind: CommuneKind
    public var code: String
    public var name: String
    public var departementCode: String
    public var regionCode: String
    /// The current commune a delegated, associated commune or arrondissement belongs to.
    public var parentCode: String?
    /// Census population (population municipale) and total population, current communes only.
    public var population: Int?
    public var totalPopulation: Int?

    public var key: String { Commune.key(kind, code) }
    public static func key(_ kind: CommuneKind, _ code: String) -> String { "\(kind.rawValue):\(code)" }
}

/// One line of the COG's history: a commune before and after a merger, split, renaming or code change.
public struct CommuneMovement: Sendable, Equatable {
    public var modification: String
    public var effectiveDate: String
    public var kindBefore: String
    public var codeBefore: String
    public var nameBefore: String
    public var kindAfter: String
    public var codeAfter: String
    public var nameAfter: String
}

/// The boundary of a current commune, normalised (RFC 7946 winding), with its bounding box.
public struct CommuneBoundary: Sendable, Equatable {
    public var communeCode: String
    public var geometry: MultiPolygon
    /// The codes of the boundary file that were merged into this commune (its own code when it
    /// matched directly).
    public var sourceCodes: [String]
    public init(communeCode: String, geometry: MultiPolygon, sourceCodes: [String]) {
        self.communeCode = communeCode
        self.geometry = geometry
        self.sourceCodes = sourceCodes
    }
}

/// How the boundary file lined up with the current code.
public struct BoundaryMatchReport: Sendable, Equatable {
    /// Boundaries whose code is a current commune.
    public var matchedDirectly: Int = 0
    /// Retired codes mapped to the current commune they merged into: (old code, old name, new code).
    public var mappedThroughHistory: [(oldCode: String, oldName: String, currentCode: String)] = []
    /// Codes that are neither current nor traceable through the history: (code, name).
    public var unmatched: [(code: String, name: String)] = []
    /// Current communes of the imported départements that have no boundary in the file.
    public var communesWithoutBoundary: [String] = []

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.matchedDirectly == rhs.matchedDirectly
            && lhs.mappedThroughHistory.map { [$0.oldCode, $0.oldName, $0.currentCode] } == rhs.mappedThroughHistory.map { [$0.oldCode, $0.oldName, $0.currentCode] }
            && lhs.unmatched.map { [$0.code, $0.name] } == rhs.unmatched.map { [$0.code, $0.name] }
            && lhs.communesWithoutBoundary == rhs.communesWithoutBoundary
    }
}

/// Everything one territory import stores, already validated.
public struct TerritoryDataset: Sendable {
    public var regions: [Region]
    public var departements: [Departement]
    public var communes: [Commune]
    public var movements: [CommuneMovement]
    public var boundaries: [CommuneBoundary]
    public var boundaryReport: BoundaryMatchReport
    /// Population rows whose code is not a current commune of the import (census vintage drift).
    public var populationsWithoutCommune: [String]

    public var currentCommunes: [Commune] { communes.filter { $0.kind == .commune } }
}
