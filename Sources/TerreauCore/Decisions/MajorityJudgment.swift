import Foundation

/// Majority judgment (Balinski & Laraki, 2007). Each ballot grades every candidate on a common
/// scale (index 0 = worst); a candidate a ballot leaves ungraded gets the worst grade, as their
/// method prescribes. A candidate's merit is its lower median grade; ties are broken by the
/// *majority value*: remove one median grade and take the median again, and so on, comparing
/// the two sequences lexicographically. Two candidates stay tied only with identical grade
/// counts.
///
/// A judge who recuses themself from a candidate (a conflict of interest in a priorities vote:
/// an organisation never grades its own project) gives `recused`: that candidate's merit is
/// taken over the grades it did receive — the grade is neither the worst nor any other, as a
/// jury's recused member simply does not sit for that candidate.
public struct MajorityJudgmentTally: Sendable {
    /// The grade of a judge who does not grade this candidate (a conflict of interest).
    public static let recused = -1
    /// The scale a new decision or call starts with, worst first (Balinski and Laraki's seven
    /// French mentions).
    public static let defaultGrades = ["à rejeter", "insuffisant", "passable", "assez bien", "bien", "très bien", "excellent"]

    /// Grade counts, candidate after candidate, in one flat array: a million ballots of twenty
    /// grades are twenty million increments, which nested arrays slow down.
    private var flat: [Int]
    let grades: Int
    public internal(set) var ballots = 0

    public init(candidates: Int, grades: Int) {
        self.grades = grades
        flat = Array(repeating: 0, count: candidates * grades)
    }

    /// `counts[candidate][grade]`.
    public var counts: [[Int]] {
        grades == 0 ? [] : stride(from: 0, to: flat.count, by: grades).map { Array(flat[$0..<$0 + grades]) }
    }

    public mutating func add(_ grades: [Int?]) {
        for (candidate, grade) in grades.enumerated() where grade != Self.recused { count(candidate, grade ?? 0) }
        ballots += 1
    }

    /// One grade of a ballot being read (the reader counts the ballot once it is complete).
    mutating func count(_ candidate: Int, _ grade: Int) { flat[candidate * grades + grade] += 1 }

    /// The lower median grade of each candidate (nil without ballots).
    public var medians: [Int?] { counts.map { var stream = MedianStream($0); return stream.next()?.grade } }

    public var ranking: Ranking {
        let counts = self.counts
        return RankingOrder.grouped(counts.count) { Self.compare(counts[$0], counts[$1]) > 0 }
    }

    /// One stretch of the majority value: `length` successive medians equal to `grade`.
    struct Run: Equatable {
        var grade: Int
        var length: Int
    }

    /// The majority value, produced lazily run by run: comparisons stop at the first
    /// difference, so two candidates are told apart after a few runs, and even identical grade
    /// counts over a million ballots cost O(ballots × grades) once.
    struct MedianStream {
        var counts: [Int]
        var total: Int

        init(_ tally: [Int]) {
            counts = tally
            total = tally.reduce(0, +)
        }

        mutating func next() -> Run? {
            guard total > 0 else { return nil }
            // The lower median: the grade holding position (total - 1) / 2, counting from the worst.
            let position = (total - 1) / 2
            var below = 0, grade = 0
            while below + counts[grade] <= position { below += counts[grade]; grade += 1 }
            // How many medians in a row stay at `grade`: after t removals the median position is
            // (total - t - 1) / 2; it stays in this grade while below ≤ it < below + counts - t.
            // Both conditions only get harder as t grows, so search the largest t.
            let (total, available) = (self.total, counts[grade])
            func stays(_ t: Int) -> Bool {
                let p = (total - t - 1) / 2
                return below <= p && p < below + available - t
            }
            var low = 1, high = available  // t = 1 always holds (the median itself)
            while low < high {
                let middle = (low + high + 1) / 2
                if stays(middle - 1) { low = middle } else { high = middle - 1 }
            }
            counts[grade] -= low
            self.total -= low
            return Run(grade: grade, length: low)
        }
    }

    /// Every run of the majority value (tests and pictures; comparisons stay lazy).
    static func medianRuns(_ tally: [Int]) -> [Run] {
        var stream = MedianStream(tally), runs: [Run] = []
        while let run = stream.next() {
            if runs.last?.grade == run.grade { runs[runs.count - 1].length += run.length } else { runs.append(run) }
        }
        return runs
    }

    /// > 0 when `a`'s majority value is better, < 0 when worse, 0 when equal.
    static func compare(_ a: [Int], _ b: [Int]) -> Int {
        var left = MedianStream(a), right = MedianStream(b)
        var runA = left.next(), runB = right.next()
        while var x = runA, var y = runB {
            if x.grade != y.grade { return x.grade > y.grade ? 1 : -1 }
            let step = min(x.length, y.length)
            x.length -= step
            y.length -= step
            runA = x.length > 0 ? x : left.next()
            runB = y.length > 0 ? y : right.next()
        }
        return 0
    }
}
