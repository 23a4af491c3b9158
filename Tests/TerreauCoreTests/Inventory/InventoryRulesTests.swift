import Foundation
import Testing
@testable import TerreauCore

@Suite("Inventory forms (R8, field-level messages)")
struct InventoryFormTests {
    static let form = InventoryForm(kind: .need, communes: ["38185", "38151"], neighbourhoods: ["villeneuve"])

    struct Case: Sendable, CustomTestStringConvertible {
        var values: [String: String]
        var field: InventoryField
        var error: InventoryFieldError?
        var testDescription: String { "\(field.rawValue) = \(values[field.rawValue] ?? "∅")" }
    }

    static let base = ["title": "Bénévoles pour le repair café", "need_type": "volunteers", "urgency": "normal"]
    static func with(_ change: [String: String]) -> [String: String] { base.merging(change) { $1 } }

    static let cases: [Case] = [
        Case(values: base, field: .title, error: nil),
        Case(values: with(["title": ""]), field: .title, error: .required),
        Case(values: with(["title": String(repeating: "é", count: 121)]), field: .title, error: .tooLong(max: 120)),
        Case(values: with(["title": String(repeating: "é", count: 120)]), field: .title, error: nil),
        Case(values: with(["description": String(repeating: "a", count: 4001)]), field: .description, error: .tooLong(max: 4000)),
        Case(values: with(["need_type": "money"]), field: .needType, error: .notAChoice),
        Case(values: with(["need_type": ""]), field: .needType, error: .required),
        Case(values: with(["urgency": "urgent"]), field: .urgency, error: nil),
        Case(values: with(["commune": "75056"]), field: .commune, error: .unknownPlace),
        Case(values: with(["commune": "38151"]), field: .commune, error: nil),
        Case(values: with(["neighbourhood": "ailleurs"]), field: .neighbourhood, error: .unknownPlace),
        Case(values: with(["themes": "sport inconnu"]), field: .themes, error: .notAChoice),
        Case(values: with(["availability": "mon-morning funday"]), field: .availability, error: .notAChoice),
        Case(values: with(["for_young": "peut-être"]), field: .forYoung, error: .notAChoice),
        Case(values: with(["visibility": "secret"]), field: .visibility, error: .notAChoice),
    ]

    @Test("each field is checked against its kind", arguments: cases)
    func fieldErrors(_ test: Case) {
        let outcome = Self.form.check(test.values)
        #expect(outcome.errors[test.field] == test.error)
    }

    @Test("values are normalised and kept even when invalid")
    func normalised() {
        let outcome = Self.form.check(Self.with([
            "title": "  <script>alert(1)</script>\n ", "themes": "sport culture sport", "availability": "sat-evening mon-morning",
            "skills": "jardiner\nJardiner\n réparer un vélo ; \n", "need_type": "money",
        ]))
        #expect(outcome.values[.title] == "<script>alert(1)</script>")
        #expect(outcome.values[.themes] == "culture sport")
        #expect(outcome.values[.availability] == "mon-morning sat-evening")
        #expect(outcome.values[.skills] == "jardiner\nréparer un vélo")
        #expect(outcome.values[.needType] == "money")
        #expect(outcome.values[.visibility] == "public")
        #expect(!outcome.isValid)
    }

    @Test("« occasionally » replaces a weekly pattern; portraits default to members only")
    func defaults() {
        let portrait = InventoryForm(kind: .portrait, communes: [], neighbourhoods: []).check(["title": "Léa", "availability": "occasionally tue-evening"])
        #expect(portrait.values[.availability] == "occasionally")
        #expect(portrait.values[.visibility] == "members")
        #expect(portrait.isValid)
    }

    @Test("a capacity is a whole number in range")
    func capacity() {
        let form = InventoryForm(kind: .place, communes: [], neighbourhoods: [])
        let place = ["title": "Salle", "place_type": "room"]
        #expect(form.check(place.merging(["capacity": "40"]) { $1 }).errors[.capacity] == nil)
        #expect(form.check(place.merging(["capacity": "quarante"]) { $1 }).errors[.capacity] == .notANumber(0...100_000))
        #expect(form.check(place.merging(["capacity": "-3"]) { $1 }).errors[.capacity] == .notANumber(0...100_000))
    }
}

@Suite("Revisions and concurrent edits (R9)")
struct RevisionTests {
    @Test("field-by-field differences, in the kind's order")
    func diff() {
        let changes = Revisions.diff(["title": "A", "urgency": "low", "description": "x"], ["title": "B", "urgency": "low", "themes": "sport"],
            order: InventoryKind.need.fields)
        #expect(changes == [
            FieldChange(field: "title", before: "A", after: "B"), FieldChange(field: "description", before: "x", after: ""),
            FieldChange(field: "themes", before: "", after: "sport"),
        ])
    }

    struct Merge: Sendable {
        var base: [String: String]
        var theirs: [String: String]
        var mine: [String: String]
        var conflicts: [String]
        var merged: [String: String]
    }

    static let merges: [Merge] = [
        // They changed the title, I changed the description: no conflict, both kept.
        Merge(base: ["title": "A", "description": "d"], theirs: ["title": "B", "description": "d"], mine: ["title": "A", "description": "e"],
              conflicts: [], merged: ["title": "B", "description": "e"]),
        // Both changed the title differently: conflict, mine shown in the form.
        Merge(base: ["title": "A"], theirs: ["title": "B"], mine: ["title": "C"], conflicts: ["title"], merged: ["title": "C"]),
        // Both made the same change: no conflict.
        Merge(base: ["title": "A"], theirs: ["title": "B"], mine: ["title": "B"], conflicts: [], merged: ["title": "B"]),
        // I cleared a field they did not touch.
        Merge(base: ["title": "A", "urgency": "low"], theirs: ["title": "A", "urgency": "low"], mine: ["title": "A", "urgency": ""],
              conflicts: [], merged: ["title": "A", "urgency": ""]),
    ]

    @Test("three-way merge: what conflicts, what merges", arguments: merges.indices)
    func threeWay(_ index: Int) {
        let test = Self.merges[index]
        #expect(Revisions.conflicts(base: test.base, theirs: test.theirs, mine: test.mine) == test.conflicts)
        #expect(Revisions.merge(base: test.base, theirs: test.theirs, mine: test.mine) == test.merged)
    }
}

@Suite("Who may edit and revert inventory records")
struct InventoryPolicyTests {
    static let coordinator = Viewer(signedIn: true, roles: [.member, .coordinator])
    static let member = Viewer(signedIn: true, roles: [.member])
    static let outsider = Viewer(signedIn: true, roles: [])
    typealias R = InventoryPolicy.Relation

    struct Case: Sendable {
        var kind: InventoryKind
        var viewer: Viewer
        var relation: R
        var edit: Bool
    }

    static let cases: [Case] = [
        Case(kind: .portrait, viewer: member, relation: R(isSubject: true), edit: true),
        Case(kind: .portrait, viewer: member, relation: R(isCreator: true), edit: true),
        Case(kind: .portrait, viewer: member, relation: R(), edit: false),
        Case(kind: .portrait, viewer: coordinator, relation: R(), edit: true),
        Case(kind: .portrait, viewer: outsider, relation: R(isSubject: true), edit: false),
        Case(kind: .organisation, viewer: member, relation: R(isOrganisationAdmin: true), edit: true),
        Case(kind: .organisation, viewer: member, relation: R(), edit: false),
        Case(kind: .need, viewer: member, relation: R(), edit: true),
        Case(kind: .place, viewer: member, relation: R(), edit: true),
        Case(kind: .place, viewer: .anonymous, relation: R(), edit: false),
        Case(kind: .offer, viewer: outsider, relation: R(), edit: false),
    ]

    @Test("editing", arguments: cases.indices)
    func edit(_ index: Int) {
        let test = Self.cases[index]
        #expect(InventoryPolicy.canEdit(test.kind, viewer: test.viewer, test.relation) == test.edit)
    }

    @Test("reverting: the change's author, the record's creator or a coordinator")
    func revert() {
        #expect(InventoryPolicy.canRevert(.need, viewer: Self.member, R(), isRevisionAuthor: true))
        #expect(InventoryPolicy.canRevert(.need, viewer: Self.member, R(isCreator: true), isRevisionAuthor: false))
        #expect(!InventoryPolicy.canRevert(.need, viewer: Self.member, R(), isRevisionAuthor: false))
        #expect(InventoryPolicy.canRevert(.need, viewer: Self.coordinator, R(), isRevisionAuthor: false))
        #expect(!InventoryPolicy.canRevert(.portrait, viewer: Self.member, R(), isRevisionAuthor: true))
    }

    @Test("one visibility rule for lists (S6)")
    func listable() {
        #expect(InventoryPolicy.listable(by: .anonymous) == [.public])
        #expect(InventoryPolicy.listable(by: Self.outsider) == [.public])
        #expect(InventoryPolicy.listable(by: Self.member) == [.public, .members])
        #expect(InventoryPolicy.listable(by: Self.coordinator) == [.public, .members, .coordinators])
    }
}

@Suite("Search text: folding and stemming")
struct SearchTextTests {
    @Test("folding", arguments: [
        ("Vélo", "velo"), ("ŒUVRE d’art", "oeuvre d art"), ("Saint-Martin-d'Hères", "saint martin d heres"), ("  ça  va ! ", "ca va"),
        ("<script>alert(1)</script>", "script alert 1 script"),
    ])
    func fold(input: String, expected: String) {
        #expect(SearchText.fold(input) == expected)
    }

    @Test("light French stemming makes word families meet", arguments: [
        (["jardinage", "jardiner", "jardins", "jardinier"], "jardin"), (["réparations", "réparer", "réparation"], "repar"),
        (["vélos", "vélo"], "velo"), (["bicyclettes", "bicyclette"], "bicyclett"),
    ])
    func stems(words: [String], stem: String) {
        for word in words { #expect(SearchText.terms(word) == [stem], "\(word)") }
    }

    @Test("stop words are dropped; query terms are distinct")
    func query() {
        #expect(SearchText.terms("aide aux devoirs pour les enfants") == ["aid", "devoir", "enfant"])
        #expect(SearchText.queryTerms("vélo vélos VELO") == ["velo"])
    }
}

@Suite("Skills vocabulary")
struct VocabularyTests {
    static func file(_ name: String, _ text: String) -> SourceFile { SourceFile(name: name, data: Data(text.utf8)) }

    static let skills = file("skills_fr.csv", """
        conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description
        KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a,skill/competence,cross-sector,régler des bicyclettes,"régler des vélos
        ajuster des vélos",Régler freins et dérailleurs.
        KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/b,knowledge,sector-specific,mécanique des bicyclettes,,
        """)
    static let groups = file("skillGroups_fr.csv", """
        conceptType,conceptUri,preferredLabel,altLabels,description
        SkillGroup,http://data.europa.eu/esco/skill/g,réparer des véhicules,,
        """)
    static let broader = file("broaderRelationsSkillPillar.csv", """
        conceptType,conceptUri,broaderType,broaderUri
        KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a,SkillGroup,http://data.europa.eu/esco/skill/g
        KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/zz,SkillGroup,http://data.europa.eu/esco/skill/g
        """)

    @Test("ESCO: labels, multi-line synonyms, types, hierarchy")
    func esco() throws {
        let entries = try VocabularyParser.esco(skills: Self.skills, groups: Self.groups, broader: Self.broader)
        #expect(entries.count == 3)
        #expect(entries[0].synonyms == ["régler des vélos", "ajuster des vélos"])
        #expect(entries[0].broader == ["http://data.europa.eu/esco/skill/g"])
        #expect(entries[1].conceptType == "knowledge")
        #expect(entries[2].conceptType == "group")
    }

    @Test("everyday list: linked to ESCO by label; an unknown link names file, line and column")
    func everyday() throws {
        let esco = try VocabularyParser.esco(skills: Self.skills, groups: Self.groups, broader: Self.broader)
        let good = try VocabularyParser.everyday(Self.file("everyday.csv", "label;synonymes;esco\nréparer un vélo;vélo|bicyclette;Régler des bicyclettes\n"), esco: esco)
        #expect(good == [VocabularyEntry(key: "everyday:reparer-un-velo", label: "réparer un vélo", synonyms: ["vélo", "bicyclette"],
            source: .everyday, conceptType: "skill", broader: ["http://data.europa.eu/esco/skill/a"])])
        #expect(throws: ImportFailure(issues: [ImportIssue(file: "everyday.csv", line: 3, column: "esco", message: "« voler » n'est pas une compétence ESCO.")])) {
            try VocabularyParser.everyday(Self.file("everyday.csv", "label;synonymes;esco\njardiner;;\ncourir;;voler\n"), esco: esco)
        }
    }

    @Test("ranking: exact label, prefix, synonym, then words (longer labels after)", arguments: [
        ("régler des bicyclettes", 0), ("regler", 1), ("régler des vélos", 2), ("ajuster", 3), ("vélo", 5), ("cuisine", nil),
    ] as [(String, Int?)])
    func rank(query: String, expected: Int?) {
        #expect(VocabularyParser.rank(query: query, label: "régler des bicyclettes", synonyms: ["régler des vélos", "ajuster des vélos"]) == expected)
    }

    @Test("the shipped ESCO export and everyday list parse; « vélo » is a synonym of ESCO bicycle skills")
    func shipped() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Resources/Vocabulary")
        func load(_ name: String) throws -> SourceFile { SourceFile(name: name, data: try Data(contentsOf: directory.appendingPathComponent(name))) }
        let esco = try VocabularyParser.esco(skills: load("skills_fr.csv"), groups: load("skillGroups_fr.csv"), broader: load("broaderRelationsSkillPillar.csv"))
        #expect(esco.filter { $0.conceptType != "group" }.count == 13_485)
        let everyday = try VocabularyParser.everyday(load("everyday-fr.csv"), esco: esco)
        #expect(everyday.count >= 20)
        #expect(esco.contains { $0.label == "réparer des bicyclettes" && $0.synonyms.contains("réparer des vélos") })
    }
}

@Suite("Themes, availability, generator")
struct InventoryDataTests {
    @Test("theme and public keys match the data·inclusion taxonomy files")
    func taxonomies() throws {
        // Tests/TerreauCoreTests/Inventory/<file> → Tests/Fixtures/data-inclusion (inside the package).
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/data-inclusion")
        struct Entry: Decodable { var value: String }
        let thematiques = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: fixtures.appendingPathComponent("data-inclusion-thematiques.json")))
        let publics = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: fixtures.appendingPathComponent("data-inclusion-publics.json")))
        #expect(Set(thematiques.map { Themes.family(of: $0.value) }) == Set(Themes.dataInclusionFamilies))
        #expect(publics.map(\.value) == Themes.publics)
        #expect(Set(SocialObjectTheme.families.values).isSubset(of: Themes.all))
    }

    @Test("availability overlaps", arguments: [
        ("mon-morning sat-evening", "sat-evening", true), ("mon-morning", "tue-morning", false), ("occasionally", "sun-evening", true),
        ("", "mon-morning", false),
    ])
    func overlaps(a: String, b: String, expected: Bool) {
        #expect(Availability.overlaps(a, b) == expected)
    }

    @Test("a record's neighbourhood covers its commune", arguments: [
        ("38185", "villeneuve", nil), ("38151", "villeneuve", InventoryFieldError?.some(.outsideCommune)), ("38151", "", nil), ("", "villeneuve", nil),
    ] as [(String, String, InventoryFieldError?)])
    func neighbourhoodCoversCommune(commune: String, neighbourhood: String, error: InventoryFieldError?) {
        let form = InventoryForm(kind: .place, communes: ["38185", "38151"], neighbourhoods: ["villeneuve"], neighbourhoodCommunes: ["villeneuve": ["38185"]])
        let outcome = form.check(["title": "Salle des fêtes", "place_type": "room", "visibility": "public", "commune": commune, "neighbourhood": neighbourhood])
        #expect(outcome.errors[.neighbourhood] == error)
    }

    @Test("the generator is deterministic and its records pass the form checks")
    func generator() {
        func make() -> [InventoryGenerator.Record] {
            var generator = InventoryGenerator(seed: 7, communes: ["38185", "38151"], neighbourhoods: ["villeneuve": ["38185"]], skillLabels: ["jardiner", "réparer un vélo"])
            let organisations = generator.organisations(5)
            return (0..<30).map { _ in generator.portrait() } + organisations.enumerated().map { generator.profile(of: $0.element, index: $0.offset) }
                + InventoryKind.allCases.filter { ![.portrait, .organisation].contains($0) }.flatMap { kind in (0..<10).map { _ in generator.resource(kind, organisations: 5) } }
        }
        let records = make()
        #expect(records == make())
        #expect(records.contains { $0.values["neighbourhood"] == "villeneuve" }, "some records are placed in the neighbourhood")
        #expect(!records.contains { $0.values["neighbourhood"] == "villeneuve" && $0.values["commune"] != "38185" }, "only on the commune it covers")
        for record in records {
            let outcome = InventoryForm(kind: record.kind, communes: ["38185", "38151"], neighbourhoods: ["villeneuve"],
                                        neighbourhoodCommunes: ["villeneuve": ["38185"]]).check(record.values)
            #expect(outcome.isValid, "\(record.kind): \(outcome.errors)")
        }
    }
}

@Suite("Repairing records whose neighbourhood does not cover their commune")
struct PlaceRepairTests {
    static let areas: [String: Set<String>] = ["grenoble": ["38185"], "sud": ["38151", "38317"], "villeneuve": ["38185", "38151"]]

    @Test("coherent records stay; others move to the one neighbourhood covering the commune, or lose the neighbourhood", arguments: [
        (String?.some("38185"), String?.some("grenoble"), PlaceRepair?.none),
        ("38151", "villeneuve", nil),
        (nil, "sud", nil),
        ("38185", nil, nil),
        // Grenoble's record filed under « Sud »: two neighbourhoods cover Grenoble, none is guessed.
        ("38185", "sud", .clear),
        // Pont-de-Claix (38317) filed under « Grenoble »: only « Sud » covers it.
        ("38317", "grenoble", .move(to: "sud")),
        // A commune no neighbourhood covers.
        ("38421", "grenoble", .clear),
        // A neighbourhood that no longer exists.
        ("38185", "ancien-quartier", .clear),
    ])
    func repair(commune: String?, neighbourhood: String?, expected: PlaceRepair?) {
        #expect(PlaceRepair.needed(commune: commune, neighbourhood: neighbourhood, neighbourhoodCommunes: Self.areas) == expected)
    }
}
