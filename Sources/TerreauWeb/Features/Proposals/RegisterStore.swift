import Fluent
import Foundation
import TerreauCore

/// The register of proposals to officials: deposits, each step with its dated event, the list
/// the register page and an official's desk read.
struct RegisterStore {
    let database: any Database

    func entry(of proposal: UUID) async throws -> RegisterEntryRecord? {
        try await RegisterEntryRecord.query(on: database).filter(\.$proposal.$id == proposal).first()
    }

    /// The entry (addressee already set) deposited, with its first event, in one transaction.
    func deposit(_ entry: RegisterEntryRecord, proposal: UUID, by person: UUID, now: Date) async throws {
        entry.$proposal.id = proposal
        entry.status = RegisterStatus.deposee.rawValue
        entry.depositedAt = now
        entry.$depositedBy.id = person
        entry.updatedAt = now
        try await database.writing { database in
            try await entry.create(on: database)
            try await RegisterStore.event(entry, .deposee, note: "", person: person, now: now).create(on: database)
        }
    }

    /// The entry moves to `next`; the event keeps who, when and why.
    func move(_ entry: RegisterEntryRecord, to next: RegisterStatus, note: String, by person: UUID, now: Date) async throws {
        entry.status = next.rawValue
        entry.updatedAt = now
        try await database.writing { database in
            try await entry.update(on: database)
            try await RegisterStore.event(entry, next, note: note, person: person, now: now).create(on: database)
        }
    }

    /// The community's proposals and their register entries (newest deposit first), with the
    /// addressed officials.
    func entries(in community: UUID) async throws -> (proposals: [UUID: ProposalRecord], entries: [RegisterEntryRecord]) {
        let proposals = try await ProposalRecord.query(on: database).filter(\.$community.$id == community).all()
        let byID = Dictionary(uniqueKeysWithValues: proposals.map { ($0.id!, $0) })
        let entries = proposals.isEmpty ? [] : try await RegisterEntryRecord.query(on: database).filter(\.$proposal.$id ~~ Array(byID.keys))
            .with(\.$official).sort(\.$depositedAt, .descending).all()
        return (byID, entries)
    }

    /// The entries' events, oldest first, with who made them.
    func events(of entries: [UUID]) async throws -> [RegisterEventRecord] {
        entries.isEmpty ? [] : try await RegisterEventRecord.query(on: database).filter(\.$entry.$id ~~ entries).with(\.$person).sort(\.$at).all()
    }

    /// A dated step of an entry, with its note and who took it.
    static func event(_ entry: RegisterEntryRecord, _ status: RegisterStatus, note: String, person: UUID?, now: Date) -> RegisterEventRecord {
        let event = RegisterEventRecord()
        event.$entry.id = entry.id!
        event.status = status.rawValue
        event.note = note
        event.$person.id = person
        event.at = now
        return event
    }
}
