import Fluent
import Foundation
import TerreauCore
import Vapor

/// The public pages of a community: its home, its territory table, a neighbourhood, a commune.
enum CommunityController {
    struct Summary: Encodable {
        var name: String
        var description: String
        var contactEmail: String?
        var communeCount: Int
        var population: String
        var neighbourhoodCount: Int
        var territoryURL: String
    }

    struct NeighbourhoodItem: Encodable {
        var name: String
        var url: String
        var communeCount: Int
        var population: String
        var tone: Int
        var drawn: Bool
    }

    struct CommuneItem: Encodable {
        var code: String
        var name: String
        var url: String
        var departement: String
        var population: String
        var neighbourhoods: String
    }

    struct HomePage: Encodable {
        var layout: PageLayout
        var community: Summary
        /// « Quoi ? Où ? » at the top: the inventory's search, every commune to choose from.
        var searchURL: String
        var communes: [ChoiceOption]
        var map: MapView?
        var neighbourhoods: [NeighbourhoodItem]
    }

    struct TerritoryPage: Encodable {
        var layout: PageLayout
        var community: Summary
        var communes: [CommuneItem]
        var neighbourhoods: [NeighbourhoodItem]
        var missingPopulation: Int
        var imports: [ImportItem]
    }

    /// One import of the reference territory: when, which départements, by whom, from which files.
    struct ImportItem: Encodable {
        var summary: String
        var files: [String]
    }

    struct NeighbourhoodPage: Encodable {
        var layout: PageLayout
        var community: Summary
        var name: String
        var description: String
        var drawn: Bool
        var population: String
        var communes: [CommuneItem]
        var map: MapView?
    }

    struct CommunePage: Encodable {
        struct FormerCommune: Encodable {
            var code: String
            var name: String
            var kind: String
        }
        struct Change: Encodable {
            var date: String
            var before: String
        }
        var layout: PageLayout
        var community: Summary
        var commune: CommuneItem
        var totalPopulation: String
        var departementName: String
        var formerCommunes: [FormerCommune]
        var changes: [Change]
        var map: MapView?
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let community = try await community(request)
        let territory = try await CommunityTerritory.load(community, on: request.db)
        let catalog = request.catalog
        return try await request.render("community/home", HomePage(
            layout: PageLayout(request, title: community.name, community: community, current: "community"),
            community: summary(community, territory, catalog),
            searchURL: SiteRoute.inventory(slug: community.slug).path,
            communes: [ChoiceOption(value: "", label: catalog.text("inventory.where.all"), selected: true)]
                + territory.communes.sorted { $0.name < $1.name }.map { ChoiceOption(value: $0.code, label: $0.name, selected: false) },
            map: mapView(territory.map(), territory: territory, catalog: catalog),
            neighbourhoods: neighbourhoodItems(territory, community, catalog)))
    }

    @Sendable static func territory(_ request: Request) async throws -> Response {
        let community = try await community(request)
        let territory = try await CommunityTerritory.load(community, on: request.db)
        let catalog = request.catalog
        return try await request.render("community/territory", TerritoryPage(
            layout: PageLayout(request, title: catalog.text("territory.title", [community.name]), community: community, current: "territory"),
            community: summary(community, territory, catalog),
            communes: territory.communes.map { communeItem($0, community, catalog) },
            neighbourhoods: neighbourhoodItems(territory, community, catalog),
            missingPopulation: territory.communesWithoutPopulation,
            imports: try await TerritoryStore(database: request.db).imports(covering: Set(territory.communes.map { CommuneCode.departement(of: $0.code) }))
                .map { record in
                    ImportItem(summary: catalog.text("territory.imports.item", [request.language.formatDate(record.importedAt), record.scope,
                                                                               record.operatorName.isEmpty ? "—" : record.operatorName]),
                               files: record.files.split(separator: "\n").map(String.init))
                }))
    }

    @Sendable static func neighbourhood(_ request: Request) async throws -> Response {
        let community = try await community(request)
        let communityID = try community.requireID()
        guard let record = try await CommunityStore(database: request.db).neighbourhood(slug: try request.parameter("neighbourhood"), in: communityID)
        else { throw Abort(.notFound) }
        let territory = try await CommunityTerritory.load(community, on: request.db)
        guard let row = territory.neighbourhoods.first(where: { $0.record.id == record.id }) else { throw Abort(.notFound) }
        let catalog = request.catalog
        let members = Set(row.communeCodes)
        return try await request.render("community/neighbourhood", NeighbourhoodPage(
            layout: PageLayout(request, title: "\(record.name) — \(community.name)", community: community),
            community: summary(community, territory, catalog),
            name: record.name, description: record.description, drawn: record.geometry != nil,
            population: row.population.map(catalog.language.format) ?? "",
            communes: territory.communes.filter { members.contains($0.code) }.map { communeItem($0, community, catalog) },
            map: mapView(territory.map(highlighting: members), territory: territory, catalog: catalog, focusName: record.name)))
    }

    @Sendable static func commune(_ request: Request) async throws -> Response {
        let community = try await community(request)
        let code = try request.parameter("code")
        let territory = try await CommunityTerritory.load(community, on: request.db)
        // Only communes of this community's territory have a page here.
        guard let row = territory.communes.first(where: { $0.code == code }),
            let record = try await TerritoryStore(database: request.db).currentCommunes(codes: [code]).first
        else { throw Abort(.notFound) }
        let catalog = request.catalog
        let former = try await CommuneRecord.query(on: request.db)
            .filter(\.$parentCode == code).filter(\.$kind != CommuneKind.commune.rawValue).sort(\.$name).all()
        let changes = try await CommuneMovementRecord.query(on: request.db)
            .filter(\.$codeAfter == code).filter(\.$codeBefore != code).sort(\.$effectiveDate, .descending).all()
        var seen = Set<String>()
        return try await request.render("community/commune", CommunePage(
            layout: PageLayout(request, title: "\(row.name) — \(community.name)", community: community),
            community: summary(community, territory, catalog),
            commune: communeItem(row, community, catalog),
            totalPopulation: record.totalPopulation.map(catalog.language.format) ?? "—",
            departementName: territory.departementNames[row.departement] ?? row.departement,
            formerCommunes: former.map { .init(code: $0.code, name: $0.name, kind: catalog.text("commune.kind.\($0.kind)")) },
            changes: changes.filter { seen.insert($0.codeBefore + $0.effectiveDate).inserted }
                .map { .init(date: $0.effectiveDate, before: "\($0.nameBefore) (\($0.codeBefore))") },
            map: mapView(territory.map(highlighting: [code]), territory: territory, catalog: catalog, focusName: row.name)))
    }

    // MARK: - Building page contexts

    private static func community(_ request: Request) async throws -> CommunityRecord {
        guard let community = try await CommunityStore(database: request.db).find(slug: try request.parameter("slug")) else {
            throw Abort(.notFound)
        }
        return community
    }

    private static func summary(_ community: CommunityRecord, _ territory: CommunityTerritory, _ catalog: MessageCatalog) -> Summary {
        Summary(
            name: community.name, description: community.description, contactEmail: community.contactEmail,
            communeCount: territory.communes.count, population: catalog.language.format(territory.population),
            neighbourhoodCount: territory.neighbourhoods.count, territoryURL: SiteRoute.territory(slug: community.slug).path)
    }

    private static func neighbourhoodItems(_ territory: CommunityTerritory, _ community: CommunityRecord, _ catalog: MessageCatalog) -> [NeighbourhoodItem] {
        territory.neighbourhoods.map { row in
            NeighbourhoodItem(
                name: row.record.name, url: SiteRoute.neighbourhood(slug: community.slug, neighbourhood: row.record.slug).path,
                communeCount: row.communeCodes.count, population: row.population.map(catalog.language.format) ?? "", tone: row.tone,
                drawn: row.record.geometry != nil)
        }
    }

    private static func communeItem(_ row: CommunityTerritory.CommuneRow, _ community: CommunityRecord, _ catalog: MessageCatalog) -> CommuneItem {
        CommuneItem(
            code: row.code, name: row.name, url: SiteRoute.commune(slug: community.slug, code: row.code).path,
            departement: row.departement, population: row.population.map(catalog.language.format) ?? "—",
            neighbourhoods: row.neighbourhoods.map(\.name).joined(separator: ", "))
    }

    /// The map and the sentence that describes it to someone who cannot see it.
    private static func mapView(_ map: TerritoryMap?, territory: CommunityTerritory, catalog: MessageCatalog, focusName: String? = nil) -> MapView? {
        guard let map else { return nil }
        let drawn = map.communes.count
        var description = catalog.text("map.description", count: drawn)
        if let focusName { description += " " + catalog.text("map.focus", [focusName]) }
        let missing = territory.communes.count - drawn
        if missing > 0 { description += " " + catalog.text("map.missing", count: missing) }
        return MapView(map: map, description: description)
    }
}
