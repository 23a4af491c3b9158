import Foundation
import Testing
@testable import TerreauCore

/// The demo must read as a real community would write it (issue 22). These checks are written
/// apart from the catalogue: a curated mapping of what a title talks about to the everyday skills
/// that answer it, the way a coordinator would read the need.
@Suite("A believable demo")
struct DemoCatalogueTests {
    static let everyday: [String] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Resources/Vocabulary/everyday-fr.csv")
        let lines = try! String(contentsOf: file, encoding: .utf8).split(separator: "\n").dropFirst()
        return lines.map { String($0.split(separator: ";", omittingEmptySubsequences: false)[0]) }
    }()

    /// Words of a title (folded) → the skills that answer it. A need must match at least one row,
    /// ask for at least one skill of the rows it matches and for nothing outside them.
    static let curated: [(words: [String], skills: Set<String>)] = [
        (["velo"], ["réparer un vélo", "organiser un événement"]),
        (["devoirs"], ["aider aux devoirs"]),
        (["comptabilite", "tresorier"], ["tenir une comptabilité simple"]),
        (["statuts", "courriers", "dossier"], ["aider avec les papiers"]),
        (["smartphone", "telephone"], ["aider à utiliser un smartphone ou un ordinateur"]),
        (["aines", "personnes seules"], ["accompagner des personnes âgées", "écouter et tenir compagnie"]),
        (["raconter", "accueillir"], ["écouter et tenir compagnie"]),
        (["electromenager"], ["réparer des appareils électriques"]),
        (["meubles"], ["petites réparations à la maison", "peindre et décorer"]),
        (["parcelles"], ["jardiner"]),
        (["chef de choeur"], ["faire de la musique"]),
        (["interprete", "traducteurs"], ["parler une autre langue"]),
        (["conversation en francais"], ["enseigner le français"]),
        (["secouriste"], ["donner les premiers secours"]),
        (["conducteurs", "covoiturage"], ["transporter des personnes ou des objets"]),
        (["costumes", "rideaux"], ["coudre et raccommoder"]),
        (["kermesse"], ["organiser un événement"]),
        (["garde d enfants"], ["garder des enfants"]),
        (["repas"], ["cuisiner pour un groupe", "organiser un événement"]),
        (["invendus"], ["cuisiner pour un groupe"]),
        (["photographe"], ["photographier et filmer"]),
        (["entretiens d embauche"], ["animer un atelier ou une réunion"]),
    ]
    /// Things asked for, not skills: a need for them names none.
    static let things = ["salle", "local", "camion", "sono", "motoculteur", "videoprojecteur", "ordinateurs"]

    static func folded(_ text: String) -> String { " " + SearchText.fold(text) + " " }

    static func demo(communes: Int = 49) -> (organisations: [InventoryGenerator.Organisation], records: [InventoryGenerator.Record], labels: [String]) {
        let codes = (0..<communes).map { String(38001 + $0) }
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let real = ["Fontaine", "Échirolles", "Le Pont-de-Claix", "Les Adrets", "Vif"]
        let names = Dictionary(uniqueKeysWithValues: codes.enumerated().map { index, code in
            (code, index < real.count ? real[index] : "Saint-\(letters[index % 26])\(letters[index / 26])")
        })
        var generator = InventoryGenerator(seed: 2026, communes: codes, neighbourhoods: [:], skillLabels: everyday, communeNames: names)
        let organisations = generator.organisations(100)
        let records = (0..<420).map { _ in generator.portrait() } + (0..<90).map { _ in generator.resource(.need, organisations: 100) }
            + (0..<60).map { _ in generator.resource(.offer, organisations: 100) }
        return (organisations, records, everyday)
    }

    @Test("50 needs sampled: each title's skills are the ones a coordinator would expect")
    func needsAskForTheSkillsTheirTitlesName() {
        let (_, records, labels) = Self.demo()
        let needs = records.filter { $0.kind == .need }
        var random = SeededRandom(seed: 50)
        let sample = (0..<50).map { _ in needs[Int(random.next() % UInt64(needs.count))] }
        for need in sample {
            let title = Self.folded(need.values["title"]!)
            let skills = Set(need.skills.map { labels[$0] })
            if Self.things.contains(where: { title.contains(" \($0) ") }) {
                #expect(skills.isEmpty, "« \(need.values["title"]!) » asks for a thing, not for \(skills)")
                continue
            }
            let rows = Self.curated.filter { row in row.words.contains { title.contains(" \($0)") } }
            #expect(!rows.isEmpty, "« \(need.values["title"]!) » is in no row of the curated mapping")
            let allowed = rows.reduce(into: Set<String>()) { $0.formUnion($1.skills) }
            #expect(!skills.isEmpty && skills.isSubset(of: allowed), "« \(need.values["title"]!) » asks for \(skills), expected among \(allowed)")
        }
    }

    @Test("residents hold everyday skills only, and what they say they share is one of them")
    func residentsHoldEverydaySkills() {
        let (_, records, labels) = Self.demo()
        let portraits = records.filter { $0.kind == .portrait }
        #expect(portraits.count == 420)
        for portrait in portraits {
            #expect(!portrait.skills.isEmpty)
            #expect(portrait.skills.allSatisfy { Self.everyday.contains(labels[$0]) && !DemoCatalogue.unheld.contains(labels[$0]) })
        }
        let surgery = ["chirurgie", "gynecolog", "anesthes", "radiolog", "pharmac"]
        #expect(!portraits.contains { portrait in surgery.contains { Self.folded(portrait.values["skills"]!).contains($0) } })
    }

    @Test("groups have distinct names without numbers, and their needs and offers fit what they do")
    func organisationsAreDistinctAndConsistent() {
        let (organisations, records, _) = Self.demo()
        #expect(Set(organisations.map(\.name)).count == organisations.count)
        #expect(!organisations.contains { $0.name.contains(where: \.isNumber) }, "no numbered clones")
        #expect(Set(organisations.map(\.archetype)) == Set(DemoCatalogue.archetypes.indices), "every kind of group is there")
        #expect(organisations.contains { $0.name.hasSuffix(" d'Échirolles") } && organisations.contains { $0.name.hasSuffix(" du Pont-de-Claix") })
        for record in records where record.organisation != nil && [.need, .offer].contains(record.kind) {
            let archetype = DemoCatalogue.archetypes[organisations[record.organisation!].archetype]
            let titles = (record.kind == .need ? archetype.needs + DemoCatalogue.sharedNeeds : archetype.offers).map(\.title)
            #expect(titles.contains(record.values["title"]!), "« \(record.values["title"]!) » from \(organisations[record.organisation!].name)")
            #expect(record.values["commune"] == organisations[record.organisation!].commune, "a group's request sits in its commune")
        }
    }

    @Test("every catalogue skill is in the everyday list and every theme is a known theme")
    func catalogueSpeaksTheVocabulary() {
        let templates = DemoCatalogue.archetypes.flatMap { $0.needs + $0.offers } + DemoCatalogue.sharedNeeds + DemoCatalogue.residentNeeds + DemoCatalogue.residentOffers
        for template in templates {
            #expect(template.skills.allSatisfy(Self.everyday.contains), "\(template.title): \(template.skills)")
            #expect(template.themes.allSatisfy(Themes.all.contains), "\(template.title): \(template.themes)")
        }
        for archetype in DemoCatalogue.archetypes { #expect(archetype.themes.allSatisfy(Themes.all.contains), "\(archetype.name)") }
        #expect(DemoCatalogue.shares.keys.allSatisfy(Self.everyday.contains))
    }

    @Test("a commune's name takes the right preposition", arguments: [
        ("Fontaine", "de Fontaine"), ("Échirolles", "d'Échirolles"), ("Le Pont-de-Claix", "du Pont-de-Claix"), ("Les Adrets", "des Adrets"),
        ("La Tronche", "de La Tronche"), ("Eybens", "d'Eybens"), ("Saint-Égrève", "de Saint-Égrève"),
    ])
    func ofCommune(name: String, expected: String) {
        #expect(InventoryGenerator.ofCommune(name) == expected)
    }
}
