import Fluent
import TerreauCore
import Vapor

/// A community's organisations: associations (RNA), companies (SIREN), public bodies (official
/// geographic code) and informal collectives; claiming one, and deciding on claims.
enum OrganisationController {
    struct ListPage: Encodable {
        struct Item: Encodable {
            var name: String
            var url: String
            var kind: String
            var themes: String
            var identifier: String?
            var commune: String?
        }
        var layout: PageLayout
        var items: [Item]
        var total: Int
        var newURL: String
        var canPropose: Bool
        var query: String
        /// The filters, each choice with what it would give (`OrganisationDirectory`).
        var themes: [ChoiceOption]
        var communes: [ChoiceOption]
        var kinds: [ChoiceOption]
        var clearURL: String?
        var previousURL: String?
        var nextURL: String?
        var pageLabel: String
    }

    /// The directory: words, field of action, commune and kind, twenty by page (issue 22).
    @Sendable static func list(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog
        func parameter(_ name: String) -> String? { (try? request.query.get(String.self, at: name)).flatMap { $0.isEmpty ? nil : $0 } }
        let query = OrganisationDirectory.Query(text: String((parameter("q") ?? "").trimmingCharacters(in: .whitespaces).prefix(200)),
            theme: parameter("domaine").flatMap { Themes.all.contains($0) ? $0 : nil }, commune: parameter("commune").flatMap { CommuneCode.isCommune($0) ? $0 : nil },
            kind: parameter("type").flatMap { OrganisationKind(rawValue: $0)?.rawValue }, page: min(Int(parameter("page") ?? "") ?? 1, 10_000))
        // By name as a reader sorts (« ARIADNE » among the A's), the same on both engines.
        let records = try await OrganisationRecord.query(on: request.db).filter(\.$community.$id == community.id!).all()
            .sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id!, $0) })
        let result = OrganisationDirectory(records.map {
            .init(id: $0.id!, name: $0.name, kind: $0.kind, themes: $0.themes.split(separator: " ").map(String.init), commune: $0.communeCode, text: $0.object)
        }).search(query)
        let places = try await CommunityPlaces.load(community, on: request.db)
        let base = SiteRoute.organisations(slug: community.slug).path
        func address(_ change: (inout OrganisationDirectory.Query) -> Void) -> String {
            var copy = query
            change(&copy)
            let parts = [("q", copy.text), ("domaine", copy.theme ?? ""), ("commune", copy.commune ?? ""), ("type", copy.kind ?? ""),
                         ("page", copy.page > 1 ? String(copy.page) : "")].filter { !$0.1.isEmpty }
            return base + (parts.isEmpty ? "" : "?" + parts.map { $0.0 + "=" + ($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }.joined(separator: "&"))
        }
        func options(_ counts: [String: Int], selected: String?, all: String, label: (String) -> String) -> [ChoiceOption] {
            [ChoiceOption(value: "", label: all, selected: selected == nil)] + counts.keys.map { ($0, label($0)) }
                .sorted { $0.1.localizedStandardCompare($1.1) == .orderedAscending }
                .map { ChoiceOption(value: $0.0, label: "\($0.1) (\(catalog.language.format(counts[$0.0] ?? 0)))", selected: $0.0 == selected) }
        }
        let filtered = !query.text.isEmpty || query.theme != nil || query.commune != nil || query.kind != nil
        let page = min(query.page, result.pages)
        return try await request.render("organisations/index", ListPage(
            layout: PageLayout(request, title: catalog.text("organisations.title"), community: community, current: "organisations"),
            items: result.entries.compactMap { byID[$0.id] }.map { record in
                var item = item(for: record, community: community, catalog: catalog)
                item.commune = places.communeName(record.communeCode ?? "")
                return item
            },
            total: result.total,
            newURL: SiteRoute.organisationNew(slug: community.slug).path, canPropose: Policy.allows(viewer, .proposeOrganisation), query: query.text,
            themes: options(result.themes, selected: query.theme, all: catalog.text("organisations.filter.allThemes")) { catalog.text("theme." + $0) },
            communes: options(result.communes, selected: query.commune, all: catalog.text("inventory.where.all")) { places.communeName($0) ?? $0 },
            kinds: options(result.kinds, selected: query.kind, all: catalog.text("organisations.filter.allKinds")) { catalog.text("organisation.kind." + $0) },
            clearURL: filtered ? base : nil,
            previousURL: page > 1 ? address { $0.page = page - 1 } : nil,
            nextURL: page < result.pages ? address { $0.page = page + 1 } : nil,
            pageLabel: catalog.text("inventory.page", [catalog.language.format(page), catalog.language.format(result.pages)])))
    }

    static func item(for record: OrganisationRecord, community: CommunityRecord, catalog: MessageCatalog) -> ListPage.Item {
        .init(name: record.name, url: SiteRoute.organisation(slug: community.slug, organisation: record.id!.uuidString).path,
            kind: catalog.text("organisation.kind." + record.kind),
            themes: record.themes.split(separator: " ").map { catalog.text("theme." + $0) }.joined(separator: ", "),
            identifier: record.rna ?? record.siren.map { "SIREN " + $0 } ?? record.cogCode.map { "COG " + $0 }, commune: nil)
    }

    struct NewPage: Encodable {
        var layout: PageLayout
        var form: FormState
        var kinds: [ChoiceOption]
        var action: String
    }

    @Sendable static func new(_ request: Request) async throws -> Response {
        try await newPage(request, form: FormState(request, values: ["kind": OrganisationKind.association.rawValue]))
    }

    static func newPage(_ request: Request, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog
        return try await request.render("organisations/new", NewPage(
            layout: PageLayout(request, title: catalog.text("organisation.new.title"), community: community, current: "organisations"),
            form: form,
            kinds: ChoiceOption.list(OrganisationKind.allCases, labels: "organisation.kind.", catalog) { form.values["kind"] == $0.rawValue },
            action: SiteRoute.organisationCreate(slug: community.slug).path), status: status)
    }

    /// A member adds an organisation and becomes its first admin.
    @Sendable static func create(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let values = ["kind", "name", "identifier", "object", "website"].reduce(into: [String: String]()) { $0[$1] = request.field($1) }
        var form = FormState(request, values: values)
        let kind = OrganisationKind(rawValue: values["kind"]!)
        if kind == nil { form.fail("kind", catalog.text("organisation.error.kind")) }
        let name = values["name"]!
        if name.isEmpty || name.count > 200 { form.fail("name", catalog.text("organisation.error.name")) }
        let identifier = values["identifier"]!
        var rna: String?, siren: String?, cog: String?
        switch kind {
        case .association?:
            rna = OrganisationIdentifier.rna(identifier)
            if rna == nil { form.fail("identifier", catalog.text("organisation.error.rna")) }
        case .company?:
            siren = OrganisationIdentifier.siren(identifier)
            if siren == nil { form.fail("identifier", catalog.text("organisation.error.siren")) }
        case .publicBody?:
            if CommuneCode.isCommune(identifier) || CommuneCode.isDepartement(identifier) { cog = identifier.uppercased() } else {
                form.fail("identifier", catalog.text("organisation.error.cog"))
            }
        case .collective?, nil: break
        }
        let website = values["website"]!
        if !website.isEmpty, !(website.hasPrefix("https://") || website.hasPrefix("http://")) || website.contains(where: \.isWhitespace) {
            form.fail("website", catalog.text("organisation.error.website"))
        }
        if let rna, try await OrganisationRecord.query(on: request.db).filter(\.$community.$id == community.id!).filter(\.$rna == rna).count() > 0 {
            form.fail("identifier", catalog.text("organisation.error.exists"))
        }
        guard !form.hasErrors, let kind else { return try await newPage(request, form: form, status: .unprocessableEntity) }
        let organisation = OrganisationRecord()
        let (rnaNumber, sirenNumber, cogCode) = (rna, siren, cog)
        try await request.db.writing { database in
            organisation.$community.id = community.id!
            organisation.kind = kind.rawValue
            organisation.name = name
            organisation.rna = rnaNumber
            organisation.siren = sirenNumber
            organisation.cogCode = cogCode
            organisation.object = values["object"]!
            organisation.themes = ""
            organisation.website = website.isEmpty ? nil : website
            organisation.source = "member"
            organisation.$createdBy.id = me.personID
            organisation.createdAt = request.now
            organisation.updatedAt = request.now
            try await organisation.create(on: database)
            try await OrganisationStore(database: database).addAdmin(me.personID, to: organisation.id!, now: request.now)
            try await JournalStore(database: database).append(community: community.id!, .created, .organisation, id: organisation.id, summary: name, now: request.now)
        }
        return request.seeOther(.organisation(slug: community.slug, organisation: organisation.id!.uuidString))
    }

    struct ShowPage: Encodable {
        struct Member: Encodable {
            var name: String
            var role: String
        }
        struct Claim: Encodable {
            var name: String
            var role: String
            var message: String
            var date: String
            var action: String
        }
        var layout: PageLayout
        var organisation: ListPage.Item
        var object: String
        var website: String?
        var commune: String?
        var source: String
        var members: [Member]
        var claims: [Claim]
        var canClaim: Bool
        var claimPending: Bool
        var form: FormState
        var claimURL: String
        var roles: [ChoiceOption]
        var similar: [MatchingViews.Neighbour]
        var networkURL: String
        var collective: CollectiveViews.Section?
        /// The collective's invitation list, at the top for the shared partial.
        var candidates: CollectiveViews.Invitees
        var collectives: [CollectiveViews.Link]
        /// Collectives inviting this organisation, for its admins and the coordinators.
        var invitations: [CollectiveViews.Link]
        var newCollectiveURL: String?
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let organisation = try await request.organisation()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.signedIn()
        let catalog = request.catalog
        let links = try await OrganisationMemberRecord.query(on: request.db).filter(\.$organisation.$id == organisation.id!).with(\.$person).all()
        var isAdmin = false
        if let me { isAdmin = try await OrganisationStore(database: request.db).isAdmin(me.personID, of: organisation.id!) }
        let canReview = Policy.allows(Viewer(signedIn: viewer.signedIn, roles: viewer.roles, organisationAdmin: isAdmin), .reviewOrganisationClaims)
        let mine = links.first { $0.$person.id == me?.personID }
        let members = links.filter { $0.status == "approved" && Policy.canSee(viewer, Visibility(rawValue: $0.person.profileVisibility) ?? .members) }
        let claims = canReview ? links.filter { $0.status == "pending" } : []
        var commune: String?
        if let code = organisation.communeCode {
            commune = try await CommuneRecord.query(on: request.db).filter(\.$code == code).filter(\.$kind == "COM").first().map { "\($0.name) (\(code))" } ?? code
        }
        // Attached by an import although its commune is not the community's (`--hors-territoire`).
        if organisation.source == "rna", try await !CommunityStore(database: request.db).territoryCodes(of: community.id!).contains(organisation.communeCode ?? "") {
            commune = (commune.map { $0 + " — " } ?? "") + catalog.text("organisation.outsideTerritory")
        }
        let collective = try await CollectiveViews.section(for: organisation, community: community, viewer: viewer, isAdmin: isAdmin,
            me: me?.personID, request: request)
        let memberships = try await CollectiveViews.memberships(of: organisation, community: community, request: request)
        return try await request.render("organisations/show", ShowPage(
            layout: PageLayout(request, title: organisation.name, community: community, current: "organisations"),
            organisation: item(for: organisation, community: community, catalog: catalog), object: organisation.object, website: organisation.website,
            commune: commune, source: catalog.text("organisation.source." + organisation.source),
            members: members.map { .init(name: $0.person.displayName, role: catalog.text("organisation.role." + $0.role)) },
            claims: claims.map {
                .init(name: $0.person.displayName, role: catalog.text("organisation.role." + $0.role), message: $0.message,
                    date: request.language.formatDate($0.requestedAt),
                    action: SiteRoute.organisationClaimDecision(slug: community.slug, organisation: organisation.id!.uuidString, request: $0.id!.uuidString).path)
            },
            canClaim: Policy.allows(viewer, .claimOrganisation) && mine == nil, claimPending: mine?.status == "pending",
            form: FormState(request, values: ["role": OrganisationRole.member.rawValue]),
            claimURL: SiteRoute.organisationClaim(slug: community.slug, organisation: organisation.id!.uuidString).path,
            roles: ChoiceOption.list(OrganisationRole.allCases, labels: "organisation.role.", catalog) { $0 == .member },
            similar: try await MatchingViews.closest(to: organisation.id!, community: community, request: request),
            networkURL: SiteRoute.organisationNetwork(slug: community.slug).path,
            collective: collective,
            candidates: collective != nil && isAdmin ? try await CollectiveViews.invitable(to: organisation, community: community, request: request)
                : .init(close: [], names: []),
            collectives: memberships.joined,
            invitations: isAdmin || viewer.roles.contains(.coordinator) ? memberships.invited : [],
            newCollectiveURL: isAdmin ? SiteRoute.collectiveNew(slug: community.slug, organisation: organisation.id!.uuidString).path : nil))
    }

    /// Asking to be recognised as a member or admin of an organisation; its admins (or, when it
    /// has none yet, the community's coordinators) are told.
    @Sendable static func claim(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let organisation = try await request.organisation()
        let me = try await request.requireSignedIn()
        guard let role = OrganisationRole(rawValue: request.field("role")) else { throw Abort(.badRequest) }
        let message = String(request.field("message").prefix(1000))
        let existing = try await OrganisationMemberRecord.query(on: request.db).filter(\.$organisation.$id == organisation.id!)
            .filter(\.$person.$id == me.personID).first()
        guard existing == nil else { return request.seeOther(.organisation(slug: community.slug, organisation: organisation.id!.uuidString)) }
        let claim = OrganisationMemberRecord()
        claim.$organisation.id = organisation.id!
        claim.$person.id = me.personID
        claim.role = role.rawValue
        claim.status = "pending"
        claim.message = message
        claim.requestedAt = request.now
        try await claim.create(on: request.db)
        let link = SiteRoute.organisation(slug: community.slug, organisation: organisation.id!.uuidString).path
        try await OrganisationStore(database: request.db).tellAdmins(of: organisation, in: community, notifier: Notifier(request),
            key: "notification.claim", arguments: [me.person.displayName, organisation.name], link: link)
        request.flash(request.catalog.text("organisation.claim.sent"))
        return request.seeOther(.organisation(slug: community.slug, organisation: organisation.id!.uuidString))
    }

    @Sendable static func decide(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let organisation = try await request.organisation()
        let me = try await request.requireSignedIn()
        guard let id = UUID(uuidString: try request.parameter("request")),
            let claim = try await OrganisationMemberRecord.query(on: request.db).filter(\.$id == id)
                .filter(\.$organisation.$id == organisation.id!).filter(\.$status == "pending").first()
        else { throw Abort(.notFound) }
        let decision = request.field("decision")
        guard ["approved", "refused"].contains(decision) else { throw Abort(.badRequest) }
        claim.status = decision
        claim.decidedAt = request.now
        claim.$decidedBy.id = me.personID
        try await claim.update(on: request.db)
        try await Notifier(request).notify(
            claim.$person.id, kind: .organisationClaim, community: community.id,
            key: decision == "approved" ? "notification.claimApproved" : "notification.claimRefused", arguments: [organisation.name],
            link: SiteRoute.organisation(slug: community.slug, organisation: organisation.id!.uuidString).path)
        return request.seeOther(.organisation(slug: community.slug, organisation: organisation.id!.uuidString))
    }
}
