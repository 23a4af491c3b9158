import Fluent
import Foundation
import TerreauCore
import Vapor

/// `terreau demo`: on a fresh clone, migrates its own database (data/demo.sqlite unless
/// DATABASE_URL is set), loads the Isère subset shipped in Resources/Demo, creates the demo
/// communities once, then serves like `serve` (same --hostname and --port options).
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "hostname", short: "H", help: "Adresse d'écoute (127.0.0.1 par défaut).")
        var hostname: String?
        @Option(name: "port", short: "p", help: "Port d'écoute (8080 par défaut).")
        var port: Int?
    }

    var help: String { "Crée (une fois) les communautés de démonstration sur un vrai territoire de l'Isère, puis sert le site." }

    /// Everything the demo holds, each part created once (the page-walking tests use it too).
    static func seed(_ app: Application, bcryptCost: Int, now: Date) async throws {
        try await DemoSeed.ensure(on: app.db, resources: app.directory.resourcesDirectory, logger: app.logger)
        try await DemoPeople.ensure(on: app.db, resources: app.directory.resourcesDirectory, hash: { try Bcrypt.hash($0, cost: bcryptCost) }, now: now)
        try await DemoInventory.ensure(on: app.db, resources: app.directory.resourcesDirectory, now: now)
        try await DemoDecisions.ensure(on: app.db, now: now)
        try await DemoProposals.ensure(on: app.db, now: now)
        try await DemoEvents.ensure(on: app.db, filesDirectory: app.terreauConfig.filesDirectory, now: now)
        try await DemoFieldwork.ensure(on: app.db, catalog: app.localization[.fr], now: now)
        try await DemoFunding.ensure(on: app.db, now: now)
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        try await Self.seed(app, bcryptCost: app.terreauConfig.bcryptCost, now: Date())
        var serveContext = context
        serveContext.input = CommandInput(arguments: [
            context.input.executable, "--hostname", signature.hostname ?? "127.0.0.1", "--port", String(signature.port ?? 8080),
        ])
        app.logger.notice("Démo Terreau : http://\(signature.hostname ?? "127.0.0.1"):\(signature.port ?? 8080)/")
        try await app.servers.asyncCommand.run(using: &serveContext)
    }
}

enum DemoSeed {
    struct CommunityPlan {
        var slug: String
        var name: String
        var description: String
        var contact: String
        var communes: [String]
        var neighbourhoods: [(name: String, description: String, communes: [String])]
        var drawn: [(name: String, description: String, ring: [(Double, Double)])]
        var rules: RulesTemplate
    }

    static let communities: [CommunityPlan] = [
        CommunityPlan(
            slug: "grenoble-alpes",
            name: "Grenoble-Alpes en commun",
            description: "Habitants, associations, élus, agents et entreprises du cœur de la métropole grenobloise font ensemble l'inventaire de ce que leur territoire sait faire : compétences, savoir-faire, lieux, équipements et temps à partager.",
            contact: "animation@grenoble-alpes.demo.terreau.invalid",
            communes: ["38185", "38421", "38151", "38169", "38485", "38382", "38229", "38158", "38516", "38474", "38486", "38423", "38309", "38179", "38317"],
            neighbourhoods: [
                ("Grenoble", "La ville-centre et ses quartiers.", ["38185"]),
                ("Rive droite", "Les communes de la rive droite de l'Isère, au pied de la Chartreuse.", ["38423", "38516", "38229"]),
                ("Sud et Drac", "Du Drac à la colline de Champagnier.", ["38151", "38317", "38158", "38309"]),
                ("Est", "Autour du campus et de la plaine de l'Isère.", ["38421", "38179"]),
                ("Ouest et Vercors", "Le long du Drac, au pied du Vercors.", ["38169", "38485", "38486", "38474", "38382"]),
            ],
            drawn: [
                ("Villeneuve", "Un quartier dessiné par la communauté, à cheval sur Grenoble et Échirolles.",
                 [(5.7265, 45.1575), (5.7455, 45.1560), (5.7480, 45.1665), (5.7310, 45.1700), (5.7265, 45.1575)]),
            ],
            rules: .consent),
        CommunityPlan(
            slug: "trieves",
            name: "Trièves en commun",
            description: "Dans les villages du Trièves, chacun est une ressource : on recense les savoir-faire, les salles, le matériel et le temps que l'on peut partager, et on décide ensemble.",
            contact: "bonjour@trieves.demo.terreau.invalid",
            communes: ["38226", "38113", "38242", "38204", "38424", "38456", "38127", "38514", "38403", "38321", "38301", "38366", "38186", "38342", "38391", "38492", "38023", "38438", "38103"],
            neighbourhoods: [
                ("Pays de Mens", "Autour du bourg de Mens.", ["38226", "38514", "38403", "38321", "38424", "38366"]),
                ("Pays de Clelles", "Au pied du mont Aiguille.", ["38113", "38103", "38301", "38204", "38456", "38127"]),
                ("Pays de Monestier", "Entre Vercors et Drac.", ["38242", "38186", "38342", "38391", "38492", "38023", "38438"]),
            ],
            drawn: [],
            rules: .majorityJudgment),
    ]

    /// Idempotent: loads the reference territory if the database has none, and creates each
    /// demo community that does not exist yet.
    static func ensure(on database: any Database, resources: String, logger: Logger) async throws {
        if try await !TerritoryStore(database: database).hasReferenceData() {
            let (dataset, _) = try await TerritoryImporter(database: database).run(.demo(resources: resources), scope: ["38"], operatorName: "terreau demo", now: Date())
            for line in TerritoryImporter.report(dataset) { logger.info("\(line)") }
        }
        let store = CommunityStore(database: database)
        for plan in communities where try await store.find(slug: plan.slug) == nil {
            let community = try await store.create(
                slug: plan.slug, name: plan.name, description: plan.description, contactEmail: plan.contact,
                territory: TerritoryRequest(communeCodes: plan.communes), rules: plan.rules, now: Date())
            for neighbourhood in plan.neighbourhoods {
                _ = try await store.addNeighbourhood(
                    to: community, name: neighbourhood.name, slug: nil, description: neighbourhood.description,
                    shape: .communes(neighbourhood.communes))
            }
            for drawn in plan.drawn {
                let ring = drawn.ring.map { Position($0.0, $0.1) }
                _ = try await store.addNeighbourhood(
                    to: community, name: drawn.name, slug: nil, description: drawn.description,
                    shape: .polygon(MultiPolygon(polygons: [Polygon(rings: [ring])])))
            }
            logger.info("Communauté de démonstration créée : \(plan.name)")
        }
    }
}
