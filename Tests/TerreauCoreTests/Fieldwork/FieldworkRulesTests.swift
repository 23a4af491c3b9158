import Foundation
import Testing
@testable import TerreauCore

@Suite("Fieldwork: the questionnaire as data, answers, versions compared, campaigns, coverage, claim codes, interviewers' access")
struct FieldworkRulesTests {
    static func q(_ key: String, _ kind: QuestionKind, maps: InventoryField? = nil, options: [String] = [], required: Bool = false,
                  section: String = "Vous", label: String? = nil, scale: Int = 5) -> Question {
        Question(key: key, section: section, label: label ?? key, kind: kind, options: options, required: required, mapsTo: maps, scaleMax: scale)
    }

    static let sample = Questionnaire(questions: [
        q("name", .shortText, maps: .title, required: true),
        q("commune", .singleChoice, maps: .commune, required: true),
        q("age", .singleChoice, maps: .ageBand),
        q("skills", .skills, maps: .skills),
        q("slots", .availability, maps: .availability),
        q("associations", .yesNo, section: "Territoire"),
        q("topics", .multipleChoice, options: ["Jardins", "Vélo", "Culture"], section: "Territoire"),
        q("ties", .scale, section: "Territoire", scale: 4),
        q("idea", .longText, section: "Territoire"),
    ], consentText: "Texte lu à voix haute.")

    @Test("a draft is publishable only when every question can be asked and answered into its field", arguments: [
        ([q("a", .shortText)], "texte", [QuestionnaireProblem]()),
        ([], "texte", [.noQuestion]),
        ([q("a", .shortText)], "  ", [.missingConsentText]),
        ([Question(key: "a", section: "", label: "", kind: .shortText)], "texte", [.missingLabel(1), .missingSection(1)]),
        ([q("a", .singleChoice, options: ["seul"])], "texte", [.tooFewOptions(1)]),
        ([q("a", .singleChoice, maps: .ageBand)], "texte", []),
        ([q("a", .longText, maps: .skills)], "texte", [.kindDoesNotFit(1, field: .skills)]),
        ([q("a", .shortText, maps: .title), q("b", .shortText, maps: .title)], "texte", [.mappedTwice(2, field: .title)]),
        ([q("a", .scale, scale: 1)], "texte", [.scaleOutOfRange(1)]),
        ([q("a", .scale, scale: 11)], "texte", [.scaleOutOfRange(1)]),
        ([q("a", .multipleChoice, maps: .availability)], "texte", [.kindDoesNotFit(1, field: .availability)]),
        ([q("a", .shortText, label: String(repeating: "x", count: 301))], "texte", [.tooLong(1)]),
    ])
    func problems(questions: [Question], consent: String, expected: [QuestionnaireProblem]) {
        #expect(Questionnaire(questions: questions, consentText: consent).problems() == expected)
    }

    @Test("sections keep the order of their first question")
    func sections() {
        let sections = Self.sample.sections
        #expect(sections.map(\.title) == ["Vous", "Territoire"])
        #expect(sections[0].questions.map(\.key) == ["name", "commune", "age", "skills", "slots"])
    }

    @Test("a new question's key comes from its label, folded, unique")
    func keys() {
        #expect(Questionnaire.key(for: "Quelles langues parlez-vous ?", taken: []) == "quelles-langues-parlez-vous")
        #expect(Questionnaire.key(for: "Âge", taken: ["age"]) == "age-2")
        #expect(Questionnaire.key(for: "Âge", taken: ["age", "age-2"]) == "age-3")
        #expect(Questionnaire.key(for: "?!", taken: []) == "question")
    }

    @Test("answers: portrait fields on one side, survey answers on the other, an error per question", arguments: [
        (["name": ["Fatou"], "commune": ["38151"]], ["title": "Fatou", "commune": "38151"], [String: String](), [String: AnswerError]()),
        (["commune": ["38151"]], ["commune": "38151"], [:], ["name": .required]),
        (["name": ["Fatou"], "commune": ["99999"]], ["title": "Fatou"], [:], ["commune": .notAChoice]),
        (["name": ["A"], "commune": ["38151"], "age": ["26-40"], "slots": ["mon-evening", "occasionally", "fri-morning"]],
         ["title": "A", "commune": "38151", "age_band": "26-40", "availability": "mon-evening fri-morning occasionally"], [:], [:]),
        (["name": ["A"], "commune": ["38151"], "slots": ["someday"]], ["title": "A", "commune": "38151"], [:], ["slots": .notAChoice]),
        (["name": ["A"], "commune": ["38151"], "associations": ["yes"], "topics": ["Vélo", "Jardins"], "ties": ["4"], "idea": ["Un four à pain"]],
         ["title": "A", "commune": "38151"], ["associations": "yes", "topics": "Jardins\nVélo", "ties": "4", "idea": "Un four à pain"], [:]),
        (["name": ["A"], "commune": ["38151"], "ties": ["5"]], ["title": "A", "commune": "38151"], [:], ["ties": .notAChoice]),
        (["name": ["A"], "commune": ["38151"], "associations": ["yes", "no"]], ["title": "A", "commune": "38151"], [:], ["associations": .notAChoice]),
        (["name": ["A"], "commune": ["38151"], "topics": ["Cinéma"]], ["title": "A", "commune": "38151"], [:], ["topics": .notAChoice]),
        (["name": ["A"], "commune": ["38151"], "skills": ["Cuisine\n\n couture "]], ["title": "A", "commune": "38151", "skills": "Cuisine\ncouture"], [:], [:]),
        (["name": [String(repeating: "é", count: 201)], "commune": ["38151"]], ["commune": "38151"], [:], ["name": .tooLong(max: 200)]),
    ])
    func answers(submitted: [String: [String]], portrait: [String: String], survey: [String: String], errors: [String: AnswerError]) {
        let checked = Self.sample.check(submitted, communes: ["38151", "38185"], neighbourhoods: ["villeneuve"])
        #expect(Dictionary(uniqueKeysWithValues: checked.portrait.map { ($0.key.rawValue, $0.value) }) == portrait)
        #expect(checked.survey == survey)
        #expect(checked.errors == errors)
        #expect(checked.typed["name"] == (submitted["name"] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }, "what was typed comes back")
    }

    @Test("two versions compared question by question: added, removed, changed (and how), moved, the consent text")
    func changes() {
        var next = Self.sample
        next.questions.removeAll { $0.key == "idea" }
        next.questions[0].label = "Votre prénom"
        next.questions[2].required = true
        next.questions[2].mapsTo = nil
        next.questions.append(Self.q("since", .singleChoice, options: ["< 1 an", "> 1 an"]))
        next.questions.swapAt(5, 6)
        next.consentText = "Nouveau texte."
        let diff = QuestionnaireChanges(from: Self.sample, to: next)
        #expect(diff.added.map(\.key) == ["since"])
        #expect(diff.removed.map(\.key) == ["idea"])
        #expect(diff.changed.map(\.question.key) == ["name", "age"])
        #expect(diff.changed.map(\.aspects) == [[.label], [.required, .mapping]])
        #expect(diff.moved.map(\.key) == ["topics", "associations"])
        #expect(diff.consentTextChanged)
        #expect(QuestionnaireChanges(from: Self.sample, to: Self.sample).isEmpty)
    }

    @Test("campaign forms: dates in Paris days, a global campaign ends, census year, targets", arguments: [
        (CampaignKind.global, "Diagnostic", "2026-03-01", "2026-06-30", "2022", ["38185": "150", "38151": ""], [CampaignProblem](), ["38185": 150]),
        (.welcome, "Accueil", "2026-01-01", "", "2022", [:], [], [:]),
        (.global, "Diagnostic", "2026-03-01", "", "2022", [:], [.badLastDay], [:]),
        (.global, "", "2026-02-30", "2026-01-01", "1800", [:], [.missingName, .badFirstDay, .badCensusYear], [:]),
        (.global, "D", "2026-03-01", "2026-02-01", "2022", [:], [.lastBeforeFirst], [:]),
        (.global, "D", "2026-03-01", "2026-04-01", "2022", ["38185": "beaucoup", "38151": "-3", "villeneuve": "0"], [.badTarget(place: "38151"), .badTarget(place: "38185")], [:]),
    ])
    func campaigns(kind: CampaignKind, name: String, first: String, last: String, year: String, targets: [String: String],
                   problems: [CampaignProblem], counts: [String: Int]) {
        let checked = CampaignRules.check(kind: kind, name: name, first: first, last: last, censusYear: year, targets: targets, currentYear: 2026)
        #expect(checked.problems == problems)
        if problems.isEmpty {
            #expect(checked.targets == counts)
            #expect(checked.range?.last == (last.isEmpty ? nil : CalendarDay.parse(last)))
        }
    }

    @Test("a day range holds its first and last days whole, Paris time; open-ended never ends")
    func ranges() throws {
        let iso = ISO8601DateFormatter()
        let range = DayRange(first: try #require(CalendarDay.parse("2026-03-01")), last: try #require(CalendarDay.parse("2026-03-31")))
        #expect(range.contains(try #require(iso.date(from: "2026-03-31T21:30:00Z"))))   // 23:30 in Paris
        #expect(!range.contains(try #require(iso.date(from: "2026-03-31T22:30:00Z"))))  // 00:30 on 1 April (summer time)
        #expect(!range.contains(try #require(iso.date(from: "2026-02-28T22:30:00Z"))))  // 23:30 on 28 February
        #expect(range.isOver(at: try #require(iso.date(from: "2026-04-02T10:00:00Z"))))
        let open = DayRange(first: try #require(CalendarDay.parse("2026-01-01")), last: nil)
        #expect(open.contains(try #require(iso.date(from: "2099-01-01T10:00:00Z"))))
        #expect(!open.isOver(at: try #require(iso.date(from: "2099-01-01T10:00:00Z"))))
    }

    @Test("coverage: portraits per 1,000 inhabitants by commune and neighbourhood, targets, active interviewers, totals")
    func coverage() {
        let karim = UUID(), nadia = UUID()
        let portraits = Array(repeating: Coverage.Portrait(commune: "38151", neighbourhood: "villeneuve"), count: 12)
            + Array(repeating: Coverage.Portrait(commune: "38185", neighbourhood: nil), count: 3)
            + [Coverage.Portrait(commune: nil, neighbourhood: nil)]
        let coverage = Coverage(communes: [("38151", "Échirolles", 36_000), ("38185", "Grenoble", 158_000), ("38999", "Sans recensement", nil)],
            neighbourhoods: [.init(slug: "villeneuve", name: "Villeneuve", communes: ["38151"], population: nil, drawn: true),
                             .init(slug: "sud", name: "Sud", communes: ["38151"], population: 36_000)],
            portraits: portraits,
            interviews: [.init(commune: "38151", neighbourhood: "villeneuve", interviewer: karim), .init(commune: "38151", neighbourhood: nil, interviewer: karim),
                         .init(commune: "38185", neighbourhood: nil, interviewer: nadia)],
            targets: ["38151": 24, "villeneuve": 10], totalName: "Tout")
        #expect(coverage.communes.map(\.portraits) == [12, 3, 0])
        #expect(coverage.communes[0].perThousand == 12.0 * 1000 / 36_000)
        #expect(coverage.communes[1].perThousand == 3.0 * 1000 / 158_000)
        #expect(coverage.communes[2].perThousand == nil)
        #expect(coverage.communes[0].progress == 0.5)
        #expect(coverage.communes[1].progress == nil)
        #expect(coverage.communes.map(\.interviewers) == [1, 1, 0])
        #expect(coverage.neighbourhoods[0].portraits == 12)
        #expect(coverage.neighbourhoods[0].progress == 1, "capped at the target")
        #expect(coverage.neighbourhoods[0].perThousand == nil, "drawn inside a commune: no census figure")
        // A group of communes holds its communes' portraits, tagged or not: the same perimeter, the same figure.
        #expect(coverage.neighbourhoods[1].portraits == coverage.communes[0].portraits)
        #expect(coverage.total.portraits == 16)
        #expect(coverage.total.population == 194_000)
        #expect(coverage.total.target == 34)
        #expect(coverage.total.interviewers == 2)
    }

    @Test("map classes by portraits per 1,000", arguments: [(nil, 0), (0.0, 0), (0.1, 1), (2.0, 1), (2.1, 2), (5.0, 2), (7.0, 3), (10.0, 3), (10.5, 4), (300.0, 4)] as [(Double?, Int)])
    func tones(rate: Double?, tone: Int) {
        #expect(Coverage.tone(rate) == tone)
    }

    @Test("claim codes: 16 characters of Crockford's base 32 in four groups; typed loosely, read strictly")
    func claimCodes() {
        var generator = SplitMix(seed: 7)
        let code = ClaimCode.generate(using: &generator)
        #expect(code.count == 19)
        #expect(code.split(separator: "-").map(\.count) == [4, 4, 4, 4])
        #expect(code.replacingOccurrences(of: "-", with: "").allSatisfy { ClaimCode.alphabet.contains($0) })
        #expect(ClaimCode.normalise(code) == code.replacingOccurrences(of: "-", with: ""))
        #expect(ClaimCode.normalise("terr ea0o-dem0 2026") == "TERREA00DEM02026")
        #expect(ClaimCode.normalise("1I1L-0000-0000-0000") == "1111000000000000")
        #expect(ClaimCode.normalise("TERR-EA00-DEM0-202") == nil)
        #expect(ClaimCode.normalise("TERR-EAU0-DEM0-2026") == nil, "U is not in the alphabet")
        #expect(ClaimCode.normalise("<script>alert(1)</script>") == nil)
        var seen = Set<String>()
        var system = SystemRandomNumberGenerator()
        for _ in 0..<1000 { seen.insert(ClaimCode.generate(using: &system)) }
        #expect(seen.count == 1000)
    }

    @Test("an interviewer sees what they entered only while the assignment it was taken under runs; coordinators always", arguments: [
        (false, true, "2026-03-15", true), (false, true, "2026-04-15", false), (false, false, "2026-03-15", false),
        (true, false, "2026-04-15", true), (false, true, nil, false),
    ] as [(Bool, Bool, String?, Bool)])
    func access(coordinator: Bool, entered: Bool, day: String?, allowed: Bool) throws {
        let assignment = DayRange(first: try #require(CalendarDay.parse("2026-03-01")), last: try #require(CalendarDay.parse("2026-03-31")))
        let moment = try #require(CalendarDay.parse(day ?? "2026-03-15")).addingTimeInterval(12 * 3600)
        #expect(FieldworkPolicy.maySeeInterview(isCoordinator: coordinator, enteredByViewer: entered, assignment: day == nil ? nil : assignment, at: moment) == allowed)
        #expect(FieldworkPolicy.mayInterview(assignments: [assignment], at: moment) == assignment.contains(moment))
    }
}

/// A seeded generator, for codes reproducible in a test.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("The public journal's chain")
struct JournalChainTests {
    static func entries(_ count: Int) -> [(entry: JournalEntry, hash: String)] {
        var previous = HashChain.genesis
        return (1...count).map { position in
            let entry = JournalEntry(position: position, at: Date(timeIntervalSince1970: 1_800_000_000 + Double(position) + 0.75), act: .created,
                                     subject: .inventory, subjectID: "id-\(position)", summary: "Titre \(position)", isPublic: position % 2 == 0)
            previous = JournalChain.hash(entry, after: previous)
            return (entry, previous)
        }
    }

    @Test("a record that is not public enters without its id or summary; time in whole seconds")
    func privateEntries() {
        let entry = JournalEntry(position: 1, at: Date(timeIntervalSince1970: 10.9), act: .created, subject: .inventory, subjectID: "x", summary: "Fatou", isPublic: false)
        #expect(entry.subjectID == "" && entry.summary == "")
        #expect(entry.canonical == "1\n10\ncreated\ninventory\n\nnon-public\n")
    }

    @Test("edited, removed, reordered or renumbered rows are found at their position", arguments: [
        ("intact", Int?.none), ("edit 3", 3), ("remove 2", 2), ("swap 4 5", 4), ("renumber 1", 1), ("drop last", nil),
    ])
    func tampering(change: String, broken: Int?) {
        var chain = Self.entries(6)
        switch change {
        case "edit 3": chain[2].entry.summary = "Autre"
        case "remove 2": chain.remove(at: 1)
        case "swap 4 5": chain.swapAt(3, 4)
        case "renumber 1": chain[0].entry.position = 7
        case "drop last": chain.removeLast()  // a truncated tail still chains: the published head hash is what shows it
        default: break
        }
        #expect(JournalChain.firstBroken(chain) == broken)
    }
}
