import Foundation

/// A role a person holds inside one community of action.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    case member, interviewer, coordinator, moderator, elected, agent

    public static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Roles are stored as one space-separated column; unknown words are dropped.
    public static func parse(_ stored: String) -> Set<Role> {
        Set(stored.split(separator: " ").compactMap { Role(rawValue: String($0)) })
    }

    public static func store(_ roles: Set<Role>) -> String {
        roles.sorted().map(\.rawValue).joined(separator: " ")
    }
}

/// In what capacity someone takes part in a community.
public enum ActorKind: String, CaseIterable, Codable, Sendable {
    case resident, association, company
    case publicBody = "public_body"
    case elected
    case agent
    case communityWorker = "community_worker"
}

/// Who can see an item: chosen per item, enforced by `Policy.canSee` everywhere it is listed.
public enum Visibility: String, CaseIterable, Codable, Sendable {
    case `public`, members, coordinators
    /// Counted in figures, never shown one by one.
    case statistics
}

/// Who is asking, as far as permissions go: signed in or not, and their roles in the community
/// the request concerns (empty when they are not a member). For instance-wide pages the roles
/// are those held in any community.
public struct Viewer: Equatable, Sendable {
    public var signedIn: Bool
    public var roles: Set<Role>
    /// Whether they are an approved admin of the organisation the request concerns.
    public var organisationAdmin: Bool
    /// Whether they administer the instance itself (an account flag, not a community role).
    public var instanceAdmin: Bool

    public init(signedIn: Bool, roles: Set<Role> = [], organisationAdmin: Bool = false, instanceAdmin: Bool = false) {
        self.signedIn = signedIn
        self.roles = signedIn ? roles : []
        self.organisationAdmin = signedIn && organisationAdmin
        self.instanceAdmin = signedIn && instanceAdmin
    }

    public static let anonymous = Viewer(signedIn: false)
    public var isMember: Bool { !roles.isEmpty }
}

/// Everything a route or a list can ask permission for.
public enum Action: String, CaseIterable, Sendable {
    case readPublic
    case useAccount
    case joinCommunity
    case readMembersOnly
    case manageMembers
    case proposeOrganisation
    case claimOrganisation
    case reviewOrganisationClaims
    /// The instance's outbox: every mail's delivery, and in development the bodies that hold no
    /// personal link. Instance administrators only (finding F1).
    case readOutbox
    /// The delivery of the mail about one community (status, never a body): its coordinators.
    case followCommunityMail
    /// Create communities and name the people who run them, on this instance.
    case administerInstance
    /// Add to and edit the shared inventory, propose vocabulary terms (record-level rules in
    /// `InventoryPolicy`).
    case contribute
    case mergeSkills
    /// Act for the organisation named by the path: start a collective from it, invite others
    /// into a collective it is. Its admins only, whatever their roles in the community.
    case administerOrganisation
    /// Draft a decision and move it through its phases (its author or a coordinator:
    /// record-level rule in the handler).
    case proposeDecision
    /// Cast a ballot (being in the decision's electorate is checked against the stored one).
    case vote
    /// Review reported and appealed contributions, hide or restore them with a reason.
    case moderate
    /// Answer the proposals addressed to oneself, sign the recognition, follow up one's
    /// commitments: verified elected officials (the role is only given after verification).
    case actAsOfficial
    /// Open a call for support, move it to evaluation and to the community's decision.
    case manageCalls
    /// Set the community's programme periods (the « Fête de la démocratie »), answer the
    /// requests for studies, keep the ledger of the community's means, publish an edition of the
    /// diagnostic once the community has decided it.
    case curate
    /// Edit and publish the questionnaire, open campaigns, register and assign interviewers,
    /// read the log of staff reads.
    case manageFieldwork
    /// Take interviews, print and key in paper forms: registered interviewers (and
    /// coordinators); whether an assignment is running is checked in the handler.
    case interview
}

/// The one declared permission policy (quality S5): every route names an `Action`, every list
/// filters with `canSee`, and the route-walking test compares the site against this table.
public enum Policy {
    public enum Requirement: Equatable, Sendable {
        case anyone
        case signedIn
        /// At least one of these roles in the community concerned.
        case anyRole(Set<Role>)
        /// One of these roles, or being an admin of the organisation concerned.
        case anyRoleOrOrganisationAdmin(Set<Role>)
        /// An administrator of the instance, whatever their roles in communities.
        case instanceAdmin
    }

    public static func requirement(for action: Action) -> Requirement {
        switch action {
        case .readPublic: return .anyone
        case .useAccount, .joinCommunity: return .signedIn
        case .readMembersOnly, .proposeOrganisation, .claimOrganisation, .contribute, .proposeDecision: return .anyRole(Set(Role.allCases))
        case .vote: return .signedIn
        case .manageMembers, .followCommunityMail, .mergeSkills: return .anyRole([.coordinator])
        case .readOutbox, .administerInstance: return .instanceAdmin
        case .moderate: return .anyRole([.moderator, .coordinator])
        case .actAsOfficial: return .anyRole([.elected])
        case .manageCalls, .curate, .manageFieldwork: return .anyRole([.coordinator])
        case .interview: return .anyRole([.interviewer, .coordinator])
        case .reviewOrganisationClaims: return .anyRoleOrOrganisationAdmin([.coordinator])
        case .administerOrganisation: return .anyRoleOrOrganisationAdmin([])
        }
    }

    public static func allows(_ viewer: Viewer, _ action: Action) -> Bool {
        switch requirement(for: action) {
        case .anyone: return true
        case .signedIn: return viewer.signedIn
        case .anyRole(let roles): return !viewer.roles.isDisjoint(with: roles)
        case .anyRoleOrOrganisationAdmin(let roles): return viewer.organisationAdmin || !viewer.roles.isDisjoint(with: roles)
        case .instanceAdmin: return viewer.instanceAdmin
        }
    }

    /// Whether an item with this visibility may appear to the viewer (its owner always sees it).
    public static func canSee(_ viewer: Viewer, _ visibility: Visibility, isOwner: Bool = false) -> Bool {
        if isOwner { return true }
        switch visibility {
        case .public: return true
        case .members: return viewer.isMember
        case .coordinators: return viewer.roles.contains(.coordinator)
        case .statistics: return false
        }
    }

    /// Which roles a coordinator may hand out. The elected-official role is a verification:
    /// only given to someone who joined as an elected official. Coordinating and moderating go to
    /// elected officials and municipal agents only where the community's rules allow it.
    public static func assignableRoles(actorKind: ActorKind, officialsMayRunCommunity: Bool) -> [Role] {
        Role.allCases.filter {
            ($0 != .elected || actorKind == .elected) && !officialRestricted($0, actorKind: actorKind, officialsMayRunCommunity: officialsMayRunCommunity)
        }
    }

    /// Whether the community's rules keep this person from this role because they speak for the
    /// public authorities (the diagnostic is « not an obligation issued by public authorities »).
    public static func officialRestricted(_ role: Role, actorKind: ActorKind, officialsMayRunCommunity: Bool) -> Bool {
        !officialsMayRunCommunity && [.coordinator, .moderator].contains(role) && [.elected, .agent].contains(actorKind)
    }
}
