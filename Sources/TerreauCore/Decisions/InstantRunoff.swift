import Foundation

/// Instant-runoff voting. Each round counts every ballot for its highest-ranked candidate still
/// running; a candidate with more than half of the ballots still counting wins. Otherwise every
/// candidate with the fewest votes is eliminated at once (no tie-break by lot); when all those
/// still running have the same count, they win together. A ballot is read up to its first group
/// of equally ranked candidates (an "overvote"): from there on it counts no more.
public struct InstantRunoffTally: Sendable {
    public struct Round: Equatable, Sendable {
        /// Votes per candidate still running (nil for those out).
        public var votes: [Int?]
        public var exhausted: Int
        public var eliminated: [Int]
    }

    let candidates: Int
    /// Ballots as strict preference lists, identical ones counted together.
    public private(set) var profile: [[Int]: Int] = [:]
    public private(set) var ballots = 0

    public init(candidates: Int) { self.candidates = candidates }

    public mutating func add(_ ballot: RankedBallot) {
        let strict = Array(ballot.prefix { $0.count == 1 }.map { $0[0] })
        profile[strict, default: 0] += 1
        ballots += 1
    }

    public struct Result: Equatable, Sendable {
        public var winners: [Int]
        public var rounds: [Round]
        public var ranking: Ranking
    }

    public func result() -> Result {
        var running = Set(0..<candidates)
        var rounds: [Round] = []
        var eliminatedInOrder: [[Int]] = []
        while true {
            var votes = Array(repeating: 0, count: candidates)
            var exhausted = 0
            for (ballot, count) in profile {
                if let first = ballot.first(where: running.contains) { votes[first] += count } else { exhausted += count }
            }
            let counting = profile.values.reduce(0, +) - exhausted
            let current = running.sorted()
            let most = current.map { votes[$0] }.max() ?? 0
            let fewest = current.map { votes[$0] }.min() ?? 0
            let shown = (0..<candidates).map { running.contains($0) ? votes[$0] : nil }
            if counting > 0, most * 2 > counting || most == fewest {
                rounds.append(Round(votes: shown, exhausted: exhausted, eliminated: []))
                let winners = current.filter { votes[$0] == most }
                let others = RankingOrder.grouped(candidates) { votes[$0] > votes[$1] }
                    .map { $0.filter { running.contains($0) && !winners.contains($0) } }.filter { !$0.isEmpty }
                return Result(winners: winners, rounds: rounds, ranking: [winners] + others + eliminatedInOrder.reversed())
            }
            if counting == 0 || current.isEmpty {
                // No ballot counts any more: those still running are tied.
                rounds.append(Round(votes: shown, exhausted: exhausted, eliminated: []))
                return Result(winners: current, rounds: rounds, ranking: (current.isEmpty ? [] : [current]) + eliminatedInOrder.reversed())
            }
            let out = current.filter { votes[$0] == fewest }
            rounds.append(Round(votes: shown, exhausted: exhausted, eliminated: out))
            eliminatedInOrder.append(out)
            running.subtract(out)
        }
    }
}
