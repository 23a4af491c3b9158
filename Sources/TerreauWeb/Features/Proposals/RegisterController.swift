import Fluent
import TerreauCore
import Vapor

/// The public register of proposals addressed to elected officials and public bodies: its
/// authors address a proposal; coordinators transmit it; the official answers from their own
/// account (coordinators record a body's answers), every step dated and public; past the
/// community's answer delay without acceptance or refusal it shows as overdue.
enum RegisterController {
    /// A register entry as the proposal page and the lists show it.
    struct Entry: Encodable {
        struct Event: Encodable {
            var status: String
            var date: String
            var note: String
            var by: String
        }
        var proposal: String
        var proposalURL: String
        var addressee: String
        var status: String
        var statusKey: String
        var deposited: String
        var due: String
        var overdue: Bool
        var themes: String
        var events: [Event]
        /// Steps the viewer may take now.
        var steps: [ChoiceOption]
        var stepURL: String
        /// Unique on a page listing several entries (form ids).
        var key: String
        /// An answer refused, shown beside its form with what was typed (never in the banner).
        var error: String?
        var note: String
    }

    /// What a refused answer leaves for the page it returns to.
    struct FailedStep: Codable {
        var entry: UUID
        var message: String
        var step: String
        var note: String
    }
    static let failedStepKey = "register_failed_step"

    static func officials(of community: CommunityRecord, on database: any Database) async throws -> [PersonRecord] {
        try await MembershipRecord.query(on: database).filter(\.$community.$id == community.id!).filter(\.$electedVerifiedAt != nil).with(\.$person).all()
            .filter { Role.parse($0.roles).contains(.elected) && $0.person.erasedAt == nil }.map(\.person)
            .sorted { $0.displayName.localizedStandardCompare($1.displayName) == .orderedAscending }
    }

    static func addressee(_ entry: RegisterEntryRecord, places: [String: String], _ catalog: MessageCatalog) -> String {
        if let official = entry.official { return official.shownName(catalog) }
        let body = catalog.text("register.body." + (entry.body ?? ""))
        guard let place = entry.bodyPlace, !place.isEmpty else { return body }
        return body + " — " + (places[place] ?? place)
    }

    static func entry(_ entry: RegisterEntryRecord, proposal: ProposalRecord, viewer: Viewer, me: UUID?, delay: Int, places: [String: String],
                      events: [RegisterEventRecord], _ request: Request) async throws -> Entry {
        let community = try await request.community()
        let catalog = request.catalog, language = request.language
        let status = RegisterStatus(rawValue: entry.status) ?? .deposee
        let actor = RegisterActor(isCoordinator: viewer.roles.contains(.coordinator), isAddressedOfficial: me != nil && entry.$official.id == me,
                                  addressedToBody: entry.body != nil)
        let steps = RegisterStep.allCases.filter { (try? Register.next(from: status, $0, by: actor, reason: "x")) != nil }
        var failed: FailedStep?
        if request.hasSession, let saved = request.session.data[failedStepKey],
           let decoded = try? JSONDecoder().decode(FailedStep.self, from: Data(saved.utf8)), decoded.entry == entry.id {
            failed = decoded
            request.session.data[failedStepKey] = nil
        }
        return Entry(proposal: proposal.title,
            proposalURL: SiteRoute.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil).path + "#registre",
            addressee: addressee(entry, places: places, catalog), status: catalog.text("register.status." + entry.status), statusKey: entry.status,
            deposited: language.formatDay(entry.depositedAt),
            due: language.formatDay(Register.dueDate(status, depositedAt: entry.depositedAt, delayDays: delay)),
            overdue: Register.isOverdue(status, depositedAt: entry.depositedAt, delayDays: delay, now: request.now),
            themes: ThemeText.labels(proposal.themes, catalog).joined(separator: ", "),
            events: events.map { .init(status: catalog.text("register.status." + $0.status), date: language.formatDay($0.at), note: $0.note,
                                       by: $0.person?.shownName(catalog) ?? "") },
            steps: steps.map { ChoiceOption(value: $0.rawValue, label: catalog.text("register.step." + $0.rawValue), selected: failed?.step == $0.rawValue) },
            stepURL: SiteRoute.registerStep(slug: community.slug, proposal: proposal.id!.uuidString).path, key: entry.id!.uuidString,
            error: failed?.message, note: failed?.note ?? "")
    }

    /// The proposal page's register section: its entry, or the form to address it.
    struct Section: Encodable {
        /// None or one: the template shows an entry from a loop (Leaf has no `with`).
        var entries: [Entry]
        var canDeposit: Bool
        var depositURL: String
        var officials: [ChoiceOption]
        var bodies: [ChoiceOption]
        var communes: [ChoiceOption]
        var delay: Int
    }

    static func section(for proposal: ProposalRecord, viewer: Viewer, me: UUID?, canEdit: Bool, _ request: Request) async throws -> Section {
        let community = try await request.community()
        let catalog = request.catalog
        let delay = try await DecisionStore(database: request.db).governance(of: community.id!).answerDelayDays
        let places = try await CommunityStore(database: request.db).communeNames(of: community)
        var shown: Entry?
        if let entry = try await RegisterEntryRecord.query(on: request.db).filter(\.$proposal.$id == proposal.id!).with(\.$official).first() {
            let events = try await RegisterEventRecord.query(on: request.db).filter(\.$entry.$id == entry.id!).with(\.$person).sort(\.$at).all()
            shown = try await Self.entry(entry, proposal: proposal, viewer: viewer, me: me, delay: delay, places: places, events: events, request)
        }
        let status = ProposalStatus(rawValue: proposal.status) ?? .debate
        let canDeposit = shown == nil && canEdit && ![.withdrawn, .rejected].contains(status)
        return Section(entries: shown.map { [$0] } ?? [], canDeposit: canDeposit,
            depositURL: SiteRoute.registerDeposit(slug: community.slug, proposal: proposal.id!.uuidString).path,
            officials: canDeposit ? try await officials(of: community, on: request.db).map { ChoiceOption(value: $0.id!.uuidString, label: $0.displayName, selected: false) } : [],
            bodies: ChoiceOption.list(RegisterBody.allCases, labels: "register.body.", catalog) { _ in false },
            communes: places.sorted { $0.value.localizedStandardCompare($1.value) == .orderedAscending }.map { ChoiceOption(value: $0.key, label: $0.value, selected: false) },
            delay: delay)
    }

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
            let officials = try await officials(of: community, on: request.db)
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
        guard try await RegisterEntryRecord.query(on: request.db).filter(\.$proposal.$id == proposal.id!).first() == nil else { return refuse("register.error.already") }
        entry.$proposal.id = proposal.id!
        entry.status = RegisterStatus.deposee.rawValue
        entry.depositedAt = request.now
        entry.$depositedBy.id = me.personID
        entry.updatedAt = request.now
        try await request.db.writing { database in
            try await entry.create(on: database)
            try await event(entry, .deposee, note: "", person: me.personID, now: request.now).create(on: database)
        }
        try await MembershipStore(database: request.db).tell(holding: [.coordinator], of: community, notifier: Notifier(request), kind: .proposal,
            key: "notification.registerDeposit", arguments: [proposal.title], link: back.path + "#registre")
        request.flash(catalog.text("register.deposited"))
        return request.redirect(to: back.path + "#registre", redirectType: .normal)
    }

    static func event(_ entry: RegisterEntryRecord, _ status: RegisterStatus, note: String, person: UUID?, now: Date) -> RegisterEventRecord {
        let event = RegisterEventRecord()
        event.$entry.id = entry.id!
        event.status = status.rawValue
        event.note = note
        event.$person.id = person
        event.at = now
        return event
    }

    /// A coordinator transmits; the addressee answers (a refusal with its reason).
    @Sendable static func step(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let proposal = try await request.proposal()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let back = SiteRoute.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil).path + "#registre"
        guard let entry = try await RegisterEntryRecord.query(on: request.db).filter(\.$proposal.$id == proposal.id!).first() else { throw Abort(.badRequest) }
        let note = String(request.field("note").prefix(5000))
        // Refused: back to the form, the reason beside it and what was typed kept (issue 22: it
        // used to land in the green success banner, far from the form).
        func refused(_ key: String) throws -> Response {
            let failed = FailedStep(entry: entry.id!, message: catalog.text(key), step: request.field("step"), note: note)
            request.session.data[failedStepKey] = String(decoding: try JSONEncoder().encode(failed), as: UTF8.self)
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
        entry.status = next.rawValue
        entry.updatedAt = request.now
        try await request.db.writing { database in
            try await entry.update(on: database)
            try await event(entry, next, note: note, person: me.personID, now: request.now).create(on: database)
        }
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
        var entries: [Entry]
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
        let proposals = try await ProposalRecord.query(on: request.db).filter(\.$community.$id == community.id!).all()
        let byID = Dictionary(uniqueKeysWithValues: proposals.map { ($0.id!, $0) })
        var entries = proposals.isEmpty ? [] : try await RegisterEntryRecord.query(on: request.db).filter(\.$proposal.$id ~~ Array(byID.keys))
            .with(\.$official).sort(\.$depositedAt, .descending).all()
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
        let events = ids.isEmpty ? [] : try await RegisterEventRecord.query(on: request.db).filter(\.$entry.$id ~~ ids).with(\.$person).sort(\.$at).all()
        var shown: [Entry] = []
        for entry in entries {
            guard let proposal = byID[entry.$proposal.id] else { continue }
            shown.append(try await Self.entry(entry, proposal: proposal, viewer: viewer, me: me?.personID, delay: delay, places: places,
                                              events: events.filter { $0.$entry.id == entry.id }, request))
        }
        // The official's own page puts what is overdue first.
        if dashboard { shown = shown.filter(\.overdue) + shown.filter { !$0.overdue } }
        let officials = try await Self.officials(of: community, on: request.db)
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
