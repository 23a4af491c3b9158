import Fluent
import Foundation
import TerreauCore

/// A community's territory as its pages show it: communes with census populations, the
/// neighbourhoods it drew, and a map of both. Loaded with a fixed number of queries whatever the
/// number of communes.
struct CommunityTerritory {
    struct CommuneRow {
        var code: String
        var name: String
        var departement: String
        var population: Int?
        var neighbourhoods: [NeighbourhoodRecord]
    }

    struct NeighbourhoodRow {
        var record: NeighbourhoodRecord
        var communeCodes: [String]
        /// The census population of its communes; for a neighbourhood drawn as a polygon, which
        /// does not follow commune limits, the estimate by covered area (or nil): never a whole
        /// commune's population for it.
        var population: Int?
        var tone: Int
    }

    var communes: [CommuneRow]
    var neighbourhoods: [NeighbourhoodRow]
    var boundaries: [String: MultiPolygon]
    var departementNames: [String: String]

    var population: Int { communes.compactMap(\.population).reduce(0, +) }
    var communesWithoutPopulation: Int { communes.filter { $0.population == nil }.count }

    /// Six tones, one per neighbourhood in order; communes in no neighbourhood stay neutral (0).
    static let toneCount = 6

    static func load(_ community: CommunityRecord, on database: any Database) async throws -> CommunityTerritory {
        let id = try community.requireID()
        let store = CommunityStore(database: database)
        let territoryStore = TerritoryStore(database: database)
        let codes = try await store.communeCodes(of: id)
        let records = try await territoryStore.currentCommunes(codes: codes)
        let boundaries = try await territoryStore.boundaries(codes: codes)
        let neighbourhoodRecords = try await store.neighbourhoods(of: id)
        let membership = try await store.neighbourhoodCommunes(of: id)
        let departementNames = try await territoryStore.departementNames(codes: Set(records.map(\.departementCode)))

        let populationByCode = Dictionary(records.map { ($0.code, $0.population ?? 0) }, uniquingKeysWith: { first, _ in first })
        let neighbourhoods = neighbourhoodRecords.enumerated().map { index, record in
            let members = membership[record.id ?? UUID()] ?? []
            return NeighbourhoodRow(
                record: record, communeCodes: members,
                population: record.geometry != nil ? record.populationEstimate
                    : members.isEmpty ? nil : members.compactMap { populationByCode[$0] }.reduce(0, +),
                tone: index % toneCount + 1)
        }
        // French order: « Échirolles » sorts with the E's, not after Z.
        let sorted = records.sorted { $0.name.compare($1.name, options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR")) == .orderedAscending }
        let communes = sorted.map { record in
            CommuneRow(
                code: record.code, name: record.name, departement: record.departementCode, population: record.population,
                neighbourhoods: neighbourhoods.filter { $0.communeCodes.contains(record.code) }.map(\.record))
        }
        return CommunityTerritory(communes: communes, neighbourhoods: neighbourhoods, boundaries: boundaries, departementNames: departementNames)
    }

    /// Communes filled with a tone each (a heat map); no outlines.
    func map(tones: [String: Int], width: Double = 640) -> TerritoryMap? {
        MapProjector.map(communes: communes.compactMap { commune in
            boundaries[commune.code].map { MapLayer(id: commune.code, label: commune.name, geometry: $0, tone: tones[commune.code] ?? 0) }
        }, width: width)
    }

    /// Communes filled by the first group-of-communes neighbourhood they belong to; drawn
    /// neighbourhoods (polygons) as outlines on top.
    func map(highlighting focus: Set<String>? = nil, width: Double = 640) -> TerritoryMap? {
        var toneOf: [String: Int] = [:]
        for row in neighbourhoods where row.record.geometry == nil {
            for code in row.communeCodes where toneOf[code] == nil { toneOf[code] = row.tone }
        }
        let layers = communes.compactMap { commune -> MapLayer? in
            guard let geometry = boundaries[commune.code] else { return nil }
            let tone = focus.map { $0.contains(commune.code) ? 1 : 0 } ?? toneOf[commune.code] ?? 0
            return MapLayer(id: commune.code, label: commune.name, geometry: geometry, tone: tone)
        }
        let outlines = focus == nil ? neighbourhoods.compactMap { row -> MapLayer? in
            guard let text = row.record.geometry, let geometry = GeoJSON.geometry(fromText: text) else { return nil }
            return MapLayer(id: row.record.slug, label: row.record.name, geometry: geometry, tone: row.tone)
        } : []
        return MapProjector.map(communes: layers, outlines: outlines, width: width)
    }
}
