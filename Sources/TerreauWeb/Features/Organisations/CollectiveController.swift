import Fluent
import TerreauCore
import Vapor

/// Collectives: an organisation's admins start one around a theme (for good or for one
/// occasion) and invite others; each invited organisation's admins join or decline, and may
/// leave later. The collective is an organisation of kind `collective`; its page shows who is in.
enum CollectiveController {
    struct NewPage: Encodable {
        var layout: PageLayout
        var founder: String
        var form: FormState
        var themes: [ChoiceOption]
        var durations: [ChoiceOption]
        var candidates: CollectiveViews.Invitees
        var action: String
    }

    @Sendable static func new(_ request: Request) async throws -> Response {
        try await newPage(request, form: FormState(request, values: ["duration": CollectiveDuration.permanent.rawValue]), invited: [])
    }

    static func newPage(_ request: Request, form: FormState, invited: Set<String>, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let founder = try await request.organisation()
        let catalog = request.catalog
        return try await request.render("organisations/collective-new", NewPage(
            layout: PageLayout(request, title: catalog.text("collective.new.title"), community: community, current: "organisations"),
            founder: founder.name, form: form,
            themes: Themes.all.map { ChoiceOption(value: $0, label: catalog.text("theme." + $0), selected: form.values["theme"] == $0) }
                .sorted { $0.label.localizedStandardCompare($1.label) == .orderedAscending },
            durations: ChoiceOption.list(CollectiveDuration.allCases, labels: "collective.duration.", catalog) { form.values["duration"] == $0.rawValue },
            candidates: try await CollectiveViews.candidates(around: founder, community: community, excluding: [founder.id!], invited: invited, request: request),
            action: SiteRoute.collectiveCreate(slug: community.slug, organisation: founder.id!.uuidString).path), status: status)
    }

    /// The ticked boxes and the typed names, as ids; a name matching no organisation is named
    /// back (letter case and accents aside, « repair café » is « Repair Café »).
    static func chosen(_ request: Request, in community: CommunityRecord) async throws -> (ids: Set<String>, unknown: [String]) {
        var ids = Set(request.fields("invite"))
        let typed = request.fields("invite_name").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !typed.isEmpty else { return (ids, []) }
        let all = try await OrganisationStore(database: request.db).organisations(in: community.id!)
        let byName = Dictionary(all.map { (SearchText.fold($0.name), $0.id!.uuidString) }, uniquingKeysWith: { first, _ in first })
        var unknown: [String] = []
        for name in typed {
            if let id = byName[SearchText.fold(name)] { ids.insert(id) } else { unknown.append(name) }
        }
        return (ids, unknown)
    }

    /// Creates the collective, makes its creator its first admin, records the founding
    /// organisation as joined and the others as invited, then tells the invited organisations.
    @Sendable static func create(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let founder = try await request.organisation()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let values = ["name", "object", "theme", "duration", "ends_on"].reduce(into: [String: String]()) { $0[$1] = request.field($1) }
        let (invited, unknown) = try await chosen(request, in: community)
        var form = FormState(request, values: values)
        let name = values["name"]!
        if name.isEmpty || name.count > 200 { form.fail("name", catalog.text("collective.error.name")) }
        if values["object"]!.count > 2000 { form.fail("object", catalog.text("collective.error.object")) }
        if !Themes.all.contains(values["theme"]!) { form.fail("theme", catalog.text("collective.error.theme")) }
        let duration = CollectiveDuration(rawValue: values["duration"]!)
        if duration == nil { form.fail("duration", catalog.text("collective.error.duration")) }
        var endsOn: Date?
        if duration == .oneOff {
            endsOn = CalendarDay.parse(values["ends_on"]!)
            if let day = endsOn, CollectiveMembership.isOver(duration: .oneOff, endsOn: day, at: request.now) {
                form.fail("ends_on", catalog.text("collective.error.past"))
            } else if endsOn == nil {
                form.fail("ends_on", catalog.text("collective.error.endsOn"))
            }
        }
        let invitees = try await organisations(invited, in: community, excluding: founder.id!, on: request.db)
        if invitees.count != invited.count { form.fail("invite", catalog.text("collective.error.invite")) }
        if !unknown.isEmpty { form.fail("invite", catalog.text("collective.error.unknownName", [unknown.map { "« \($0) »" }.joined(separator: ", ")])) }
        guard !form.hasErrors, let duration else { return try await newPage(request, form: form, invited: invited, status: .unprocessableEntity) }

        let collective = OrganisationRecord()
        collective.$community.id = community.id!
        collective.kind = OrganisationKind.collective.rawValue
        collective.name = name
        collective.object = values["object"]!
        collective.themes = values["theme"]!
        collective.communeCode = founder.communeCode
        collective.source = "member"
        collective.$createdBy.id = me.personID
        collective.createdAt = request.now
        collective.updatedAt = request.now
        try await CollectiveStore(database: request.db).found(collective, founder: founder, duration: duration, endsOn: endsOn, invitees: invitees,
                                                               by: me.personID, now: request.now)
        try await tellInvited(invitees, to: collective, from: founder, community: community, request: request)
        request.flash(catalog.text("collective.created", [name]))
        return request.seeOther(.organisation(slug: community.slug, organisation: collective.id!.uuidString))
    }

    /// The organisations of the community among `ids` (malformed or foreign ids are left out,
    /// which the caller notices by the count).
    static func organisations(_ ids: Set<String>, in community: CommunityRecord, excluding excluded: UUID, on database: any Database) async throws -> [OrganisationRecord] {
        try await OrganisationStore(database: database).organisations(ids.compactMap(UUID.init(uuidString:)).filter { $0 != excluded }, in: community.id!)
    }

    static func tellInvited(_ invitees: [OrganisationRecord], to collective: OrganisationRecord, from inviter: OrganisationRecord,
                            community: CommunityRecord, request: Request) async throws {
        let store = OrganisationStore(database: request.db), notifier = Notifier(request)
        let link = SiteRoute.organisation(slug: community.slug, organisation: collective.id!.uuidString).path
        for invitee in invitees {
            try await store.tellAdmins(of: invitee, in: community, notifier: notifier, key: "notification.collectiveInvitation",
                arguments: [inviter.name, collective.name, invitee.name], link: link)
        }
    }

    /// The collective's admins invite more organisations (again, for those who declined or left).
    @Sendable static func invite(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let collective = try await request.organisation()
        let me = try await request.requireSignedIn()
        let store = CollectiveStore(database: request.db)
        guard let details = try await store.details(of: collective.id!) else { throw Abort(.notFound) }
        let (ids, unknown) = try await chosen(request, in: community)
        guard unknown.isEmpty else {
            request.flash(request.catalog.text("collective.error.unknownName", [unknown.map { "« \($0) »" }.joined(separator: ", ")]))
            return request.seeOther(.organisation(slug: community.slug, organisation: collective.id!.uuidString))
        }
        let candidates = try await organisations(ids, in: community, excluding: collective.id!, on: request.db)
        let invitees = try await store.invite(candidates, to: collective.id!, by: me.personID, now: request.now)
        let founder = try await details.$founder.get(on: request.db) ?? collective
        try await tellInvited(invitees, to: collective, from: founder, community: community, request: request)
        request.flash(request.catalog.text(invitees.isEmpty ? "collective.invited.none" : "collective.invited", count: invitees.count))
        return request.seeOther(.organisation(slug: community.slug, organisation: collective.id!.uuidString))
    }

    /// An organisation's admin asks to join, joins, declines or leaves on its behalf; the
    /// collective's admins invite or answer a request. The other side hears of it. A step that
    /// makes no sense from where it stands is refused and said so.
    @Sendable static func answer(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let collective = try await request.organisation()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let back = SiteRoute.organisation(slug: community.slug, organisation: collective.id!.uuidString)
        let collectives = CollectiveStore(database: request.db)
        guard try await collectives.details(of: collective.id!) != nil,
            let event = CollectiveEvent(rawValue: request.field("decision")), event != .invite,
            let memberID = UUID(uuidString: request.field("member")), memberID != collective.id,
            let member = try await OrganisationStore(database: request.db).organisation(memberID, in: community.id!)
        else { throw Abort(.badRequest) }
        let store = OrganisationStore(database: request.db)
        let actsFor = CollectiveMembership.isCollectiveSide(event) ? collective.id! : memberID
        guard try await store.isAdmin(me.personID, of: actsFor) else { throw Abort(.forbidden) }
        let row = try await collectives.member(memberID, of: collective.id!)
        guard let next = CollectiveMembership.next(from: row.flatMap { CollectiveStatus(rawValue: $0.status) }, event) else {
            request.flash(catalog.text("collective.answer.impossible"))
            return request.seeOther(back)
        }
        let record = row ?? CollectiveViews.membership(collective.id!, memberID, invitedBy: me.personID, now: request.now)
        record.status = next.rawValue
        if event == .ask {
            // Asked: the date and the person asking, in the invitation's columns.
            record.invitedAt = request.now
            record.$invitedBy.id = me.personID
        } else {
            record.answeredAt = request.now
            record.$answeredBy.id = me.personID
        }
        if next == .joined { record.joinedAt = request.now }
        try await collectives.save(record)
        let link = back.path
        if CollectiveMembership.isCollectiveSide(event) {
            try await store.tellAdmins(of: member, in: community, notifier: Notifier(request), key: "notification.collective.request." + next.rawValue,
                arguments: [member.name, collective.name], link: link)
        } else {
            let key = event == .ask && next == .asked ? "notification.collective.asked" : "notification.collective." + next.rawValue
            try await store.tellAdmins(of: collective, in: community, notifier: Notifier(request), key: key, arguments: [member.name, collective.name], link: link)
        }
        let said = event == .refuse ? "collective.answer.refused" : event == .ask && next == .asked ? "collective.answer.asked" : "collective.answer." + next.rawValue
        request.flash(catalog.text(said, [member.name, collective.name]))
        return request.seeOther(back)
    }
}
