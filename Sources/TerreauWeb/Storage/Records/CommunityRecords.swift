import Fluent
import Foundation

// Community-owned rows: every one carries `community_id`, and every query that reads them
// filters on it (architecture principle 8).

final class CommunityRecord: Model, @unchecked Sendable {
    static let schema = "communities"
    @ID(key: .id) var id: UUID?
    @Field(key: "slug") var slug: String
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @OptionalField(key: "contact_email") var contactEmail: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(id: UUID? = nil, slug: String, name: String, description: String, contactEmail: String?, createdAt: Date) {
        self.id = id
        self.slug = slug
        self.name = name
        self.description = description
        self.contactEmail = contactEmail
        self.createdAt = createdAt
    }
}

final class CommunityCommuneRecord: Model, @unchecked Sendable {
    static let schema = "community_communes"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    /// An official code, not a foreign key: reference data is replaced whole by each import,
    /// while a community's territory stays as chosen.
    @Field(key: "commune_code") var communeCode: String

    init() {}
    init(communityID: UUID, communeCode: String) {
        $community.id = communityID
        self.communeCode = communeCode
    }
}

final class NeighbourhoodRecord: Model, @unchecked Sendable {
    static let schema = "neighbourhoods"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "slug") var slug: String
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    /// A polygon the community drew (GeoJSON geometry text), or nil for a group of communes.
    @OptionalField(key: "geometry") var geometry: String?
    @Field(key: "position") var position: Int
    /// A drawn neighbourhood: its population estimated by the covered share of each commune's
    /// area (`CommunityRules.estimatedPopulation`); nil for a group of communes, or unknown.
    @OptionalField(key: "population_estimate") var populationEstimate: Int?

    init() {}
    init(communityID: UUID, slug: String, name: String, description: String, geometry: String?, position: Int) {
        $community.id = communityID
        self.slug = slug
        self.name = name
        self.description = description
        self.geometry = geometry
        self.position = position
    }
}

final class NeighbourhoodCommuneRecord: Model, @unchecked Sendable {
    static let schema = "neighbourhood_communes"
    @ID(key: .id) var id: UUID?
    @Parent(key: "neighbourhood_id") var neighbourhood: NeighbourhoodRecord
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "commune_code") var communeCode: String

    init() {}
    init(neighbourhoodID: UUID, communityID: UUID, communeCode: String) {
        $neighbourhood.id = neighbourhoodID
        $community.id = communityID
        self.communeCode = communeCode
    }
}
