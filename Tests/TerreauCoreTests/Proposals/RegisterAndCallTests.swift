import Foundation
import Testing
@testable import TerreauCore

@Suite("Register of proposals to officials; peer evaluation of a call for support")
struct RegisterAndCallTests {
    static let coordinator = RegisterActor(isCoordinator: true, isAddressedOfficial: false, addressedToBody: false)
    static let official = RegisterActor(isCoordinator: false, isAddressedOfficial: true, addressedToBody: false)
    static let bodyRecorder = RegisterActor(isCoordinator: true, isAddressedOfficial: false, addressedToBody: true)
    static let member = RegisterActor(isCoordinator: false, isAddressedOfficial: false, addressedToBody: true)

    static func step(_ status: RegisterStatus, _ step: RegisterStep, _ actor: RegisterActor, reason: String = "") -> Result<RegisterStatus, Register.Refusal> {
        do { return .success(try Register.next(from: status, step, by: actor, reason: reason)) } catch { return .failure(error) }
    }

    @Test("the statuses follow one another, none skipped")
    func order() {
        let allowed: [RegisterStatus: [RegisterStep: RegisterStatus]] = [
            .deposee: [.transmit: .transmise],
            .transmise: [.study: .etude, .accept: .acceptee, .refuse: .refusee],
            .etude: [.accept: .acceptee, .refuse: .refusee],
            .acceptee: [.realise: .realisee],
            .refusee: [:], .realisee: [:],
        ]
        for status in RegisterStatus.allCases {
            for step in RegisterStep.allCases {
                let actor = step == .transmit ? Self.coordinator : Self.official
                let expected = allowed[status]?[step]
                let result = Self.step(status, step, actor, reason: "motif")
                switch result {
                case .success(let next): #expect(next == expected, "\(status) + \(step)")
                case .failure(let refusal): #expect(expected == nil && refusal == .outOfOrder, "\(status) + \(step): \(refusal)")
                }
            }
        }
    }

    @Test("a refusal needs its reason")
    func refusalReason() {
        #expect(Self.step(.etude, .refuse, Self.official) == .failure(.reasonRequired))
        #expect(Self.step(.etude, .refuse, Self.official, reason: "   \n") == .failure(.reasonRequired))
        #expect(Self.step(.etude, .refuse, Self.official, reason: "Hors compétence communale") == .success(.refusee))
        #expect(Self.step(.etude, .accept, Self.official) == .success(.acceptee))
    }

    @Test("coordinators transmit; the official answers for themself; coordinators record a body's answers")
    func who() {
        #expect(Self.step(.deposee, .transmit, Self.official) == .failure(.notAllowed))
        #expect(Self.step(.deposee, .transmit, Self.coordinator) == .success(.transmise))
        #expect(Self.step(.transmise, .study, Self.coordinator) == .failure(.notAllowed))
        #expect(Self.step(.transmise, .study, Self.official) == .success(.etude))
        #expect(Self.step(.transmise, .study, Self.bodyRecorder) == .success(.etude))
        #expect(Self.step(.transmise, .accept, Self.member) == .failure(.notAllowed))
    }

    @Test("overdue once the delay has passed without acceptance or refusal; « à l'étude » buys one more delay", arguments: [
        (RegisterStatus.deposee, 59.9, false), (.deposee, 60.1, true), (.transmise, 61, true), (.etude, 90, false), (.etude, 119.9, false), (.etude, 120.1, true),
        (.acceptee, 90, false), (.refusee, 90, false), (.realisee, 400, false),
    ])
    func overdue(status: RegisterStatus, days: Double, late: Bool) {
        let deposit = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(Register.isOverdue(status, depositedAt: deposit, delayDays: 60, now: deposit.addingTimeInterval(days * 86_400)) == late)
    }

    // MARK: Peer evaluation

    static let e1 = UUID(), e2 = UUID(), e3 = UUID()

    static func grades(_ application: Int, _ evaluator: UUID, _ values: [Int]) -> [PeerGrade] {
        values.enumerated().map { PeerGrade(application: application, evaluator: evaluator, criterion: $0.offset, grade: $0.element) }
    }

    @Test("medians, not averages: one hostile evaluator cannot sink a project; unevaluated projects come last")
    func aggregation() {
        // Grades 0 (à rejeter) … 4 (excellent); three criteria; A, B, C evaluated, D not.
        let given = Self.grades(0, Self.e1, [3, 3, 3]) + Self.grades(0, Self.e2, [3, 3, 3]) + Self.grades(0, Self.e3, [3, 3, 3])
            + Self.grades(1, Self.e1, [4, 4, 4]) + Self.grades(1, Self.e2, [4, 4, 4]) + Self.grades(1, Self.e3, [0, 0, 0])
            + Self.grades(2, Self.e1, [4, 4, 4]) + Self.grades(2, Self.e2, [0, 0, 0]) + Self.grades(2, Self.e3, [0, 0, 0])
        let result = PeerEvaluation.aggregate(applications: 4, criteria: 3, grades: 5, given: given)
        #expect(result.ranking == [[1], [0], [2], [3]])
        #expect(result.medians[1] == [4, 4, 4])
        #expect(result.medians[2] == [0, 0, 0])
        #expect(result.medians[3] == [nil, nil, nil])
        #expect(result.overall == [3, 4, 0, nil])
        #expect(result.evaluators == [3, 3, 3, 0])
        // An average would have put A (3.0) above B (2.67): the median does not.
    }

    @Test("ties are grouped; a later grade replaces the earlier one; out-of-range grades are ignored")
    func tiesAndUpdates() {
        var given = Self.grades(0, Self.e1, [2, 3]) + Self.grades(1, Self.e2, [3, 2])
        #expect(PeerEvaluation.aggregate(applications: 2, criteria: 2, grades: 5, given: given).ranking == [[0, 1]])
        given += [PeerGrade(application: 0, evaluator: Self.e1, criterion: 0, grade: 4), PeerGrade(application: 1, evaluator: Self.e2, criterion: 1, grade: 9)]
        let result = PeerEvaluation.aggregate(applications: 2, criteria: 2, grades: 5, given: given)
        #expect(result.ranking == [[0], [1]])
        #expect(result.medians[0] == [4, 3])
        #expect(result.medians[1] == [3, 2])
    }

    @Test("no organisation grades its own project; grades only while evaluating, on the grid")
    func selfEvaluation() {
        let mine = UUID(), other = UUID()
        func check(_ evaluator: UUID, criterion: Int = 0, grade: Int = 2, phase: CallPhase = .evaluation) -> PeerEvaluation.Refusal? {
            do { try PeerEvaluation.check(evaluator: evaluator, applicant: mine, criterion: criterion, grade: grade, criteria: 3, grades: 5, phase: phase); return nil }
            catch { return error }
        }
        #expect(check(mine) == .ownProject)
        #expect(check(other) == nil)
        #expect(check(other, criterion: 3) == .unknownCriterion)
        #expect(check(other, grade: 5) == .unknownGrade)
        #expect(check(other, grade: -1) == .unknownGrade)
        #expect(check(other, phase: .applications) == .notEvaluating)
        #expect(check(other, phase: .decided) == .notEvaluating)
    }

    @Test("a call's phases", arguments: CallPhase.allCases)
    func phases(phase: CallPhase) {
        let expected: [CallPhase: [CallStep: CallPhase]] = [.applications: [.startEvaluation: .evaluation], .evaluation: [.submitToDecision: .decision],
                                                            .decision: [.recordDecision: .decided]]
        for step in CallStep.allCases { #expect(PeerEvaluation.next(phase, step) == expected[phase]?[step]) }
    }
}
