import Fluent
import Foundation
import TerreauCore

/// Reads and writes the instance-wide reference territory.
struct TerritoryStore {
    let database: any Database

    typealias Progress = @Sendable (_ step: String, _ done: Int, _ total: Int) -> Void

    /// Replaces the whole reference territory in one transaction: either every row of the new
    /// import is stored, or none is and the previous data stays.
    func replace(with dataset: TerritoryDataset, scope: String, at date: Date, progress: @escaping Progress = { _, _, _ in }) async throws {
        try await database.writing { db in
            try await CommuneBoundaryRecord.query(on: db).delete()
            try await CommuneNeighbourRecord.query(on: db).delete()
            try await CommuneMovementRecord.query(on: db).delete()
            try await CommuneRecord.query(on: db).delete()
            try await DepartementRecord.query(on: db).delete()
            try await RegionRecord.query(on: db).delete()
            try await insert(dataset.regions.map { RegionRecord(code: $0.code, name: $0.name) }, step: "régions", on: db, progress: progress)
            try await insert(dataset.departements.map {
                DepartementRecord(code: $0.code, regionCode: $0.regionCode, name: $0.name, chefLieu: $0.chefLieu)
            }, step: "départements", on: db, progress: progress)
            try await insert(dataset.communes.map { commune in
                let record = CommuneRecord()
                record.id = commune.key
                record.kind = commune.kind.rawValue
                record.code = commune.code
                record.name = commune.name
                record.departementCode = commune.departementCode
                record.regionCode = commune.regionCode
                record.parentCode = commune.parentCode
                record.population = commune.population
                record.totalPopulation = commune.totalPopulation
                return record
            }, step: "communes", on: db, progress: progress)
            try await insert(dataset.movements.map { movement in
                let record = CommuneMovementRecord()
                record.modification = movement.modification
                record.effectiveDate = movement.effectiveDate
                record.kindBefore = movement.kindBefore
                record.codeBefore = movement.codeBefore
                record.nameBefore = movement.nameBefore
                record.kindAfter = movement.kindAfter
                record.codeAfter = movement.codeAfter
                record.nameAfter = movement.nameAfter
                return record
            }, step: "historique", on: db, progress: progress)
            try await insert(dataset.boundaries.compactMap { boundary -> CommuneBoundaryRecord? in
                guard let box = boundary.geometry.boundingBox else { return nil }
                let record = CommuneBoundaryRecord()
                record.id = boundary.communeCode
                record.geometry = GeoJSON.text(of: boundary.geometry)
                record.minLongitude = box.minLongitude
                record.minLatitude = box.minLatitude
                record.maxLongitude = box.maxLongitude
                record.maxLatitude = box.maxLatitude
                record.sourceCodes = boundary.sourceCodes.joined(separator: ",")
                return record
            }, step: "contours", on: db, progress: progress, batch: 50)
            try await Self.storeNeighbours(Adjacency.neighbours(dataset.boundaries), on: db)
            try await InventoryCache.invalidate(nil, database: db)
            let log = TerritoryImportRecord()
            log.importedAt = date
            log.scope = scope
            log.communes = dataset.currentCommunes.count
            log.boundaries = dataset.boundaries.count
            log.mappedThroughHistory = dataset.boundaryReport.mappedThroughHistory.count
            log.unmatched = dataset.boundaryReport.unmatched.map(\.code).joined(separator: ",")
            try await log.create(on: db)
        }
    }

    /// Which communes touch, one row per ordered pair (matching reads it to rank neighbours).
    static func storeNeighbours(_ neighbours: [String: Set<String>], on db: any Database) async throws {
        let rows = neighbours.keys.sorted().flatMap { code in
            neighbours[code]!.sorted().map { CommuneNeighbourRecord(commune: code, neighbour: $0) }
        }
        for start in stride(from: 0, to: rows.count, by: 500) { try await Array(rows[start..<min(start + 500, rows.count)]).create(on: db) }
    }

    func neighbours() async throws -> [String: Set<String>] {
        try await CommuneNeighbourRecord.query(on: database).all().reduce(into: [:]) { $0[$1.communeCode, default: []].insert($1.neighbourCode) }
    }

    /// Multi-row inserts in batches: one statement per batch keeps the import fast, and the batch
    /// size keeps each statement under PostgreSQL's 65,535 bound parameters.
    private func insert<M: Model>(_ records: [M], step: String, on db: any Database, progress: Progress, batch: Int = 500) async throws {
        var done = 0
        progress(step, 0, records.count)
        while done < records.count {
            let slice = Array(records[done..<min(done + batch, records.count)])
            try await slice.create(on: db)
            done += slice.count
            progress(step, done, records.count)
        }
    }

    /// What community set-up needs to check commune codes.
    func reference() async throws -> TerritoryReference {
        let current = try await CommuneRecord.query(on: database).filter(\.$kind == CommuneKind.commune.rawValue).all()
        let currentCodes = Dictionary(current.map { ($0.code, $0.departementCode) }, uniquingKeysWith: { first, _ in first })
        let movements = try await CommuneMovementRecord.query(on: database).sort(\.$effectiveDate, .descending).all()
        var successors: [String: String] = [:]
        for movement in movements where currentCodes[movement.codeBefore] == nil && currentCodes[movement.codeAfter] != nil
            && movement.kindAfter == CommuneKind.commune.rawValue && successors[movement.codeBefore] == nil {
            successors[movement.codeBefore] = movement.codeAfter
        }
        return TerritoryReference(currentCommunes: currentCodes, successors: successors)
    }

    func currentCommunes(codes: [String]) async throws -> [CommuneRecord] {
        guard !codes.isEmpty else { return [] }
        return try await CommuneRecord.query(on: database)
            .filter(\.$kind == CommuneKind.commune.rawValue)
            .filter(\.$code ~~ codes)
            .sort(\.$name)
            .all()
    }

    func boundaries(codes: [String]) async throws -> [String: MultiPolygon] {
        guard !codes.isEmpty else { return [:] }
        let records = try await CommuneBoundaryRecord.query(on: database).filter(\.$id ~~ codes).all()
        var result: [String: MultiPolygon] = [:]
        for record in records {
            if let code = record.id, let geometry = GeoJSON.geometry(fromText: record.geometry) { result[code] = geometry }
        }
        return result
    }

    func departementNames(codes: Set<String>) async throws -> [String: String] {
        guard !codes.isEmpty else { return [:] }
        let records = try await DepartementRecord.query(on: database).filter(\.$id ~~ Array(codes)).all()
        return Dictionary(records.compactMap { record in record.id.map { ($0, record.name) } }, uniquingKeysWith: { first, _ in first })
    }

    func hasReferenceData() async throws -> Bool {
        try await CommuneRecord.query(on: database).count() > 0
    }
}
