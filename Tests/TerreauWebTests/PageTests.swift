import Fluent
import Foundation
import SQLKit
import TerreauCore
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Public pages")
struct PageTests {
    @Test("the community home shows its map, census population and an invitation, in French", arguments: Engine.available)
    func communityHome(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let response = try await app.get("/c/grenoble-alpes")
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.serialize() == "text/html; charset=utf-8")
            let html = response.text
            #expect(html.contains("<html lang=\"fr\">"))
            #expect(html.contains("<h1>Grenoble-Alpes en commun</h1>"))
            #expect(html.components(separatedBy: "<path class=\"commune ").count - 1 == 15)
            #expect(html.contains("<path class=\"outline\""))
            #expect(html.contains("role=\"img\""))
            #expect(html.contains("<desc id=\"map-svg-desc\">Carte de 15 communes"))
            // The sum of the 15 communes' municipal populations from the census file.
            #expect(html.contains("<dd>365\u{202F}079</dd>"))
            #expect(html.contains("Vous êtes une ressource pour votre territoire"))
            #expect(html.contains("href=\"/c/grenoble-alpes/quartiers/rive-droite\""))
            #expect(!html.contains("#t("))
        }
    }

    @Test("the territory table is the map's text equivalent", arguments: Engine.available)
    func territoryTable(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let html = try await app.get("/c/trieves/territoire").text
            #expect(html.components(separatedBy: "<th scope=\"row\"><a href=\"/c/trieves/communes/").count - 1 == 19)
            #expect(html.contains("<a href=\"/c/trieves/communes/38226\">Mens</a>"))
            // French alphabetical order: Châtel before Clelles, Avignonet first.
            let avignonet = try #require(html.range(of: ">Avignonet<")), chatel = try #require(html.range(of: ">Châtel-en-Trièves<")),
                clelles = try #require(html.range(of: ">Clelles<"))
            #expect(avignonet.lowerBound < chatel.lowerBound && chatel.lowerBound < clelles.lowerBound)
        }
    }

    @Test("commune and neighbourhood pages", arguments: Engine.available)
    func communeAndNeighbourhood(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let commune = try await app.get("/c/grenoble-alpes/communes/38185")
            #expect(commune.status == .ok)
            #expect(commune.text.contains("<h1>Grenoble</h1>"))
            #expect(commune.text.contains("156\u{202F}140"))
            #expect(commune.text.contains("Isère (38)"))
            let drawn = try await app.get("/c/grenoble-alpes/quartiers/villeneuve")
            #expect(drawn.status == .ok)
            #expect(drawn.text.contains("dessiné le contour"))
            // Never a whole commune's population for a drawn neighbourhood (integrity issue: the
            // Villeneuve showed Grenoble's and Échirolles' 156,140 + inhabitants).
            // Its population is estimated by the share of each commune's area it covers, and said so.
            let villeneuveRecord = try #require(try await NeighbourhoodRecord.query(on: app.db).filter(\.$slug == "villeneuve").first())
            let estimate = try #require(villeneuveRecord.populationEstimate)
            #expect(estimate > 1_000 && estimate < 30_000, "a part of two communes, not their 200,000 inhabitants: \(estimate)")
            #expect(drawn.text.contains("Population estimée du quartier : environ \(app.localization[.fr].language.format(estimate)) habitants"))
            #expect(!drawn.text.contains("Population des communes concernées"))
            let open = try await app.get("/c/grenoble-alpes/donnees/statistiques-quartiers.csv")
            let villeneuve = try #require(open.text.split(whereSeparator: \.isNewline).first { $0.hasPrefix("villeneuve,") })
            let cells = villeneuve.split(separator: ",", omittingEmptySubsequences: false)
            #expect(cells[2] == "\(estimate)" && cells[3] == "true", "the open data says the population is an estimate: \(villeneuve)")
            let area = try await app.get("/c/trieves/quartiers/pays-de-mens")
            #expect(area.text.contains(">Mens</a>"))
            #expect(area.text.components(separatedBy: "<path class=\"commune tone-1\"").count - 1 == 6)
        }
    }

    @Test("English on request, by Accept-Language or by the language link", arguments: Engine.available)
    func english(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let byHeader = try await app.get("/c/trieves", headers: ["Accept-Language": "en-GB,en;q=0.9"])
            #expect(byHeader.text.contains("<html lang=\"en\">"))
            #expect(byHeader.text.contains("You are a resource for your territory"))
            #expect(byHeader.headers.first(name: "Content-Language") == "en")

            let choose = try await app.get("/langue/en?retour=%2Fc%2Ftrieves%2Fterritoire")
            #expect(choose.status == .seeOther)
            #expect(choose.headers.first(name: .location) == "/c/trieves/territoire")
            let cookie = try #require(choose.headers.setCookie?["lang"])
            #expect(cookie.string == "en")
            #expect(cookie.isHTTPOnly)
            let byCookie = try await app.get("/c/trieves/territoire", headers: ["Cookie": "lang=en", "Accept-Language": "fr"])
            #expect(byCookie.text.contains("The territory"))

            let offsite = try await app.get("/langue/fr?retour=%2F%2Fevil.example")
            #expect(offsite.headers.first(name: .location) == "/")
        }
    }

    @Test("instance home: lists its communities, or goes straight to the only one", arguments: Engine.available)
    func instanceHome(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let empty = try await app.get("/")
            #expect(empty.status == .ok)
            #expect(empty.text.contains("Aucune communauté"))
            try await app.seedDemo()
            let two = try await app.get("/")
            #expect(two.text.contains("href=\"/c/grenoble-alpes\""))
            #expect(two.text.contains("href=\"/c/trieves\""))
            #expect(two.text.contains("19 communes · "))
            #expect(two.text.components(separatedBy: "<svg class=\"card-map\"").count - 1 == 2)
            try await CommunityRecord.query(on: app.db).filter(\.$slug == "trieves").delete()
            let one = try await app.get("/")
            #expect(one.status == .seeOther)
            #expect(one.headers.first(name: .location) == "/c/grenoble-alpes")
        }
    }

    @Test("French 404 pages, for unknown addresses and unknown communities", arguments: ["/nulle-part", "/c/inconnue", "/c/trieves/communes/99999", "/c/trieves/quartiers/inconnu", "/langue/de"])
    func notFound(path: String) async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let response = try await app.get(path)
            #expect(response.status == .notFound)
            #expect(response.text.contains("<h1>Page introuvable</h1>"))
            #expect(response.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
        }
    }

    @Test("a server error is a French page; the details stay in the log")
    func serverError() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            try await (app.db as! any SQLDatabase).raw("DROP TABLE neighbourhood_communes").run()
            let response = try await app.get("/c/trieves")
            #expect(response.status == .internalServerError)
            #expect(response.text.contains("<h1>Un problème est survenu</h1>"))
            #expect(!response.text.contains("neighbourhood_communes"))
            #expect(!response.text.lowercased().contains("sqlite"))
        }
    }

    @Test("health check answers with the database state")
    func health() async throws {
        try await TestApp.with(.sqlite) { app in
            let response = try await app.get("/healthz")
            #expect(response.status == .ok)
            let health = try JSONDecoder().decode([String: String].self, from: Data(response.text.utf8))
            #expect(health == ["status": "ok", "database": "ok"])
            #expect(response.headers.first(name: .cacheControl) == "no-store")
        }
    }
}
