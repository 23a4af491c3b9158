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
