import Fluent
import SQLKit
import TerreauCore
import Vapor

/// The community's agenda: meetings, trainings, exchanges, launches and festive events, at a
/// place of the inventory, with registration, a waiting list and reminders; an iCalendar file
/// per event and a feed per community; after the event, minutes, attendance and the
/// organisations present. Programme periods such as the « Fête de la démocratie » gather the
/// events they cover under a short address.
enum EventsController {
    struct Item: Encodable {
        var title: String
        var url: String
        var kind: String
        var when: String
        var place: String
        var seats: String
    }

    struct AgendaPage: Encodable {
        struct Festival: Encodable {
            var title: String
            var url: String
            var period: String
        }
        var layout: PageLayout
        var upcoming: [Item]
        var past: [Item]
        var festivals: [Festival]
        var feedURL: String
        var newURL: String?
        var festivalURL: String?
        var form: FormState
    }

    static func items(_ events: [EventRecord], community: CommunityRecord, _ request: Request) async throws -> [Item] {
        let catalog = request.catalog
        let ids = events.compactMap(\.id)
        let registrations = try await EventStore(database: request.db).confirmedSeats(of: ids)
        return events.map { event in
            let taken = registrations.filter { $0.$event.id == event.id }.count
            return Item(title: event.title, url: SiteRoute.event(slug: community.slug, event: event.id!.uuidString).path,
                kind: kindLabel(event, catalog) + (event.cancelled ? " — " + catalog.text("event.cancelled") : ""),
                when: when(event, request.language), place: event.place?.title ?? event.address,
                seats: event.capacity.map { catalog.text("event.seatsLeft", count: max(0, $0 - taken)) } ?? catalog.text("event.freeEntry"))
        }
    }

    static func kindLabel(_ event: EventRecord, _ catalog: MessageCatalog) -> String {
        catalog.text("event.kind." + event.kind) + (event.topic.map { " — " + catalog.text("event.topic." + $0) } ?? "")
    }

    static func when(_ event: EventRecord, _ language: Language) -> String {
        language.formatDate(event.startsAt) + " – " + Language.formatHour(event.endsAt)
    }

    @Sendable static func agenda(_ request: Request) async throws -> Response {
        try await agendaPage(request, form: FormState(request))
    }

    static func agendaPage(_ request: Request, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog
        let today = CalendarDay.paris.startOfDay(for: request.now)
        let (events, festivals) = try await EventStore(database: request.db).agenda(of: community.id!)
        return try await request.render("events/agenda", AgendaPage(
            layout: PageLayout(request, title: catalog.text("agenda.title"), community: community, current: "agenda"),
            upcoming: try await items(events.filter { $0.endsAt >= today }, community: community, request),
            past: try await items(events.filter { $0.endsAt < today }.reversed(), community: community, request),
            festivals: festivals.map { .init(title: $0.title, url: SiteRoute.festival(festival: $0.slug).path,
                                             period: catalog.text("festival.period", [request.language.formatDay($0.firstDay), request.language.formatDay($0.lastDay)])) },
            feedURL: SiteRoute.agendaFeed(slug: community.slug).path,
            newURL: Policy.allows(viewer, .contribute) ? SiteRoute.eventNew(slug: community.slug).path : nil,
            festivalURL: Policy.allows(viewer, .curate) ? SiteRoute.festivalCreate(slug: community.slug).path : nil, form: form), status: status)
    }

    // MARK: Creating an event

    struct NewPage: Encodable {
        var layout: PageLayout
        var form: FormState
        var kinds: [ChoiceOption]
        var topics: [ChoiceOption]
        var places: [ChoiceOption]
        var organisations: [ChoiceOption]
        var action: String
    }

    @Sendable static func new(_ request: Request) async throws -> Response {
        try await newPage(request, form: FormState(request, values: ["kind": EventKind.publicMeeting.rawValue, "starts": "18:30", "ends": "20:30"]), organisers: [])
    }

    /// Public places of the inventory, by name.
    static func places(_ community: CommunityRecord, on database: any Database) async throws -> [InventoryItemRecord] {
        try await EventStore(database: database).publicPlaces(of: community.id!)
    }

    /// The organisations one may name as organisers: those one administers (any, for a coordinator).
    static func organisations(for me: UUID, viewer: Viewer, community: CommunityRecord, on database: any Database) async throws -> [OrganisationRecord] {
        if viewer.roles.contains(.coordinator) {
            return try await OrganisationStore(database: database).organisations(in: community.id!)
        }
        return try await OrganisationStore(database: database).adminOrganisations(of: me).filter { $0.$community.id == community.id }
    }

    static func newPage(_ request: Request, form: FormState, organisers: Set<String>, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog
        return try await request.render("events/new", NewPage(
            layout: PageLayout(request, title: catalog.text("event.new.title"), community: community, current: "agenda"), form: form,
            kinds: ChoiceOption.list(EventKind.allCases, labels: "event.kind.", catalog) { form.values["kind"] == $0.rawValue },
            topics: ChoiceOption.list(TrainingTopic.allCases, labels: "event.topic.", catalog) { form.values["topic"] == $0.rawValue },
            places: try await places(community, on: request.db).map { ChoiceOption(value: $0.id!.uuidString, label: $0.title, selected: form.values["place"] == $0.id!.uuidString) },
            organisations: try await organisations(for: me.personID, viewer: viewer, community: community, on: request.db)
                .map { ChoiceOption(value: $0.id!.uuidString, label: $0.name, selected: organisers.contains($0.id!.uuidString)) },
            action: SiteRoute.eventCreate(slug: community.slug).path), status: status)
    }

    /// A time of day on a Paris calendar day.
    static func moment(day: Date, time: String) -> Date? {
        let parts = time.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else { return nil }
        return CalendarDay.paris.date(bySettingHour: parts[0], minute: parts[1], second: 0, of: day)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog
        let values = ["kind", "topic", "title", "description", "day", "starts", "ends", "place", "address", "capacity"]
            .reduce(into: [String: String]()) { $0[$1] = request.field($1) }
        let organisers = Set(request.fields("organisers"))
        var form = FormState(request, values: values)
        let kind = EventKind(rawValue: values["kind"]!)
        if kind == nil { form.fail("kind", catalog.text("event.error.kind")) }
        let topic = TrainingTopic(rawValue: values["topic"]!)
        if kind == .training, topic == nil { form.fail("topic", catalog.text("event.error.topic")) }
        if values["title"]!.isEmpty || values["title"]!.count > 200 { form.fail("title", catalog.text("event.error.title")) }
        if values["description"]!.count > 5000 { form.fail("description", catalog.text("event.error.description")) }
        let day = CalendarDay.parse(values["day"]!)
        if day == nil { form.fail("day", catalog.text("event.error.day")) }
        let starts = day.flatMap { moment(day: $0, time: values["starts"]!) }, ends = day.flatMap { moment(day: $0, time: values["ends"]!) }
        if day != nil, starts == nil || ends == nil || ends! <= starts! { form.fail("ends", catalog.text("event.error.hours")) }
        if let starts, starts < request.now { form.fail("day", catalog.text("event.error.past")) }
        var place: InventoryItemRecord?
        if !values["place"]!.isEmpty {
            place = try await places(community, on: request.db).first { $0.id?.uuidString == values["place"] }
            if place == nil { form.fail("place", catalog.text("event.error.place")) }
        } else if values["address"]!.isEmpty {
            form.fail("place", catalog.text("event.error.where"))
        }
        var capacity: Int?
        if !values["capacity"]!.isEmpty {
            capacity = Int(values["capacity"]!)
            if capacity == nil || capacity! < 1 || capacity! > 100_000 { form.fail("capacity", catalog.text("event.error.capacity")) }
        }
        let allowed = try await organisations(for: me.personID, viewer: viewer, community: community, on: request.db)
        let chosen = allowed.filter { organisers.contains($0.id!.uuidString) }
        if chosen.count != organisers.count { form.fail("organisers", catalog.text("event.error.organisers")) }
        guard !form.hasErrors, let kind, let starts, let ends else { return try await newPage(request, form: form, organisers: organisers, status: .unprocessableEntity) }
        let event = EventRecord()
        event.$community.id = community.id!
        event.kind = kind.rawValue
        event.topic = kind == .training ? topic?.rawValue : nil
        event.title = values["title"]!
        event.description = values["description"]!
        event.startsAt = starts
        event.endsAt = ends
        event.$place.id = place?.id
        event.address = values["address"]!
        event.capacity = capacity
        event.cancelled = false
        event.$createdBy.id = me.personID
        event.createdAt = request.now
        try await EventStore(database: request.db).publish(event, organisers: chosen, now: request.now)
        request.flash(catalog.text("event.created"))
        return request.seeOther(.event(slug: community.slug, event: event.id!.uuidString))
    }

    // MARK: An event's page

    struct ShowPage: Encodable {
        struct Person: Encodable {
            var id: String
            var name: String
            var attended: Bool
        }
        var layout: PageLayout
        var title: String
        var kind: String
        var when: String
        var description: String
        var place: String
        var placeURL: String?
        var access: String?
        var organisers: [String]
        var present: [String]
        var cancelled: Bool
        var seats: String
        var waiting: Int
        var myStatus: String?
        var canRegister: Bool
        var registerURL: String
        var calendarURL: String
        var jsonLD: String
        var past: Bool
        var minutes: String?
        var attendance: Int?
        var canReport: Bool
        var reportURL: String
        var registrants: [Person]
        var organisations: [ChoiceOption]
        var form: FormState
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let event = try await request.event()
        let me = try await request.signedIn()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog
        try await event.$place.load(on: request.db)
        let (organisers, registrations) = try await EventStore(database: request.db).details(of: event.id!)
        let confirmed = registrations.filter { $0.status == SeatStatus.confirmed.rawValue }
        let mine = registrations.first { $0.$person.id == me?.personID && $0.status != SeatStatus.cancelled.rawValue }
        let past = event.endsAt < request.now
        let canReport = try await mayReport(event, viewer: viewer, me: me?.personID, request)
        let placeFields = event.place.map { InventoryStore.decode($0.fields) } ?? [:]
        let access = placeFields["wheelchair_access"].map { catalog.text($0 == "yes" ? "event.access.yes" : "event.access.no") }
        let url = SiteRoute.event(slug: community.slug, event: event.id!.uuidString).path
        return try await request.render("events/show", ShowPage(
            layout: PageLayout(request, title: event.title, community: community, current: "agenda"),
            title: event.title, kind: kindLabel(event, catalog), when: when(event, request.language), description: event.description,
            place: event.place?.title ?? event.address,
            placeURL: event.place.map { SiteRoute.inventoryItem(slug: community.slug, item: $0.id!.uuidString).path }, access: access,
            organisers: organisers.filter { $0.role == "organiser" }.map(\.organisation.name),
            present: organisers.filter { $0.role == "present" }.map(\.organisation.name), cancelled: event.cancelled,
            seats: event.capacity.map { catalog.text("event.seatsLeft", count: max(0, $0 - confirmed.count)) } ?? catalog.text("event.freeEntry"),
            waiting: registrations.filter { $0.status == SeatStatus.waiting.rawValue }.count,
            myStatus: mine.map { catalog.text("event.my." + $0.status) }, canRegister: me != nil && !past && !event.cancelled,
            registerURL: SiteRoute.eventRegister(slug: community.slug, event: event.id!.uuidString).path,
            calendarURL: SiteRoute.eventCalendar(slug: community.slug, event: event.id!.uuidString).path,
            jsonLD: jsonLD(event, organisers: organisers.filter { $0.role == "organiser" }.map(\.organisation.name), url: url, request),
            past: past, minutes: event.minutes, attendance: event.attendance, canReport: canReport,
            reportURL: SiteRoute.eventReport(slug: community.slug, event: event.id!.uuidString).path,
            registrants: canReport ? confirmed.map { .init(id: $0.$person.id.uuidString, name: $0.person.shownName(catalog), attended: $0.attended) } : [],
            organisations: canReport ? try await OrganisationStore(database: request.db).organisations(in: community.id!)
                .map { organisation in ChoiceOption(value: organisation.id!.uuidString, label: organisation.name,
                                                    selected: organisers.contains { $0.role == "present" && $0.$organisation.id == organisation.id }) } : [],
            form: FormState(request)))
    }

    /// schema.org Event, for search engines and agendas that read it.
    static func jsonLD(_ event: EventRecord, organisers: [String], url: String, _ request: Request) -> String {
        let iso = ISO8601DateFormatter()
        iso.timeZone = ICalendar.timeZone
        iso.formatOptions = [.withInternetDateTime]
        var object: [String: Any] = [
            "@context": "https://schema.org", "@type": "Event", "name": event.title, "description": event.description,
            "startDate": iso.string(from: event.startsAt), "endDate": iso.string(from: event.endsAt),
            "eventStatus": event.cancelled ? "https://schema.org/EventCancelled" : "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": ["@type": "Place", "name": event.place?.title ?? event.address, "address": event.address.isEmpty ? (event.place?.title ?? "") : event.address],
            "url": (request.application.terreauConfig.publicURL?.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) ?? "") + url,
        ]
        if !organisers.isEmpty { object["organizer"] = organisers.map { ["@type": "Organization", "name": $0] } }
        if let capacity = event.capacity { object["maximumAttendeeCapacity"] = capacity }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Its author, an admin of an organising organisation, or a coordinator.
    static func mayReport(_ event: EventRecord, viewer: Viewer, me: UUID?, _ request: Request) async throws -> Bool {
        guard let me, viewer.isMember else { return false }
        if event.$createdBy.id == me || viewer.roles.contains(.coordinator) { return true }
        let store = OrganisationStore(database: request.db)
        for organisation in try await EventStore(database: request.db).organisingOrganisations(of: event.id!) where try await store.isAdmin(me, of: organisation) {
            return true
        }
        return false
    }
}

extension Request {
    /// The event named by `:event`, only inside the path's community.
    func event() async throws -> EventRecord { try await scoped("event", in: \.$community) }
}
