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

    public var ballotCount: Int {
        switch ballots {
        case .choices(let list): return list.count
        case .approvals(let list): return list.count
        case .scores(let list): return list.count
        case .grades(let list): return list.count
        case .rankings(let list): return list.count
        case .dots(let list): return list.count
        case .consent(let rounds): return rounds.last.map { $0.consents + $0.standAsides + $0.objections.count } ?? 0
        }
    }

    /// Counts the ballots with the election's method.
    public func tally() -> TallyReport {
        let turnout = Turnout(electorate: electorate, ballots: ballotCount, quorum: quorum)
        var report = TallyReport(method: method, ballots: ballotCount, turnout: turnout, ranking: [], winners: [])
        func names(_ ranking: Ranking) -> [[String]] { ranking.map { $0.map { candidates[$0] } } }
        func byName<T>(_ values: [T]) -> [String: T] { Dictionary(uniqueKeysWithValues: zip(candidates, values)) }
        switch ballots {
        case .choices(let positions):
            var count = ChoiceCount()
            for position in positions { count.add(position) }
            report.choices = count
            report.ranking = count.ranking
            switch method {
            case .qualifiedMajority: report.outcome = count.qualifiedMajority(numerator: threshold.numerator, denominator: threshold.denominator)
            case .consensus: report.outcome = count.consensus(allowedAgainst: allowedAgainst)
            default: report.outcome = count.majority()
            }
        case .approvals(let list):
            var tally = ApprovalTally(candidates: candidates.count)
            for ballot in list { tally.add(ballot) }
            report.ranking = names(tally.ranking)
            report.approvals = byName(tally.approvals)
        case .scores(let list):
            var tally = ScoreTally(candidates: candidates.count, minimum: scale.lowerBound)
            for ballot in list { tally.add(ballot) }
            report.ranking = names(tally.ranking)
            report.scores = byName(tally.totals)
        case .grades(let list):
            var tally = MajorityJudgmentTally(candidates: candidates.count, grades: grades.count)
            for ballot in list { tally.add(ballot) }
            report.ranking = names(tally.ranking)
            report.medians = byName(tally.medians.map { $0.map { grades[$0] } ?? "" })
            report.gradeCounts = byName(tally.counts)
        case .rankings(let list) where method == .instantRunoff:
            var tally = InstantRunoffTally(candidates: candidates.count)
            for ballot in list { tally.add(ballot) }
            let result = tally.result()
            report.ranking = names(result.ranking)
            report.rounds = result.rounds.map { round in
                TallyReport.RunoffRound(
                    votes: Dictionary(uniqueKeysWithValues: round.votes.enumerated().compactMap { index, votes in votes.map { (candidates[index], $0) } }),
                    exhausted: round.exhausted, eliminated: round.eliminated.map { candidates[$0] })
            }
        case .rankings(let list):
            var tally = SchulzeTally(candidates: candidates.count)
            for ballot in list { tally.add(ballot) }
            report.ranking = names(tally.ranking)
            report.pairwise = tally.pairwise
            report.strongestPaths = tally.strongestPaths
        case .dots(let list):
            var tally = DotTally(candidates: candidates.count)
            for ballot in list { tally.add(ballot) }
            report.ranking = names(tally.ranking)
            report.dots = byName(tally.dots)
            if let amount { report.split = byName(tally.split(amount)) }
        case .consent(let rounds):
            let result = Consent.tally(rounds, maximumRounds: maximumRounds)
            // Ballots here are the last round's participants; the ranking names the outcome.
            report.outcome = result.outcome
            report.consentRound = result.round
            report.remainingObjections = result.remaining
            report.ranking = result.outcome == .adopted ? [["adopté"]] : [["non adopté"]]
        }
        if !turnout.quorumMet { report.outcome = .noQuorum }
        // One proposal: the winner is the proposal itself when adopted; options: the first group.
        let adopted = method == .consent ? "adopté" : "pour"
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
    public var outcome: Outcome?
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
