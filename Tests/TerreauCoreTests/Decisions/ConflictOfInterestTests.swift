import Foundation
import Testing
@testable import TerreauCore

@Suite("Conflicts of interest and who runs the community: rules as data")
struct ConflictOfInterestTests {
    static let sophie = UUID(), camille = UUID(), karim = UUID()
    static let cooperative = UUID(), collective = UUID(), gardens = UUID(), city = UUID()
    /// The bikes project: Sophie wrote it, Karim co-wrote it, the cooperative carries it, the city backs it.
    static let bikes = PeerEvaluation.ProjectTies(author: sophie, coauthors: [karim], carriers: [cooperative], backers: [city])
    static let all = Set(ConflictLink.allCases)

    @Test("the first tie the rules count, through any organisation of the person", arguments: [
        // Sophie grades as the collective: she wrote the project.
        (sophie, Set([cooperative, collective]), collective, all, ConflictLink?.some(.author)),
        // Without the author rule, she still belongs to the cooperative that carries it (the review's loophole).
        (sophie, [cooperative, collective], collective, [.coauthor, .carrier, .backer], .carrier),
        (karim, [], gardens, all, .coauthor),
        // Camille, admin of the gardens only, has no tie.
        (camille, [gardens], gardens, all, nil),
        // Camille also sits in the city's team: the city backs it.
        (camille, [gardens, city], gardens, all, .backer),
        (camille, [gardens, city], gardens, [.author, .coauthor, .carrier], nil),
        // Grading for the carrier itself is always a carrier tie when counted.
        (camille, [], cooperative, [.carrier], .carrier),
        // A community that counts no tie.
        (sophie, [cooperative, collective], collective, [], nil),
    ] as [(UUID, Set<UUID>, UUID, Set<ConflictLink>, ConflictLink?)])
    func conflict(person: UUID, organisations: Set<UUID>, evaluator: UUID, counted: Set<ConflictLink>, tie: ConflictLink?) {
        #expect(PeerEvaluation.conflict(person: person, organisations: organisations, evaluator: evaluator, project: Self.bikes, counted: counted) == tie)
    }

    @Test("a priorities vote: the organisation that recuses itself neither lowers nor raises its own project")
    func recusedGrade() throws {
        // Three organisations grade two projects; the cooperative carries « Vélos » and recuses itself.
        // Counted as « à rejeter » (an ungraded project on paper) it would lose; not counted, it wins.
        let text = #"{"method":"majority-judgment","candidates":["Vélos","Jardin"],"grades":["à rejeter","passable","bien"],"#
            + #""ballots":[{"Vélos":null,"Jardin":"passable"},{"Vélos":"bien","Jardin":"passable"},{"Vélos":"bien","Jardin":"bien"}]}"#
        let report = try BallotFile.readJSON(Data(text.utf8), file: "priorites.json").tally()
        #expect(report.gradeCounts?["Vélos"] == [0, 0, 2])
        #expect(report.medians?["Vélos"] == "bien" && report.medians?["Jardin"] == "passable")
        #expect(report.ranking.first == ["Vélos"])
        let ungraded = text.replacingOccurrences(of: #"{"Vélos":null,"#, with: "{")
        let penalised = try BallotFile.readJSON(Data(ungraded.utf8), file: "priorites.json").tally()
        #expect(penalised.gradeCounts?["Vélos"] == [1, 0, 2])
    }

    @Test("elected officials and agents coordinate or moderate only where the rules allow it", arguments: [
        (Role.coordinator, ActorKind.elected, false, true),
        (.moderator, .agent, false, true),
        (.coordinator, .agent, true, false),
        (.coordinator, .resident, false, false),
        (.interviewer, .elected, false, false),
        (.elected, .elected, false, false),
    ])
    func officials(role: Role, kind: ActorKind, allowed: Bool, restricted: Bool) {
        #expect(Policy.officialRestricted(role, actorKind: kind, officialsMayRunCommunity: allowed) == restricted)
        #expect(Policy.assignableRoles(actorKind: kind, officialsMayRunCommunity: allowed).contains(role) == (!restricted && (role != .elected || kind == .elected)))
    }

    @Test("rules stored before these settings read with their defaults, and round-trip")
    func defaults() throws {
        let old = #"{"version":2,"kinds":{},"deliberationDays":7,"answerDelayDays":60,"moderationReports":3,"maximumConsentRounds":3,"reviewAfterMonths":12}"#
        let rules = try JSONDecoder().decode(Governance.self, from: Data(old.utf8))
        #expect(rules.conflictLinks == Self.all && rules.officialsMayRunCommunity == false)
        var changed = rules
        changed.conflictLinks = [.carrier]
        changed.officialsMayRunCommunity = true
        #expect(try JSONDecoder().decode(Governance.self, from: JSONEncoder().encode(changed)) == changed)
    }
}

@Suite("Consent rounds: each round counts its own answers")
struct ConsentRoundTests {
    static func round(_ content: String) -> Int? { Int(content.prefix(1)) }

    @Test("a voter's last ballot of each round, never carried into another", arguments: [
        // Karim objects in round 1, then consents in round 2; Sophie answered round 1 only.
        ([("karim", "1 objection"), ("sophie", "1 consent"), ("karim", "2 consent")],
         [1: ["1 objection", "1 consent"], 2: ["2 consent"]]),
        // A change inside a round replaces that round's ballot only.
        ([("karim", "1 objection"), ("karim", "1 consent"), ("camille", "2 consent"), ("karim", "2 stand-aside")],
         [1: ["1 consent"], 2: ["2 consent", "2 stand-aside"]]),
        // Rows without a round (not consent ballots) are left out.
        ([("karim", "x"), ("sophie", "1 consent")], [1: ["1 consent"]]),
        ([], [:]),
    ] as [([(String, String)], [Int: [String]])])
    func ballotsByRound(log: [(String, String)], expected: [Int: [String]]) {
        #expect(Consent.ballotsByRound(log.map { (key: $0.0, content: $0.1) }, round: Self.round).mapValues { $0.map(\.content) } == expected)
    }
}

@Suite("The sociocratic consent process")
struct ConsentProcessTests {
    @Test("where a consent decision stands", arguments: [
        (DecisionPhase.draft, 1, false, ConsentStage.presentation),
        (.deliberation, 1, false, .clarifying),
        (.deliberation, 1, true, .reactions),
        (.voting, 1, true, .consentRound),
        (.deliberation, 2, true, .integration),
        (.deliberation, 2, false, .integration),
        (.voting, 2, true, .consentRound),
        (.closed, 3, true, .decided),
    ])
    func stage(phase: DecisionPhase, round: Int, reactionsOpen: Bool, stage: ConsentStage) {
        #expect(ConsentProcess.stage(phase: phase, round: round, reactionsOpen: reactionsOpen) == stage)
    }

    @Test("questions while clarifying, answers until the round, reactions while reacting; the round after reactions or integration")
    func accepts() {
        let table: [ConsentStage: (question: Bool, answer: Bool, reaction: Bool, opens: Bool)] = [
            .presentation: (false, false, false, false),
            .clarifying: (true, true, false, false),
            .reactions: (false, true, true, true),
            .consentRound: (false, false, false, false),
            .integration: (false, false, false, true),
            .decided: (false, false, false, false),
        ]
        for stage in ConsentStage.allCases {
            let row = table[stage]!
            #expect(ConsentProcess.accepts(.question, in: stage) == row.question, "\(stage)")
            #expect(ConsentProcess.accepts(.answer, in: stage) == row.answer, "\(stage)")
            #expect(ConsentProcess.accepts(.reaction, in: stage) == row.reaction, "\(stage)")
            #expect(ConsentProcess.mayOpenConsentRound(from: stage) == row.opens, "\(stage)")
        }
    }

    @Test("after a round: adopted, another round, the rules' fallback or not adopted", arguments: [
        (true, 0, 1, 3, VotingMethod?.none, ConsentProcess.Next.adopted),
        (false, 1, 1, 3, nil, .nextRound),
        (false, 1, 2, 3, .majority, .nextRound),
        (false, 1, 3, 3, .majority, .fallback(.majority)),
        (false, 2, 3, 3, .qualifiedMajority, .fallback(.qualifiedMajority)),
        (false, 1, 3, 3, nil, .notAdopted),
        // Nobody consented and nobody objected: no objection to integrate, no fallback to hold.
        (false, 0, 1, 3, .majority, .notAdopted),
    ])
    func next(adopted: Bool, remaining: Int, round: Int, maximum: Int, fallback: VotingMethod?, expected: ConsentProcess.Next) {
        #expect(ConsentProcess.next(adopted: adopted, remainingObjections: remaining, round: round, maximumRounds: maximum, fallback: fallback) == expected)
    }

    @Test("a fallback is a for/against vote; rules naming another are refused")
    func fallbackMethods() {
        var rules = RulesTemplate.consent.rules
        for method in VotingMethod.allCases {
            rules.consentFallback = method
            #expect((rules.problem == nil) == [.majority, .qualifiedMajority].contains(method), "\(method)")
        }
    }
}
