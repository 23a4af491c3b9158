import Fluent
import TerreauCore
import Vapor

/// Proposals and initiatives: the public list (by status, theme and commune), publishing one
/// with co-authors, themes, place and the resources it needs, its page with the status
/// timeline, versions, backing organisations, followers and the debate; editing (every version
/// kept) and moving its status.
enum ProposalsController {
    // MARK: List

    struct ListPage: Encodable {
        struct Item: Encodable {
            var title: String
            var url: String
            var status: String
            var themes: String
            var place: String
            var arguments: Int
            var backers: Int
            var date: String
        }
        var layout: PageLayout
        var items: [Item]
        var statuses: [ChoiceOption]
        var themes: [ChoiceOption]
        var action: String
        var newURL: String?
        var moderationURL: String?
        var filtered: Bool
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog
        let status = (try? request.query.get(String.self, at: "statut")).flatMap(ProposalStatus.init(rawValue:))
        let theme = (try? request.query.get(String.self, at: "theme")).flatMap { Themes.all.contains($0) ? $0 : nil }
        var query = ProposalRecord.query(on: request.db).filter(\.$community.$id == community.id!).sort(\.$updatedAt, .descending)
        if let status { query = query.filter(\.$status == status.rawValue) }
        var proposals = try await query.all()
        if let theme { proposals = proposals.filter { $0.themes.split(separator: " ").contains(Substring(theme)) } }
        let ids = proposals.compactMap(\.id)
        let comments = ids.isEmpty ? [] : try await CommentRecord.query(on: request.db).filter(\.$proposal.$id ~~ ids).filter(\.$hidden == nil).all()
        let backings = ids.isEmpty ? [] : try await ProposalBackingRecord.query(on: request.db).filter(\.$proposal.$id ~~ ids).all()
        let places = try await CommunityStore(database: request.db).communeNames(of: community)
        let items = proposals.map { proposal in
            ListPage.Item(title: proposal.title, url: SiteRoute.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil).path,
                status: catalog.text("proposal.status." + proposal.status), themes: ThemeText.labels(proposal.themes, catalog).joined(separator: ", "),
                place: proposal.communeCode.flatMap { places[$0] } ?? catalog.text("proposal.wholeTerritory"),
                arguments: comments.filter { $0.$proposal.id == proposal.id }.count,
                backers: backings.filter { $0.$proposal.id == proposal.id }.count, date: request.language.formatDate(proposal.updatedAt))
        }
        return try await request.render("proposals/index", ListPage(
            layout: PageLayout(request, title: catalog.text("proposals.title"), community: community, current: "proposals"),
            items: items,
            statuses: ChoiceOption.list(ProposalStatus.allCases, labels: "proposal.status.", catalog) { $0 == status },
            themes: ThemeText.options(catalog) { $0 == theme },
            action: SiteRoute.proposals(slug: community.slug).path,
            newURL: Policy.allows(viewer, .contribute) ? SiteRoute.proposalNew(slug: community.slug).path : nil,
            moderationURL: Policy.allows(viewer, .moderate) ? SiteRoute.moderation(slug: community.slug).path : nil,
            filtered: status != nil || theme != nil))
    }

    // MARK: New

    struct FormPage: Encodable {
        var layout: PageLayout
        var form: FormState
        var themes: [ChoiceOption]
        var communes: [ChoiceOption]
        var organisations: [ChoiceOption]
        var action: String
        var editing: Bool
    }

    @Sendable static func new(_ request: Request) async throws -> Response {
        try await formPage(request, form: FormState(request), themes: [])
    }

    static func formPage(_ request: Request, form: FormState, themes chosen: Set<String>, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let places = try await CommunityStore(database: request.db).communeNames(of: community)
        let organisations = try await OrganisationStore(database: request.db).adminOrganisations(of: me.personID).filter { $0.$community.id == community.id }
        return try await request.render("proposals/form", FormPage(
            layout: PageLayout(request, title: catalog.text("proposal.new.title"), community: community, current: "proposals"),
            form: form, themes: ThemeText.options(catalog) { chosen.contains($0) },
            communes: places.sorted { $0.value.localizedStandardCompare($1.value) == .orderedAscending }
                .map { ChoiceOption(value: $0.key, label: $0.value, selected: form.values["commune"] == $0.key) },
            organisations: organisations.map { ChoiceOption(value: $0.id!.uuidString, label: $0.name, selected: form.values["organisation"] == $0.id!.uuidString) },
            action: SiteRoute.proposalCreate(slug: community.slug).path, editing: false), status: status)
    }

    /// A member publishes a proposal. Co-authors are named one per line, as members of the
    /// community call themselves; each resource needed becomes a need of the inventory.
    @Sendable static func create(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let values = ["title", "summary", "commune", "organisation", "coauthors", "needs"].reduce(into: [String: String]()) { $0[$1] = request.field($1) }
        let themes = Set(request.fields("themes"))
        var form = FormState(request, values: values)
        let title = values["title"]!, summary = values["summary"]!
        if title.isEmpty || title.count > 200 { form.fail("title", catalog.text("proposal.error.title")) }
        if summary.count < 20 || summary.count > 10_000 { form.fail("summary", catalog.text("proposal.error.summary")) }
        if themes.isEmpty || !themes.isSubset(of: Themes.all) { form.fail("themes", catalog.text("proposal.error.themes")) }
        let places = try await CommunityStore(database: request.db).communeNames(of: community)
        let commune = values["commune"]!.isEmpty ? nil : values["commune"]
        if let commune, places[commune] == nil { form.fail("commune", catalog.text("proposal.error.commune")) }
        var organisation: UUID?
        if !values["organisation"]!.isEmpty {
            let mine = try await OrganisationStore(database: request.db).adminOrganisations(of: me.personID).filter { $0.$community.id == community.id }
            organisation = mine.first { $0.id?.uuidString == values["organisation"] }?.id
            if organisation == nil { form.fail("organisation", catalog.text("proposal.error.organisation")) }
        }
        var coauthors: [UUID] = []
        for (number, line) in values["coauthors"]!.formLines.enumerated() {
            let found = try await members(named: line, in: community, request)
            if found.count == 1 { coauthors.append(found[0]) } else {
                form.fail("coauthors", catalog.text(found.isEmpty ? "proposal.error.coauthorUnknown" : "proposal.error.coauthorAmbiguous", [String(number + 1), line]))
            }
        }
        let needs = values["needs"]!.formLines
        if needs.count > 12 || needs.contains(where: { $0.count > 120 }) { form.fail("needs", catalog.text("proposal.error.needs")) }
        guard !form.hasErrors else { return try await formPage(request, form: form, themes: themes, status: .unprocessableEntity) }
        let proposal = try await ProposalStore(database: request.db).create(
            .init(title: title, summary: summary, themes: Themes.all.filter(themes.contains), communeCode: commune, organisation: organisation,
                  coauthors: coauthors, needs: needs),
            community: community.id!, author: me.personID, now: request.now)
        request.flash(catalog.text("proposal.created"))
        return request.seeOther(.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil))
    }

    /// Members of the community whose display name is `name` (case and accents aside).
    static func members(named name: String, in community: CommunityRecord, _ request: Request) async throws -> [UUID] {
        let memberships = try await MembershipRecord.query(on: request.db).filter(\.$community.$id == community.id!).with(\.$person).all()
        let wanted = SearchText.fold(name)
        return memberships.filter { $0.person.erasedAt == nil && SearchText.fold($0.person.displayName) == wanted }.map(\.$person.id)
    }
}

extension Request {
    /// The proposal named by `:proposal`, only inside the path's community.
    func proposal() async throws -> ProposalRecord { try await scoped("proposal", in: \.$community) }
}
