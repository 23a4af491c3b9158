import Fluent
import Foundation
import TerreauCore
import Vapor

/// What every inventory page needs, and the record named by the path loaded within the rules:
/// shared by the inventory, the welcome flow, matching and connections, so that none of them asks
/// another's controller (issue 26).
struct InventoryContext {
    var community: CommunityRecord
    var viewer: Viewer
    var me: UUID?
    var places: CommunityPlaces
    var text: InventoryText

    static func load(_ request: Request) async throws -> InventoryContext {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let places = try await CommunityPlaces.load(community, on: request.db)
        return InventoryContext(community: community, viewer: viewer, me: try await request.signedIn()?.personID, places: places,
            text: InventoryText(catalog: request.catalog, places: places))
    }

    /// The record named by `:item`, in the path's community, if the viewer may see it (404
    /// otherwise: a hidden record's existence is not revealed).
    func item(_ request: Request) async throws -> InventoryItemRecord {
        guard let id = UUID(uuidString: try request.parameter("item")),
            let item = try await InventoryItemRecord.query(on: request.db).filter(\.$id == id)
                .filter(\.$community.$id == community.id!).first(),
            Policy.canSee(viewer, Visibility(rawValue: item.visibility) ?? .statistics, isOwner: Self.isOwner(item, me))
        else { throw Abort(.notFound) }
        return item
    }

    static func isOwner(_ item: InventoryItemRecord, _ me: UUID?) -> Bool {
        guard let me else { return false }
        return item.$person.id == me || item.$createdBy.id == me
    }

    /// The person's own portrait in this community.
    func ownPortrait(_ person: UUID, _ request: Request) async throws -> InventoryItemRecord? {
        try await InventoryItemRecord.query(on: request.db).filter(\.$community.$id == community.id!)
            .filter(\.$kind == InventoryKind.portrait.rawValue).filter(\.$person.$id == person).first()
    }
}
