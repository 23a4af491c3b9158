import Testing
@testable import TerreauCore

@Suite("Community rules")
struct CommunityRulesTests {
    let reference = TerritoryReference(
        currentCommunes: ["38185": "38", "38421": "38", "38395": "38", "01001": "01"],
        successors: ["38367": "38395"])

    @Test("territory requests resolve to current commune codes", arguments: [
        (TerritoryRequest(communeCodes: ["38421", "38185", " 38185 "]), ["38185", "38421"]),
        (TerritoryRequest(departements: ["38"]), ["38185", "38395", "38421"]),
        (TerritoryRequest(communeCodes: ["01001"], departements: ["38"]), ["01001", "38185", "38395", "38421"]),
    ])
    func resolves(request: TerritoryRequest, codes: [String]) throws {
        #expect(try CommunityRules.resolve(request, in: reference) == codes)
    }

    @Test("unknown, retired or empty territories are refused with a reason", arguments: [
        (TerritoryRequest(communeCodes: ["38999"]), "communes : code commune inconnu : « 38999 » (code officiel géographique de l'INSEE attendu, par exemple 38185)."),
        (TerritoryRequest(communeCodes: ["38367"]), "communes : la commune 38367 n'existe plus : elle fait désormais partie de 38395."),
        (TerritoryRequest(departements: ["73"]), "communes : département inconnu ou non importé : « 73 »."),
        (TerritoryRequest(), "communes : indiquez au moins une commune ou un département."),
    ])
    func refuses(request: TerritoryRequest, message: String) {
        do {
            _ = try CommunityRules.resolve(request, in: reference)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("name, slug and description limits")
    func fields() {
        #expect(CommunityRules.validate(slug: "trieves", name: "Trièves en commun", description: "").isEmpty)
        #expect(CommunityRules.validate(slug: "Trièves", name: " ", description: "").map(\.field) == ["slug", "nom"])
        #expect(CommunityRules.validate(slug: "ok", name: String(repeating: "x", count: 121), description: String(repeating: "y", count: 2001))
            .map(\.message) == ["120 caractères au plus (121 saisis).", "2000 caractères au plus (2001 saisis)."])
    }

    @Test("a drawn neighbourhood covers the communes whose centre it contains, and the one it sits in")
    func coverage() {
        func square(_ lon: Double, _ lat: Double, _ size: Double) -> MultiPolygon {
            MultiPolygon(polygons: [Polygon(rings: [[Position(lon, lat), Position(lon + size, lat), Position(lon + size, lat + size), Position(lon, lat + size), Position(lon, lat)]])])
        }
        let boundaries = ["A": square(0, 0, 1), "B": square(1, 0, 1), "C": square(5, 5, 1)]
        #expect(CommunityRules.communesCovered(by: square(0.2, 0.2, 1.5), boundaries: boundaries) == ["A", "B"])
        #expect(CommunityRules.communesCovered(by: square(5.1, 5.1, 0.2), boundaries: boundaries) == ["C"])
        #expect(CommunityRules.communesCovered(by: square(10, 10, 1), boundaries: boundaries).isEmpty)
    }
}
