import Fluent
import Foundation
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("The indicators dashboard: figures read from the records, moved by what members do, defined on a public page, naming nobody")
struct IndicatorsPageTests {
    /// The value shown beside a headline figure of the dashboard.
    static func figure(_ page: String, _ label: String) -> String? {
        guard let start = page.range(of: "<dt>\(label)</dt><dd>") else { return nil }
        return String(page[start.upperBound...].prefix { $0 != "<" })
    }

    @Test("accepted connections, people connected, portraits and register answers as the records hold them", arguments: Engine.available)
    func dashboard(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let b = try await RegisterTests.browsers(app, ["karim", "sophie", "nadia"])
            let grenoble = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            let before = try await app.get("/c/grenoble-alpes/indicateurs")
            #expect(before.status == .ok)
            let entries = try await RegisterEntryRecord.query(on: app.db).join(ProposalRecord.self, on: \RegisterEntryRecord.$proposal.$id == \ProposalRecord.$id)
                .filter(ProposalRecord.self, \.$community.$id == grenoble.id!).count()
            #expect(Self.figure(before.text, "Propositions adressées") == String(entries))
            let portraits = try await InventoryItemRecord.query(on: app.db).filter(\.$community.$id == grenoble.id!).filter(\.$kind == "portrait")
                .filter(\.$visibility != "coordinators").count()
            #expect(Self.figure(before.text, "Portraits") == Language.fr.format(portraits))
            // Collectives formed: those with a second organisation joined beside their founder.
            let members = try await CollectiveMemberRecord.query(on: app.db).filter(\.$joinedAt != nil).all()
            let collectives = try await OrganisationRecord.query(on: app.db).filter(\.$community.$id == grenoble.id!).filter(\.$kind == "collective").all()
            let formed = collectives.filter { collective in members.filter { $0.$collective.id == collective.id }.count > 1 }
            #expect(!formed.isEmpty, "the demo has a collective at work")
            #expect(Self.figure(before.text, "Collectifs formés") == String(formed.count))
            let partners = Set(formed.flatMap { collective in members.filter { $0.$collective.id == collective.id }.map { $0.$organisation.id } })
            #expect(Self.figure(before.text, "Avec au moins un·e partenaire") == String(partners.count))
            #expect(Self.figure(before.text, "Mises en relation acceptées") == "0")
            #expect(Self.figure(before.text, "Personnes mises en lien") == "0")

            // Sophie records her portrait, Nadia one kept to coordinators: only Sophie's counts.
            let portrait = try InventoryTests.itemID(try await b["sophie"]!.post("/c/grenoble-alpes/inventaire/nouveau/portrait", [
                ("title", "Sophie, mécano du dimanche"), ("commune", "38185"), ("age_band", "26-40"), ("visibility", "members")]))
            _ = try await b["nadia"]!.post("/c/grenoble-alpes/inventaire/nouveau/portrait", [("title", "Nadia"), ("commune", "38185"), ("visibility", "coordinators")])
            // Karim asks to meet her; she accepts.
            #expect(try await b["karim"]!.post("/c/grenoble-alpes/inventaire/\(portrait)/mise-en-relation", [("message", "Un samedi ?")]).status == .seeOther)
            let connection = try #require(try await ConnectionRecord.query(on: app.db).first())
            #expect(try await b["sophie"]!.post("/moi/mises-en-relation/\(connection.id!.uuidString)", [("decision", "accepted")]).status == .seeOther)

            let after = try await app.get("/c/grenoble-alpes/indicateurs").text
            #expect(Self.figure(after, "Portraits") == Language.fr.format(portraits + 1))
            #expect(Self.figure(after, "Mises en relation acceptées") == "1")
            #expect(Self.figure(after, "Personnes mises en lien") == "2")
            let month = IndicatorsController.monthName(Month(Date()), app.localization[.fr])
            #expect(after.contains("<th scope=\"row\">\(month)</th><td class=\"num\">1</td><td class=\"num\">"), "this month's row counts the connection")
            // Six indicators, each with its chart, its table and the link to its definition.
            for key in IndicatorKey.allCases.map(\.rawValue) {
                #expect(after.contains("<section id=\"\(key)\""))
                #expect(after.contains("href=\"/c/grenoble-alpes/indicateurs/definitions#\(key)\""))
                #expect(after.contains("aria-labelledby=\"\(key)-chart-title \(key)-chart-desc\""))
            }
            // Nobody is named, and breakdowns withhold counts under five.
            #expect(!after.contains("Sophie, mécano"))
            #expect(!after.contains("@demo.terreau.invalid"))
            #expect(after.contains("&lt; 5"))
        }
    }

    @Test("the definitions page explains every indicator and every column, in French and in English")
    func definitions() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let page = try await app.get("/c/grenoble-alpes/indicateurs/definitions")
            #expect(page.status == .ok)
            for key in IndicatorKey.allCases.map(\.rawValue) { #expect(page.text.contains("<section id=\"\(key)\"")) }
            #expect(page.text.contains("Deux organisations sont partenaires quand elles sont membres d’un même collectif"))
            #expect(page.text.contains("« Coopérations inédites : les associations ont un mode de fonctionnement plus ouvert et sortent de l’entre-soi. »"))
            #expect(page.text.contains("Ce qui n’est jamais montré"))
            let english = try await app.get("/c/grenoble-alpes/indicateurs/definitions", headers: ["Accept-Language": "en"]).text
            #expect(english.contains("Two organisations are partners when they belong to the same collective"))
            #expect(try await app.get("/c/nowhere/indicateurs").status == .notFound)
        }
    }
}
