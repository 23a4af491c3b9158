import Foundation

/// Ballots as read from a file (or a vote's stored ballots), already checked against the
/// candidates and grades: indices, never names.
public enum Ballots: Equatable, Sendable {
    case choices([BallotChoice])
    case approvals([[Int]])
    case scores([[Double?]])
    case grades([[Int?]])
    case rankings([RankedBallot])
    case dots([[Int]])
    case consent([ConsentRound])
}

/// One election to count: the method, what is voted on, the ballots and the rules around them.
public struct Election: Sendable {
    public var method: VotingMethod
    /// The options (for one-proposal methods: `pour` and `contre`).
    public var candidates: [String]
    /// Majority judgment's grades, worst first.
    public var grades: [String]
    public var ballots: Ballots
    public var electorate: Int?
    /// Share of the electorate that must take part (0…1).
    public var quorum: Double?
    /// Qualified majority's threshold as a fraction (2/3 by default).
    public var threshold: (numerator: Int, denominator: Int)
    /// Consensus: how many contre it tolerates (0 = unanimity).
    public var allowedAgainst: Int
    /// Dot voting: at most this many dots per ballot; `amount` is the budget to split.
    public var dots: Int?
    public var amount: Int?
    /// Score voting's scale.
    public var scale: ClosedRange<Double>
    /// Consent: rounds of objections allowed before the proposal falls.
    public var maximumRounds: Int

    public init(method: VotingMethod, candidates: [String], grades: [String] = [], ballots: Ballots, electorate: Int? = nil, quorum: Double? = nil,
                threshold: (Int, Int) = (2, 3), allowedAgainst: Int = 0, dots: Int? = nil, amount: Int? = nil,
                scale: ClosedRange<Double> = 0...10, maximumRounds: Int = 3) {
        self.method = method
        self.candidates = candidates
        self.grades = grades
        self.ballots = ballots
        self.electorate = electorate
        self.quorum = quorum
        self.threshold = threshold
        self.allowedAgainst = allowedAgainst
        self.dots = dots
        self.amount = amount
        self.scale = scale
        self.maximumRounds = maximumRounds
    }

    /// Counts the ballots with the election's method.
    public func tally() -> TallyReport {
        var counter = ElectionCounter(self)
        switch ballots {
        case .choices(let list): for choice in list { counter.add(choice: choice) }
        case .approvals(let list): for ballot in list { counter.add(approved: ballot) }
        case .scores(let list): for ballot in list { counter.add(scores: ballot) }
        case .grades(let list): for ballot in list { counter.add(grades: ballot) }
        case .rankings(let list): for ballot in list { counter.add(ranking: ballot) }
        case .dots(let list): for ballot in list { counter.add(dots: ballot) }
        case .consent(let rounds): counter.consentRounds = rounds
        }
        return counter.report()
    }
}

/// The running count of one election, fed ballot by ballot — from a file, or streamed from the
/// database a million rows at a time without keeping them — then turned into its report.
public struct ElectionCounter: Sendable {
    let election: Election
    var choices = ChoiceCount()
    var approval: ApprovalTally
    var score: ScoreTally
    var judgment: MajorityJudgmentTally
    var schulze: SchulzeTally
    var runoff: InstantRunoffTally
    var dots: DotTally
    var consentRounds: [ConsentRound] = []
    public internal(set) var ballots = 0
    let index: [String: Int]
    let gradeIndex: [String: Int]
    let nameBytes: [[UInt8]]
    let gradeBytes: [[UInt8]]
    /// The candidate named at each place of the last ballot read (see `addJudgment`).
    var namesMet: [Int] = []

    public init(_ election: Election) {
        self.election = election
        let count = election.candidates.count
        let ranks = [.schulze, .instantRunoff].contains(election.method)
        approval = ApprovalTally(candidates: election.method == .approval ? count : 0)
        score = ScoreTally(candidates: election.method == .score ? count : 0, minimum: election.scale.lowerBound)
        judgment = MajorityJudgmentTally(candidates: election.method == .majorityJudgment ? count : 0, grades: election.grades.count)
        schulze = SchulzeTally(candidates: election.method == .schulze ? count : 0)
        runoff = InstantRunoffTally(candidates: ranks ? count : 0)
        dots = DotTally(candidates: election.method == .dotVoting ? count : 0)
        index = Dictionary(uniqueKeysWithValues: election.candidates.enumerated().map { ($1, $0) })
        gradeIndex = Dictionary(uniqueKeysWithValues: election.grades.enumerated().map { ($1, $0) })
        nameBytes = election.candidates.map { Array($0.utf8) }
        gradeBytes = election.grades.map { Array($0.utf8) }
    }

    public mutating func add(choice: BallotChoice) { choices.add(choice); ballots += 1 }
    public mutating func add(approved: [Int]) { approval.add(approved); ballots += 1 }
    public mutating func add(scores: [Double?]) { score.add(scores); ballots += 1 }
    public mutating func add(grades: [Int?]) { judgment.add(grades); ballots += 1 }
    public mutating func add(dots given: [Int]) { dots.add(given); ballots += 1 }
    public mutating func add(ranking: RankedBallot) {
        if election.method == .instantRunoff { runoff.add(ranking) } else { schulze.add(ranking) }
        ballots += 1
    }

    public func report() -> TallyReport {
        let election = self.election
        let candidates = election.candidates
        let count = election.method == .consent ? consentRounds.last.map { $0.consents + $0.standAsides + $0.objections.count } ?? 0 : ballots
        let turnout = Turnout(electorate: election.electorate, ballots: count, quorum: election.quorum)
        var report = TallyReport(method: election.method, ballots: count, turnout: turnout, ranking: [], winners: [])
        func names(_ ranking: Ranking) -> [[String]] { ranking.map { $0.map { candidates[$0] } } }
        func byName<T>(_ values: [T]) -> [String: T] { Dictionary(uniqueKeysWithValues: zip(candidates, values)) }
        switch election.method {
        case .majority, .qualifiedMajority, .consensus:
            report.choices = choices
            report.ranking = choices.ranking
            switch election.method {
            case .qualifiedMajority: report.outcome = choices.qualifiedMajority(numerator: election.threshold.numerator, denominator: election.threshold.denominator)
            case .consensus: report.outcome = choices.consensus(allowedAgainst: election.allowedAgainst)
            default: report.outcome = choices.majority()
            }
        case .approval:
            report.ranking = names(approval.ranking)
            report.approvals = byName(approval.approvals)
        case .score:
            report.ranking = names(score.ranking)
            report.scores = byName(score.totals)
        case .majorityJudgment:
            report.ranking = names(judgment.ranking)
            report.medians = byName(judgment.medians.map { $0.map { election.grades[$0] } ?? "" })
            report.gradeCounts = byName(judgment.counts)
        case .instantRunoff:
            let result = runoff.result()
            report.ranking = names(result.ranking)
            report.rounds = result.rounds.map { round in
                TallyReport.RunoffRound(
                    votes: Dictionary(uniqueKeysWithValues: round.votes.enumerated().compactMap { index, votes in votes.map { (candidates[index], $0) } }),
                    exhausted: round.exhausted, eliminated: round.eliminated.map { candidates[$0] })
            }
        case .schulze:
            report.ranking = names(schulze.ranking)
            report.pairwise = schulze.pairwise
            report.strongestPaths = schulze.strongestPaths
        case .dotVoting:
            report.ranking = names(dots.ranking)
            report.dots = byName(dots.dots)
            if let amount = election.amount { report.split = byName(dots.split(amount)) }
        case .consent:
            let result = Consent.tally(consentRounds, maximumRounds: election.maximumRounds)
            report.outcome = result.outcome
            report.consentRound = result.round
            report.remainingObjections = result.remaining
            report.ranking = result.outcome == .adopted ? [["adopté"]] : [["non adopté"]]
        }
        if !turnout.quorumMet { report.outcome = .noQuorum }
        // One proposal: the winner is the proposal itself when adopted; options: the first group.
        let adopted = election.method == .consent ? "adopté" : "pour"
        report.winners = report.outcome.map { $0 == .adopted ? [adopted] : [] } ?? (report.ranking.first ?? [])
        return report
    }
}

/// A count's result and how it was reached, printed by `terreau tally` and stored with a vote.
/// Only the fields of the method used are present.
public struct TallyReport: Equatable, Sendable, Codable {
    public struct RunoffRound: Equatable, Sendable, Codable {
        public var votes: [String: Int]
        public var exhausted: Int
        public var eliminated: [String]
    }

    public var method: VotingMethod
    public var ballots: Int
    public var turnout: Turnout
    /// Best first, ties grouped.
    public var ranking: [[String]]
    public var winners: [String]
    public var outcome: DecisionOutcome?
    public var choices: ChoiceCount?
    public var approvals: [String: Int]?
    public var scores: [String: Double]?
    public var medians: [String: String]?
    public var gradeCounts: [String: [Int]]?
    public var pairwise: [[Int]]?
    public var strongestPaths: [[Int]]?
    public var rounds: [RunoffRound]?
    public var dots: [String: Int]?
    public var split: [String: Int]?
    public var consentRound: Int?
    public var remainingObjections: [ConsentRound.Objection]?

    enum CodingKeys: String, CodingKey {
        case method, ballots, turnout, ranking, winners, outcome, choices, approvals, scores, medians
        case gradeCounts = "grade_counts", pairwise, strongestPaths = "strongest_paths", rounds, dots, split
        case consentRound = "consent_round", remainingObjections = "remaining_objections"
    }
}
