import Foundation

/// A ranked ballot: groups of candidate indices, best first; candidates in one group are ranked
/// equally, candidates left out come after all those ranked (equal among themselves).
public typealias RankedBallot = [[Int]]

/// Condorcet–Schulze (the beat-path method). Pairwise counts d[a][b] (voters ranking a above b);
/// a path's strength is its weakest margin d[a][b] − d[b][a], using only positive margins; a
/// defeats b when the strongest path from a to b beats the strongest back. Winners are those no
/// one defeats; the ranking takes the winners, then the undefeated among the rest, and so on.
public struct SchulzeTally: Sendable {
    /// `pairwise[a][b]`: ballots ranking a strictly above b.
    public private(set) var pairwise: [[Int]]
    public private(set) var ballots = 0
    /// Reused per ballot: each candidate's position (left-out ones share the last).
    private var position: [Int]

    public init(candidates: Int) {
        pairwise = Array(repeating: Array(repeating: 0, count: candidates), count: candidates)
        position = Array(repeating: 0, count: candidates)
    }

    public mutating func add(_ ballot: RankedBallot) {
        let count = position.count
        for index in 0..<count { position[index] = ballot.count }
        for (level, group) in ballot.enumerated() { for candidate in group { position[candidate] = level } }
        for a in 0..<count {
            for b in 0..<count where position[a] < position[b] { pairwise[a][b] += 1 }
        }
        ballots += 1
    }

    /// Strongest path strengths (Floyd–Warshall on the widest path), 0 where there is none.
    public var strongestPaths: [[Int]] {
        let count = pairwise.count
        var strength = Array(repeating: Array(repeating: 0, count: count), count: count)
        for a in 0..<count {
            for b in 0..<count where a != b {
                let margin = pairwise[a][b] - pairwise[b][a]
                if margin > 0 { strength[a][b] = margin }
            }
        }
        for via in 0..<count {
            for a in 0..<count where a != via {
                for b in 0..<count where b != via && b != a {
                    strength[a][b] = max(strength[a][b], min(strength[a][via], strength[via][b]))
                }
            }
        }
        return strength
    }

    public var ranking: Ranking {
        let paths = strongestPaths
        var remaining = Array(0..<pairwise.count)
        var ranking: Ranking = []
        while !remaining.isEmpty {
            let undefeated = remaining.filter { b in !remaining.contains { a in paths[a][b] > paths[b][a] } }
            // The defeat relation is acyclic (Schulze, 2011), so someone is always undefeated.
            ranking.append(undefeated)
            remaining.removeAll { undefeated.contains($0) }
        }
        return ranking
    }
}
