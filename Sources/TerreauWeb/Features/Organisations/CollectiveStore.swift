import Fluent
import Foundation
import TerreauCore

/// Collectives: organisations gathering others, their founding, invitations, requests and answers.
struct CollectiveStore {
    let database: any Database

    /// The collective's own details (founder, duration), nil when the organisation is not one.
    func details(of collective: UUID) async throws -> CollectiveRecord? {
        try await CollectiveRecord.query(on: database).filter(\.$organisation.$id == collective).first()
    }

    func members(of collective: UUID) async throws -> [CollectiveMemberRecord] {
        try await CollectiveMemberRecord.query(on: database).filter(\.$collective.$id == collective).all()
    }

    func member(_ organisation: UUID, of collective: UUID) async throws -> CollectiveMemberRecord? {
        try await CollectiveMemberRecord.query(on: database).filter(\.$collective.$id == collective).filter(\.$organisation.$id == organisation).first()
    }

    /// One transaction: the collective (an organisation of kind collective), its journal entry,
    /// its creator as first admin, its details, the founder joined, the others invited.
    func found(_ collective: OrganisationRecord, founder: OrganisationRecord, duration: CollectiveDuration, endsOn: Date?,
               invitees: [OrganisationRecord], by person: UUID, now: Date) async throws {
        try await database.writing { database in
            try await collective.create(on: database)
            try await JournalStore(database: database).append(community: collective.$community.id, .created, .organisation, id: collective.id,
                                                              summary: collective.name, now: now)
            try await OrganisationStore(database: database).addAdmin(person, to: collective.id!, now: now)
            let details = CollectiveRecord()
            details.$organisation.id = collective.id!
            details.$founder.id = founder.id!
            details.duration = duration.rawValue
            details.endsOn = endsOn
            try await details.create(on: database)
            let founding = CollectiveViews.membership(collective.id!, founder.id!, invitedBy: person, now: now)
            founding.status = CollectiveStatus.joined.rawValue
            founding.joinedAt = now
            founding.answeredAt = now
            founding.$answeredBy.id = person
            try await founding.create(on: database)
            for invitee in invitees { try await CollectiveViews.membership(collective.id!, invitee.id!, invitedBy: person, now: now).create(on: database) }
        }
    }

    /// Invites those the membership rules let be invited (again, for those who declined or
    /// left); returns them.
    func invite(_ candidates: [OrganisationRecord], to collective: UUID, by person: UUID, now: Date) async throws -> [OrganisationRecord] {
        try await database.writing { database in
            let existing = try await CollectiveStore(database: database).members(of: collective)
            var invited: [OrganisationRecord] = []
            for invitee in candidates {
                let row = existing.first { $0.$organisation.id == invitee.id! }
                guard let next = CollectiveMembership.next(from: row.flatMap { CollectiveStatus(rawValue: $0.status) }, .invite) else { continue }
                let record = row ?? CollectiveViews.membership(collective, invitee.id!, invitedBy: person, now: now)
                record.status = next.rawValue
                record.invitedAt = now
                record.$invitedBy.id = person
                try await record.save(on: database)
                invited.append(invitee)
            }
            return invited
        }
    }

    func save(_ membership: CollectiveMemberRecord) async throws {
        try await membership.save(on: database)
    }
}
