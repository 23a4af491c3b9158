import Foundation
import Testing
@testable import TerreauCore

/// Textbook examples per method, and the tie rules each one documents. The differential suite
/// (Tests/differential) compares the same code with independent implementations on random
/// elections.
@Suite("Voting methods")
struct VotingMethodTests {
    static func ranked(_ names: String, _ text: String) -> RankedBallot {
        text.map { [names.firstIndex(of: $0)!.utf16Offset(in: names)] }
    }

    static func ballots(_ names: String, _ profile: [(Int, String)]) -> [RankedBallot] {
        profile.flatMap { count, order in Array(repeating: ranked(names, order), count: count) }
    }

    @Test("Schulze: the 45-voter example of Schulze (2011) ranks E > A > C > B > D")
    func schulzeTextbook() {
        var tally = SchulzeTally(candidates: 5)
        for ballot in Self.ballots("ABCDE", [(5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"), (7, "CAEBD"), (2, "CBADE"), (7, "DCEBA"), (8, "EBADC")]) {
            tally.add(ballot)
        }
        #expect(tally.pairwise[0][1] == 20 && tally.pairwise[1][0] == 25)
        // Strengths are margins: the paper's winning votes 28 (of 45) are a margin of 11 here.
        #expect(tally.strongestPaths[0] == [0, 11, 11, 15, 3])
        #expect(tally.strongestPaths[4] == [5, 11, 11, 17, 0])
        #expect(tally.ranking == [[4], [0], [2], [1], [3]])
    }

    /// Tennessee's capital, the classic illustration: Memphis 42, Nashville 26, Chattanooga 15, Knoxville 17.
    static let tennessee = ballots("MNCK", [(42, "MNCK"), (26, "NCKM"), (15, "CKNM"), (17, "KCNM")])

    @Test("instant-runoff: Tennessee elects Knoxville after two eliminations; Schulze elects Nashville, the Condorcet winner")
    func tennesseeRunoff() {
        var runoff = InstantRunoffTally(candidates: 4)
        var schulze = SchulzeTally(candidates: 4)
        for ballot in Self.tennessee { runoff.add(ballot); schulze.add(ballot) }
        let result = runoff.result()
        #expect(result.winners == [3])
        #expect(result.rounds.map(\.eliminated) == [[2], [1], []])
        #expect(result.rounds[1].votes == [42, 26, nil, 32])
        #expect(result.ranking == [[3], [0], [1], [2]])
        #expect(schulze.ranking == [[1], [2], [3], [0]])
    }

    @Test("instant-runoff ties: all last-placed go at once; all-equal candidates win together; a ballot stops at its first tie")
    func runoffTies() {
        var tally = InstantRunoffTally(candidates: 3)
        for ballot: RankedBallot in [[[0]], [[0]], [[1]], [[1]], [[2]]] { tally.add(ballot) }
        #expect(tally.result().winners == [0, 1])
        var simultaneous = InstantRunoffTally(candidates: 4)
        for ballot: RankedBallot in [[[0]], [[0]], [[0]], [[1], [0]], [[2], [0]], [[3], [1]], [[3], [1]]] { simultaneous.add(ballot) }
        // B and C have one vote each: both go in round one; A then has 5 of 7.
        #expect(simultaneous.result().rounds.first?.eliminated == [1, 2])
        #expect(simultaneous.result().winners == [0])
        var overvote = InstantRunoffTally(candidates: 2)
        overvote.add([[0, 1]])
        overvote.add([[1]])
        // The first ballot counts for nobody: B has the only vote still counting.
        #expect(overvote.result().winners == [1])
        #expect(overvote.result().rounds[0].exhausted == 1)
    }

    @Test("majority judgment: lower median, then the majority value")
    func majorityJudgment() {
        var tally = MajorityJudgmentTally(candidates: 3, grades: 7)
        // A: bien, assez bien, bien — B: passable, bien, bien — C: excellent, passable, insuffisant
        for ballot: [Int?] in [[4, 2, 6], [3, 4, 2], [4, 4, 1]] { tally.add(ballot) }
        #expect(tally.medians == [4, 4, 2])
        #expect(tally.ranking == [[0], [1], [2]])
        // Identical grade counts stay tied; an ungraded candidate gets the worst grade.
        var tied = MajorityJudgmentTally(candidates: 3, grades: 3)
        tied.add([2, 1, nil])
        tied.add([1, 2, nil])
        #expect(tied.ranking == [[0, 1], [2]])
        #expect(tied.counts[2] == [2, 0, 0])
    }

    @Test("majority judgment's runs equal removing one median at a time", arguments: 0..<200)
    func medianRuns(seed: Int) {
        var generator = SeededRandom(seed: UInt64(seed))
        let tally = (0..<Int.random(in: 2...7, using: &generator)).map { _ in Int.random(in: 0...9, using: &generator) }
        var naive: [Int] = [], counts = tally
        while counts.reduce(0, +) > 0 {
            var position = (counts.reduce(0, +) - 1) / 2, grade = 0
            while position >= counts[grade] { position -= counts[grade]; grade += 1 }
            naive.append(grade)
            counts[grade] -= 1
        }
        let runs = MajorityJudgmentTally.medianRuns(tally).flatMap { Array(repeating: $0.grade, count: $0.length) }
        #expect(runs == naive, "tally \(tally)")
    }

    @Test("approval, score and dots: equal totals share a place")
    func totals() {
        var approval = ApprovalTally(candidates: 3)
        for ballot in [[0, 1], [1], [2, 0]] { approval.add(ballot) }
        #expect(approval.approvals == [2, 2, 1])
        #expect(approval.ranking == [[0, 1], [2]])
        var score = ScoreTally(candidates: 3, minimum: 0)
        score.add([5, 3, nil])
        score.add([1, 3, 6])
        #expect(score.totals == [6, 6, 6])
        #expect(score.ranking == [[0, 1, 2]])
        var dots = DotTally(candidates: 3)
        dots.add([3, 1, 1])
        dots.add([0, 2, 0])
        #expect(dots.ranking == [[0, 1], [2]])
    }

    struct Split: CustomTestStringConvertible, Sendable {
        var dots: [Int]
        var amount: Int
        var shares: [Int]
        var testDescription: String { "\(dots) of \(amount) → \(shares)" }
    }

    @Test("a budget split in proportion to the dots sums exactly to the amount (largest remainder, ties to the first listed)", arguments: [
        Split(dots: [1, 1, 1], amount: 100, shares: [34, 33, 33]), Split(dots: [5, 3, 2], amount: 1000, shares: [500, 300, 200]),
        Split(dots: [2, 1], amount: 7, shares: [5, 2]), Split(dots: [0, 0], amount: 50, shares: [0, 0]), Split(dots: [1, 0, 3], amount: 3, shares: [1, 0, 2]),
    ])
    func split(case: Split) {
        var tally = DotTally(candidates: `case`.dots.count)
        tally.add(`case`.dots)
        #expect(tally.split(`case`.amount) == `case`.shares)
    }

    struct Proposal: CustomTestStringConvertible, Sendable {
        var pour: Int, contre: Int, abstention: Int
        var majority: DecisionOutcome, twoThirds: DecisionOutcome, unanimity: DecisionOutcome, allowingOne: DecisionOutcome
        var testDescription: String { "\(pour) pour, \(contre) contre, \(abstention) abstention" }
    }

    @Test("one proposal: simple and two-thirds majority, unanimity, unanimity minus one", arguments: [
        Proposal(pour: 5, contre: 4, abstention: 10, majority: .adopted, twoThirds: .rejected, unanimity: .rejected, allowingOne: .rejected),
        Proposal(pour: 4, contre: 4, abstention: 0, majority: .tie, twoThirds: .rejected, unanimity: .rejected, allowingOne: .rejected),
        Proposal(pour: 6, contre: 3, abstention: 2, majority: .adopted, twoThirds: .adopted, unanimity: .rejected, allowingOne: .rejected),
        Proposal(pour: 7, contre: 1, abstention: 0, majority: .adopted, twoThirds: .adopted, unanimity: .rejected, allowingOne: .adopted),
        Proposal(pour: 3, contre: 0, abstention: 5, majority: .adopted, twoThirds: .adopted, unanimity: .adopted, allowingOne: .adopted),
        Proposal(pour: 0, contre: 0, abstention: 4, majority: .tie, twoThirds: .rejected, unanimity: .rejected, allowingOne: .rejected),
        Proposal(pour: 2, contre: 5, abstention: 0, majority: .rejected, twoThirds: .rejected, unanimity: .rejected, allowingOne: .rejected),
    ])
    func proposal(case: Proposal) {
        let count = ChoiceCount(pour: `case`.pour, contre: `case`.contre, abstention: `case`.abstention)
        #expect(count.majority() == `case`.majority)
        #expect(count.qualifiedMajority(numerator: 2, denominator: 3) == `case`.twoThirds)
        #expect(count.consensus(allowedAgainst: 0) == `case`.unanimity)
        #expect(count.consensus(allowedAgainst: 1) == `case`.allowingOne)
    }

    @Test("consent: adopted in the first round without a remaining objection; objections still there after the last round defeat it")
    func consent() {
        let objection = ConsentRound.Objection(by: "Nadia", reason: "Le lieu n'est pas accessible en fauteuil.", lifted: false)
        var lifted = objection
        lifted.lifted = true
        let rounds = [ConsentRound(consents: 8, objections: [objection]), ConsentRound(consents: 9, standAsides: 1, objections: [lifted])]
        #expect(Consent.tally(rounds, maximumRounds: 3) == .init(outcome: .adopted, round: 2, remaining: []))
        #expect(Consent.tally(Array(rounds.prefix(1)), maximumRounds: 3) == .init(outcome: .rejected, round: 1, remaining: [objection]))
        // Rounds beyond the rules' limit do not count.
        #expect(Consent.tally(rounds, maximumRounds: 1).outcome == .rejected)
    }

    @Test("quorum: a share of the electorate must take part", arguments: [
        (10, 5, 0.5, true), (10, 4, 0.5, false), (9, 3, 0.3333, true), (9, 2, 1.0 / 3, false), (0, 0, 0.5, false),
    ] as [(Int, Int, Double, Bool)])
    func quorum(electorate: Int, ballots: Int, quorum: Double, met: Bool) {
        #expect(Turnout(electorate: electorate, ballots: ballots, quorum: quorum).quorumMet == met)
        #expect(Turnout(electorate: nil, ballots: ballots, quorum: nil).quorumMet)
    }
}
