import Fluent
import Foundation
import TerreauCore

/// A proposal or initiative put to the community's debate, carried by a person (with
/// co-authors) and possibly by an organisation. Every edit keeps the previous text in
/// `proposal_versions`; status changes are dated in `proposal_events`.
final class ProposalRecord: Model, @unchecked Sendable {
    static let schema = "proposals"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "title") var title: String
    @Field(key: "summary") var summary: String
    /// Space-separated theme keys (`Themes.all`).
    @Field(key: "themes") var themes: String
    /// Where it takes place: a commune of the territory, or nil for the whole territory.
    @OptionalField(key: "commune_code") var communeCode: String?
    @Field(key: "status") var status: String
    @OptionalParent(key: "author_id") var author: PersonRecord?
    /// The organisation carrying it, if any.
    @OptionalParent(key: "organisation_id") var organisation: OrganisationRecord?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// A proposal's text as it stood at each version (version 1 is the first publication).
final class ProposalVersionRecord: Model, @unchecked Sendable {
    static let schema = "proposal_versions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: ProposalRecord
    @Field(key: "version") var version: Int
    @Field(key: "title") var title: String
    @Field(key: "summary") var summary: String
    @OptionalParent(key: "edited_by") var editedBy: PersonRecord?
    @Field(key: "edited_at") var editedAt: Date
    /// Whether an organisation had already backed the proposal when this version was written.
    @Field(key: "after_backing") var afterBacking: Bool

    init() {}
}

/// A dated status change of a proposal, with who made it and why.
final class ProposalEventRecord: Model, @unchecked Sendable {
    static let schema = "proposal_events"
    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: ProposalRecord
    @Field(key: "status") var status: String
    @Field(key: "note") var note: String
    @OptionalParent(key: "person_id") var person: PersonRecord?
    @OptionalParent(key: "decision_id") var decision: DecisionRecord?
    @Field(key: "at") var at: Date

    init() {}
}

final class ProposalCoauthorRecord: Model, @unchecked Sendable {
    static let schema = "proposal_coauthors"
    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: ProposalRecord
    @Parent(key: "person_id") var person: PersonRecord

    init() {}
}

/// A resource the proposal needs: a `need` item of the inventory, so that matching finds who
/// can provide it.
final class ProposalNeedRecord: Model, @unchecked Sendable {
    static let schema = "proposal_needs"
    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: ProposalRecord
    @Parent(key: "item_id") var item: InventoryItemRecord

    init() {}
}

/// An organisation backing a project carried by others.
final class ProposalBackingRecord: Model, @unchecked Sendable {
    static let schema = "proposal_backings"
    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: ProposalRecord
    @Parent(key: "organisation_id") var organisation: OrganisationRecord
    @OptionalParent(key: "backed_by") var backedBy: PersonRecord?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class ProposalFollowerRecord: Model, @unchecked Sendable {
    static let schema = "proposal_followers"
    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: ProposalRecord
    @Parent(key: "person_id") var person: PersonRecord
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// An argument of a debate (or a reply to one), with its stance and its moderation state
/// (`ModerationState` as columns).
final class CommentRecord: Model, @unchecked Sendable {
    static let schema = "comments"
    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: ProposalRecord
    @OptionalParent(key: "parent_id") var parent: CommentRecord?
    @OptionalParent(key: "author_id") var author: PersonRecord?
    @Field(key: "stance") var stance: String
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date
    /// nil, `reports` or `moderator`.
    @OptionalField(key: "hidden") var hidden: String?
    /// Reports since the last moderator's review.
    @Field(key: "reports") var reports: Int
    /// `none`, `pending` or `answered`.
    @Field(key: "appeal") var appeal: String
    @OptionalField(key: "appeal_text") var appealText: String?

    init() {}
}

/// One person's report of a contribution (once per person).
final class CommentReportRecord: Model, @unchecked Sendable {
    static let schema = "comment_reports"
    @ID(key: .id) var id: UUID?
    @Parent(key: "comment_id") var comment: CommentRecord
    @Parent(key: "person_id") var person: PersonRecord
    @Field(key: "reason") var reason: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// What happened to a contribution in moderation — hidden by reports, hidden, restored,
/// appealed, confirmed — with the reason given and by whom (nil: the reports' threshold).
final class ModerationLogRecord: Model, @unchecked Sendable {
    static let schema = "moderation_log"
    @ID(key: .id) var id: UUID?
    @Parent(key: "comment_id") var comment: CommentRecord
    @Field(key: "action") var action: String
    @Field(key: "reason") var reason: String
    @OptionalParent(key: "person_id") var person: PersonRecord?
    @Field(key: "at") var at: Date

    init() {}
}

/// A proposal addressed to an elected official (their verified account) or a public body, in
/// the public register.
final class RegisterEntryRecord: Model, @unchecked Sendable {
    static let schema = "register_entries"
    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: ProposalRecord
    @OptionalParent(key: "official_id") var official: PersonRecord?
    /// `RegisterBody` raw value when addressed to a body.
    @OptionalField(key: "body") var body: String?
    /// Which one: a commune's code for a commune council, else a name.
    @OptionalField(key: "body_place") var bodyPlace: String?
    @Field(key: "status") var status: String
    @Field(key: "deposited_at") var depositedAt: Date
    @OptionalParent(key: "deposited_by") var depositedBy: PersonRecord?
    @Field(key: "updated_at") var updatedAt: Date
    /// When the official was told the answer is overdue (once).
    @OptionalField(key: "overdue_reminded_at") var overdueRemindedAt: Date?

    init() {}
}

/// A dated step of a register entry, with the answer or the reason given.
final class RegisterEventRecord: Model, @unchecked Sendable {
    static let schema = "register_events"
    @ID(key: .id) var id: UUID?
    @Parent(key: "entry_id") var entry: RegisterEntryRecord
    @Field(key: "status") var status: String
    @Field(key: "note") var note: String
    @OptionalParent(key: "person_id") var person: PersonRecord?
    @Field(key: "at") var at: Date

    init() {}
}

/// A call for support: projects apply, organisations evaluate each other's on a shared grid,
/// the community decides the priorities.
final class CallRecord: Model, @unchecked Sendable {
    static let schema = "calls"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    /// JSON array of criteria: the seed's keys (`CallCriteria.seed`) and the community's own labels.
    @Field(key: "criteria") var criteria: String
    /// JSON array of grades, worst first.
    @Field(key: "grades") var grades: String
    @Field(key: "phase") var phase: String
    @Field(key: "applications_close") var applicationsClose: Date
    @OptionalParent(key: "created_by") var createdBy: PersonRecord?
    @Field(key: "created_at") var createdAt: Date
    /// The priorities decision, once submitted.
    @OptionalParent(key: "decision_id") var decision: DecisionRecord?

    init() {}
}

/// A project applying to a call, in the name of the organisation carrying it.
final class CallApplicationRecord: Model, @unchecked Sendable {
    static let schema = "call_applications"
    @ID(key: .id) var id: UUID?
    @Parent(key: "call_id") var call: CallRecord
    @Parent(key: "proposal_id") var proposal: ProposalRecord
    @Parent(key: "organisation_id") var organisation: OrganisationRecord
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// One organisation's grade of one project on one criterion (a later grade replaces it).
final class PeerGradeRecord: Model, @unchecked Sendable {
    static let schema = "peer_grades"
    @ID(key: .id) var id: UUID?
    @Parent(key: "application_id") var application: CallApplicationRecord
    @Parent(key: "evaluator_id") var evaluator: OrganisationRecord
    @Field(key: "criterion") var criterion: Int
    @Field(key: "grade") var grade: Int
    @OptionalParent(key: "graded_by") var gradedBy: PersonRecord?
    @Field(key: "graded_at") var gradedAt: Date

    init() {}
}

/// An elected official's public recognition of the diagnostic, and their commitments.
final class RecognitionRecord: Model, @unchecked Sendable {
    static let schema = "recognitions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Parent(key: "official_id") var official: PersonRecord
    @Field(key: "statement") var statement: String
    @Field(key: "signed_at") var signedAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class CommitmentRecord: Model, @unchecked Sendable {
    static let schema = "commitments"
    @ID(key: .id) var id: UUID?
    @Parent(key: "recognition_id") var recognition: RecognitionRecord
    @Field(key: "text") var text: String
    @Field(key: "status") var status: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A dated follow-up of a commitment.
final class CommitmentEventRecord: Model, @unchecked Sendable {
    static let schema = "commitment_events"
    @ID(key: .id) var id: UUID?
    @Parent(key: "commitment_id") var commitment: CommitmentRecord
    @Field(key: "status") var status: String
    @Field(key: "note") var note: String
    @Field(key: "at") var at: Date

    init() {}

    init(_ commitment: CommitmentRecord, _ status: CommitmentStatus, note: String, at moment: Date) {
        $commitment.id = commitment.id!
        self.status = status.rawValue
        self.note = note
        at = moment
    }
}
