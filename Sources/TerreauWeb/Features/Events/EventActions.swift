import Fluent
import SQLKit
import TerreauCore
import Vapor

/// Registering, the report after the event, calendars and programme periods.
extension EventsController {
    /// Registers the signed-in person (confirmed while seats remain, else waiting) or cancels
    /// their seat, which goes to the first person waiting. One transaction, the event's row
    /// locked on PostgreSQL, so two people never take the last seat.
    @Sendable static func register(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let event = try await request.event()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let back = SiteRoute.event(slug: community.slug, event: event.id!.uuidString)
        guard !event.cancelled, event.endsAt > request.now else {
            request.flash(catalog.text("event.error.closed"))
            return request.seeOther(back)
        }
        let cancelling = request.field("action") == "cancel"
        let now = request.now, personID = me.personID
        let (status, promoted) = try await request.db.writing { database -> (SeatStatus?, [UUID]) in
            if let sql = database as? any SQLDatabase, sql.dialect.name != "sqlite" {
                try await sql.raw("SELECT id FROM events WHERE id = \(bind: event.id!) FOR UPDATE").run()
            }
            let all = try await EventRegistrationRecord.query(on: database).filter(\.$event.$id == event.id!).sort(\.$rank).all()
            let confirmed = all.filter { $0.status == SeatStatus.confirmed.rawValue }.count
            let mine = all.first { $0.$person.id == personID }
            if cancelling {
                guard let mine, mine.status != SeatStatus.cancelled.rawValue else { return (nil, []) }
                let freed = mine.status == SeatStatus.confirmed.rawValue
                mine.status = SeatStatus.cancelled.rawValue
                try await mine.update(on: database)
                guard freed else { return (.cancelled, []) }
                let waiting = all.filter { $0.status == SeatStatus.waiting.rawValue }
                let moving = EventSeats.promoted(capacity: event.capacity, confirmed: confirmed - 1, waiting: waiting)
                for registration in moving {
                    registration.status = SeatStatus.confirmed.rawValue
                    try await registration.update(on: database)
                }
                return (.cancelled, moving.map(\.$person.id))
            }
            if let mine, mine.status != SeatStatus.cancelled.rawValue { return (SeatStatus(rawValue: mine.status), []) }
            let status = EventSeats.register(capacity: event.capacity, confirmed: confirmed)
            let registration = mine ?? EventRegistrationRecord()
            registration.$event.id = event.id!
            registration.$person.id = personID
            registration.status = status.rawValue
            registration.registeredAt = now
            // Registering again after cancelling goes to the end of the line.
            registration.rank = (all.map(\.rank).max() ?? 0) + 1
            registration.attended = false
            try await registration.save(on: database)
            return (status, [])
        }
        let notifier = Notifier(request), link = back.path
        for person in promoted {
            try await notifier.notify(person, kind: .event, community: community.id, key: "notification.eventPromoted", arguments: [event.title], link: link)
        }
        if let status {
            try await notifier.notify(personID, kind: .event, community: community.id, key: "notification.event." + status.rawValue, arguments: [event.title], link: link)
            request.flash(catalog.text("event.registered." + status.rawValue))
        }
        return request.seeOther(back)
    }

    /// After the event (or to cancel it): minutes, attendance, the organisations present and
    /// who came — an interviewing training attended counts towards becoming an interviewer.
    @Sendable static func report(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let event = try await request.event()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.requireSignedIn()
        guard try await mayReport(event, viewer: viewer, me: me.personID, request) else { throw Abort(.forbidden) }
        let catalog = request.catalog
        let back = SiteRoute.event(slug: community.slug, event: event.id!.uuidString)
        if request.field("action") == "cancel" {
            guard !event.cancelled, event.startsAt > request.now else {
                request.flash(catalog.text("event.error.cancel"))
                return request.seeOther(back)
            }
            event.cancelled = true
            try await event.update(on: request.db)
            let seats = try await EventRegistrationRecord.query(on: request.db).filter(\.$event.$id == event.id!).filter(\.$status != SeatStatus.cancelled.rawValue).all()
            for seat in seats {
                try await Notifier(request).notify(seat.$person.id, kind: .event, community: community.id, key: "notification.eventCancelled",
                                                   arguments: [event.title], link: back.path)
            }
            request.flash(catalog.text("event.cancelledDone"))
            return request.seeOther(back)
        }
        guard event.startsAt <= request.now else {
            request.flash(catalog.text("event.error.notYet"))
            return request.seeOther(back)
        }
        let minutes = String(request.field("minutes").prefix(20_000))
        let attendance = request.field("attendance").isEmpty ? nil : Int(request.field("attendance"))
        guard request.field("attendance").isEmpty || (attendance ?? -1) >= 0 else {
            request.flash(catalog.text("event.error.attendance"))
            return request.seeOther(back)
        }
        let present = Set(request.fields("present").compactMap(UUID.init(uuidString:)))
        let attended = Set(request.fields("attended").compactMap(UUID.init(uuidString:)))
        let organisations = try await OrganisationRecord.query(on: request.db).filter(\.$community.$id == community.id!).all().compactMap(\.id)
        try await request.db.writing { database in
            event.minutes = minutes.isEmpty ? nil : minutes
            event.attendance = attendance
            try await event.update(on: database)
            try await EventOrganiserRecord.query(on: database).filter(\.$event.$id == event.id!).filter(\.$role == "present").delete()
            for organisation in organisations where present.contains(organisation) {
                try await EventOrganiserRecord(event, organisation, role: "present").create(on: database)
            }
            for registration in try await EventRegistrationRecord.query(on: database).filter(\.$event.$id == event.id!)
                .filter(\.$status == SeatStatus.confirmed.rawValue).all() {
                registration.attended = attended.contains(registration.$person.id)
                try await registration.update(on: database)
            }
        }
        request.flash(catalog.text("event.reported"))
        return request.seeOther(back)
    }

    // MARK: Calendars

    static func calendarEvent(_ event: EventRecord, community: CommunityRecord, _ request: Request) -> ICalendar.Event {
        let base = request.application.terreauConfig.publicURL?.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) ?? ""
        return ICalendar.Event(uid: event.id!.uuidString.lowercased() + "@terreau", stamp: event.createdAt, start: event.startsAt, end: event.endsAt,
            summary: event.title, description: event.description, location: event.place?.title ?? event.address,
            url: base.isEmpty ? nil : base + SiteRoute.event(slug: community.slug, event: event.id!.uuidString).path, cancelled: event.cancelled)
    }

    static func calendarResponse(_ text: String, file: String) -> Response {
        var headers: HTTPHeaders = [:]
        headers.contentType = HTTPMediaType(type: "text", subType: "calendar", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(file)\"")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    @Sendable static func calendar(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let event = try await request.event()
        try await event.$place.load(on: request.db)
        return calendarResponse(ICalendar.calendar(name: community.name, events: [calendarEvent(event, community: community, request)]), file: "evenement.ics")
    }

    /// The community's feed: its events of the last year and to come.
    @Sendable static func feed(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let events = try await EventRecord.query(on: request.db).filter(\.$community.$id == community.id!)
            .filter(\.$startsAt >= request.now.addingTimeInterval(-365 * 86_400)).with(\.$place).sort(\.$startsAt).all()
        return calendarResponse(ICalendar.calendar(name: community.name, events: events.map { calendarEvent($0, community: community, request) }),
                                file: community.slug + ".ics")
    }

    // MARK: Programme periods (« Fête de la démocratie »)

    struct FestivalPage: Encodable {
        var layout: PageLayout
        var title: String
        var description: String
        var period: String
        var community: String
        var agendaURL: String
        var days: [Day]
        struct Day: Encodable {
            var label: String
            var events: [Item]
        }
    }

    @Sendable static func festival(_ request: Request) async throws -> Response {
        guard let festival = try await FestivalRecord.query(on: request.db).filter(\.$slug == request.parameter("festival")).with(\.$community).first() else {
            throw Abort(.notFound)
        }
        let community = festival.community, catalog = request.catalog, language = request.language
        let period = ProgrammePeriod(first: festival.firstDay, last: festival.lastDay)
        let events = try await EventRecord.query(on: request.db).filter(\.$community.$id == community.id!).filter(\.$cancelled == false)
            .with(\.$place).sort(\.$startsAt).all().filter { period.contains($0.startsAt) }
        let shown = try await items(events, community: community, request)
        var days: [FestivalPage.Day] = []
        for (event, item) in zip(events, shown) {
            let label = language.formatDay(event.startsAt)
            if days.last?.label == label { days[days.count - 1].events.append(item) } else { days.append(.init(label: label, events: [item])) }
        }
        return try await request.render("events/festival", FestivalPage(
            layout: PageLayout(request, title: festival.title, community: community, current: "agenda"),
            title: festival.title, description: festival.description,
            period: catalog.text("festival.period", [language.formatDay(festival.firstDay), language.formatDay(festival.lastDay)]),
            community: community.name, agendaURL: SiteRoute.agenda(slug: community.slug).path, days: days))
    }

    /// A coordinator sets a programme period with its short address.
    @Sendable static func createFestival(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog
        let values = ["festival_title", "festival_slug", "festival_description", "first_day", "last_day"].reduce(into: [String: String]()) { $0[$1] = request.field($1) }
        var form = FormState(request, values: values)
        if values["festival_title"]!.isEmpty || values["festival_title"]!.count > 200 { form.fail("festival_title", catalog.text("festival.error.title")) }
        let slug = values["festival_slug"]!
        if !Slug.isValid(slug) || slug.count > 60 { form.fail("festival_slug", catalog.text("festival.error.slug")) }
        else if try await FestivalRecord.query(on: request.db).filter(\.$slug == slug).first() != nil { form.fail("festival_slug", catalog.text("festival.error.slugTaken")) }
        let first = CalendarDay.parse(values["first_day"]!), last = CalendarDay.parse(values["last_day"]!)
        if first == nil || last == nil || last! < first! { form.fail("first_day", catalog.text("festival.error.days")) }
        guard !form.hasErrors, let first, let last else { return try await agendaPage(request, form: form, status: .unprocessableEntity) }
        let festival = FestivalRecord()
        festival.$community.id = community.id!
        festival.slug = slug
        festival.title = values["festival_title"]!
        festival.description = String(values["festival_description"]!.prefix(5000))
        festival.firstDay = first
        festival.lastDay = last
        try await festival.create(on: request.db)
        request.flash(catalog.text("festival.created"))
        return request.seeOther(.festival(festival: slug))
    }
}
