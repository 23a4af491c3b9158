import Fluent
import Foundation
import TerreauCore

/// One version of the community's questionnaire: the draft coordinators edit (`status`
/// `draft`, at most one), or a published version, immutable, in force until the next one.
final class QuestionnaireVersionRecord: Model, @unchecked Sendable {
    static let schema = "questionnaire_versions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "number") var number: Int
    /// `draft` or `published`.
    @Field(key: "status") var status: String
    /// A `Questionnaire`, as JSON.
    @Field(key: "content") var content: String
    /// What changed and why, written by whoever published it.
    @Field(key: "note") var note: String
    @OptionalParent(key: "edited_by") var editedBy: PersonRecord?
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "published_at") var publishedAt: Date?
    @OptionalParent(key: "published_by") var publishedBy: PersonRecord?
    /// The proposal whose debate is the debate on the method (the same for every version).
    @OptionalParent(key: "debate_id") var debate: ProposalRecord?

    init() {}

    var questionnaire: Questionnaire {
        (try? JSONDecoder().decode(Questionnaire.self, from: Data(content.utf8))) ?? Questionnaire(questions: [], consentText: "")
    }

    static func encode(_ questionnaire: Questionnaire) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(questionnaire)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

final class CampaignRecord: Model, @unchecked Sendable {
    static let schema = "campaigns"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    /// A `CampaignKind`.
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @Field(key: "first_day") var firstDay: Date
    /// nil for the continuous welcome.
    @OptionalField(key: "last_day") var lastDay: Date?
    @Field(key: "census_year") var censusYear: Int
    @OptionalParent(key: "created_by") var createdBy: PersonRecord?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var range: DayRange { DayRange(first: firstDay, last: lastDay) }
}

/// A campaign's target number of portraits for one commune (`place` a commune code) or
/// neighbourhood (a slug).
final class CampaignTargetRecord: Model, @unchecked Sendable {
    static let schema = "campaign_targets"
    @ID(key: .id) var id: UUID?
    @Parent(key: "campaign_id") var campaign: CampaignRecord
    @Field(key: "place") var place: String
    @Field(key: "target") var target: Int

    init() {}
}

/// A trained interviewer of one community: when and by whom they were trained, the
/// interviewer charter they accepted.
final class InterviewerRecord: Model, @unchecked Sendable {
    static let schema = "interviewers"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Parent(key: "person_id") var person: PersonRecord
    @Field(key: "trained_on") var trainedOn: Date
    @Field(key: "trainer") var trainer: String
    @Field(key: "charter_version") var charterVersion: String
    @Field(key: "charter_accepted_at") var charterAcceptedAt: Date
    @OptionalParent(key: "registered_by") var registeredBy: PersonRecord?
    @Field(key: "registered_at") var registeredAt: Date

    init() {}
}

/// An interviewer sent to a commune or neighbourhood for a campaign, between two days.
final class AssignmentRecord: Model, @unchecked Sendable {
    static let schema = "interviewer_assignments"
    @ID(key: .id) var id: UUID?
    @Parent(key: "interviewer_id") var interviewer: InterviewerRecord
    @Parent(key: "campaign_id") var campaign: CampaignRecord
    @OptionalField(key: "commune_code") var communeCode: String?
    @OptionalField(key: "neighbourhood") var neighbourhood: String?
    @Field(key: "first_day") var firstDay: Date
    @Field(key: "last_day") var lastDay: Date
    @OptionalParent(key: "assigned_by") var assignedBy: PersonRecord?
    @Field(key: "assigned_at") var assignedAt: Date

    init() {}

    var range: DayRange { DayRange(first: firstDay, last: lastDay) }
}

/// One interview (or one paper form keyed in): who answered (`person_id`, a person without an
/// account until they claim it), who asked, under which assignment and questionnaire version,
/// the portrait it made and the answers kept outside the portrait. `idempotency_key` makes a
/// resend from a phone coming back online a no-op.
final class InterviewRecord: Model, @unchecked Sendable {
    static let schema = "interviews"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @OptionalParent(key: "campaign_id") var campaign: CampaignRecord?
    @OptionalParent(key: "assignment_id") var assignment: AssignmentRecord?
    @Parent(key: "person_id") var person: PersonRecord
    @OptionalParent(key: "interviewer_id") var interviewer: PersonRecord?
    @OptionalParent(key: "item_id") var item: InventoryItemRecord?
    @Field(key: "questionnaire_version") var questionnaireVersion: Int
    /// A `ConsentChannel`: `interviewer` or `paper`.
    @Field(key: "channel") var channel: String
    @OptionalField(key: "form_number") var formNumber: String?
    @Field(key: "idempotency_key") var idempotencyKey: String
    /// Survey answers (question key → answer), as JSON.
    @Field(key: "answers") var answers: String
    @OptionalField(key: "commune_code") var communeCode: String?
    @OptionalField(key: "neighbourhood") var neighbourhood: String?
    @Field(key: "recorded_at") var recordedAt: Date

    init() {}
}

/// The hash of a resident's claim code. Deleted when they take their portrait over (the code
/// then stops working) or delete it.
final class PortraitClaimRecord: Model, @unchecked Sendable {
    static let schema = "portrait_claims"
    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: PersonRecord
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Quality S16: a coordinator or interviewer read someone's personal data.
final class StaffReadRecord: Model, @unchecked Sendable {
    static let schema = "staff_reads"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @OptionalParent(key: "reader_id") var reader: PersonRecord?
    @Parent(key: "subject_id") var subject: PersonRecord
    /// What was read: `portrait` or `interview`.
    @Field(key: "what") var what: String
    @Field(key: "read_at") var readAt: Date

    init() {}
}

/// An interviewer's password for a field app (ODK Collect, Enketo), in one community: the
/// HTTP Digest hash only. One row per interviewer and community: a new password replaces the
/// hash, a revocation dates it (the user name stays theirs, so an import can still name them).
final class AppPasswordRecord: Model, @unchecked Sendable {
    static let schema = "app_passwords"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Parent(key: "person_id") var person: PersonRecord
    @Field(key: "username") var username: String
    /// `MD5(username:realm:password)` (RFC 7616).
    @Field(key: "digest_ha1") var digestHA1: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}
}
