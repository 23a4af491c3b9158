import Fluent
import Foundation
import SQLKit
import TerreauCore

/// Reads and writes the instance-wide reference territory.
struct TerritoryStore {
    let database: any Database

    typealias Progress = @Sendable (_ step: String, _ done: Int, _ total: Int) -> Void

    /// Where an import came from, for the record: who ran it and each file's SHA-256.
    struct Source: Sendable {
        var operatorName: String
        var files: [(name: String, sha256: String)]
    }

    /// A change that would leave communities' communes unknown, named (nothing was written).
    struct Refusal: Error, CustomStringConvertible {
        var update: TerritoryUpdate
        var description: String {
            (["l'import ferait disparaître des communes que des communautés utilisent, sans commune d'accueil dans l'historique :"]
                + update.orphaned.map { "  « \($0.community) » : \($0.code)" }
                + ["Rien n'a été enregistré. Relancez avec --force pour importer quand même (ces communes sortiront de leur périmètre)."])
                .joined(separator: "\n")
        }
    }

    /// Stores the reference territory of the départements in `dataset` — all of France when
    /// `scope` is nil — in one transaction, keeping every other département as it is (importing
    /// 93 after 38 once erased Isère). Communities' communes that merged follow the merger
    /// history; one that would vanish without a successor is refused unless `force`. With
    /// `dryRun`, only the plan is returned.
    @discardableResult
    func update(with dataset: TerritoryDataset, scope: Set<String>?, force: Bool = false, dryRun: Bool = false, source: Source,
                at date: Date, progress: @escaping Progress = { _, _, _ in }) async throws -> TerritoryUpdate
    {
        @Sendable func inScope(_ code: String) -> Bool { scope?.contains(CommuneCode.departement(of: code)) ?? true }
        let plan = try await self.plan(for: dataset, inScope: inScope)
        if plan.isDestructive, !force { throw Refusal(update: plan) }
        if dryRun { return plan }
        let scopeCodes = Set(try await CommuneRecord.query(on: database).all().map(\.code).filter(inScope)).union(dataset.communes.map(\.code))
        try await database.writing { db in
            let sql = db as! any SQLDatabase
            let codes = Array(scopeCodes)
            if scope == nil {
                for table in ["commune_boundaries", "commune_neighbours", "commune_movements", "communes"] { try await sql.raw("DELETE FROM \(ident: table)").run() }
            } else {
                for start in stride(from: 0, to: codes.count, by: 500) {
                    let slice = Array(codes[start..<min(start + 500, codes.count)])
                    try await CommuneBoundaryRecord.query(on: db).filter(\.$id ~~ slice).delete()
                    try await CommuneNeighbourRecord.query(on: db).group(.or) { $0.filter(\.$communeCode ~~ slice).filter(\.$neighbourCode ~~ slice) }.delete()
                    try await CommuneMovementRecord.query(on: db).group(.or) { $0.filter(\.$codeBefore ~~ slice).filter(\.$codeAfter ~~ slice) }.delete()
                    try await CommuneRecord.query(on: db).filter(\.$code ~~ slice).delete()
                }
            }
            // Régions and départements are always imported whole (they are small).
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
            // A movement between two imported départements arrives with each: store it once.
            let stored = Set(try await CommuneMovementRecord.query(on: db).all().map { "\($0.effectiveDate)|\($0.codeBefore)|\($0.codeAfter)|\($0.kindBefore)|\($0.kindAfter)" })
            try await insert(dataset.movements.filter { !stored.contains("\($0.effectiveDate)|\($0.codeBefore)|\($0.codeAfter)|\($0.kindBefore)|\($0.kindAfter)") }.map { movement in
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
            try await Self.storeNeighbours(try await neighbours(of: dataset.boundaries, on: db), on: db)
            // The communities' perimeters follow their communes' mergers (once: a perimeter that
            // already holds the commune it merged into just loses the old code).
            for mapping in plan.mapped {
                for (table, owner) in [("community_communes", "community_id"), ("neighbourhood_communes", "neighbourhood_id")] {
                    try await sql.raw("""
                        DELETE FROM \(ident: table) WHERE commune_code = \(bind: mapping.use.code)
                        AND \(ident: owner) IN (SELECT \(ident: owner) FROM \(ident: table) WHERE commune_code = \(bind: mapping.currentCode))
                        """).run()
                    try await sql.raw("UPDATE \(ident: table) SET commune_code = \(bind: mapping.currentCode) WHERE commune_code = \(bind: mapping.use.code)").run()
                }
            }
            if force {
                for use in plan.orphaned {
                    for table in ["community_communes", "neighbourhood_communes"] {
                        try await sql.raw("DELETE FROM \(ident: table) WHERE commune_code = \(bind: use.code)").run()
                    }
                }
            }
            try await InventoryCache.invalidate(nil, database: db)
            let log = TerritoryImportRecord()
            log.importedAt = date
            log.scope = scope.map { $0.sorted().joined(separator: ",") } ?? "France"
            log.communes = dataset.currentCommunes.count
            log.boundaries = dataset.boundaries.count
            log.mappedThroughHistory = dataset.boundaryReport.mappedThroughHistory.count
            log.unmatched = dataset.boundaryReport.unmatched.map(\.code).joined(separator: ",")
            log.operatorName = source.operatorName
            log.files = source.files.map { "\($0.name) sha256:\($0.sha256)" }.joined(separator: "\n")
            log.report = plan.report.joined(separator: "\n")
            try await log.create(on: db)
        }
        return plan
    }

    /// What the import would change for the communities (read only).
    private func plan(for dataset: TerritoryDataset, inScope: (String) -> Bool) async throws -> TerritoryUpdate {
        let before = Set(try await CommuneRecord.query(on: database).filter(\.$kind == CommuneKind.commune.rawValue).all().map(\.code).filter(inScope))
        let communities = Dictionary(try await CommunityRecord.query(on: database).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { first, _ in first })
        var uses: [TerritoryUpdate.Use] = []
        for row in try await CommunityCommuneRecord.query(on: database).all() where inScope(row.communeCode) {
            uses.append(TerritoryUpdate.Use(community: communities[row.$community.id] ?? "?", code: row.communeCode))
        }
        for row in try await NeighbourhoodCommuneRecord.query(on: database).all() where inScope(row.communeCode) {
            let use = TerritoryUpdate.Use(community: communities[row.$community.id] ?? "?", code: row.communeCode)
            if !uses.contains(use) { uses.append(use) }
        }
        uses.sort { ($0.community, $0.code) < ($1.community, $1.code) }
        return TerritoryUpdate.plan(before: before, after: Set(dataset.currentCommunes.map(\.code)), movements: dataset.movements, uses: uses)
    }

    /// Neighbours of the imported communes, across the border with départements already stored:
    /// their boundaries near the imported ones are read back.
    private func neighbours(of boundaries: [CommuneBoundary], on db: any Database) async throws -> [String: Set<String>] {
        let boxes = boundaries.compactMap(\.geometry.boundingBox)
        guard let minLongitude = boxes.map(\.minLongitude).min(), let maxLongitude = boxes.map(\.maxLongitude).max(),
              let minLatitude = boxes.map(\.minLatitude).min(), let maxLatitude = boxes.map(\.maxLatitude).max() else { return [:] }
        let margin = 0.01
        let nearby = try await CommuneBoundaryRecord.query(on: db)
            .filter(\.$maxLongitude >= minLongitude - margin).filter(\.$minLongitude <= maxLongitude + margin)
            .filter(\.$maxLatitude >= minLatitude - margin).filter(\.$minLatitude <= maxLatitude + margin).all()
        let imported = Set(boundaries.map(\.communeCode))
        let others = nearby.compactMap { record -> CommuneBoundary? in
            guard let code = record.id, !imported.contains(code), let geometry = GeoJSON.geometry(fromText: record.geometry) else { return nil }
            return CommuneBoundary(communeCode: code, geometry: geometry, sourceCodes: [code])
        }
        var pairs = Adjacency.neighbours(boundaries + others)
        // Pairs between two communes that were stored already are stored already.
        for code in pairs.keys where !imported.contains(code) { pairs[code] = pairs[code]!.intersection(imported) }
        return pairs.filter { !$0.value.isEmpty }
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

    /// The imports that wrote these départements (or all of France), newest first.
    func imports(covering departements: Set<String>, limit: Int = 10) async throws -> [TerritoryImportRecord] {
        try await TerritoryImportRecord.query(on: database).sort(\.$importedAt, .descending).all()
            .filter { $0.scope == "France" || !Set($0.scope.split(separator: ",").map(String.init)).isDisjoint(with: departements) }
            .prefix(limit).map { $0 }
    }

    func hasReferenceData() async throws -> Bool {
        try await CommuneRecord.query(on: database).count() > 0
    }
}
