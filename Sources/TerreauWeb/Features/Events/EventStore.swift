import Fluent
import Foundation
import TerreauCore

/// The community's events: the agenda, an event with its organisers and seats, publishing one.
struct EventStore {
    let database: any Database

    /// The community's events in date order with their place, and its festivals, newest first.
    func agenda(of community: UUID) async throws -> (events: [EventRecord], festivals: [FestivalRecord]) {
        let events = try await EventRecord.query(on: database).filter(\.$community.$id == community).with(\.$place).sort(\.$startsAt).all()
        let festivals = try await FestivalRecord.query(on: database).filter(\.$community.$id == community).sort(\.$firstDay, .descending).all()
        return (events, festivals)
    }

    /// The confirmed seats of these events.
    func confirmedSeats(of events: [UUID]) async throws -> [EventRegistrationRecord] {
        events.isEmpty ? [] : try await EventRegistrationRecord.query(on: database).filter(\.$event.$id ~~ events)
            .filter(\.$status == SeatStatus.confirmed.rawValue).all()
    }

    /// The community's public places, by name (where an event may be held).
    func publicPlaces(of community: UUID) async throws -> [InventoryItemRecord] {
        try await InventoryItemRecord.query(on: database).filter(\.$community.$id == community).filter(\.$kind == InventoryKind.place.rawValue)
            .filter(\.$visibility == Visibility.public.rawValue).sort(\.$title).all()
    }

    /// One transaction: the event, its journal entry, its organising organisations.
    func publish(_ event: EventRecord, organisers: [OrganisationRecord], now: Date) async throws {
        try await database.writing { database in
            try await event.create(on: database)
            try await JournalStore(database: database).append(community: event.$community.id, .published, .event, id: event.id, summary: event.title, now: now)
            for organisation in organisers { try await EventOrganiserRecord(event, organisation.id!, role: "organiser").create(on: database) }
        }
    }

    /// An event's organisations (organising and present), and its seats in rank order with who holds them.
    func details(of event: UUID) async throws -> (organisers: [EventOrganiserRecord], registrations: [EventRegistrationRecord]) {
        let organisers = try await EventOrganiserRecord.query(on: database).filter(\.$event.$id == event).with(\.$organisation).all()
        let registrations = try await EventRegistrationRecord.query(on: database).filter(\.$event.$id == event).with(\.$person).sort(\.$rank).all()
        return (organisers, registrations)
    }

    /// The organisations organising the event (not those only present).
    func organisingOrganisations(of event: UUID) async throws -> [UUID] {
        try await EventOrganiserRecord.query(on: database).filter(\.$event.$id == event).filter(\.$role == "organiser").all().map(\.$organisation.id)
    }

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
