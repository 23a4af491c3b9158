import Foundation
import TerreauCore
import Vapor

struct CommunityCommandGroup: AsyncCommandGroup {
    var help: String { "Communautés d'action de l'instance : création et quartiers." }
    var commands: [String: any AnyAsyncCommand] {
        ["create": CommunityCreateCommand(), "neighbourhood": NeighbourhoodAddCommand(), "list": CommunityListCommand(),
         "coherence": CoherenceCommand()]
    }
}

struct CommunityCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "slug", help: "Adresse courte, par exemple grenoble-alpes (la page sera /c/grenoble-alpes).")
        var slug: String?
        @Option(name: "name", help: "Nom de la communauté d'action.")
        var name: String?
        @Option(name: "description", help: "Présentation en quelques phrases.")
        var description: String?
        @Option(name: "contact", help: "Adresse e-mail de l'équipe d'animation (facultatif).")
        var contact: String?
        @Option(name: "communes", help: "Codes officiels des communes, séparés par des virgules (38185,38421).")
        var communes: String?
        @Option(name: "departement", help: "Départements entiers, séparés par des virgules (38).")
        var departement: String?
        @Option(name: "rules", help: "Règles de départ : consentement (par défaut), majorite ou jugement-majoritaire.")
        var rules: String?
    }

    var help: String { "Crée une communauté d'action sur un territoire (communes et/ou départements)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let name = signature.name else { throw CommandFailure("option --name manquante.") }
        let request = TerritoryRequest(communeCodes: list(signature.communes), departements: list(signature.departement))
        guard let rules = RulesTemplate(rawValue: signature.rules ?? RulesTemplate.consent.rawValue) else {
            throw CommandFailure("option --rules : « \(signature.rules ?? "") » inconnu ; choisissez consentement, majorite ou jugement-majoritaire.")
        }
        do {
            let community = try await CommunityStore(database: context.application.db).create(
                slug: signature.slug ?? Slug.make(from: name), name: name, description: signature.description ?? "",
                contactEmail: signature.contact, territory: request, rules: rules, now: Date())
            context.console.print("Communauté « \(community.name) » créée : \(SiteRoute.community(slug: community.slug).path)")
        } catch let errors as FieldErrors {
            throw CommandFailure("communauté non créée.\n" + errors.description)
        }
    }
}

struct NeighbourhoodAddCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "community", help: "Adresse courte de la communauté.")
        var community: String?
        @Option(name: "name", help: "Nom du quartier.")
        var name: String?
        @Option(name: "description", help: "Présentation du quartier.")
        var description: String?
        @Option(name: "communes", help: "Codes des communes qui le composent, séparés par des virgules.")
        var communes: String?
        @Option(name: "geojson", help: "Ou bien : fichier GeoJSON d'un polygone dessiné par la communauté.")
        var geojson: String?
    }

    var help: String { "Ajoute un quartier à une communauté : un groupe de ses communes ou un polygone." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = CommunityStore(database: context.application.db)
        guard let slug = signature.community, let community = try await store.find(slug: slug) else {
            throw CommandFailure("communauté introuvable : « \(signature.community ?? "") » (option --community).")
        }
        guard let name = signature.name else { throw CommandFailure("option --name manquante.") }
        let shape: CommunityStore.NeighbourhoodShape
        switch (signature.communes, signature.geojson) {
        case (let codes?, nil):
            shape = .communes(list(codes))
        case (nil, let path?):
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path) : fichier introuvable (option --geojson).") }
            guard let feature = try? GeoJSON.features(from: data).first else {
                throw CommandFailure("\(path) : un polygone GeoJSON (Polygon ou MultiPolygon) est attendu.")
            }
            shape = .polygon(feature.geometry)
        default:
            throw CommandFailure("indiquez soit --communes, soit --geojson.")
        }
        do {
            let neighbourhood = try await store.addNeighbourhood(to: community, name: name, slug: nil, description: signature.description ?? "", shape: shape)
            context.console.print("Quartier « \(neighbourhood.name) » ajouté : \(SiteRoute.neighbourhood(slug: community.slug, neighbourhood: neighbourhood.slug).path)")
        } catch let errors as FieldErrors {
            throw CommandFailure("quartier non ajouté.\n" + errors.description)
        }
    }
}

struct CommunityListCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Liste les communautés de l'instance." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = CommunityStore(database: context.application.db)
        for community in try await store.all() {
            let communes = try await store.communeCodes(of: try community.requireID()).count
            context.console.print("\(community.slug)\t\(community.name)\t\(communes) commune(s)")
        }
    }
}

func list(_ text: String?) -> [String] {
    (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

func registerCommands(_ app: Application) {
    app.asyncCommands.use(TerritoryCommandGroup(), as: "territory")
    app.asyncCommands.use(CommunityCommandGroup(), as: "community")
    app.asyncCommands.use(FieldworkCommandGroup(), as: "fieldwork")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(ImportCommandGroup(), as: "import")
    app.asyncCommands.use(MailCommandGroup(), as: "mail")
    app.asyncCommands.use(BenchCommandGroup(), as: "bench")
    app.asyncCommands.use(SkillsCommandGroup(), as: "skills")
    app.asyncCommands.use(RecountCommand(), as: "recount")
    app.asyncCommands.use(VerifyCommand(), as: "verify")
    app.asyncCommands.use(AdminCommandGroup(), as: "admin")
    app.asyncCommands.use(AccountCommandGroup(), as: "account")
    // Replaces Fluent's own `migrate` (registered when the databases were set up).
    app.asyncCommands.use(MigrationCommand(), as: "migrate")
    app.asyncCommands.use(BackupCommand(), as: "backup")
}

/// Records saved before the checks of the integrity issue may hold a neighbourhood that does
/// not cover their commune, and neighbourhoods drawn before it have no population estimate.
/// This lists them, line by line; with `--corriger` it repairs them (a new revision each,
/// journalled) — never deleting a record or its links.
struct CoherenceCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "community", help: "Adresse courte de la communauté (toutes, sans cette option).")
        var community: String?
        @Flag(name: "corriger", help: "Corrige ce qui est signalé (sinon, la commande ne fait que lister).")
        var fix: Bool
    }

    var help: String { "Vérifie la cohérence des fiches (quartier et commune) et des quartiers dessinés ; --corriger répare." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let database = context.application.db
        let store = CommunityStore(database: database)
        var communities = try await CommunityRecord.query(on: database).sort(\.$slug).all()
        if let slug = signature.community {
            guard let community = try await store.find(slug: slug) else { throw CommandFailure("communauté « \(slug) » inconnue.") }
            communities = [community]
        }
        let now = Date()
        var found = 0
        for community in communities {
            let places = try await CommunityPlaces.load(community, on: database)
            let repairs = try await InventoryStore(database: database).placeRepairs(community: community.id!, places: places, apply: signature.fix,
                summary: "Cohérence : le quartier ne couvrait pas la commune de la fiche", now: now)
            for (item, repair) in repairs {
                let place = "commune \(places.communeName(item.communeCode) ?? item.communeCode ?? "?") hors du quartier « \(item.neighbourhood ?? "") »"
                let action = switch repair {
                case .move(let slug): "quartier « \(places.neighbourhoodName(slug) ?? slug) »"
                case .clear: "quartier laissé vide (aucun quartier, ou plusieurs, couvrent la commune)"
                }
                context.console.print("\(community.slug) · \(item.kind) \(item.id!.uuidString) « \(item.title) » : \(place) → \(action)\(signature.fix ? "" : " (à corriger)")")
            }
            found += repairs.count
            for neighbourhood in try await store.neighbourhoods(of: community.id!) where neighbourhood.geometry != nil && neighbourhood.populationEstimate == nil {
                found += 1
                guard signature.fix, let text = neighbourhood.geometry, let polygon = GeoJSON.geometry(fromText: text) else {
                    context.console.print("\(community.slug) · quartier dessiné « \(neighbourhood.name) » : population non estimée (à corriger)")
                    continue
                }
                let boundaries = try await TerritoryStore(database: database).boundaries(codes: try await store.communeCodes(of: community.id!))
                neighbourhood.populationEstimate = try await store.populationEstimate(of: polygon, boundaries: boundaries)
                try await neighbourhood.update(on: database)
                context.console.print("\(community.slug) · quartier dessiné « \(neighbourhood.name) » : population estimée à \(neighbourhood.populationEstimate.map(String.init) ?? "—")")
            }
        }
        context.console.print(found == 0 ? "Tout est cohérent." : signature.fix ? "\(found) correction(s) faite(s)." : "\(found) incohérence(s) : relancez avec --corriger pour les réparer.")
    }
}
