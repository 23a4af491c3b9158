import Fluent
import Foundation
import SQLKit
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Open data: public records only, no cell under five people, formulas neutralised, typed JSON, a package describing every file")
struct OpenDataTests {
    static let base = "/c/grenoble-alpes/donnees"

    @Test("CSV cells: quoted when needed, formulas neutralised in text only", arguments: [
        ("simple", OpenDataset.FieldType.string, "simple"), ("a,b", .string, "\"a,b\""), ("dit \"oui\"", .string, "\"dit \"\"oui\"\"\""),
        ("deux\nlignes", .string, "\"deux\nlignes\""), ("=1+1", .string, "'=1+1"), ("+33 6", .string, "'+33 6"), ("-x", .string, "'-x"),
        ("@SUM(A1)", .string, "'@SUM(A1)"), ("=HYPERLINK(\"x\",\"y\")", .string, "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""), ("-3", .integer, "-3"),
    ])
    func cells(value: String, type: OpenDataset.FieldType, written: String) {
        #expect(CSV.cell(value, type: type) == written)
        #expect(CSV.cell(nil, type: type) == "")
    }

    @Test("statistics withhold counts of one to four people", arguments: [(0, Int?.some(0)), (1, nil), (4, nil), (5, 5), (120, 120)])
    func smallCells(count: Int, published: Int?) {
        #expect(SmallCells.publishable(count) == published)
    }

    @Test("every export: no e-mail, phone, consent, ballot or private record; formulas neutralised; small cells withheld; the package lists every file",
          arguments: Engine.available)
    func exports(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            try await DemoDecisions.ensure(on: app.db, now: Date())
            app.clock.freeze(at: Date(timeIntervalSince1970: 1_800_000_000))
            let b = try await RegisterTests.browsers(app, ["camille", "karim", "sophie"])
            // A members-only portrait with a phone and an address in it; a public one; a hostile public need.
            #expect(try await b["karim"]!.post("/c/grenoble-alpes/inventaire/nouveau/portrait", [("title", "Karim privé"),
                ("description", "Appelez-moi au 06 12 34 56 78 ou karim.prive@exemple.invalid"), ("commune", "38151"), ("visibility", "members")]).status == .seeOther)
            #expect(try await b["sophie"]!.post("/c/grenoble-alpes/inventaire/nouveau/portrait", [("title", "Sophie publique"),
                ("enjoys", "Réparer les vélos"), ("commune", "38151"), ("visibility", "public")]).status == .seeOther)
            #expect(try await b["camille"]!.post("/c/grenoble-alpes/inventaire/nouveau/besoin", [("title", "=HYPERLINK(\"http://x.invalid\",\"clic\")"),
                ("description", "Deux lignes,\navec \"guillemets\""), ("need_type", "volunteers"), ("urgency", "normal"), ("visibility", "public"),
                ("commune", "38151")]).status == .seeOther)

            let package = try await app.get(Self.base + "/datapackage.json")
            #expect(package.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(package.body.readableBytesView)) as? [String: Any])
            #expect(json["profile"] as? String == "tabular-data-package")
            let resources = try #require(json["resources"] as? [[String: Any]])
            let names = resources.compactMap { $0["name"] as? String }
            #expect(names == ["organisations", "lieux", "materiel", "offres", "besoins", "portraits", "competences", "statistiques-communes",
                              "statistiques-quartiers", "propositions", "decisions", "financements"])
            #expect(resources.allSatisfy { !(($0["licenses"] as? [[String: String]]) ?? []).isEmpty })
            let dcat = try await app.get(Self.base + "/catalogue.jsonld")
            #expect(dcat.headers.contentType?.description.hasPrefix("application/ld+json") == true)
            #expect(dcat.text.contains("\"@type\" : \"dcat:Catalog\""))

            // Every file of every dataset, in every format.
            var everything = ""
            for name in names {
                for format in ["csv", "json"] + (name == "statistiques-communes" ? ["geojson"] : []) {
                    let file = try await app.get(Self.base + "/\(name).\(format)")
                    #expect(file.status == .ok, "\(name).\(format)")
                    if format != "csv" { #expect((try? JSONSerialization.jsonObject(with: Data(file.body.readableBytesView))) != nil, "\(name).\(format) parses") }
                    everything += file.text
                }
            }
            // The organisations in HSDS 3.0 go by the same rule.
            let hsds = try await app.get(Self.base + "/hsds-organizations.json")
            #expect(hsds.status == .ok)
            let organizations = try #require(try JSONSerialization.jsonObject(with: Data(hsds.body.readableBytesView)) as? [[String: Any]])
            #expect(organizations.count == (try await OrganisationRecord.query(on: app.db).join(CommunityRecord.self, on: \OrganisationRecord.$community.$id == \CommunityRecord.$id)
                .filter(CommunityRecord.self, \.$slug == "grenoble-alpes").count()))
            everything += hsds.text
            // S6 and S13's boundary: nothing that identifies or reaches a person, no vote.
            let sql = app.db as! any SQLDatabase
            for row in try await sql.raw("SELECT email FROM accounts").all() {
                #expect(!everything.contains(try row.decode(column: "email", as: String.self)))
            }
            for row in try await sql.raw("SELECT ballot_key, hash FROM ballots").all() {
                #expect(!everything.contains(try row.decode(column: "ballot_key", as: String.self)))
                #expect(!everything.contains(try row.decode(column: "hash", as: String.self)))
            }
            for row in try await sql.raw("SELECT id FROM consents").all() {
                #expect(!everything.lowercased().contains(try row.decode(column: "id", as: UUID.self).uuidString.lowercased()))
            }
            #expect(try await app.count("ballots") > 0)
            #expect(try await app.count("consents") > 0)
            #expect(!everything.contains("06 12 34 56 78") && !everything.contains("karim.prive@") && !everything.contains("Karim privé"))
            #expect(!everything.contains("@demo.terreau.invalid"))

            let portraits = try await app.get(Self.base + "/portraits.csv").text
            #expect(portraits.hasPrefix("id,title,description,skills,skills_free,enjoys,shares,availability,languages,commune_code,commune,"))
            #expect(portraits.contains("Sophie publique"))
            let needs = try await app.get(Self.base + "/besoins.csv").text
            #expect(needs.contains("\"'=HYPERLINK(\"\"http://x.invalid\"\",\"\"clic\"\")\",\"Deux lignes,\navec \"\"guillemets\"\"\""))
            let needsJSON = try await app.get(Self.base + "/besoins.json").text
            #expect(needsJSON.contains("\"title\":\"=HYPERLINK(\\\"http:\\/\\/x.invalid\\\",\\\"clic\\\")\"") || needsJSON.contains("\"title\":\"=HYPERLINK(\\\"http://x.invalid\\\",\\\"clic\\\")\""),
                    "JSON carries the value itself")
            // Two portraits in Échirolles: withheld; counts that are not people stay.
            let statistics = try await app.get(Self.base + "/statistiques-communes.csv").text
            let echirolles = try #require(statistics.split(separator: "\r\n").first { $0.hasPrefix("38151,") })
            let cells = echirolles.split(separator: ",", omittingEmptySubsequences: false)
            #expect(cells[3] == "", "2 portraits: withheld")
            #expect(cells[9] == "", "its rate too")
            #expect(cells[8] == "1", "one public need")
            let decisions = try await app.get(Self.base + "/decisions.json").text
            #expect(decisions.contains("\"ballots\":"))
        }
    }
}
