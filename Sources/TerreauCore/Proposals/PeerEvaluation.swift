import Foundation

/// A call for support (*appel à soutien*) gathers projects asking for public support; the
/// associations evaluate each other's projects on a shared grid. By default the seed's three
/// criteria; the community adds its own when it opens a call.
public enum CallCriteria {
    public static let seed = ["diversite", "gouvernance", "contributif"]
}

/// Where a call stands: projects apply while it is open, organisations evaluate, then the
/// community decides the priorities (the ranking stays provisional until then).
public enum CallPhase: String, CaseIterable, Codable, Sendable {
    case applications, evaluation, decision, decided
}

public enum CallStep: String, CaseIterable, Sendable {
    case startEvaluation, submitToDecision, recordDecision
}

/// One grade given by an evaluating organisation to one project on one criterion.
public struct PeerGrade: Equatable, Sendable {
    public var application: Int
    public var evaluator: UUID
    public var criterion: Int
    public var grade: Int

    public init(application: Int, evaluator: UUID, criterion: Int, grade: Int) {
        self.application = application
        self.evaluator = evaluator
        self.criterion = criterion
        self.grade = grade
    }
}

public enum PeerEvaluation {
    public enum Refusal: String, Error, Sendable {
        /// No organisation grades a project it carries.
        case ownProject
        case unknownGrade, unknownCriterion
        /// Grades are given only while the call is in evaluation.
        case notEvaluating
    }

    public static func next(_ phase: CallPhase, _ step: CallStep) -> CallPhase? {
        switch (phase, step) {
        case (.applications, .startEvaluation): return .evaluation
        case (.evaluation, .submitToDecision): return .decision
        case (.decision, .recordDecision): return .decided
        default: return nil
        }
    }

    public static func check(evaluator: UUID, applicant: UUID, criterion: Int, grade: Int, criteria: Int, grades: Int,
                             phase: CallPhase) throws(Refusal) {
        guard phase == .evaluation else { throw .notEvaluating }
        guard evaluator != applicant else { throw .ownProject }
        guard (0..<criteria).contains(criterion) else { throw .unknownCriterion }
        guard (0..<grades).contains(grade) else { throw .unknownGrade }
    }

    /// Who is tied to a project: its author and co-authors (people), the organisations that
    /// carry it (the applicant and the proposal's organisation) and those that back it.
    public struct ProjectTies: Equatable, Sendable {
        public var author: UUID?
        public var coauthors: Set<UUID>
        public var carriers: Set<UUID>
        public var backers: Set<UUID>

        public init(author: UUID?, coauthors: Set<UUID> = [], carriers: Set<UUID>, backers: Set<UUID> = []) {
            self.author = author
            self.coauthors = coauthors
            self.carriers = carriers
            self.backers = backers
        }
    }

    /// The tie that keeps `person`, grading for the organisation `evaluator`, from grading the
    /// project — among those the community's rules count — or nil. `organisations` are the
    /// organisations the person belongs to (member or admin): a tie through any of them counts,
    /// so that no one grades their own project through a sister organisation.
    /// A person voting in their own name (`evaluator` nil) is tied through their organisations only.
    public static func conflict(person: UUID, organisations: Set<UUID>, evaluator: UUID?, project: ProjectTies,
                                counted: Set<ConflictLink>) -> ConflictLink? {
        let mine = organisations.union([evaluator].compactMap { $0 })
        return counted.sorted().first { link in
            switch link {
            case .author: project.author == person
            case .coauthor: project.coauthors.contains(person)
            case .carrier: !mine.isDisjoint(with: project.carriers)
            case .backer: !mine.isDisjoint(with: project.backers)
            }
        }
    }

    public struct Result: Equatable, Sendable {
        /// Applications best first, ties grouped; those nobody evaluated come last, together.
        public var ranking: Ranking
        /// `medians[application][criterion]`: the lower median grade (nil without grades).
        public var medians: [[Int?]]
        /// The lower median of all of an application's grades.
        public var overall: [Int?]
        /// How many organisations evaluated each application.
        public var evaluators: [Int]
    }

    /// Robust aggregation: each criterion's median grade, and a ranking by majority judgment
    /// over all the grades a project received (every evaluator × criterion is one grade), so a
    /// few extreme grades cannot move it. An organisation's later grade on the same project
    /// and criterion replaces its earlier one.
    public static func aggregate(applications: Int, criteria: Int, grades: Int, given: [PeerGrade]) -> Result {
        var latest: [String: PeerGrade] = [:]
        for grade in given where (0..<applications).contains(grade.application) && (0..<criteria).contains(grade.criterion) && (0..<grades).contains(grade.grade) {
            latest["\(grade.application) \(grade.evaluator) \(grade.criterion)"] = grade
        }
        var perCriterion = Array(repeating: Array(repeating: Array(repeating: 0, count: grades), count: criteria), count: applications)
        var overall = MajorityJudgmentTally(candidates: applications, grades: grades)
        var evaluators = Array(repeating: Set<UUID>(), count: applications)
        for grade in latest.values {
            perCriterion[grade.application][grade.criterion][grade.grade] += 1
            overall.count(grade.application, grade.grade)
            evaluators[grade.application].insert(grade.evaluator)
        }
        let medians = perCriterion.map { $0.map { counts -> Int? in var stream = MajorityJudgmentTally.MedianStream(counts); return stream.next()?.grade } }
        let graded = (0..<applications).filter { !evaluators[$0].isEmpty }
        let counts = overall.counts
        var ranking = RankingOrder.grouped(graded.count) { MajorityJudgmentTally.compare(counts[graded[$0]], counts[graded[$1]]) > 0 }
            .map { $0.map { graded[$0] } }
        let unrated = (0..<applications).filter { evaluators[$0].isEmpty }
        if !unrated.isEmpty { ranking.append(unrated) }
        return Result(ranking: ranking, medians: medians, overall: overall.medians, evaluators: evaluators.map(\.count))
    }
}
