import Fluent
import Foundation
import TerreauCore
import Vapor

/// A register entry as the proposal's page, the public register and the official's dashboard
/// show it, and the dated step every change writes (issue 26: the proposal's page and the demo
/// no longer ask the register's controller).
enum RegisterViews {
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
}
