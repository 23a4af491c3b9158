import Foundation

/// Approval: each ballot approves any number of candidates; most approvals first, equal
/// counts tied.
public struct ApprovalTally: Sendable {
    public private(set) var approvals: [Int]
    public private(set) var ballots = 0

    public init(candidates: Int) { approvals = Array(repeating: 0, count: candidates) }

    /// `approved` holds distinct candidate indices (the reader refuses duplicates).
    public mutating func add(_ approved: [Int]) {
        for candidate in approved { approvals[candidate] += 1 }
        ballots += 1
    }

    public var ranking: Ranking { RankingOrder.grouped(approvals.count) { approvals[$0] > approvals[$1] } }
}

/// Score (range) voting: each ballot gives each candidate a number on the scale; highest total
/// first. A candidate a ballot leaves out gets the bottom of the scale, as on paper.
public struct ScoreTally: Sendable {
    public private(set) var totals: [Double]
    public private(set) var ballots = 0
    let minimum: Double

    public init(candidates: Int, minimum: Double = 0) {
        totals = Array(repeating: 0, count: candidates)
        self.minimum = minimum
    }

    public mutating func add(_ scores: [Double?]) {
        for (candidate, score) in scores.enumerated() { totals[candidate] += score ?? minimum }
        ballots += 1
    }

    public var ranking: Ranking { RankingOrder.grouped(totals.count) { totals[$0] > totals[$1] } }
}

/// Dot voting: each voter spreads at most `dots` points across the options. With an amount to
/// share (a budget split), each option gets its share of the amount in proportion to its dots,
/// in whole units, the remainder going to the largest fractional parts (Hamilton), ties to the
/// option listed first.
public struct DotTally: Sendable {
    public private(set) var dots: [Int]
    public private(set) var ballots = 0

    public init(candidates: Int) { dots = Array(repeating: 0, count: candidates) }

    public mutating func add(_ ballot: [Int]) {
        for (candidate, given) in ballot.enumerated() { dots[candidate] += given }
        ballots += 1
    }

    public var ranking: Ranking { RankingOrder.grouped(dots.count) { dots[$0] > dots[$1] } }

    /// `amount` (e.g. in euros or cents) split in proportion to the dots; sums exactly to it.
    public func split(_ amount: Int) -> [Int] {
        let total = dots.reduce(0, +)
        guard total > 0, amount > 0 else { return dots.map { _ in 0 } }
        var shares = dots.map { $0 * amount / total }
        let remainders = dots.enumerated().map { ($0.offset, $0.element * amount % total) }
        let left = amount - shares.reduce(0, +)
        for (candidate, _) in remainders.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }).prefix(left) { shares[candidate] += 1 }
        return shares
    }
}
