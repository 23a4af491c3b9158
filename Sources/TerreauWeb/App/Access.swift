import Fluent
import TerreauCore
import Vapor

/// Runs the permission policy before every handler (quality S5): the route's `Action`, the
/// viewer's roles in the community named by the path (or in any community for instance-wide
/// pages), and for organisation routes whether they are one of its admins.
enum Access {
    static func authorize(_ kind: SiteRoute.Kind, _ request: Request) async throws {
        let viewer = try await viewer(for: kind, request)
        // An elected official's desk on every page, in whichever community they hold the role.
        if let person = request.resolvedSignedIn?.personID {
            let here = kind.pattern.contains(":slug") ? try await request.community().id : nil
            request.officialDesk = try await ProposalStore(database: request.db).officialDesk(of: person, in: here, now: request.now)
        }
        guard Policy.allows(viewer, kind.action) else {
            request.logger.notice("access denied", metadata: ["route": "\(kind.rawValue)", "signed_in": "\(viewer.signedIn)"])
            if !viewer.signedIn, kind.method == .get {
                throw Abort.redirect(to: SiteRoute.signIn(returnTo: request.url.string).path, redirectType: .normal)
            }
            throw Abort(.forbidden)
        }
    }

    static func viewer(for kind: SiteRoute.Kind, _ request: Request) async throws -> Viewer {
        guard let signedIn = try await request.signedIn() else { return .anonymous }
        let memberships = MembershipRecord.query(on: request.db).filter(\.$person.$id == signedIn.personID)
        var roles: Set<Role> = []
        if kind.pattern.contains(":slug") {
            let community = try await request.community()
            for membership in try await memberships.filter(\.$community.$id == community.id!).all() { roles.formUnion(Role.parse(membership.roles)) }
        } else {
            for membership in try await memberships.all() { roles.formUnion(Role.parse(membership.roles)) }
        }
        var organisationAdmin = false
        if kind.pattern.contains(":organisation") {
            let organisation = try await request.organisation()
            organisationAdmin = try await OrganisationStore(database: request.db).isAdmin(signedIn.personID, of: organisation.id!)
        }
        return Viewer(signedIn: true, roles: roles, organisationAdmin: organisationAdmin, instanceAdmin: signedIn.account.instanceAdmin)
    }

    /// The viewer for lists filtered by visibility inside a community.
    static func viewer(in community: CommunityRecord, _ request: Request) async throws -> Viewer {
        guard let signedIn = try await request.signedIn() else { return .anonymous }
        return try await viewer(person: signedIn.personID, in: community, request)
    }

    /// A person known otherwise than by their session (a field app's Digest answer).
    static func viewer(person: UUID, in community: CommunityRecord, _ request: Request) async throws -> Viewer {
        let membership = try await MembershipRecord.query(on: request.db).filter(\.$person.$id == person)
            .filter(\.$community.$id == community.id!).first()
        return Viewer(signedIn: true, roles: membership.map { Role.parse($0.roles) } ?? [])
    }
}

extension Request {
    private struct CommunityKey: StorageKey { typealias Value = CommunityRecord }
    private struct OfficialDeskKey: StorageKey { typealias Value = ProposalStore.OfficialDesk }

    /// An elected official's desk, read by the access check for the page's menu.
    var officialDesk: ProposalStore.OfficialDesk? {
        get { storage[OfficialDeskKey.self] }
        set { storage[OfficialDeskKey.self] = newValue }
    }

    /// The community named by the path's `:slug` (404 when there is none).
    func community() async throws -> CommunityRecord {
        if let cached = storage[CommunityKey.self] { return cached }
        guard let community = try await CommunityStore(database: db).find(slug: try parameter("slug")) else { throw Abort(.notFound) }
        storage[CommunityKey.self] = community
        return community
    }

    private struct ScopedKey<Record: Model>: StorageKey { typealias Value = Record }

    /// The record named by the path's `parameter`, only inside the path's community: changing an
    /// id in the URL never reaches another community's records (404). Kept for the request.
    func scoped<Record: Model>(_ parameter: String, in community: KeyPath<Record, ParentProperty<Record, CommunityRecord>>) async throws -> Record
    where Record.IDValue == UUID {
        if let cached = storage[ScopedKey<Record>.self] { return cached }
        let owner = try await self.community()
        guard let id = UUID(uuidString: try self.parameter(parameter)),
            let record = try await Record.query(on: db).filter(\._$id == id).filter(community.appending(path: \.$id) == owner.id!).first()
        else { throw Abort(.notFound) }
        storage[ScopedKey<Record>.self] = record
        return record
    }

    /// The organisation named by `:organisation`, only inside the path's community.
    func organisation() async throws -> OrganisationRecord { try await scoped("organisation", in: \.$community) }
}
