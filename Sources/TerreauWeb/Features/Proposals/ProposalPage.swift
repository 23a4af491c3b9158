import Fluent
import TerreauCore
import Vapor

/// One proposal's page and what its authors, organisations and followers do from it.
extension ProposalsController {
    struct ShowPage: Encodable {
        struct Event: Encodable {
            var status: String
            var date: String
            var note: String
            var decisionURL: String?
        }
        struct Version: Encodable {
            var number: Int
            var title: String
            var summary: String
            var date: String
            var editor: String
            var afterBacking: Bool
        }
        struct Link: Encodable {
            var label: String
            var url: String
            var detail: String
        }
        var layout: PageLayout
        var title: String
        var summary: String
        var status: String
        var themes: [String]
        var place: String
        var authors: [String]
        var carrier: String?
        var published: String
        var version: Int
        var needs: [Link]
        var backers: [Link]
        var canBackAs: [ChoiceOption]
        var backURL: String
        var following: Bool
        var followers: Int
        var followURL: String
        var events: [Event]
        var versions: [Version]
        var decisions: [Link]
        var canEdit: Bool
        var editURL: String
        var statusURL: String
        var statusEvents: [ChoiceOption]
        var decideURL: String?
        var debate: DebateView.Page
        var register: RegisterViews.Section
        var form: FormState
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let proposal = try await request.proposal()
        let me = try await request.signedIn()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog, language = request.language
        let store = ProposalStore(database: request.db)
        let id = proposal.id!
        try await proposal.$author.load(on: request.db)
        try await proposal.$organisation.load(on: request.db)
        let coauthors = try await ProposalCoauthorRecord.query(on: request.db).filter(\.$proposal.$id == id).with(\.$person).all().map(\.person)
        let needs = try await ProposalNeedRecord.query(on: request.db).filter(\.$proposal.$id == id).with(\.$item).all().map(\.item)
        let backings = try await store.backers(of: id)
        let followers = try await store.followers(of: id)
        let events = try await ProposalEventRecord.query(on: request.db).filter(\.$proposal.$id == id).sort(\.$at).all()
        let versions = try await ProposalVersionRecord.query(on: request.db).filter(\.$proposal.$id == id).with(\.$editedBy).sort(\.$version).all()
        let decisions = try await DecisionRecord.query(on: request.db).filter(\.$proposal.$id == id).sort(\.$createdAt).all()
        let status = ProposalStatus(rawValue: proposal.status) ?? .debate
        let canEdit = try await ProposalAccess.mayEdit(proposal, viewer: viewer, me: me?.personID, request)
        var canBackAs: [ChoiceOption] = []
        if let me {
            let backed = Set(backings.map(\.$organisation.id))
            canBackAs = try await OrganisationStore(database: request.db).adminOrganisations(of: me.personID)
                .filter { $0.$community.id == community.id && $0.id != proposal.$organisation.id && !backed.contains($0.id!) }
                .map { ChoiceOption(value: $0.id!.uuidString, label: $0.name, selected: false) }
        }
        let places = try await CommunityStore(database: request.db).communeNames(of: community)
        let slug = community.slug, key = id.uuidString
        let view = (try? request.query.get(String.self, at: "vue")) == "positions" ? DebateView.Order.positions : .date
        let register = try await RegisterViews.section(for: proposal, viewer: viewer, me: me?.personID, canEdit: canEdit, request)
        // One status: while the proposal waits on an official or a body, the register's step is
        // its status (« À l'étude »), not « En débat » beside it (issue 22).
        let shownStatus = status == .debate ? register.entries.first?.status : nil
        return try await request.render("proposals/show", ShowPage(
            layout: PageLayout(request, title: proposal.title, community: community, current: "proposals"),
            title: proposal.title, summary: proposal.summary, status: shownStatus ?? catalog.text("proposal.status." + proposal.status),
            themes: ThemeText.labels(proposal.themes, catalog),
            place: proposal.communeCode.flatMap { places[$0] } ?? catalog.text("proposal.wholeTerritory"),
            authors: ([proposal.author].compactMap { $0 } + coauthors).map { $0.shownName(catalog) },
            carrier: proposal.organisation?.name, published: language.formatDate(proposal.createdAt), version: proposal.version,
            needs: needs.map { .init(label: $0.title, url: SiteRoute.inventoryItem(slug: slug, item: $0.id!.uuidString).path, detail: "") },
            backers: backings.map { .init(label: $0.organisation.name, url: SiteRoute.organisation(slug: slug, organisation: $0.$organisation.id.uuidString).path,
                                          detail: language.formatDate($0.createdAt)) },
            canBackAs: ProposalLifecycle.isOpenForDebate(status) || status == .adopted ? canBackAs : [],
            backURL: SiteRoute.proposalBack(slug: slug, proposal: key).path,
            following: me.map { followers.contains($0.personID) } ?? false, followers: followers.count,
            followURL: SiteRoute.proposalFollow(slug: slug, proposal: key).path,
            events: events.map { event in
                .init(status: catalog.text("proposal.status." + event.status), date: language.formatDate(event.at), note: event.note,
                      decisionURL: event.$decision.id.map { SiteRoute.decision(slug: slug, decision: $0.uuidString).path })
            },
            versions: versions.count > 1 ? versions.reversed().map {
                .init(number: $0.version, title: $0.title, summary: $0.summary, date: language.formatDate($0.editedAt),
                      editor: $0.editedBy?.shownName(catalog) ?? catalog.text("person.erased"), afterBacking: $0.afterBacking)
            } : [],
            decisions: decisions.map { .init(label: $0.title, url: SiteRoute.decision(slug: slug, decision: $0.id!.uuidString).path,
                                             detail: catalog.text("decision.phase." + $0.phase)) },
            canEdit: canEdit, editURL: SiteRoute.proposalEdit(slug: slug, proposal: key).path,
            statusURL: SiteRoute.proposalStatus(slug: slug, proposal: key).path,
            statusEvents: canEdit ? [ProposalEvent.withdraw, .reopen, .realise].filter { ProposalLifecycle.next(from: status, $0) != nil }
                .map { ChoiceOption(value: $0.rawValue, label: catalog.text("proposal.event." + $0.rawValue), selected: false) } : [],
            decideURL: canEdit && status == .debate && Policy.allows(viewer, .proposeDecision)
                ? SiteRoute.decisionNew(slug: slug, kind: nil, proposal: key).path : nil,
            debate: try await DebateView.view(of: proposal, order: view, viewer: viewer, me: me?.personID, request),
            register: register,
            form: FormState(request)))
    }

    // MARK: Edit

    @Sendable static func edit(_ request: Request) async throws -> Response {
        let proposal = try await request.proposal()
        return try await editPage(request, form: FormState(request, values: ["title": proposal.title, "summary": proposal.summary,
                                                                             "version": String(proposal.version)]))
    }

    static func editPage(_ request: Request, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let proposal = try await request.proposal()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.requireSignedIn()
        guard try await ProposalAccess.mayEdit(proposal, viewer: viewer, me: me.personID, request) else { throw Abort(.forbidden) }
        return try await request.render("proposals/form", FormPage(
            layout: PageLayout(request, title: request.catalog.text("proposal.edit.title", [proposal.title]), community: community, current: "proposals"),
            form: form, themes: [], communes: [], organisations: [],
            action: SiteRoute.proposalUpdate(slug: community.slug, proposal: proposal.id!.uuidString).path, editing: true), status: status)
    }

    /// A new version of the text; a save based on an older version is refused and says which
    /// version is current, keeping what was typed (R9).
    @Sendable static func update(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let proposal = try await request.proposal()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.requireSignedIn()
        guard try await ProposalAccess.mayEdit(proposal, viewer: viewer, me: me.personID, request) else { throw Abort(.forbidden) }
        let catalog = request.catalog
        let values = ["title", "summary", "version"].reduce(into: [String: String]()) { $0[$1] = request.field($1) }
        var form = FormState(request, values: values)
        if values["title"]!.isEmpty || values["title"]!.count > 200 { form.fail("title", catalog.text("proposal.error.title")) }
        if values["summary"]!.count < 20 || values["summary"]!.count > 10_000 { form.fail("summary", catalog.text("proposal.error.summary")) }
        guard !form.hasErrors else { return try await editPage(request, form: form, status: .unprocessableEntity) }
        do {
            try await ProposalStore(database: request.db).edit(proposal, title: values["title"]!, summary: values["summary"]!,
                expectedVersion: Int(values["version"]!) ?? 0, by: me.personID, now: request.now)
        } catch let conflict as ProposalStore.Conflict {
            form.fail("summary", catalog.text("proposal.error.conflict", [String(conflict.currentVersion)]))
            form.values["version"] = String(conflict.currentVersion)
            return try await editPage(request, form: form, status: .conflict)
        }
        try await ProposalAccess.tellFollowers(of: proposal, except: me.personID, key: "notification.proposalEdited", arguments: [proposal.title], request)
        request.flash(catalog.text("proposal.edited", [String(proposal.version)]))
        return request.seeOther(.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil))
    }

    // MARK: Status, backing, following

    /// Its authors withdraw it, put it back into debate, or mark as carried out what was adopted.
    @Sendable static func status(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let proposal = try await request.proposal()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.requireSignedIn()
        guard try await ProposalAccess.mayEdit(proposal, viewer: viewer, me: me.personID, request) else { throw Abort(.forbidden) }
        let catalog = request.catalog
        guard let event = ProposalEvent(rawValue: request.field("event")), [.withdraw, .reopen, .realise].contains(event) else { throw Abort(.badRequest) }
        let note = String(request.field("note").prefix(2000))
        if let next = try await ProposalStore(database: request.db).move(proposal, event, note: note, person: me.personID, decision: nil, now: request.now) {
            try await ProposalAccess.tellFollowers(of: proposal, except: me.personID, key: "notification.proposalStatus",
                                    arguments: [proposal.title, catalog.text("proposal.status." + next.rawValue)], request)
            request.flash(catalog.text("proposal.moved", [catalog.text("proposal.status." + next.rawValue)]))
        } else {
            request.flash(catalog.text("proposal.error.step"))
        }
        return request.seeOther(.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil))
    }

    /// An organisation's admin backs the proposal in its name.
    @Sendable static func back(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let proposal = try await request.proposal()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        guard let organisationID = UUID(uuidString: request.field("organisation")),
            let organisation = try await OrganisationRecord.query(on: request.db).filter(\.$id == organisationID).filter(\.$community.$id == community.id!).first()
        else { throw Abort(.badRequest) }
        guard try await OrganisationStore(database: request.db).isAdmin(me.personID, of: organisationID) else { throw Abort(.forbidden) }
        let back = SiteRoute.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil)
        do {
            try await ProposalStore(database: request.db).back(proposal, organisation: organisationID, by: me.personID, now: request.now)
        } catch {
            request.flash(catalog.text("proposal.error.backing." + error.rawValue))
            return request.seeOther(back)
        }
        try await ProposalAccess.tellFollowers(of: proposal, except: me.personID, key: "notification.proposalBacked", arguments: [organisation.name, proposal.title], request)
        request.flash(catalog.text("proposal.backed", [organisation.name]))
        return request.seeOther(back)
    }

    @Sendable static func follow(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let proposal = try await request.proposal()
        let me = try await request.requireSignedIn()
        let store = ProposalStore(database: request.db)
        if request.field("follow") == "no" {
            try await store.unfollow(proposal.id!, person: me.personID)
            request.flash(request.catalog.text("proposal.unfollowed"))
        } else {
            try await store.follow(proposal.id!, person: me.personID, now: request.now)
            request.flash(request.catalog.text("proposal.followed"))
        }
        return request.seeOther(.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil))
    }
}
