import Fluent
import Foundation
import TerreauCore

/// Calls for support with peer evaluation: the calls, the applications, the grades organisations
/// give each other's projects.
struct CallStore {
    let database: any Database

    /// The community's calls, newest first, with every application to them.
    func calls(in community: UUID) async throws -> (calls: [CallRecord], applications: [CallApplicationRecord]) {
        let calls = try await CallRecord.query(on: database).filter(\.$community.$id == community).sort(\.$createdAt, .descending).all()
        let ids = calls.compactMap(\.id)
        return (calls, ids.isEmpty ? [] : try await CallApplicationRecord.query(on: database).filter(\.$call.$id ~~ ids).all())
    }

    func create(_ call: CallRecord) async throws {
        try await call.create(on: database)
    }

    /// A call's applications in the order they came, with their project and organisation.
    func applications(to call: CallRecord) async throws -> [CallApplicationRecord] {
        try await CallApplicationRecord.query(on: database).filter(\.$call.$id == call.id!).with(\.$proposal).with(\.$organisation)
            .sort(\.$createdAt).all()
    }

    /// Every grade given on these applications.
    func grades(of applications: [UUID]) async throws -> [PeerGradeRecord] {
        applications.isEmpty ? [] : try await PeerGradeRecord.query(on: database).filter(\.$application.$id ~~ applications).all()
    }

    /// The provisional ranking from the grades given so far.
    func ranking(_ applications: [CallApplicationRecord], criteria: Int, grades: Int) async throws -> PeerEvaluation.Result {
        let index = Dictionary(uniqueKeysWithValues: applications.enumerated().map { ($1.id!, $0) })
        let given = try await self.grades(of: Array(index.keys))
        return PeerEvaluation.aggregate(applications: applications.count, criteria: criteria, grades: grades, given: given.compactMap { grade in
            index[grade.$application.id].map { PeerGrade(application: $0, evaluator: grade.$evaluator.id, criterion: grade.criterion, grade: grade.grade) }
        })
    }

    /// The projects these organisations carry (what they may apply with).
    func projects(carriedBy organisations: [UUID]) async throws -> [ProposalRecord] {
        organisations.isEmpty ? [] : try await ProposalRecord.query(on: database).filter(\.$organisation.$id ~~ organisations).all()
    }

    /// An application; false when this project already applied (the unique key says so).
    func apply(_ application: CallApplicationRecord) async throws -> Bool {
        do {
            try await application.create(on: database)
            return true
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return false
        }
    }

    /// One evaluator's grades, each replacing the one it gave before, in one transaction.
    func grade(_ grades: [(application: UUID, criterion: Int, grade: Int)], by evaluator: UUID, person: UUID, now: Date) async throws {
        try await database.writing { database in
            for (application, criterion, grade) in grades {
                let record = try await PeerGradeRecord.query(on: database).filter(\.$application.$id == application).filter(\.$evaluator.$id == evaluator)
                    .filter(\.$criterion == criterion).first() ?? PeerGradeRecord()
                record.$application.id = application
                record.$evaluator.id = evaluator
                record.criterion = criterion
                record.grade = grade
                record.$gradedBy.id = person
                record.gradedAt = now
                try await record.save(on: database)
            }
        }
    }

    func update(_ call: CallRecord) async throws {
        try await call.update(on: database)
    }
}
