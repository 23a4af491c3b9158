import Fluent
import Foundation
import TerreauCore

// People are separate from logins: a person may exist without an account (a portrait entered
// by an interviewer, claimed later). Every table holding a person's data references `people`
// with a declared foreign key — "download my data" and erasure find them through the schema.

final class PersonRecord: Model, @unchecked Sendable {
    static let schema = "people"
    @ID(key: .id) var id: UUID?
    /// Empty once erased: shown as « participant supprimé ».
    @Field(key: "display_name") var displayName: String
    @Field(key: "bio") var bio: String
    @Field(key: "profile_visibility") var profileVisibility: String
    @Field(key: "language") var language: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "erased_at") var erasedAt: Date?
    @OptionalField(key: "last_digest_at") var lastDigestAt: Date?

    init() {}
    init(id: UUID? = nil, displayName: String, language: String, createdAt: Date) {
        self.id = id
        self.displayName = displayName
        bio = ""
        profileVisibility = "members"
        self.language = language
        self.createdAt = createdAt
    }
}

final class AccountRecord: Model, @unchecked Sendable {
    static let schema = "accounts"
    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: PersonRecord
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    /// Bumped by sign-out everywhere and password change: sessions carrying an older value end.
    @Field(key: "session_epoch") var sessionEpoch: Int
    @Field(key: "created_at") var createdAt: Date
    /// Runs the instance: creates communities, names their first coordinators, follows mail.
    /// Given by `terreau admin create` or another administrator, never by a community role.
    @Field(key: "instance_admin") var instanceAdmin: Bool

    init() {}
    init(personID: UUID, email: String, passwordHash: String, createdAt: Date) {
        $person.id = personID
        self.email = email
        self.passwordHash = passwordHash
        sessionEpoch = 0
        self.createdAt = createdAt
        instanceAdmin = false
    }
}

final class AccountTokenRecord: Model, @unchecked Sendable {
    static let schema = "account_tokens"
    @ID(key: .id) var id: UUID?
    @Parent(key: "account_id") var account: AccountRecord
    @Field(key: "purpose") var purpose: String
    /// SHA-256 of the token: the database never holds a usable one.
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class CharterVersionRecord: Model, @unchecked Sendable {
    static let schema = "charter_versions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "version") var version: Int
    @Field(key: "text") var text: String
    @OptionalParent(key: "author_id") var author: PersonRecord?
    @Field(key: "created_at") var createdAt: Date
    /// The rule-change decision that adopted it (nil for the first version).
    @OptionalParent(key: "decision_id") var decision: DecisionRecord?

    init() {}
}

final class MembershipRecord: Model, @unchecked Sendable {
    static let schema = "memberships"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Parent(key: "person_id") var person: PersonRecord
    @Field(key: "actor_kind") var actorKind: String
    /// Space-separated `Role` values.
    @Field(key: "roles") var roles: String
    @Field(key: "charter_version") var charterVersion: Int
    @Field(key: "joined_at") var joinedAt: Date
    @OptionalField(key: "elected_verified_at") var electedVerifiedAt: Date?

    init() {}
}

final class ConsentRecord: Model, @unchecked Sendable {
    static let schema = "consents"
    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: PersonRecord
    @OptionalParent(key: "community_id") var community: CommunityRecord?
    @Field(key: "purpose") var purpose: String
    @Field(key: "text_version") var textVersion: String
    @Field(key: "channel") var channel: String
    @OptionalParent(key: "recorded_by") var recordedBy: PersonRecord?
    @Field(key: "given_at") var givenAt: Date
    @OptionalField(key: "withdrawn_at") var withdrawnAt: Date?

    init() {}
}

final class OrganisationRecord: Model, @unchecked Sendable {
    static let schema = "organisations"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @OptionalField(key: "rna") var rna: String?
    @OptionalField(key: "siren") var siren: String?
    @OptionalField(key: "cog_code") var cogCode: String?
    @Field(key: "object") var object: String
    /// Space-separated theme keys.
    @Field(key: "themes") var themes: String
    @OptionalField(key: "commune_code") var communeCode: String?
    @OptionalField(key: "website") var website: String?
    /// `rna` when it came from the register, `member` when a member added it.
    @Field(key: "source") var source: String
    @OptionalParent(key: "created_by") var createdBy: PersonRecord?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class OrganisationMemberRecord: Model, @unchecked Sendable {
    static let schema = "organisation_members"
    @ID(key: .id) var id: UUID?
    @Parent(key: "organisation_id") var organisation: OrganisationRecord
    @Parent(key: "person_id") var person: PersonRecord
    @Field(key: "role") var role: String
    /// `pending`, `approved` or `refused`.
    @Field(key: "status") var status: String
    @Field(key: "message") var message: String
    @Field(key: "requested_at") var requestedAt: Date
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalParent(key: "decided_by") var decidedBy: PersonRecord?

    init() {}
}

/// What makes an organisation of kind `collective` one: who started it and for how long. Its
/// name, purpose and theme are those of its organisation row.
final class CollectiveRecord: Model, @unchecked Sendable {
    static let schema = "collectives"
    @ID(key: .id) var id: UUID?
    @Parent(key: "organisation_id") var organisation: OrganisationRecord
    @OptionalParent(key: "founder_id") var founder: OrganisationRecord?
    /// A `CollectiveDuration`.
    @Field(key: "duration") var duration: String
    @OptionalField(key: "ends_on") var endsOn: Date?

    init() {}
}

/// An organisation invited into a collective, and its answer; never deleted, so the history of
/// who joined (and left) stays on record.
final class CollectiveMemberRecord: Model, @unchecked Sendable {
    static let schema = "collective_members"
    @ID(key: .id) var id: UUID?
    @Parent(key: "collective_id") var collective: OrganisationRecord
    @Parent(key: "organisation_id") var organisation: OrganisationRecord
    /// A `CollectiveStatus`.
    @Field(key: "status") var status: String
    @Field(key: "invited_at") var invitedAt: Date
    @OptionalParent(key: "invited_by") var invitedBy: PersonRecord?
    @OptionalField(key: "joined_at") var joinedAt: Date?
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @OptionalParent(key: "answered_by") var answeredBy: PersonRecord?

    init() {}
}

final class OutboxRecord: Model, @unchecked Sendable {
    static let schema = "outbox"
    @ID(key: .id) var id: UUID?
    @OptionalParent(key: "person_id") var person: PersonRecord?
    @Field(key: "to_address") var toAddress: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    /// `MailKind`: an account mail's body holds a personal link and is shown to nobody.
    @Field(key: "kind") var kind: String
    /// The community the mail is about, when there is one: its coordinators follow its delivery.
    @OptionalParent(key: "community_id") var community: CommunityRecord?
    /// `pending`, `sent` or `failed` (given up after `MailRetry.maximumAttempts`).
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?

    init() {}
}

final class NotificationRecord: Model, @unchecked Sendable {
    static let schema = "notifications"
    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: PersonRecord
    @OptionalParent(key: "community_id") var community: CommunityRecord?
    @Field(key: "kind") var kind: String
    /// A catalogue key and its `{0}`, `{1}`… values (a JSON array), rendered in the reader's language.
    @Field(key: "message_key") var messageKey: String
    @Field(key: "arguments") var argumentsJSON: String

    var arguments: [String] { (try? JSONDecoder().decode([String].self, from: Data(argumentsJSON.utf8))) ?? [] }
    @Field(key: "link") var link: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?
    @OptionalField(key: "emailed_at") var emailedAt: Date?

    init() {}
}

final class NotificationPreferenceRecord: Model, @unchecked Sendable {
    static let schema = "notification_preferences"
    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: PersonRecord
    @Field(key: "kind") var kind: String
    @Field(key: "frequency") var frequency: String

    init() {}
}

extension PersonRecord {
    /// The name shown for a person, or « participant supprimé » once erased.
    func shownName(_ catalog: MessageCatalog) -> String {
        erasedAt == nil && !displayName.isEmpty ? displayName : catalog.text("person.erased")
    }
}
