import Foundation

/// What a vote on one proposal can end in.
public enum DecisionOutcome: String, Codable, Sendable {
    case adopted, rejected
    /// As many pour as contre under simple majority: not adopted, said as such.
    case tie
    /// Not enough of the electorate took part: nothing is decided.
    case noQuorum = "no-quorum"
}

/// A ballot on one proposal.
public enum BallotChoice: String, CaseIterable, Codable, Sendable {
    case pour, contre, abstention
}

/// Simple and qualified majority, and consensus, over pour / contre / abstention counts.
public struct ChoiceCount: Equatable, Sendable, Codable {
    public var pour = 0
    public var contre = 0
    public var abstention = 0

    public init(pour: Int = 0, contre: Int = 0, abstention: Int = 0) {
        self.pour = pour
        self.contre = contre
        self.abstention = abstention
    }

    public mutating func add(_ position: BallotChoice) {
        switch position {
        case .pour: pour += 1
        case .contre: contre += 1
        case .abstention: abstention += 1
        }
    }

    public var ballots: Int { pour + contre + abstention }
    public var expressed: Int { pour + contre }

    /// Simple majority: more pour than contre among those expressed.
    public func majority() -> DecisionOutcome {
        pour > contre ? .adopted : pour == contre ? .tie : .rejected
    }

    /// Qualified majority: pour ≥ `numerator`/`denominator` of the expressed (and at least one
    /// pour). Integer arithmetic: 2/3 of 9 is 6, exactly.
    public func qualifiedMajority(numerator: Int, denominator: Int) -> DecisionOutcome {
        pour > 0 && pour * denominator >= numerator * expressed ? .adopted : .rejected
    }

    /// Consensus: at least one pour and at most `allowedAgainst` contre (0 = unanimity);
    /// abstaining is standing aside.
    public func consensus(allowedAgainst: Int) -> DecisionOutcome {
        pour > 0 && contre <= allowedAgainst ? .adopted : .rejected
    }

    /// pour before contre, tied when equal: the ranking `terreau tally --json` prints.
    public var ranking: [[String]] {
        pour == contre ? [["pour", "contre"]] : pour > contre ? [["pour"], ["contre"]] : [["contre"], ["pour"]]
    }
}

/// Consent (sociocracy): a proposal is adopted unless a reasoned objection remains. Objections
/// are answered in rounds: each round, the circle amends the proposal or the objector lifts the
/// objection; after the last allowed round with objections remaining, it is not adopted.
public struct ConsentRound: Equatable, Sendable, Codable {
    public struct Objection: Equatable, Sendable, Codable {
        public var by: String
        public var reason: String
        /// Whether the objection was answered (lifted) during this round.
        public var lifted: Bool

        public init(by: String, reason: String, lifted: Bool) {
            self.by = by
            self.reason = reason
            self.lifted = lifted
        }
    }

    public var consents: Int
    public var standAsides: Int
    public var objections: [Objection]

    public init(consents: Int, standAsides: Int = 0, objections: [Objection] = []) {
        self.consents = consents
        self.standAsides = standAsides
        self.objections = objections
    }

    public var remaining: [Objection] { objections.filter { !$0.lifted } }
}

public enum Consent {
    /// The ballots of each round: every voter's last ballot *of that round* (`{"round": n, …}`),
    /// in chain order. A voter who answered in round 1 and again in round 2 counts once in each;
    /// one who did not answer in round 2 counts in round 1 only (the count of a round is that
    /// round's, never a ballot carried over from an earlier one).
    public static func ballotsByRound(_ log: [(key: String, content: String)], round: (String) -> Int?) -> [Int: [(key: String, content: String)]] {
        var latest: [String: (key: String, content: String)] = [:], order: [(round: Int, slot: String)] = []
        for row in log {
            guard let number = round(row.content) else { continue }
            let slot = "\(number)\u{1F}\(row.key)"
            if latest[slot] == nil { order.append((number, slot)) }
            latest[slot] = row
        }
        return Dictionary(grouping: order, by: \.round).mapValues { $0.map { latest[$0.slot]! } }
    }

    public struct Result: Equatable, Sendable {
        public var outcome: DecisionOutcome
        /// The round the outcome was reached in (1-based), or the last one.
        public var round: Int
        public var remaining: [ConsentRound.Objection]
    }

    /// The first round without a remaining objection adopts; when every allowed round leaves
    /// one, the proposal is not adopted. An objection needs a reason (checked by the reader).
    public static func tally(_ rounds: [ConsentRound], maximumRounds: Int) -> Result {
        let allowed = Array(rounds.prefix(max(1, maximumRounds)))
        for (index, round) in allowed.enumerated() where round.remaining.isEmpty && round.consents > 0 {
            return Result(outcome: .adopted, round: index + 1, remaining: [])
        }
        return Result(outcome: .rejected, round: allowed.count, remaining: allowed.last?.remaining ?? [])
    }
}
