import Foundation
import Testing
@testable import TerreauCore

@Suite("The organisations directory")
struct OrganisationDirectoryTests {
    static func entry(_ name: String, _ kind: String, _ themes: [String], _ commune: String?, _ text: String = "") -> OrganisationDirectory.Entry {
        .init(id: UUID(), name: name, kind: kind, themes: themes, commune: commune, text: text)
    }

    static let directory = OrganisationDirectory([
        entry("Atelier vélo solidaire de Fontaine", "association", ["mobilite", "sport"], "38169", "réparer les vélos ensemble"),
        entry("Chorale d'Échirolles", "association", ["culture"], "38151", "chanter ensemble"),
        entry("Coopérative Roue libre", "company", ["mobilite"], "38185", "réparation et vente de vélos"),
        entry("Jardin partagé de Grenoble", "association", ["environnement", "loisirs"], "38185", "cultiver des parcelles"),
        entry("Mairie de Grenoble", "public_body", ["social"], "38185"),
    ])

    @Test("words, fields, communes and kinds narrow; results by name", arguments: [
        (OrganisationDirectory.Query(), ["Atelier vélo solidaire de Fontaine", "Chorale d'Échirolles", "Coopérative Roue libre", "Jardin partagé de Grenoble", "Mairie de Grenoble"]),
        (OrganisationDirectory.Query(text: "vélos"), ["Atelier vélo solidaire de Fontaine", "Coopérative Roue libre"]),
        (OrganisationDirectory.Query(text: "VELO repar"), ["Atelier vélo solidaire de Fontaine", "Coopérative Roue libre"]),
        (OrganisationDirectory.Query(theme: "mobilite", commune: "38185"), ["Coopérative Roue libre"]),
        (OrganisationDirectory.Query(commune: "38185", kind: "association"), ["Jardin partagé de Grenoble"]),
        (OrganisationDirectory.Query(text: "piscine"), []),
    ])
    func narrows(query: OrganisationDirectory.Query, expected: [String]) {
        let result = Self.directory.search(query)
        #expect(result.entries.map(\.name) == expected)
        #expect(result.total == expected.count)
    }

    @Test("each filter's counts keep the other filters, not its own")
    func counts() {
        let result = Self.directory.search(.init(theme: "mobilite", commune: "38185"))
        // Communes: within « mobilité », whatever the commune.
        #expect(result.communes == ["38169": 1, "38185": 1])
        // Fields: within Grenoble, whatever the field.
        #expect(result.themes == ["mobilite": 1, "environnement": 1, "loisirs": 1, "social": 1])
        #expect(result.kinds == ["company": 1])
    }

    @Test("pages of 20; a page past the end shows the last one")
    func pages() {
        let many = OrganisationDirectory((1...45).map { Self.entry(String(format: "Association %02d", $0), "association", ["culture"], nil) })
        #expect(many.search(.init()).pages == 3)
        #expect(many.search(.init(page: 3)).entries.map(\.name) == ["Association 41", "Association 42", "Association 43", "Association 44", "Association 45"])
        #expect(many.search(.init(page: 9)).entries.first?.name == "Association 41")
        #expect(many.search(.init(page: 2)).total == 45)
    }
}
