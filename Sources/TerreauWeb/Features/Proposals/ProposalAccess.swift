import Fluent
import Foundation
import TerreauCore
import Vapor

/// Who may edit a proposal, and telling its followers: shared by the proposal's page, its debate
/// and the register, none of which asks another's controller (issue 26).
enum ProposalAccess {
    /// Its author, a co-author, or a coordinator.
    static func mayEdit(_ proposal: ProposalRecord, viewer: Viewer, me: UUID?, _ request: Request) async throws -> Bool {
        guard let me, viewer.isMember else { return false }
        if proposal.$author.id == me || viewer.roles.contains(.coordinator) { return true }
        return try await ProposalCoauthorRecord.query(on: request.db).filter(\.$proposal.$id == proposal.id!).filter(\.$person.$id == me).first() != nil
    }

    /// Tells the proposal's followers (but not the one who acted) what happened.
    static func tellFollowers(of proposal: ProposalRecord, except person: UUID?, key: String, arguments: [String], _ request: Request) async throws {
        let community = try await request.community()
        let link = SiteRoute.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil).path
        let notifier = Notifier(request)
        for follower in try await ProposalStore(database: request.db).followers(of: proposal.id!) where follower != person {
            try await notifier.notify(follower, kind: .proposal, community: community.id, key: key, arguments: arguments, link: link)
        }
    }
}
