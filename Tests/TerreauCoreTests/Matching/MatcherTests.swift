import Foundation
import Testing
@testable import TerreauCore

/// The real vocabulary: ESCO in French plus the everyday list, and a term a member proposed that
/// a coordinator merged into an ESCO one.
let realVocabulary: SkillGraph = {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Resources/Vocabulary")
    func load(_ name: String) -> SourceFile { SourceFile(name: name, data: try! Data(contentsOf: directory.appendingPathComponent(name))) }
    let esco = try! VocabularyParser.esco(skills: load("skills_fr.csv"), groups: load("skillGroups_fr.csv"), broader: load("broaderRelationsSkillPillar.csv"))
    let everyday = try! VocabularyParser.everyday(load("everyday-fr.csv"), esco: esco)
    let proposed = SkillTerm(key: "proposed:retaper", label: "retaper des biclous", mergedInto: ESCO.repairBicycles)
    return SkillGraph((esco + everyday).map(SkillTerm.init) + [proposed])
}()

enum ESCO {
    static let repairBicycles = "http://data.europa.eu/esco/skill/fab8e95a-448d-4784-aa50-9ef10e924829"  // réparer des bicyclettes
    static let repairEBikes = "http://data.europa.eu/esco/skill/012795fe-5f85-4d12-a10e-9dabda4ea05f"  // réparer une bicyclette électrique
    static let everydayBike = "everyday:reparer-un-velo"  // linked to « réparer des bicyclettes »
    static let tutoring = "http://data.europa.eu/esco/skill/63b9a087-a5db-424e-96ef-3212c8b5311e"  // donner des cours particuliers
}

@Suite("Matching needs with resources")
struct MatcherTests {
    static let me = UUID(), someone = UUID(), association = UUID()
    static let member = Viewer(signedIn: true, roles: [.member])

    static func need(_ skills: [String], type: String = "volunteers", title: String = "Un coup de main", commune: String? = "38185",
                     neighbourhood: String? = "berriat", availability: String = "sat-morning", themes: [String] = []) -> MatchRecord {
        MatchRecord(id: UUID(), kind: .need, subtype: type, title: title, skills: skills, themes: themes, commune: commune, neighbourhood: neighbourhood,
            availability: availability, creator: someone, organisation: association)
    }

    static func portrait(_ title: String, skills: [String] = [], text: String = "", visibility: Visibility = .public, commune: String? = "38185",
                         neighbourhood: String? = nil, availability: String = "", person: UUID = UUID()) -> MatchRecord {
        MatchRecord(id: UUID(), kind: .portrait, visibility: visibility, title: title, text: text, skills: skills, commune: commune,
            neighbourhood: neighbourhood, availability: availability, person: person)
    }

    static func matcher(_ records: [MatchRecord]) -> Matcher {
        // Grenoble (38185) touches Échirolles (38151); Voiron (38563) touches neither.
        Matcher(records: records, skills: realVocabulary, neighbours: ["38185": ["38151"], "38151": ["38185"]])
    }

    struct SkillCase: Sendable, CustomTestStringConvertible {
        var needed: String
        var held: [String]
        var text: String
        var level: SkillLevel?
        var heldWording: String
        var testDescription: String { "\(needed.suffix(12)) ← \(held.map { String($0.suffix(12)) }) « \(text) »" }
    }

    static let skillCases: [SkillCase] = [
        SkillCase(needed: ESCO.repairBicycles, held: [ESCO.repairBicycles], text: "", level: .exact, heldWording: "réparer des bicyclettes"),
        SkillCase(needed: ESCO.repairBicycles, held: ["proposed:retaper"], text: "", level: .synonym, heldWording: "retaper des biclous"),
        SkillCase(needed: ESCO.repairBicycles, held: [ESCO.repairEBikes], text: "", level: .narrower, heldWording: "réparer une bicyclette électrique"),
        SkillCase(needed: ESCO.repairBicycles, held: [ESCO.everydayBike], text: "", level: .narrower, heldWording: "réparer un vélo"),
        SkillCase(needed: ESCO.repairEBikes, held: [ESCO.repairBicycles], text: "", level: .broader, heldWording: "réparer des bicyclettes"),
        SkillCase(needed: ESCO.repairEBikes, held: [ESCO.everydayBike], text: "", level: .sibling, heldWording: "réparer un vélo"),
        // « réparer des vélos » is an ESCO synonym of the needed skill, written in her own words.
        SkillCase(needed: ESCO.repairBicycles, held: [], text: "Je répare les vélos de mes voisins.", level: .text, heldWording: "réparer des vélos"),
        SkillCase(needed: ESCO.repairBicycles, held: [ESCO.tutoring], text: "J'aime le vélo.", level: nil, heldWording: ""),
    ]

    @Test("skills: exact, merged synonym, narrower, broader, sibling and own words, on real ESCO terms", arguments: skillCases)
    func skillLevels(_ example: SkillCase) {
        let candidate = Self.portrait("Camille", skills: example.held, text: example.text)
        let found = Self.matcher([candidate]).suggestions(for: Self.need([example.needed]), viewer: Self.member)
        guard let level = example.level else {
            #expect(found.isEmpty)
            return
        }
        let suggestion = try! #require(found.first)
        guard case .skill(let foundLevel, let needed, let held) = suggestion.reasons.first else {
            Issue.record("no skill reason: \(suggestion.reasons)")
            return
        }
        #expect(foundLevel == level)
        #expect(needed == realVocabulary.terms[Int(realVocabulary.position(example.needed)!)].label)
        #expect(held == example.heldWording)
    }

    @Test("the best answer first: skill, then distance and availability; a more specific skill next door beats the exact one a commune away")
    func ranking() {
        let exactFar = Self.portrait("Exact à Voiron", skills: [ESCO.repairBicycles], commune: "38563")
        let narrowerHere = Self.portrait("Plus précis, même quartier", skills: [ESCO.repairEBikes], neighbourhood: "berriat")
        let sameNeighbourhood = Self.portrait("Exact, même quartier", skills: [ESCO.repairBicycles], neighbourhood: "berriat", availability: "sat-morning")
        let neighbouring = Self.portrait("Exact, Échirolles", skills: [ESCO.repairBicycles], commune: "38151")
        let found = Self.matcher([exactFar, narrowerHere, sameNeighbourhood, neighbouring]).suggestions(for: Self.need([ESCO.repairBicycles]), viewer: Self.member)
        #expect(found.map(\.title) == ["Exact, même quartier", "Plus précis, même quartier", "Exact, Échirolles", "Exact à Voiron"])
        // 0.55 × 1 + 0.2 × 1 + 0.15 × 1 (Saturday morning) = 0.9
        #expect(found[0].score == 0.9)
        #expect(found[0].reasons == [.skill(.exact, needed: "réparer des bicyclettes", held: "réparer des bicyclettes"), .sameNeighbourhood("berriat"), .availability(["sat-morning"])])
        // 0.55 × 0.8 + 0.2 + 0.15 × 0.5 = 0.715 against 0.55 + 0.2 × 0.4 + 0.075 = 0.705
        #expect(found[1].score == 0.715 && found[2].score == 0.705)
        #expect(found[2].reasons.contains(.neighbouringCommune("38151")))
        // 0.55 + 0.2 × 0.1 + 0.15 × 0.5 (availability unknown)
        #expect(found[3].score == 0.645)
    }

    @Test("read the other way: the needs a portrait could answer, best first, and only those its reader may see")
    func answerableNeeds() {
        let sophie = Self.portrait("Sophie", skills: [ESCO.everydayBike], neighbourhood: "berriat", availability: "sat-morning")
        let bikes = Self.need([ESCO.repairBicycles], title: "Remettre en état des vélos")
        let eBikes = Self.need([ESCO.repairEBikes], title: "Vélos électriques", commune: "38151", neighbourhood: nil)
        let tutoring = Self.need([ESCO.tutoring], title: "Aide aux devoirs")
        var hidden = Self.need([ESCO.repairBicycles], title: "Réservé aux coordinateurs")
        hidden.visibility = .coordinators
        let room = Self.need([], type: "place", title: "Une salle")
        let matcher = Self.matcher([sophie, bikes, eBikes, tutoring, hidden, room])
        let found = matcher.answerable(by: sophie.id, viewer: Self.member)
        #expect(found.map(\.need.title) == ["Remettre en état des vélos", "Vélos électriques"])
        // The same figure as on the need's page.
        #expect(found[0].suggestion == matcher.suggestions(for: bikes, viewer: Self.member).first { $0.candidate == sophie.id })
        let coordinator = Viewer(signedIn: true, roles: [.member, .coordinator])
        #expect(matcher.answerable(by: sophie.id, viewer: coordinator).map(\.need.title).contains("Réservé aux coordinateurs"))
        #expect(matcher.answerable(by: sophie.id, viewer: Self.member, limit: 1).count == 1)
        #expect(matcher.answerable(by: UUID(), viewer: Self.member).isEmpty)
    }

    struct VisibilityCase: Sendable, CustomTestStringConvertible {
        var visibility: Visibility
        var viewer: Viewer
        var isMine: Bool
        var suggested: Bool
        var testDescription: String { "\(visibility) to \(viewer.signedIn ? viewer.roles.map(\.rawValue).sorted().joined(separator: "+") : "anonymous")\(isMine ? " (own)" : "") → \(suggested)" }
    }

    static let visibilityCases: [VisibilityCase] = [
        VisibilityCase(visibility: .public, viewer: .anonymous, isMine: false, suggested: true),
        VisibilityCase(visibility: .members, viewer: .anonymous, isMine: false, suggested: false),
        VisibilityCase(visibility: .members, viewer: Viewer(signedIn: true), isMine: false, suggested: false),
        VisibilityCase(visibility: .members, viewer: member, isMine: false, suggested: true),
        VisibilityCase(visibility: .coordinators, viewer: member, isMine: false, suggested: false),
        VisibilityCase(visibility: .coordinators, viewer: Viewer(signedIn: true, roles: [.coordinator]), isMine: false, suggested: true),
        VisibilityCase(visibility: .statistics, viewer: Viewer(signedIn: true, roles: [.coordinator]), isMine: false, suggested: false),
        VisibilityCase(visibility: .statistics, viewer: member, isMine: true, suggested: true),
    ]

    @Test("nobody is suggested to someone who may not see them", arguments: visibilityCases)
    func visibility(_ example: VisibilityCase) {
        let candidate = Self.portrait("Camille", skills: [ESCO.repairBicycles], visibility: example.visibility, person: example.isMine ? Self.me : UUID())
        let found = Self.matcher([candidate]).suggestions(for: Self.need([ESCO.repairBicycles]), viewer: example.viewer, me: Self.me)
        #expect(found.isEmpty == !example.suggested)
    }

    @Test("the need's own person and organisation are never suggested to it")
    func notOneself() {
        let own = Self.portrait("Moi", skills: [ESCO.repairBicycles], person: Self.someone)
        var sameOrganisation = Self.portrait("Notre offre", skills: [ESCO.repairBicycles])
        sameOrganisation.kind = .offer
        sameOrganisation.subtype = "volunteering"
        sameOrganisation.organisation = Self.association
        let other = Self.portrait("Quelqu'un d'autre", skills: [ESCO.repairBicycles])
        let found = Self.matcher([own, sameOrganisation, other]).suggestions(for: Self.need([ESCO.repairBicycles]), viewer: Self.member)
        #expect(found.map(\.title) == ["Quelqu'un d'autre"])
    }

    @Test("a place is answered by places and rooms offered, nearest first, never by people")
    func places() {
        let hall = MatchRecord(id: UUID(), kind: .place, subtype: "hall", title: "Salle des fêtes d'Échirolles", commune: "38151")
        let room = MatchRecord(id: UUID(), kind: .offer, subtype: "room", title: "Salle le mardi soir", commune: "38185", neighbourhood: "berriat")
        let far = MatchRecord(id: UUID(), kind: .place, subtype: "room", title: "Salle à Voiron", commune: "38563")
        let person = Self.portrait("Camille", skills: [ESCO.repairBicycles], neighbourhood: "berriat")
        let found = Self.matcher([hall, room, far, person]).suggestions(for: Self.need([], type: "place", title: "Une salle"), viewer: Self.member)
        #expect(found.map(\.title) == ["Salle le mardi soir", "Salle des fêtes d'Échirolles"])
        #expect(found[0].reasons == [.fits(.offer), .sameNeighbourhood("berriat")])
        #expect(found[0].score == 0.75)
    }

    @Test("a need written without vocabulary skills is matched on its uncommon words")
    func words() {
        let choir = Self.portrait("Chef de chœur", text: "Je dirige une chorale depuis dix ans.")
        let others = (0..<40).map { Self.portrait("Voisin \($0)", text: "Je peux aider le samedi.") }
        let need = Self.need([], title: "Quelqu'un pour diriger notre chorale le samedi")
        let found = Self.matcher([choir] + others).suggestions(for: need, viewer: Self.member)
        #expect(found.map(\.title) == ["Chef de chœur"])
        #expect(found[0].reasons.first == .words(["dirig", "choral"]))
    }

    @Test("every need at once gives what each need gives alone")
    func all() {
        let records = [Self.portrait("A", skills: [ESCO.repairBicycles]), Self.portrait("B", skills: [ESCO.repairEBikes]),
                       Self.need([ESCO.repairBicycles]), Self.need([ESCO.repairEBikes])]
        let matcher = Self.matcher(records)
        let all = matcher.matchAll(viewer: Self.member)
        #expect(all.map(\.need) == [records[2].id, records[3].id])
        #expect(all[0].suggestions == matcher.suggestions(for: records[2], viewer: Self.member))
        #expect(all[1].suggestions.map(\.title) == ["B", "A"])
    }
}

@Suite("Communes that touch")
struct AdjacencyTests {
    @Test("two squares sharing an edge are neighbours; a third apart is nobody's")
    func squares() {
        func square(_ code: String, _ x: Double) -> CommuneBoundary {
            let ring = [Position(x, 0), Position(x + 1, 0), Position(x + 1, 1), Position(x, 1), Position(x, 0)]
            return CommuneBoundary(communeCode: code, geometry: MultiPolygon(polygons: [Polygon(rings: [ring])]), sourceCodes: [code])
        }
        let result = Adjacency.neighbours([square("A", 0), square("B", 1), square("C", 5)])
        #expect(result == ["A": ["B"], "B": ["A"]])
    }
}

@Suite("Organisations in the same field")
struct OrganisationSimilarityTests {
    static let profiles = [
        OrganisationProfile(id: UUID(), name: "Atelier vélo solidaire", themes: ["mobilite", "sport"], text: "Réparation de vélos, atelier participatif, apprendre à réparer son vélo."),
        OrganisationProfile(id: UUID(), name: "Vélo pour tous", themes: ["mobilite"], text: "Promouvoir le vélo, réparation et prêt de vélos aux habitants."),
        OrganisationProfile(id: UUID(), name: "Chorale du quartier", themes: ["culture"], text: "Chanter ensemble, concerts pour les habitants."),
        OrganisationProfile(id: UUID(), name: "Club de randonnée", themes: ["sport", "loisirs"], text: "Randonnées en montagne pour les habitants."),
    ]

    @Test("shared purposes and fields rank first; a word everybody writes counts for nothing; an unrelated one is left out")
    func closest() {
        let similarity = OrganisationSimilarity(Self.profiles)
        let found = similarity.similar(to: 0)
        #expect(found.map(\.name) == ["Vélo pour tous", "Club de randonnée"])
        #expect(found[0].sharedThemes == ["mobilite"])
        #expect(found[0].sharedWords.first == "velo")
        #expect(found[0].score > found[1].score)
        // « habitants » is in three of four purposes, « vélo » in two: only the rarer word links them.
        #expect(!similarity.similar(to: 2).contains { $0.sharedWords.contains("habitant") && $0.score >= 0.2 })
    }

    @Test("the network picture places every organisation once and draws each link once")
    func network() {
        let similarity = OrganisationSimilarity(Self.profiles)
        let picture = OrganisationNetwork.layout(Self.profiles, closest: Self.profiles.indices.map { similarity.similar(to: $0) })
        #expect(picture.nodes.count == 4)
        #expect(picture.themes == ["culture", "mobilite", "sport"])
        #expect(picture.edges.count == Set(picture.edges.map { [$0.from, $0.to].sorted() }).count)
        #expect(picture.edges.contains { Set([$0.from, $0.to]) == ["Atelier vélo solidaire", "Vélo pour tous"] })
        #expect(picture.coloured == picture.themes && picture.others.isEmpty)
    }

    @Test("more fields than colours: the most frequent get one each, the others share the last one, said in the legend")
    func networkLegend() {
        let fields = ["culture", "sport", "sport", "mobilite", "mobilite", "mobilite", "sante", "education"]
        let profiles = fields.enumerated().map { OrganisationProfile(id: UUID(), name: "Organisation \($0.offset)", themes: [$0.element], text: "") }
        let picture = OrganisationNetwork.layout(profiles, closest: [], tones: 3)
        #expect(picture.coloured == ["mobilite", "sport"])
        #expect(picture.others == ["culture", "education", "sante"])
        #expect(Set(picture.nodes.filter { ["culture", "education", "sante"].contains($0.theme) }.map(\.tone)) == [2])
        #expect(picture.nodes.first { $0.theme == "mobilite" }?.tone == 0)
    }

    @Test("one figure per pair: A's score beside B is B's beside A")
    func symmetric() {
        let similarity = OrganisationSimilarity(Self.profiles)
        for a in Self.profiles.indices {
            for found in similarity.similar(to: a, limit: 10) {
                let b = Self.profiles.firstIndex { $0.id == found.id }!
                #expect(similarity.similar(to: b, limit: 10).first { $0.id == Self.profiles[a].id }?.score == found.score)
            }
        }
    }
}

@Suite("Uncovered needs and unused potential")
struct GapReportTests {
    @Test("a need nobody answers is uncovered in its theme and place; a skill nobody asks for and an offer never suggested are listed")
    func gaps() {
        let cyclist = MatcherTests.portrait("Camille", skills: [ESCO.repairBicycles], neighbourhood: "berriat")
        let tutor = MatcherTests.portrait("Yanis", skills: [ESCO.tutoring])
        let hidden = MatcherTests.portrait("Caché", skills: [ESCO.tutoring], visibility: .statistics)
        let room = MatchRecord(id: UUID(), kind: .offer, subtype: "room", title: "Salle du mardi", commune: "38185")
        let bikes = MatcherTests.need([ESCO.repairEBikes], themes: ["mobilite"])
        let lonely = MatcherTests.need(["http://data.europa.eu/esco/skill/unknown"], title: "Un luthier", themes: ["culture"])
        let report = MatcherTests.matcher([cyclist, tutor, hidden, room, bikes, lonely]).gaps(viewer: MatcherTests.member)
        #expect(report.needCount == 2)
        #expect(report.uncovered.map(\.record.title) == ["Un luthier"])
        #expect(report.cells == [GapReport.Cell(theme: "culture", place: "berriat"): 1])
        #expect(report.byCommune == ["38185": 1])
        // The statistics-only portrait is not counted: a viewer may not learn it exists.
        #expect(report.unusedSkills == [GapReport.UnusedSkill(label: "donner des cours particuliers", holders: 1)])
        #expect(report.unusedResources.map(\.title) == ["Salle du mardi"])
    }
}
