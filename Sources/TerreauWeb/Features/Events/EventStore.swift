import Fluent
import Foundation
import TerreauCore

/// Reads about the community's events that other features need.
struct EventStore {
    let database: any Database

    /// Who attended an interviewing training of the community, and when (the latest).
    func interviewingTrainings(in community: CommunityRecord) async throws -> [UUID: Date] {
        let trainings = try await EventRecord.query(on: database).filter(\.$community.$id == community.id!).filter(\.$kind == EventKind.training.rawValue)
            .filter(\.$topic == TrainingTopic.interviewing.rawValue).all()
        guard !trainings.isEmpty else { return [:] }
        let days = Dictionary(uniqueKeysWithValues: trainings.map { ($0.id!, $0.startsAt) })
        var trained: [UUID: Date] = [:]
        for seat in try await EventRegistrationRecord.query(on: database).filter(\.$event.$id ~~ Array(days.keys)).filter(\.$attended == true).all() {
            let day = days[seat.$event.id]!
            if trained[seat.$person.id].map({ $0 < day }) ?? true { trained[seat.$person.id] = day }
        }
        return trained
    }
}
