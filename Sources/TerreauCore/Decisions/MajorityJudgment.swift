import Foundation

/// Majority judgment (Balinski & Laraki, 2007). Each ballot grades every candidate on a common
/// scale (index 0 = worst); a candidate a ballot leaves ungraded gets the worst grade, as their
/// method prescribes. A candidate's merit is its lower median grade; ties are broken by the
/// *majority value*: remove one median grade and take the median again, and so on, comparing
/// the two sequences lexicographically. Two candidates stay tied only with identical grade
/// counts.
public struct MajorityJudgmentTally: Sendable {
    /// `counts[candidate][grade]`.
    public private(set) var counts: [[Int]]
    public private(set) var ballots = 0

    public init(candidates: Int, grades: Int) {
        counts = Array(repeating: Array(repeating: 0, count: grades), count: candidates)
    }

    public mutating func add(_ grades: [Int?]) {
        for (candidate, grade) in grades.enumerated() { counts[candidate][grade ?? 0] += 1 }
        ballots += 1
    }

    /// The lower median grade of each candidate (nil without ballots).
    public var medians: [Int?] { counts.map { Self.medianRuns($0).first?.grade } }

    public var ranking: Ranking {
        let values = counts.map(Self.medianRuns)
        return RankingOrder.grouped(counts.count) { Self.compare(values[$0], values[$1]) > 0 }
    }

    /// One stretch of the majority value: `length` successive medians equal to `grade`.
    struct Run: Equatable {
        var grade: Int
        var length: Int
    }

    /// The majority value as runs, computed in O(grades × runs) rather than one median at a
    /// time, so a million ballots cost no more than ten.
    static func medianRuns(_ tally: [Int]) -> [Run] {
        var counts = tally
        var total = counts.reduce(0, +)
        var runs: [Run] = []
        while total > 0 {
            // The lower median: the grade holding position (total - 1) / 2, counting from the worst.
            let position = (total - 1) / 2
            var below = 0, grade = 0
            while below + counts[grade] <= position { below += counts[grade]; grade += 1 }
            // How many medians in a row stay at `grade`: after t removals the median position is
            // (total - t - 1) / 2; it stays in this grade while below ≤ it < below + counts - t.
            // Both conditions only get harder as t grows, so search the largest t.
            func stays(_ t: Int) -> Bool {
                let p = (total - t - 1) / 2
                return below <= p && p < below + counts[grade] - t
            }
            var low = 1, high = counts[grade]  // t = 1 always holds (the median itself)
            while low < high {
                let middle = (low + high + 1) / 2
                if stays(middle - 1) { low = middle } else { high = middle - 1 }
            }
            runs.append(Run(grade: grade, length: low))
            counts[grade] -= low
            total -= low
        }
        return merged(runs)
    }

    static func merged(_ runs: [Run]) -> [Run] {
        runs.reduce(into: []) { result, run in
            if result.last?.grade == run.grade { result[result.count - 1].length += run.length } else { result.append(run) }
        }
    }

    /// > 0 when `a`'s majority value is better, < 0 when worse, 0 when equal.
    static func compare(_ a: [Run], _ b: [Run]) -> Int {
        var i = 0, j = 0, usedA = 0, usedB = 0
        while i < a.count && j < b.count {
            if a[i].grade != b[j].grade { return a[i].grade > b[j].grade ? 1 : -1 }
            let step = min(a[i].length - usedA, b[j].length - usedB)
            usedA += step
            usedB += step
            if usedA == a[i].length { i += 1; usedA = 0 }
            if usedB == b[j].length { j += 1; usedB = 0 }
        }
        return 0
    }
}
