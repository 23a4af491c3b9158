import Fluent
import Foundation

/// A meeting, training, exchange, launch or festive event of a community.
final class EventRecord: Model, @unchecked Sendable {
    static let schema = "events"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "kind") var kind: String
    /// For a training: what it trains in (`TrainingTopic`).
    @OptionalField(key: "topic") var topic: String?
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    /// A place of the inventory (its accessibility is shown), or a free address.
    @OptionalParent(key: "place_id") var place: InventoryItemRecord?
    @Field(key: "address") var address: String
    @OptionalField(key: "capacity") var capacity: Int?
    @Field(key: "cancelled") var cancelled: Bool
    /// After the event.
    @OptionalField(key: "minutes") var minutes: String?
    @OptionalField(key: "attendance") var attendance: Int?
    @OptionalParent(key: "created_by") var createdBy: PersonRecord?
    @Field(key: "created_at") var createdAt: Date
    /// Reminders go once, the day before.
    @OptionalField(key: "reminded_at") var remindedAt: Date?

    init() {}
}

final class EventOrganiserRecord: Model, @unchecked Sendable {
    static let schema = "event_organisers"
    @ID(key: .id) var id: UUID?
    @Parent(key: "event_id") var event: EventRecord
    @Parent(key: "organisation_id") var organisation: OrganisationRecord
    /// Organiser, or present at the event (recorded afterwards).
    @Field(key: "role") var role: String

    init() {}

    init(_ event: EventRecord, _ organisation: UUID, role: String) {
        $event.id = event.id!
        $organisation.id = organisation
        self.role = role
    }
}

/// A person's seat: confirmed, waiting (in order of registration) or cancelled; whether they came.
final class EventRegistrationRecord: Model, @unchecked Sendable {
    static let schema = "event_registrations"
    @ID(key: .id) var id: UUID?
    @Parent(key: "event_id") var event: EventRecord
    @Parent(key: "person_id") var person: PersonRecord
    @Field(key: "status") var status: String
    @Field(key: "registered_at") var registeredAt: Date
    /// Order of registration (first come, first served, even within one second).
    @Field(key: "rank") var rank: Int
    @Field(key: "attended") var attended: Bool

    init() {}
}

/// A programme period, such as the yearly « Fête de la démocratie », with its own short address.
final class FestivalRecord: Model, @unchecked Sendable {
    static let schema = "festivals"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    /// Unique on the instance: `/fete/<slug>`.
    @Field(key: "slug") var slug: String
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Field(key: "first_day") var firstDay: Date
    @Field(key: "last_day") var lastDay: Date

    init() {}
}

/// A study, audit or evaluation financed with public money, its PDF stored under a random name
/// outside the web root, its text extracted for search.
final class StudyRecord: Model, @unchecked Sendable {
    static let schema = "studies"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "title") var title: String
    /// The public body that commissioned it (a name, not a person of the platform).
    @Field(key: "commissioner") var commissionedBy: String
    @Field(key: "author") var author: String
    @Field(key: "year") var year: Int
    /// Public money spent, in euros (nil when unknown).
    @OptionalField(key: "amount") var amount: Int?
    @Field(key: "territory") var territory: String
    @Field(key: "themes") var themes: String
    @Field(key: "licence") var licence: String
    @Field(key: "stored_name") var storedName: String
    @Field(key: "original_name") var originalName: String
    @Field(key: "size") var size: Int
    /// The text extracted from the PDF, folded for search; empty when it could not be.
    @Field(key: "search_text") var searchText: String
    /// `extracted`, `no-text` (a scanned PDF) or `unavailable` (no pdftotext on the server).
    @Field(key: "extraction") var extraction: String
    @OptionalParent(key: "uploaded_by") var uploadedBy: PersonRecord?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class StudyRequestRecord: Model, @unchecked Sendable {
    static let schema = "study_requests"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "title") var title: String
    @Field(key: "details") var details: String
    @OptionalParent(key: "requested_by") var requestedBy: PersonRecord?
    @Field(key: "status") var status: String
    @Field(key: "answer") var answer: String
    @OptionalParent(key: "study_id") var study: StudyRecord?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "answered_at") var answeredAt: Date?

    init() {}
}
