import Foundation
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("The read-only API: pages by cursor, filters, JSON errors, 405 for writes, an OpenAPI 3.1 document")
struct ApiTests {
    static func object(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test("walking the pages returns every public record once; limits, cursors and communes are checked", arguments: Engine.available)
    func paging(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let b = try await RegisterTests.browsers(app, ["camille"])
            for index in 1...7 {
                #expect(try await b["camille"]!.post("/c/grenoble-alpes/inventaire/nouveau/besoin", [("title", "Besoin \(index)"), ("need_type", "volunteers"),
                    ("urgency", "normal"), ("visibility", index == 7 ? "members" : "public"), ("commune", index <= 2 ? "38151" : "38185")]).status == .seeOther)
            }
            var titles: [String] = [], cursor: String?
            repeat {
                let page = try await app.get("/api/communautes/grenoble-alpes/besoins?limite=2" + (cursor.map { "&apres=" + $0 } ?? ""))
                #expect(page.status == .ok)
                let json = try Self.object(page)
                titles += ((json["data"] as? [[String: Any]]) ?? []).compactMap { $0["title"] as? String }
                cursor = (json["page"] as? [String: Any])?["next"] as? String
            } while cursor != nil
            #expect(titles.sorted() == (1...6).map { "Besoin \($0)" }, "the members-only need is not in the API")
            let echirolles = try Self.object(try await app.get("/api/communautes/grenoble-alpes/besoins?commune=38151"))
            #expect(((echirolles["data"] as? [[String: Any]]) ?? []).count == 2)
            for (query, status) in [("limite=0", HTTPStatus.badRequest), ("limite=501", .badRequest), ("limite=deux", .badRequest),
                                    ("apres=pas-un-curseur", .badRequest), ("commune=Grenoble", .badRequest)] {
                let refused = try await app.get("/api/communautes/grenoble-alpes/besoins?" + query)
                #expect(refused.status == status, "\(query)")
                #expect(refused.headers.contentType == .json)
                #expect(try Self.object(refused)["error"] is String)
            }
            #expect(try await app.get("/api/communautes/grenoble-alpes/decisions?commune=38151").status == .badRequest, "decisions have no commune")
            let missing = try await app.get("/api/communautes/inconnue/besoins")
            #expect(missing.status == .notFound)
            #expect(try Self.object(missing)["error"] as? String == "Aucune communauté ne porte cet identifiant.")
            let write = try await b["camille"]!.post("/api/communautes/grenoble-alpes/besoins", [("title", "x")])
            #expect(write.status == .methodNotAllowed)
            #expect(write.headers.first(name: .allow) == "GET, HEAD")
        }
    }

    @Test("the OpenAPI document: version 3.1, one operation per dataset, every item's fields required and typed")
    func document() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let json = try Self.object(try await app.get("/api/openapi.json"))
            #expect(json["openapi"] as? String == "3.1.0")
            let paths = try #require(json["paths"] as? [String: Any])
            #expect(paths.count == 13)
            let needs = try #require(((paths["/api/communautes/{community}/besoins"] as? [String: Any])?["get"] as? [String: Any]))
            let item = try #require((((((needs["responses"] as? [String: Any])?["200"] as? [String: Any])?["content"] as? [String: Any])?["application/json"]
                as? [String: Any])?["schema"] as? [String: Any])?["properties"] as? [String: Any])
            let properties = try #require(((item["data"] as? [String: Any])?["items"] as? [String: Any])?["properties"] as? [String: Any])
            #expect((properties["updated_at"] as? [String: Any])?["format"] as? String == "date-time")
            #expect(((needs["parameters"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } == ["community", "limite", "apres", "commune"])
        }
    }
}
