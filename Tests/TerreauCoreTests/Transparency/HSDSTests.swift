import Foundation
import Testing
@testable import TerreauCore

@Suite("HSDS 3.0: organisations, their offers and places in Open Referral's shape")
struct HSDSTests {
    static let labels = HSDS.Labels(theme: { "Thème " + $0 }, kind: { $0 == "association" ? "Association" : $0 },
                                    commune: { $0 == "38185" ? "Grenoble" : nil }, accessible: "Accessible en fauteuil roulant", taxonomy: "Champs d’action")
    static let organisationID = UUID(uuidString: "1BD16654-AEB3-4A0D-BC6A-0E74402D9D4A")!

    static func organisation(object: String = "Réparer ensemble", rna: String? = nil, siren: String? = nil, website: String? = nil,
                             commune: String? = "38185") -> HSDS.Organisation {
        HSDS.Organisation(id: organisationID, name: "L'Atelier", object: object, kind: "association", rna: rna, siren: siren, website: website,
                          themes: ["culture"], communeCode: commune, page: "https://terreau.example/c/g/organisations/1")
    }

    @Test("stable identifiers are RFC 4122 version 5 UUIDs in the URL namespace (as Python's uuid.uuid5 computes them)", arguments: [
        ("theme:culture", "ca9196c6-d187-544c-bf61-b303509a4b12"),
        ("rna:W381000001", "eb801366-0117-553c-9f36-0bbbc1d449a2"),
    ])
    func stableID(name: String, expected: String) {
        #expect(HSDS.stableID(name).uuidString.lowercased() == expected)
    }

    @Test("a website goes out only as an absolute http(s) address", arguments: [
        ("https://atelier.example/", "https://atelier.example/"),
        ("atelier.example", "https://atelier.example"),
        ("  http://atelier.example/a?b=1 ", "http://atelier.example/a?b=1"),
        ("javascript:alert(1)", nil),
        ("ftp://atelier.example", nil),
        ("pas de site", nil),
        ("localhost", nil),
        ("", nil),
    ] as [(String, String?)])
    func website(text: String, expected: String?) {
        #expect(HSDS.webAddress(text) == expected)
    }

    @Test("register numbers become organization identifiers with their org-id.guide scheme")
    func identifiers() {
        let object = HSDS.organization(Self.organisation(rna: "W381000001", siren: "123456789"), services: [], places: [], labels: Self.labels)
        let identifiers = object["organization_identifiers"] as! [[String: Any]]
        #expect(identifiers.map { $0["identifier_scheme"] as! String } == ["FR-RNA", "FR-SIRENE"])
        #expect(identifiers.map { $0["identifier"] as! String } == ["W381000001", "123456789"])
        #expect(identifiers[0]["id"] as? String == "eb801366-0117-553c-9f36-0bbbc1d449a2")
        #expect(identifiers[0]["organization_id"] as? String == "1bd16654-aeb3-4a0d-bc6a-0e74402d9d4a")
    }

    @Test("an organisation without a description is described by its kind; without places it is located in its commune")
    func fallbacks() {
        let object = HSDS.organization(Self.organisation(object: "", website: "pas de site"), services: [], places: [], labels: Self.labels)
        #expect(object["description"] as? String == "Association")
        #expect(object["website"] == nil)
        let locations = object["locations"] as! [[String: Any]]
        #expect(locations.count == 1)
        #expect(locations[0]["name"] as? String == "Grenoble")
        #expect(locations[0]["external_identifier"] as? String == "38185")
        #expect(locations[0]["location_type"] as? String == "physical")
        let nowhere = HSDS.organization(Self.organisation(commune: nil), services: [], places: [], labels: Self.labels)
        #expect((nowhere["locations"] as! [[String: Any]]).isEmpty)
    }

    @Test("offers become active services and places locations, each with its themes as attributes")
    func servicesAndPlaces() {
        let offer = HSDS.Record(id: UUID(), organisation: Self.organisationID, title: "Prêt de vélos", description: "", themes: ["mobilite"],
                                communeCode: "38185", page: "https://terreau.example/c/g/inventaire/1")
        let place = HSDS.Record(id: UUID(), organisation: Self.organisationID, title: "La salle", description: "Au rez-de-chaussée", themes: [],
                                communeCode: "38185", page: "https://terreau.example/c/g/inventaire/2", wheelchairAccess: true)
        let object = HSDS.organization(Self.organisation(), services: [offer], places: [place], labels: Self.labels)
        let service = (object["services"] as! [[String: Any]])[0]
        #expect(service["status"] as? String == "active")
        #expect(service["description"] == nil, "an empty description is left out")
        #expect(service["organization_id"] as? String == object["id"] as? String)
        let attribute = (service["attributes"] as! [[String: Any]])[0]
        #expect(attribute["link_entity"] as? String == "service")
        #expect(attribute["taxonomy_term_id"] as? String == HSDS.stableID("theme:mobilite").uuidString.lowercased())
        #expect((attribute["taxonomy_term"] as? [String: Any])?["taxonomy"] as? String == "Champs d’action")
        let locations = object["locations"] as! [[String: Any]]
        #expect(locations.map { $0["name"] as? String } == ["La salle"], "places replace the commune")
        #expect((locations[0]["accessibility"] as? [[String: Any]])?.first?["description"] as? String == "Accessible en fauteuil roulant")
    }
}
