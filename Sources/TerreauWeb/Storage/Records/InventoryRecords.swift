import Fluent
import Foundation

/// A term of the skills vocabulary: from ESCO, from the everyday list (shared by every community),
/// or proposed by a member of one community.
final class SkillTermRecord: Model, @unchecked Sendable {
    static let schema = "skill_terms"
    @ID(key: .id) var id: UUID?
    /// Nil for the shared vocabulary; a community's own proposals carry it.
    @OptionalParent(key: "community_id") var community: CommunityRecord?
    /// ESCO URI, `everyday:<slug>` or `proposed:<id>`.
    @Field(key: "key") var key: String
    @Field(key: "label") var label: String
    /// One per line.
    @Field(key: "synonyms") var synonyms: String
    @Field(key: "source") var source: String
    @Field(key: "concept_type") var conceptType: String
    /// Keys of broader terms, space-separated.
    @Field(key: "broader") var broader: String
    @Field(key: "description") var description: String
    /// `SearchText.document` of the label and synonyms.
    @Field(key: "search_text") var searchText: String
    /// Set when a coordinator merged this term into another: it is then a synonym of that one.
    @OptionalField(key: "merged_into") var mergedInto: UUID?
    @OptionalParent(key: "proposed_by") var proposedBy: PersonRecord?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var synonymList: [String] { synonyms.split(separator: "\n").map(String.init) }
}

/// Every way of writing a term (its label and synonyms), folded, for exact look-ups when a form
/// names skills.
final class SkillLabelRecord: Model, @unchecked Sendable {
    static let schema = "skill_labels"
    @ID(key: .id) var id: UUID?
    @Parent(key: "term_id") var term: SkillTermRecord
    @Field(key: "folded") var folded: String

    init() {}
}

/// One record of the shared inventory. The kind's fields live in `fields` (JSON, as revisions
/// store them); the columns beside it are copies used to filter, sort and count.
final class InventoryItemRecord: Model, @unchecked Sendable {
    static let schema = "inventory_items"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "visibility") var visibility: String
    @OptionalField(key: "commune_code") var communeCode: String?
    @OptionalField(key: "neighbourhood") var neighbourhood: String?
    @Field(key: "for_young") var forYoung: Bool
    @Field(key: "availability") var availability: String
    /// The person a portrait is about (erasing them erases it).
    @OptionalParent(key: "person_id") var person: PersonRecord?
    /// The organisation an organisation record, a place or an offer belongs to.
    @OptionalParent(key: "organisation_id") var organisation: OrganisationRecord?
    @OptionalParent(key: "created_by") var createdBy: PersonRecord?
    @Field(key: "version") var version: Int
    @Field(key: "fields") var fields: String
    @Field(key: "search_text") var searchText: String
    /// The row's key in SQLite's full-text table (kept in step by triggers).
    @Field(key: "search_rowid") var searchRowID: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class InventoryItemSkillRecord: Model, @unchecked Sendable {
    static let schema = "inventory_item_skills"
    @ID(key: .id) var id: UUID?
    @Parent(key: "item_id") var item: InventoryItemRecord
    @Parent(key: "term_id") var term: SkillTermRecord

    init() {}
    init(itemID: UUID, termID: UUID) {
        $item.id = itemID
        $term.id = termID
    }
}

final class InventoryItemThemeRecord: Model, @unchecked Sendable {
    static let schema = "inventory_item_themes"
    @ID(key: .id) var id: UUID?
    @Parent(key: "item_id") var item: InventoryItemRecord
    @Field(key: "theme") var theme: String

    init() {}
    init(itemID: UUID, theme: String) {
        $item.id = itemID
        self.theme = theme
    }
}

/// Every creation and edit of an inventory record: who, when, why, the whole record after the
/// change and the field-by-field difference from the version before.
final class InventoryRevisionRecord: Model, @unchecked Sendable {
    static let schema = "inventory_revisions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "item_id") var item: InventoryItemRecord
    @Field(key: "version") var version: Int
    @OptionalParent(key: "author_id") var author: PersonRecord?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "summary") var summary: String
    /// JSON object field → value.
    @Field(key: "snapshot") var snapshot: String
    /// JSON array of `FieldChange`.
    @Field(key: "changes") var changes: String
    /// The version this revision restored, when it is a revert.
    @OptionalField(key: "reverted_to") var revertedTo: Int?

    init() {}
}

/// A member asks to be put in touch about a record (*mise en relation*): its person or whoever
/// entered it answers. Contact details are shown to both only once it is accepted.
final class ConnectionRecord: Model, @unchecked Sendable {
    static let schema = "connections"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Parent(key: "requester_id") var requester: PersonRecord
    @Parent(key: "recipient_id") var recipient: PersonRecord
    /// The record asked about.
    @Parent(key: "item_id") var item: InventoryItemRecord
    /// The need it would answer, when the request came from a need's suggestions.
    @OptionalParent(key: "about_id") var about: InventoryItemRecord?
    @Field(key: "message") var message: String
    /// `requested`, `accepted` or `declined`.
    @Field(key: "status") var status: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "decided_at") var decidedAt: Date?

    init() {}
}
