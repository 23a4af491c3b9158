import Fluent
import Foundation
import TerreauCore

/// Communities and their territories. Every read of a community-owned table filters on the
/// community's id: nothing of one community is reachable through another.
struct CommunityStore {
    let database: any Database

    func all() async throws -> [CommunityRecord] {
        try await CommunityRecord.query(on: database).sort(\.$name).all()
    }

    func find(slug: String) async throws -> CommunityRecord? {
        try await CommunityRecord.query(on: database).filter(\.$slug == slug).first()
    }

    /// The names of the community's communes by code (names only: no boundaries loaded).
    func communeNames(of community: CommunityRecord) async throws -> [String: String] {
        let communes = try await TerritoryStore(database: database).currentCommunes(codes: try await communeCodes(of: community.requireID()))
        return Dictionary(communes.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    func communeCodes(of communityID: UUID) async throws -> [String] {
        try await CommunityCommuneRecord.query(on: database).filter(\.$community.$id == communityID).all().map(\.communeCode).sorted()
    }

    /// The community's communes and the former, delegated or associated communes and
    /// arrondissements inside them: every code a register may give for a place on the territory.
    func territoryCodes(of communityID: UUID) async throws -> Set<String> {
        let codes = try await communeCodes(of: communityID)
        guard !codes.isEmpty else { return [] }
        let inside = try await CommuneRecord.query(on: database).filter(\.$parentCode ~~ codes).all().map(\.code)
        return Set(codes + inside)
    }

    func neighbourhoods(of communityID: UUID) async throws -> [NeighbourhoodRecord] {
        try await NeighbourhoodRecord.query(on: database).filter(\.$community.$id == communityID).sort(\.$position).sort(\.$name).all()
    }

    func neighbourhood(slug: String, in communityID: UUID) async throws -> NeighbourhoodRecord? {
        try await NeighbourhoodRecord.query(on: database).filter(\.$community.$id == communityID).filter(\.$slug == slug).first()
    }

    /// Neighbourhood id → its commune codes, for one community.
    func neighbourhoodCommunes(of communityID: UUID) async throws -> [UUID: [String]] {
        let rows = try await NeighbourhoodCommuneRecord.query(on: database).filter(\.$community.$id == communityID).all()
        return Dictionary(grouping: rows, by: { $0.$neighbourhood.id }).mapValues { $0.map(\.communeCode).sorted() }
    }

    /// Creates a community on a territory, in one transaction; field errors name what is wrong.
    /// A community and its first rules of governance, from one of the starting templates.
    func create(slug: String, name: String, description: String, contactEmail: String?, territory: TerritoryRequest,
                rules: RulesTemplate = .consent, now: Date) async throws -> CommunityRecord {
        var errors = CommunityRules.validate(slug: slug, name: name, description: description)
        if try await find(slug: slug) != nil {
            errors.append(FieldError(field: "slug", message: "l'adresse courte « \(slug) » est déjà prise."))
        }
        let reference = try await TerritoryStore(database: database).reference()
        let codes: [String]
        do throws(FieldErrors) { codes = try CommunityRules.resolve(territory, in: reference) } catch {
            throw FieldErrors(errors + error.errors)
        }
        if !errors.isEmpty { throw FieldErrors(errors) }
        let community = CommunityRecord(
            slug: slug, name: name.trimmingCharacters(in: .whitespacesAndNewlines), description: description,
            contactEmail: contactEmail, createdAt: now)
        try await database.writing { db in
            try await community.create(on: db)
            let id = try community.requireID()
            try await codes.map { CommunityCommuneRecord(communityID: id, communeCode: $0) }.create(on: db)
            try await DecisionStore.storeFirstRules(rules, for: id, on: db, now: now)
        }
        return community
    }

    enum NeighbourhoodShape {
        case communes([String])
        case polygon(MultiPolygon)
    }

    /// A drawn neighbourhood's population, from the communes of `boundaries` it covers.
    func populationEstimate(of polygon: MultiPolygon, boundaries: [String: MultiPolygon]) async throws -> Int? {
        let censuses = try await TerritoryStore(database: database).currentCommunes(codes: Array(boundaries.keys))
        let population = Dictionary(censuses.map { ($0.code, $0.population) }, uniquingKeysWith: { first, _ in first })
        return CommunityRules.estimatedPopulation(of: polygon, communes: boundaries.map { (population[$0.key] ?? nil, $0.value) })
    }

    /// Adds a neighbourhood drawn by the community: a group of its communes, or a polygon.
    func addNeighbourhood(to community: CommunityRecord, name: String, slug: String?, description: String, shape: NeighbourhoodShape) async throws -> NeighbourhoodRecord {
        let communityID = try community.requireID()
        let territory = try await communeCodes(of: communityID)
        let slug = slug ?? Slug.make(from: name)
        var errors = CommunityRules.validate(slug: slug, name: name, description: description).map {
            $0.field == "slug" ? FieldError(field: "quartier", message: $0.message) : $0
        }
        if try await neighbourhood(slug: slug, in: communityID) != nil {
            errors.append(FieldError(field: "quartier", message: "« \(slug) » existe déjà dans cette communauté."))
        }
        let members: [String]
        var geometryText: String?, estimate: Int?
        switch shape {
        case .communes(let requested):
            let outside = requested.filter { !territory.contains($0) }
            if !outside.isEmpty {
                errors.append(FieldError(field: "communes", message: "hors du territoire de la communauté : \(outside.joined(separator: ", "))."))
            }
            if requested.isEmpty { errors.append(FieldError(field: "communes", message: "indiquez au moins une commune.")) }
            members = Array(Set(requested)).sorted()
        case .polygon(let polygon):
            let boundaries = try await TerritoryStore(database: database).boundaries(codes: territory)
            members = CommunityRules.communesCovered(by: polygon, boundaries: boundaries)
            if members.isEmpty {
                errors.append(FieldError(field: "contour", message: "le polygone ne recouvre aucune commune du territoire."))
            }
            geometryText = GeoJSON.text(of: polygon)
            estimate = try await populationEstimate(of: polygon, boundaries: boundaries)
        }
        if !errors.isEmpty { throw FieldErrors(errors) }
        let position = try await NeighbourhoodRecord.query(on: database).filter(\.$community.$id == communityID).count()
        let record = NeighbourhoodRecord(
            communityID: communityID, slug: slug, name: name.trimmingCharacters(in: .whitespacesAndNewlines),
            description: description, geometry: geometryText, position: position)
        record.populationEstimate = estimate
        try await database.writing { db in
            try await record.create(on: db)
            let id = try record.requireID()
            try await members.map { NeighbourhoodCommuneRecord(neighbourhoodID: id, communityID: communityID, communeCode: $0) }.create(on: db)
            try await InventoryCache.invalidate(communityID, database: db)
        }
        return record
    }
}
