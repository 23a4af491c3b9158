import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// Who belongs to a community, with which roles and as which kind of participant.
struct MembershipStore {
    let database: any Database

    /// The community's members, by date of joining, with who they are.
    func members(of community: UUID) async throws -> [MembershipRecord] {
        try await MembershipRecord.query(on: database).filter(\.$community.$id == community).with(\.$person).sort(\.$joinedAt).all()
    }

    /// A membership by id, only inside this community.
    func membership(_ id: UUID, in community: UUID) async throws -> MembershipRecord? {
        try await MembershipRecord.query(on: database).filter(\.$id == id).filter(\.$community.$id == community).with(\.$person).first()
    }

    func coordinatorCount(of community: UUID) async throws -> Int {
        try await MembershipRecord.query(on: database).filter(\.$community.$id == community).all().filter { Role.parse($0.roles).contains(.coordinator) }.count
    }

    func leave(_ person: UUID, community: UUID) async throws {
        try await MembershipRecord.query(on: database).filter(\.$person.$id == person).filter(\.$community.$id == community).delete()
    }

    func save(_ membership: MembershipRecord) async throws {
        try await membership.update(on: database)
    }

    func membership(of person: UUID, in community: UUID) async throws -> MembershipRecord? {
        try await MembershipRecord.query(on: database).filter(\.$person.$id == person).filter(\.$community.$id == community).first()
    }

    /// Joining records the charter version accepted as a consent; joining again updates.
    func join(person: UUID, community: CommunityRecord, kind: ActorKind, charterVersion: Int, contactConsent: Bool, channel: ConsentChannel,
        recordedBy: UUID?, now: Date, roles: Set<Role> = [.member]) async throws
    {
        try await database.writing { database in
            let membership = try await MembershipStore(database: database).membership(of: person, in: community.id!) ?? {
                let fresh = MembershipRecord()
                fresh.$person.id = person
                fresh.$community.id = community.id!
                fresh.roles = Role.store(roles)
                fresh.joinedAt = now
                return fresh
            }()
            membership.actorKind = kind.rawValue
            membership.charterVersion = charterVersion
            try await membership.save(on: database)
            let consents = ConsentStore(database: database)
            try await consents.record(person: person, purpose: .charter, version: "charte-\(charterVersion)", channel: channel, community: community.id, recordedBy: recordedBy, at: now)
            if contactConsent {
                try await consents.record(person: person, purpose: .contact, version: "contact-1", channel: channel, community: community.id, recordedBy: recordedBy, at: now)
            }
        }
    }

    /// Why a role cannot be given by an instance administrator.
    enum GrantRefusal: Error, Equatable {
        /// Joining is the person's own acceptance of the charter: nobody joins for them.
        case notMember
        /// The elected-official role is a verification of someone who joined as one.
        case notAssignable(ActorKind)
        /// The community's rules keep elected officials and agents from coordinating or moderating.
        case officialsNotAllowed(ActorKind)
        case alreadyHeld
    }

    /// Gives `role` to a person who joined `community` (the command line and `/admin`), and
    /// tells them.
    func grant(_ role: Role, to person: UUID, in community: CommunityRecord, notifier: Notifier, catalog: MessageCatalog, now: Date) async throws {
        guard let membership = try await membership(of: person, in: community.id!) else { throw GrantRefusal.notMember }
        let kind = ActorKind(rawValue: membership.actorKind) ?? .resident
        let rules = try await DecisionStore(database: database).governance(of: community.id!)
        if Policy.officialRestricted(role, actorKind: kind, officialsMayRunCommunity: rules.officialsMayRunCommunity) {
            throw GrantRefusal.officialsNotAllowed(kind)
        }
        guard Policy.assignableRoles(actorKind: kind, officialsMayRunCommunity: rules.officialsMayRunCommunity).contains(role) else {
            throw GrantRefusal.notAssignable(kind)
        }
        var roles = Role.parse(membership.roles)
        guard roles.insert(role).inserted else { throw GrantRefusal.alreadyHeld }
        membership.roles = Role.store(roles)
        if role == .elected { membership.electedVerifiedAt = membership.electedVerifiedAt ?? now }
        try await membership.update(on: database)
        try await notifier.notify(person, kind: .membership, community: community.id, key: "notification.rolesChanged",
            arguments: [community.name, catalog.roleList(roles)], link: SiteRoute.community(slug: community.slug).path)
    }

    func tellCoordinators(of community: CommunityRecord, notifier: Notifier, key: String, arguments: [String], link: String) async throws {
        try await tell(holding: [.coordinator], of: community, notifier: notifier, kind: .membership, key: key, arguments: arguments, link: link)
    }

    /// Notifies the community's members holding any of `roles`.
    func tell(holding roles: Set<Role>, of community: CommunityRecord, notifier: Notifier, kind: NotificationKind, key: String,
              arguments: [String], link: String) async throws {
        let members = try await MembershipRecord.query(on: database).filter(\.$community.$id == community.id!).all()
            .filter { !Role.parse($0.roles).isDisjoint(with: roles) }
        for member in members {
            try await notifier.notify(member.$person.id, kind: kind, community: community.id, key: key, arguments: arguments, link: link)
        }
    }
}
