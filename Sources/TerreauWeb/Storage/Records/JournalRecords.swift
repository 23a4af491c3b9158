import Fluent
import Foundation
import TerreauCore

/// One entry of a community's public journal, hash-chained by `position` (quality R6). No
/// person is named: the journal says what happened to what, not who read or wrote what.
final class JournalEntryRecord: Model, @unchecked Sendable {
    static let schema = "journal_entries"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "position") var position: Int
    @Field(key: "recorded_at") var recordedAt: Date
    /// A `JournalAct`.
    @Field(key: "act") var act: String
    /// A `JournalSubject`.
    @Field(key: "subject") var subject: String
    /// The record's id; empty for a record that is not public.
    @Field(key: "subject_id") var subjectID: String
    @Field(key: "summary") var summary: String
    @Field(key: "is_public") var isPublic: Bool
    @Field(key: "hash") var hash: String

    init() {}

    var entry: JournalEntry {
        JournalEntry(position: position, at: recordedAt, act: JournalAct(rawValue: act) ?? .edited, subject: JournalSubject(rawValue: subject) ?? .inventory,
                     subjectID: subjectID, summary: summary, isPublic: isPublic)
    }
}

/// A line of the public ledger of what runs the diagnostic. Edits keep every earlier version
/// (`funding_revisions`).
final class FundingEntryRecord: Model, @unchecked Sendable {
    static let schema = "funding_entries"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    /// A `FundingKind`.
    @Field(key: "kind") var kind: String
    /// Who gave: a body, a company, « bénévoles du collectif »… (public by nature).
    @Field(key: "contributor") var contributor: String
    @OptionalParent(key: "organisation_id") var organisation: OrganisationRecord?
    @OptionalField(key: "amount") var amount: Int?
    @OptionalField(key: "hours") var hours: Double?
    @Field(key: "description") var description: String
    @Field(key: "received_on") var receivedOn: Date
    @Field(key: "version") var version: Int
    @OptionalParent(key: "entered_by") var enteredBy: PersonRecord?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class FundingRevisionRecord: Model, @unchecked Sendable {
    static let schema = "funding_revisions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "entry_id") var entry: FundingEntryRecord
    @Field(key: "version") var version: Int
    /// The line as it was after this version, as JSON.
    @Field(key: "snapshot") var snapshot: String
    @Field(key: "reason") var reason: String
    @OptionalParent(key: "author_id") var author: PersonRecord?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// An edition of the published diagnostic: dated, numbered, immutable, published after the
/// community's decision of kind `publication` that it names.
final class DiagnosticEditionRecord: Model, @unchecked Sendable {
    static let schema = "diagnostic_editions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "number") var number: Int
    @Parent(key: "decision_id") var decision: DecisionRecord
    /// A `DiagnosticSnapshot`, as JSON.
    @Field(key: "snapshot") var snapshot: String
    @OptionalParent(key: "published_by") var publishedBy: PersonRecord?
    @Field(key: "published_at") var publishedAt: Date

    init() {}

    var content: DiagnosticSnapshot? { try? JSONDecoder().decode(DiagnosticSnapshot.self, from: Data(snapshot.utf8)) }
}
