import Fluent
import SQLKit
import TerreauCore
import Vapor

enum HomeController {
    struct HomePage: Encodable {
        struct Item: Encodable {
            var name: String
            var description: String
            var url: String
            /// « Quoi ? »: the community's inventory search, straight from the instance's home.
            var searchURL: String
            var communeCount: Int
            var population: String
            /// A small decorative map; the figures beside it say the same in words.
            var thumbnail: TerritoryMap?
        }
        var layout: PageLayout
        var communities: [Item]
    }

    /// The instance home lists its communities; an instance with exactly one sends visitors
    /// straight to it.
    @Sendable static func home(_ request: Request) async throws -> Response {
        let communities = try await CommunityStore(database: request.db).all()
        if communities.count == 1, let only = communities.first {
            return request.redirect(to: SiteRoute.community(slug: only.slug).path)
        }
        let language = request.language
        var items: [HomePage.Item] = []
        for community in communities {
            let territory = try await CommunityTerritory.load(community, on: request.db)
            items.append(.init(
                name: community.name, description: community.description, url: SiteRoute.community(slug: community.slug).path,
                searchURL: SiteRoute.inventory(slug: community.slug).path, communeCount: territory.communes.count, population: language.format(territory.population),
                thumbnail: territory.map(width: 320)))
        }
        let page = HomePage(layout: PageLayout(request, title: request.catalog.text("home.title"), current: "home"), communities: items)
        return try await request.view.render("home/index", page).encodeResponse(for: request)
    }

    struct Health: Content {
        var status: String
        var database: String
    }

    /// For load balancers and monitoring: 200 when the database answers, 503 otherwise.
    @Sendable static func health(_ request: Request) async throws -> Response {
        let healthy: Bool
        do {
            _ = try await (request.db as! any SQLDatabase).raw("SELECT 1 AS ok").first()
            healthy = true
        } catch {
            request.logger.error("health check: database unreachable")
            healthy = false
        }
        let response = try await Health(status: healthy ? "ok" : "degraded", database: healthy ? "ok" : "unreachable").encodeResponse(for: request)
        response.status = healthy ? .ok : .serviceUnavailable
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    struct Readiness: Content {
        var status: String
        var database: String
        var pendingMigrations: [String]
    }

    /// For a balancer's health checks before it sends traffic: 200 when the database answers and
    /// every migration this binary knows is applied, 503 otherwise (with what is missing).
    @Sendable static func ready(_ request: Request) async throws -> Response {
        var readiness = Readiness(status: "ready", database: "ok", pendingMigrations: [])
        do {
            _ = try await (request.db as! any SQLDatabase).raw("SELECT 1 AS ok").first()
            readiness.pendingMigrations = try await Migrations.pending(request.application)
        } catch {
            request.logger.error("readiness check: database unreachable")
            readiness.database = "unreachable"
        }
        let ready = readiness.database == "ok" && readiness.pendingMigrations.isEmpty
        if !ready { readiness.status = "not ready" }
        let response = try await readiness.encodeResponse(for: request)
        response.status = ready ? .ok : .serviceUnavailable
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    /// The language switch is a link, not a form: it only sets a preference cookie, so reading
    /// the site never needs a session (and public pages stay cacheable).
    @Sendable static func chooseLanguage(_ request: Request) async throws -> Response {
        guard let language = Language(rawValue: try request.parameter("language")) else { throw Abort(.notFound) }
        let target = (try? request.query.get(String.self, at: "retour")).flatMap(ReturnTo.validated) ?? SiteRoute.home.path
        let response = request.redirect(to: target)
        response.cookies["lang"] = HTTPCookies.Value(
            string: language.rawValue, maxAge: 365 * 24 * 3600, path: "/",
            isSecure: request.application.terreauConfig.servesOverTLS, isHTTPOnly: true, sameSite: .lax)
        return response
    }
}
