import Fluent
import Foundation
import TerreauCore

/// The officials' recognitions of the diagnostic and their commitments, each followed up with
/// dated events.
struct RecognitionStore {
    let database: any Database

    /// Every signed recognition of the community, oldest first, with its commitments and their events.
    func all(in community: UUID) async throws -> (recognitions: [RecognitionRecord], commitments: [CommitmentRecord], events: [CommitmentEventRecord]) {
        let recognitions = try await RecognitionRecord.query(on: database).filter(\.$community.$id == community).with(\.$official).sort(\.$signedAt).all()
        let ids = recognitions.compactMap(\.id)
        let commitments = ids.isEmpty ? [] : try await CommitmentRecord.query(on: database).filter(\.$recognition.$id ~~ ids).sort(\.$createdAt).all()
        let commitmentIDs = commitments.compactMap(\.id)
        let events = commitmentIDs.isEmpty ? [] : try await CommitmentEventRecord.query(on: database).filter(\.$commitment.$id ~~ commitmentIDs)
            .sort(\.$at).all()
        return (recognitions, commitments, events)
    }

    func recognition(of official: UUID, in community: UUID) async throws -> RecognitionRecord? {
        try await RecognitionRecord.query(on: database).filter(\.$community.$id == community).filter(\.$official.$id == official).first()
    }

    /// Signs the statement, or rewrites it (the first signature's date stays).
    func sign(_ statement: String, by official: UUID, in community: UUID, now: Date) async throws {
        let recognition = try await recognition(of: official, in: community) ?? RecognitionRecord()
        if recognition.id == nil {
            recognition.$community.id = community
            recognition.$official.id = official
            recognition.signedAt = now
        }
        recognition.statement = statement
        recognition.updatedAt = now
        try await recognition.save(on: database)
    }

    /// A new commitment, « made », with its first event.
    func commit(_ text: String, under recognition: RecognitionRecord, now: Date) async throws {
        try await database.writing { database in
            let commitment = CommitmentRecord()
            commitment.$recognition.id = recognition.id!
            commitment.text = text
            commitment.status = CommitmentStatus.made.rawValue
            commitment.createdAt = now
            try await commitment.create(on: database)
            try await CommitmentEventRecord(commitment, .made, note: "", at: now).create(on: database)
        }
    }

    /// A commitment of this community, with its recognition.
    func commitment(_ id: UUID, in community: UUID) async throws -> CommitmentRecord? {
        guard let commitment = try await CommitmentRecord.query(on: database).filter(\.$id == id).with(\.$recognition).first(),
              commitment.recognition.$community.id == community else { return nil }
        return commitment
    }

    /// The commitment moves to its next status; the event says when and why.
    func follow(_ commitment: CommitmentRecord, to next: CommitmentStatus, note: String, now: Date) async throws {
        commitment.status = next.rawValue
        try await database.writing { database in
            try await commitment.update(on: database)
            try await CommitmentEventRecord(commitment, next, note: note, at: now).create(on: database)
        }
    }
}
