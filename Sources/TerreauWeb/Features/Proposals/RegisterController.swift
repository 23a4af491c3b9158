import Fluent
import TerreauCore
import Vapor

/// The public register of proposals addressed to elected officials and public bodies: its
/// authors address a proposal; coordinators transmit it; the official answers from their own
/// account (coordinators record a body's answers), every step dated and public; past the
/// community's answer delay without acceptance or refusal it shows as overdue.
enum RegisterController {
    // MARK: Addressing and answering

    /// Its authors address the proposal to a verified official of the community, or to a body.
    @Sendable static func deposit(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let proposal = try await request.proposal()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.requireSignedIn()
        guard try await ProposalAccess.mayEdit(proposal, viewer: viewer, me: me.personID, request) else { throw Abort(.forbidden) }
        let catalog = request.catalog
        let back = SiteRoute.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil)
        func refuse(_ key: String) -> Response {
            request.flash(catalog.text(key))
            return request.redirect(to: back.path + "#registre", redirectType: .normal)
        }
        guard ![.withdrawn, .rejected].contains(ProposalStatus(rawValue: proposal.status) ?? .debate) else { return refuse("register.error.closed") }
        let entry = RegisterEntryRecord()
        let to = request.field("to")
        if to.hasPrefix("official:") {
            let officials = try await RegisterViews.officials(of: community, on: request.db)
            guard let official = officials.first(where: { "official:" + $0.id!.uuidString == to }) else { return refuse("register.error.official") }
            entry.$official.id = official.id
        } else if to.hasPrefix("body:"), let body = RegisterBody(rawValue: String(to.dropFirst(5))) {
            entry.body = body.rawValue
            if body == .communeCouncil {
                let places = try await CommunityStore(database: request.db).communeNames(of: community)
                guard places[request.field("commune")] != nil else { return refuse("register.error.commune") }
                entry.bodyPlace = request.field("commune")
            } else {
                entry.bodyPlace = String(request.field("place").prefix(200))
            }
        } else {
            return refuse("register.error.addressee")
        }
        let store = RegisterStore(database: request.db)
        guard try await store.entry(of: proposal.id!) == nil else { return refuse("register.error.already") }
        try await store.deposit(entry, proposal: proposal.id!, by: me.personID, now: request.now)
        try await MembershipStore(database: request.db).tell(holding: [.coordinator], of: community, notifier: Notifier(request), kind: .proposal,
            key: "notification.registerDeposit", arguments: [proposal.title], link: back.path + "#registre")
        request.flash(catalog.text("register.deposited"))
        return request.redirect(to: back.path + "#registre", redirectType: .normal)
    }

    /// A coordinator transmits; the RegisterViews.addressee answers (a refusal with its reason).
    @Sendable static func step(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let proposal = try await request.proposal()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let back = SiteRoute.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil).path + "#registre"
        let store = RegisterStore(database: request.db)
        guard let entry = try await store.entry(of: proposal.id!) else { throw Abort(.badRequest) }
        let note = String(request.field("note").prefix(5000))
        // Refused: back to the form, the reason beside it and what was typed kept (issue 22: it
        // used to land in the green success banner, far from the form).
        func refused(_ key: String) throws -> Response {
            let failed = RegisterViews.FailedStep(entry: entry.id!, message: catalog.text(key), step: request.field("step"), note: note)
            request.session.data[RegisterViews.failedStepKey] = String(decoding: try JSONEncoder().encode(failed), as: UTF8.self)
            return request.redirect(to: back, redirectType: .normal)
        }
        // No answer is chosen in advance: sending none is said, not guessed.
        guard let step = RegisterStep(rawValue: request.field("step")) else { return try refused("register.error.noStep") }
        let actor = RegisterActor(isCoordinator: viewer.roles.contains(.coordinator), isAddressedOfficial: entry.$official.id == me.personID,
                                  addressedToBody: entry.body != nil)
        let next: RegisterStatus
        do { next = try Register.next(from: RegisterStatus(rawValue: entry.status) ?? .deposee, step, by: actor, reason: note) } catch {
            if error == .notAllowed { throw Abort(.forbidden) }
            return try refused("register.error." + error.rawValue)
        }
        try await store.move(entry, to: next, note: note, by: me.personID, now: request.now)
        if next == .transmise, let official = entry.$official.id {
            try await Notifier(request).notify(official, kind: .answer, community: community.id, key: "notification.registerTransmitted",
                                               arguments: [proposal.title], link: SiteRoute.officialDashboard(slug: community.slug).path)
        }
        try await ProposalAccess.tellFollowers(of: proposal, except: me.personID, key: "notification.registerStep",
            arguments: [proposal.title, catalog.text("register.status." + next.rawValue)], request)
        request.flash(catalog.text("register.moved", [catalog.text("register.status." + next.rawValue)]))
        return request.redirect(to: back, redirectType: .normal)
    }

    // MARK: The public register and the official's dashboard

    struct ListPage: Encodable {
        var layout: PageLayout
        var entries: [RegisterViews.Entry]
        var officials: [ChoiceOption]
        var bodies: [ChoiceOption]
        var statuses: [ChoiceOption]
        var themes: [ChoiceOption]
        var overdueOnly: Bool
        var action: String
        var delay: Int
        var dashboard: Bool
        var counts: [ChoiceOption]
        var form: FormState
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        try await page(request, dashboard: false)
    }

    @Sendable static func dashboard(_ request: Request) async throws -> Response {
        try await page(request, dashboard: true)
    }

    /// The register, filterable by official, body, status, theme and lateness; or, for an
    /// official, the proposals addressed to them, to answer.
    static func page(_ request: Request, dashboard: Bool) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.signedIn()
        let catalog = request.catalog
        func query(_ name: String) -> String { (try? request.query.get(String.self, at: name)) ?? "" }
        let delay = try await DecisionStore(database: request.db).governance(of: community.id!).answerDelayDays
        let places = try await CommunityStore(database: request.db).communeNames(of: community)
        let store = RegisterStore(database: request.db)
        var (byID, entries) = try await store.entries(in: community.id!)
        let official = dashboard ? me.map { "official:" + $0.personID.uuidString } ?? "" : query("destinataire")
        if official.hasPrefix("official:") { entries = entries.filter { "official:" + ($0.$official.id?.uuidString ?? "") == official } }
        if official.hasPrefix("body:") { entries = entries.filter { "body:" + ($0.body ?? "") == official } }
        if let status = RegisterStatus(rawValue: query("statut")) { entries = entries.filter { $0.status == status.rawValue } }
        let theme = query("theme")
        if Themes.all.contains(theme) { entries = entries.filter { byID[$0.$proposal.id]?.themes.split(separator: " ").contains(Substring(theme)) == true } }
        let overdueOnly = query("retard") == "1"
        if overdueOnly {
            entries = entries.filter { Register.isOverdue(RegisterStatus(rawValue: $0.status) ?? .deposee, depositedAt: $0.depositedAt, delayDays: delay, now: request.now) }
        }
        let ids = entries.compactMap(\.id)
        let events = try await store.events(of: ids)
        var shown: [RegisterViews.Entry] = []
        for entry in entries {
            guard let proposal = byID[entry.$proposal.id] else { continue }
            shown.append(try await RegisterViews.entry(entry, proposal: proposal, viewer: viewer, me: me?.personID, delay: delay, places: places,
                                              events: events.filter { $0.$entry.id == entry.id }, request))
        }
        // The official's own page puts what is overdue first.
        if dashboard { shown = shown.filter(\.overdue) + shown.filter { !$0.overdue } }
        let officials = try await RegisterViews.officials(of: community, on: request.db)
        let all = shown
        return try await request.render("proposals/register", ListPage(
            layout: PageLayout(request, title: catalog.text(dashboard ? "register.dashboard.title" : "register.title"), community: community,
                               current: dashboard ? "desk" : "proposals"),
            entries: shown,
            officials: officials.map { ChoiceOption(value: "official:" + $0.id!.uuidString, label: $0.displayName, selected: official == "official:" + $0.id!.uuidString) },
            bodies: RegisterBody.allCases.map { ChoiceOption(value: "body:" + $0.rawValue, label: catalog.text("register.body." + $0.rawValue), selected: official == "body:" + $0.rawValue) },
            statuses: ChoiceOption.list(RegisterStatus.allCases, labels: "register.status.", catalog) { $0.rawValue == query("statut") },
            themes: ThemeText.options(catalog) { $0 == theme }, overdueOnly: overdueOnly,
            action: dashboard ? SiteRoute.officialDashboard(slug: community.slug).path : SiteRoute.register(slug: community.slug).path, delay: delay,
            dashboard: dashboard,
            counts: RegisterStatus.allCases.map { status in
                ChoiceOption(value: status.rawValue, label: catalog.text("register.status." + status.rawValue) + " : " + String(all.filter { $0.statusKey == status.rawValue }.count), selected: false)
            },
            form: FormState(request)))
    }
}
