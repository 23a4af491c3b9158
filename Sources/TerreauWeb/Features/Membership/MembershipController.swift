import Fluent
import TerreauCore
import Vapor

/// Joining a community by accepting its charter, its member list and roles, the charter itself.
enum MembershipController {
    struct JoinPage: Encodable {
        var layout: PageLayout
        var charter: String
        var charterVersion: Int
        var form: FormState
        var actorKinds: [ChoiceOption]
        var alreadyMember: Bool
        var action: String
        var leaveURL: String
    }

    @Sendable static func join(_ request: Request) async throws -> Response {
        try await joinPage(request, form: FormState(request, values: ["actor_kind": ActorKind.resident.rawValue]))
    }

    static func joinPage(_ request: Request, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let charter = try await CharterStore(database: request.db).current(of: community)
        let member = try await MembershipStore(database: request.db).membership(of: me.personID, in: community.id!)
        let catalog = request.catalog
        return try await request.render("membership/join", JoinPage(
            layout: PageLayout(request, title: catalog.text("join.title"), community: community, current: "join"),
            charter: charter.text, charterVersion: charter.version, form: form,
            actorKinds: ChoiceOption.list(ActorKind.allCases, labels: "actor.", catalog) { form.values["actor_kind"] == $0.rawValue },
            alreadyMember: member != nil, action: SiteRoute.joinSubmit(slug: community.slug).path,
            leaveURL: SiteRoute.leave(slug: community.slug).path), status: status)
    }

    @Sendable static func joinSubmit(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let kindValue = request.field("actor_kind")
        let accepted = request.field("accept_charter") == "yes"
        let contact = request.field("consent_contact") == "yes"
        var form = FormState(request, values: ["actor_kind": kindValue, "consent_contact": contact ? "yes" : ""])
        let kind = ActorKind(rawValue: kindValue)
        if kind == nil { form.fail("actor_kind", catalog.text("join.error.kind")) }
        if !accepted { form.fail("accept_charter", catalog.text("join.error.charter")) }
        let charter = try await CharterStore(database: request.db).current(of: community)
        // The version read is the version accepted: a charter changed meanwhile is shown again.
        if Int(request.field("charter_version")) != charter.version { form.fail("accept_charter", catalog.text("join.error.changed")) }
        guard !form.hasErrors, let kind else { return try await joinPage(request, form: form, status: .unprocessableEntity) }
        try await MembershipStore(database: request.db).join(
            person: me.personID, community: community, kind: kind, charterVersion: charter.version, contactConsent: contact, channel: .self,
            recordedBy: nil, now: request.now)
        if kind == .elected {
            try await MembershipStore(database: request.db).tellCoordinators(
                of: community, notifier: Notifier(request), key: "notification.electedToVerify", arguments: [me.person.displayName, community.name],
                link: SiteRoute.members(slug: community.slug).path)
        }
        request.flash(catalog.text("join.done", [community.name]))
        // Someone who joined to answer a need goes back to it, their message ready.
        if let back = request.takePendingReturn(in: community) { return request.redirect(to: back, redirectType: .normal) }
        return request.seeOther(.community(slug: community.slug))
    }

    @Sendable static func leave(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        guard request.field("confirm") == "yes" else { return request.seeOther(.join(slug: community.slug)) }
        try await MembershipStore(database: request.db).leave(me.personID, community: community.id!)
        request.flash(request.catalog.text("leave.done", [community.name]))
        return request.seeOther(.community(slug: community.slug))
    }

    // MARK: Members

    struct MembersPage: Encodable {
        struct Member: Encodable {
            var name: String
            var profileURL: String?
            var actorKind: String
            var roles: String
            var joined: String
            var electedPending: Bool
            /// The day they attended an interviewing training of the community (coordinators see it
            /// when they give the interviewer role).
            var trainedOn: String?
            var roleOptions: [ChoiceOption]
            var action: String
        }
        var layout: PageLayout
        var members: [Member]
        var counts: [ChoiceOption]
        var canManage: Bool
        var csrf: String
    }

    @Sendable static func members(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let canManage = Policy.allows(viewer, .manageMembers)
        let catalog = request.catalog
        let memberships = try await MembershipStore(database: request.db).members(of: community.id!)
        let trained = canManage ? try await EventStore(database: request.db).interviewingTrainings(in: community) : [:]
        let officialsMay = try await DecisionStore(database: request.db).governance(of: community.id!).officialsMayRunCommunity
        var members: [MembersPage.Member] = []
        for membership in memberships {
            let person = membership.person
            let roles = Role.parse(membership.roles)
            let kind = ActorKind(rawValue: membership.actorKind) ?? .resident
            // A profile the person keeps to coordinators is listed without a link for others.
            let visible = Policy.canSee(viewer, Visibility(rawValue: person.profileVisibility) ?? .members)
            guard visible || canManage else { continue }
            members.append(.init(
                name: person.displayName, profileURL: visible ? SiteRoute.person(person: person.id!.uuidString).path : nil,
                actorKind: catalog.text("actor." + membership.actorKind),
                roles: catalog.roleList(roles),
                joined: request.language.formatDate(membership.joinedAt),
                electedPending: kind == .elected && membership.electedVerifiedAt == nil,
                trainedOn: trained[person.id!].map { request.language.formatDay($0) },
                // A role held before the rules changed stays listed, so saving the form keeps it.
                roleOptions: canManage ? ChoiceOption.list(Role.allCases.filter {
                    Policy.assignableRoles(actorKind: kind, officialsMayRunCommunity: officialsMay).contains($0) || roles.contains($0)
                }, labels: "role.", catalog) { roles.contains($0) } : [],
                action: SiteRoute.memberRolesSubmit(slug: community.slug, member: membership.id!.uuidString).path))
        }
        let counts = ActorKind.allCases.map { kind in
            ChoiceOption(value: String(memberships.filter { $0.actorKind == kind.rawValue }.count), label: catalog.text("actor." + kind.rawValue), selected: false)
        }
        return try await request.render("membership/members", MembersPage(
            layout: PageLayout(request, title: catalog.text("members.title"), community: community, current: "members"),
            members: members, counts: counts, canManage: canManage, csrf: request.csrfToken))
    }

    @Sendable static func memberRolesSubmit(_ request: Request) async throws -> Response {
        let community = try await request.community()
        // The membership must belong to this community: another community's id is a 404.
        let store = MembershipStore(database: request.db)
        guard let id = UUID(uuidString: try request.parameter("member")), let membership = try await store.membership(id, in: community.id!)
        else { throw Abort(.notFound) }
        let kind = ActorKind(rawValue: membership.actorKind) ?? .resident
        let officialsMay = try await DecisionStore(database: request.db).governance(of: community.id!).officialsMayRunCommunity
        var roles: Set<Role> = [.member]
        for value in request.fields("roles") {
            guard let role = Role(rawValue: value) else { throw Abort(.badRequest) }
            if !Policy.assignableRoles(actorKind: kind, officialsMayRunCommunity: officialsMay).contains(role), !Role.parse(membership.roles).contains(role) {
                guard Policy.officialRestricted(role, actorKind: kind, officialsMayRunCommunity: officialsMay) else { throw Abort(.badRequest) }
                request.flash(request.catalog.text("members.officialsNotAllowed", [membership.person.displayName, request.catalog.text("role." + role.rawValue)]))
                return request.seeOther(.members(slug: community.slug))
            }
            roles.insert(role)
        }
        let me = try await request.requireSignedIn()
        // A coordinator cannot remove the last coordinator (themselves included) by mistake.
        if Role.parse(membership.roles).contains(.coordinator), !roles.contains(.coordinator) {
            if try await store.coordinatorCount(of: community.id!) <= 1 {
                request.flash(request.catalog.text("members.lastCoordinator"))
                return request.seeOther(.members(slug: community.slug))
            }
        }
        let before = Role.parse(membership.roles)
        membership.roles = Role.store(roles)
        if roles.contains(.elected), membership.electedVerifiedAt == nil { membership.electedVerifiedAt = request.now }
        if !roles.contains(.elected) { membership.electedVerifiedAt = nil }
        try await store.save(membership)
        if before != roles, membership.$person.id != me.personID {
            try await Notifier(request).notify(
                membership.$person.id, kind: .membership, community: community.id, key: "notification.rolesChanged",
                arguments: [community.name, request.catalog.roleList(roles)],
                link: SiteRoute.community(slug: community.slug).path)
        }
        request.flash(request.catalog.text("members.saved", [membership.person.displayName]))
        return request.seeOther(.members(slug: community.slug))
    }

    // MARK: Charter

    struct CharterPage: Encodable {
        struct Version: Encodable {
            var version: Int
            var date: String
            var author: String
            var text: String
            var decisionURL: String?
        }
        var layout: PageLayout
        var current: Version
        var history: [Version]
        /// A new version is a rule-change decision (issue 8): members propose one there.
        var proposeURL: String?
        var joinURL: String
        /// The rules every member lives by beyond the charter's words: who runs the community,
        /// who may not grade a project.
        var houseRules: [String]
    }

    @Sendable static func charter(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let versions = try await CharterStore(database: request.db).all(of: community)
        let catalog = request.catalog
        let shown = versions.map {
            CharterPage.Version(version: $0.version, date: request.language.formatDate($0.createdAt),
                author: $0.author?.shownName(catalog) ?? catalog.text("charter.author.founders"), text: $0.text,
                decisionURL: $0.$decision.id.map { SiteRoute.decision(slug: community.slug, decision: $0.uuidString).path })
        }
        guard let current = shown.first else { throw Abort(.notFound) }
        let rules = try await DecisionStore(database: request.db).governance(of: community.id!)
        return try await request.render("membership/charter", CharterPage(
            layout: PageLayout(request, title: catalog.text("charter.title"), community: community, current: "charter"),
            current: current, history: Array(shown.dropFirst()),
            proposeURL: Policy.allows(viewer, .proposeDecision) ? SiteRoute.decisionNew(slug: community.slug, kind: DecisionKind.ruleChange.rawValue).path : nil,
            joinURL: SiteRoute.join(slug: community.slug).path,
            houseRules: [catalog.text(rules.officialsMayRunCommunity ? "governance.officials.yes" : "governance.officials.no"),
                         RulesForm.conflictRule(rules, catalog),
                         catalog.text("governance.consentFallback") + " : " + catalog.text("governance.consentFallback." + (rules.consentFallback?.rawValue ?? "none")) + "."]))
    }
}
