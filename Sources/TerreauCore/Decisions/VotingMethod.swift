import Foundation

/// The ways a community can decide (issue 8). Each is a pure tally over ballots; which one decides
/// which kind of decision is for the community's rules, not for the code.
public enum VotingMethod: String, CaseIterable, Codable, Sendable {
    /// Pour / contre / abstention; adopted when pour > contre (abstentions count for turnout only).
    case majority
    /// Adopted when pour ≥ threshold × (pour + contre), e.g. two thirds.
    case qualifiedMajority = "qualified-majority"
    case approval
    case score
    /// Balinski–Laraki: median grade, ties broken by their majority value.
    case majorityJudgment = "majority-judgment"
    /// Condorcet–Schulze (beat path, strengths as margins).
    case schulze
    case instantRunoff = "instant-runoff"
    /// Adopted unless a reasoned objection remains.
    case consent
    /// Unanimity, or unanimity minus N.
    case consensus
    /// Each voter spreads a number of dots (or a share of a budget) across the options.
    case dotVoting = "dot-voting"

    /// Methods whose result is an outcome for one proposal rather than an order of options.
    public var decidesOneProposal: Bool { [.majority, .qualifiedMajority, .consent, .consensus].contains(self) }
}

/// Candidates best first; candidates in the same group are tied.
public typealias Ranking = [[Int]]

enum RankingOrder {
    /// Groups `candidates` best first by `better` (a strict weak order), equal ones together.
    static func grouped(_ count: Int, better: (Int, Int) -> Bool) -> Ranking {
        let sorted = (0..<count).sorted { better($0, $1) || (!better($1, $0) && $0 < $1) }
        var ranking: Ranking = []
        for candidate in sorted {
            if let last = ranking.last?.first, !better(last, candidate) { ranking[ranking.count - 1].append(candidate) } else { ranking.append([candidate]) }
        }
        return ranking
    }
}

/// Whether enough of the electorate took part: `quorum` is a share of the electorate that must
/// have cast a ballot (abstentions and blank ballots included: they took part).
public struct Turnout: Equatable, Sendable, Codable {
    public var electorate: Int?
    public var ballots: Int
    public var quorum: Double?

    public init(electorate: Int?, ballots: Int, quorum: Double?) {
        self.electorate = electorate
        self.ballots = ballots
        self.quorum = quorum
    }

    public var share: Double? { electorate.flatMap { $0 > 0 ? Double(ballots) / Double($0) : nil } }

    /// True without a quorum; false when a quorum is set and the electorate is unknown.
    public var quorumMet: Bool {
        guard let quorum, quorum > 0 else { return true }
        guard let electorate, electorate > 0 else { return false }
        // A tolerance far below one ballot, so that a quorum of ⅓ typed as 0.3333… is met by 3 of 9.
        return Double(ballots) + 1e-6 >= quorum * Double(electorate)
    }
}
