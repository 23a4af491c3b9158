import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// The fieldwork's home (campaigns, and for an interviewer their assignments and interviews),
/// campaigns with their coverage dashboard, the register of interviewers and their
/// assignments, and the log of staff reads.
enum FieldworkController {
    struct CampaignLine: Encodable {
        var name: String
        var url: String
        var kind: String
        var dates: String
        var portraits: String
        var perThousand: String
        var running: Bool
    }

    struct AssignmentLine: Encodable {
        var campaign: String
        var place: String
        var dates: String
        var running: Bool
    }

    struct InterviewLine: Encodable {
        var title: String
        var date: String
        var place: String
        var channel: String
        var url: String
    }

    struct HomePage: Encodable {
        var layout: PageLayout
        var methodURL: String
        var methodVersion: Int?
        var claimURL: String
        var campaigns: [CampaignLine]
        var isInterviewer: Bool
        var assignments: [AssignmentLine]
        var canInterview: Bool
        var interviewURL: String
        var paperEntryURL: String
        var paperFormsURL: String
        var interviews: [InterviewLine]
        var manage: Bool
        var newCampaignURL: String
        var interviewersURL: String
        var draftURL: String
        var staffReadsURL: String
        var fieldApp: FieldApp?
        var form: FormState
    }

    /// An interviewer's link to a field app: the server's address, their app password's state.
    struct FieldApp: Encodable {
        var serverURL: String
        var username: String?
        var createdAt: String?
        var lastUsed: String?
        var createURL: String
        var revokeURL: String
    }

    static func dates(_ range: DayRange, _ catalog: MessageCatalog, _ language: Language) -> String {
        range.last.map { catalog.text("fieldwork.dates", [language.formatDay(range.first), language.formatDay($0)]) }
            ?? catalog.text("fieldwork.since", [language.formatDay(range.first)])
    }

    @Sendable static func home(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.signedIn()?.personID
        let catalog = request.catalog, language = request.language, slug = community.slug, now = request.now
        let store = FieldworkStore(database: request.db)
        let places = try await CommunityPlaces.load(community, on: request.db)
        let territory = try await CommunityTerritory.load(community, on: request.db)
        var campaigns: [CampaignLine] = []
        for campaign in try await store.campaigns(of: community.id!) {
            let coverage = try await coverage(of: campaign, territory, request)
            campaigns.append(CampaignLine(name: campaign.name, url: SiteRoute.campaign(slug: slug, campaign: campaign.id!.uuidString).path,
                kind: catalog.text("campaign.kind." + campaign.kind), dates: dates(campaign.range, catalog, language),
                portraits: language.format(coverage.total.portraits), perThousand: language.formatPerThousand(coverage.total.perThousand),
                running: campaign.range.contains(now)))
        }
        var assignments: [AssignmentLine] = []
        var interviews: [InterviewLine] = []
        var isInterviewer = false
        var fieldApp: FieldApp?
        if let me, let interviewer = try await store.interviewer(me, in: community.id!) {
            isInterviewer = true
            let password = try await AppPasswordStore(database: request.db).active(of: me, in: community.id!)
            fieldApp = FieldApp(serverURL: OpenRosa.serverURL(request, community), username: password?.username,
                                createdAt: password.map { language.formatDate($0.createdAt) }, lastUsed: password?.lastUsedAt.map(language.formatDate),
                                createURL: SiteRoute.appPasswordCreate(slug: slug).path, revokeURL: SiteRoute.appPasswordRevoke(slug: slug).path)
            let mine = try await store.assignments(of: interviewer.id!)
            assignments = mine.map {
                AssignmentLine(campaign: $0.campaign.name, place: places.label(commune: $0.communeCode, neighbourhood: $0.neighbourhood) ?? catalog.text("fieldwork.wholeTerritory"),
                               dates: dates($0.range, catalog, language), running: $0.range.contains(now))
            }
            // What they entered, only while the assignment it was taken under runs.
            let running = mine.filter { $0.range.contains(now) }.compactMap(\.id)
            if !running.isEmpty {
                interviews = try await InterviewRecord.query(on: request.db).filter(\.$interviewer.$id == me).filter(\.$assignment.$id ~~ running)
                    .with(\.$item).sort(\.$recordedAt, .descending).all().map { interviewLine($0, places, catalog, language, slug) }
            }
        }
        let running = me == nil ? [] : try await store.runningAssignments(of: me!, in: community.id!, at: now)
        return try await request.render("fieldwork/home", HomePage(
            layout: PageLayout(request, title: catalog.text("fieldwork.title"), community: community, current: "fieldwork"),
            methodURL: SiteRoute.method(slug: slug).path, methodVersion: try await store.inForce(community.id!)?.number,
            claimURL: SiteRoute.claim(slug: slug).path, campaigns: campaigns, isInterviewer: isInterviewer, assignments: assignments,
            canInterview: !running.isEmpty || viewer.roles.contains(.coordinator),
            interviewURL: SiteRoute.interviewNew(slug: slug).path, paperEntryURL: SiteRoute.paperEntry(slug: slug).path,
            paperFormsURL: SiteRoute.paperForms(slug: slug).path, interviews: interviews,
            manage: Policy.allows(viewer, .manageFieldwork), newCampaignURL: SiteRoute.campaignNew(slug: slug).path,
            interviewersURL: SiteRoute.interviewers(slug: slug).path, draftURL: SiteRoute.methodDraft(slug: slug).path,
            staffReadsURL: SiteRoute.staffReads(slug: slug).path, fieldApp: fieldApp, form: FormState(request)))
    }

    static func interviewLine(_ interview: InterviewRecord, _ places: CommunityPlaces, _ catalog: MessageCatalog, _ language: Language, _ slug: String) -> InterviewLine {
        InterviewLine(title: interview.item?.title ?? catalog.text("interview.deleted"), date: language.formatDate(interview.recordedAt),
            place: places.label(commune: interview.communeCode, neighbourhood: interview.neighbourhood) ?? "—",
            channel: catalog.text("consent.channel." + interview.channel) + (interview.formNumber.map { " · n° " + $0 } ?? ""),
            url: SiteRoute.interview(slug: slug, interview: interview.id!.uuidString).path)
    }

    // MARK: Coverage

    /// Portraits recorded during the campaign (by interview or online; those kept to
    /// coordinators aside), against the census populations and the targets.
    static func coverage(of campaign: CampaignRecord, _ territory: CommunityTerritory, _ request: Request) async throws -> Coverage {
        let sql = request.db as! any SQLDatabase
        let calendar = CalendarDay.paris
        let start = calendar.startOfDay(for: campaign.firstDay)
        let end = campaign.lastDay.flatMap { calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: $0)) } ?? .distantFuture
        let rows = try await sql.raw("""
            SELECT commune_code, neighbourhood FROM inventory_items
            WHERE community_id = \(bind: campaign.$community.id) AND kind = 'portrait' AND visibility <> 'coordinators'
              AND created_at >= \(bind: start) AND created_at < \(bind: end)
            """).all()
        let portraits = try rows.map {
            Coverage.Portrait(commune: try $0.decode(column: "commune_code", as: String?.self), neighbourhood: try $0.decode(column: "neighbourhood", as: String?.self))
        }
        let interviews = try await InterviewRecord.query(on: request.db).filter(\.$campaign.$id == campaign.id!).all().compactMap { interview in
            interview.$interviewer.id.map { Coverage.Interview(commune: interview.communeCode, neighbourhood: interview.neighbourhood, interviewer: $0) }
        }
        let targets = try await FieldworkStore(database: request.db).targets(of: campaign.id!)
        return Coverage(communes: territory.communes.map { ($0.code, $0.name, $0.population) },
            neighbourhoods: territory.neighbourhoods.map {
                Coverage.Neighbourhood(slug: $0.record.slug, name: $0.record.name, communes: $0.communeCodes,
                                       population: $0.population, drawn: $0.record.geometry != nil)
            },
            portraits: portraits, interviews: interviews, targets: targets, totalName: request.catalog.text("coverage.total"))
    }

    struct PlaceLine: Encodable {
        var name: String
        var population: String
        var portraits: String
        var perThousand: String
        var target: String
        var progress: Int?
        var progressText: String
        var interviewers: String
        var tone: Int
    }

    struct Legend: Encodable {
        var tone: Int
        var label: String
    }

    struct CampaignPage: Encodable {
        var layout: PageLayout
        var name: String
        var kind: String
        var dates: String
        var censusYear: Int
        var total: PlaceLine
        var communes: [PlaceLine]
        var neighbourhoods: [PlaceLine]
        var chart: BarChart
        var chartDescription: String
        var map: MapView?
        var legend: [Legend]
        var fieldworkURL: String
    }

    static func line(_ place: Coverage.Place, _ catalog: MessageCatalog, _ language: Language) -> PlaceLine {
        PlaceLine(name: place.name, population: place.population.map(language.format) ?? "—", portraits: language.format(place.portraits),
            perThousand: language.formatPerThousand(place.perThousand), target: place.target.map(language.format) ?? "—",
            progress: place.progress.map { Int(($0 * 100).rounded()) },
            progressText: place.progress.map { language.formatPercent($0) } ?? "—",
            interviewers: language.format(place.interviewers), tone: Coverage.tone(place.perThousand))
    }

    @Sendable static func campaign(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let campaign: CampaignRecord = try await request.scoped("campaign", in: \.$community)
        let catalog = request.catalog, language = request.language
        let territory = try await CommunityTerritory.load(community, on: request.db)
        let coverage = try await coverage(of: campaign, territory, request)
        let communes = coverage.communes.map { line($0, catalog, language) }
        let chart = BarChart(coverage.communes.map { ($0.name, $0.perThousand ?? 0, language.formatPerThousand($0.perThousand), Coverage.tone($0.perThousand)) })
        let tones = Dictionary(coverage.communes.map { ($0.id, Coverage.tone($0.perThousand)) }, uniquingKeysWith: { first, _ in first })
        let map = territory.map(tones: tones).map {
            MapView(map: $0, description: catalog.text("coverage.map.description", count: $0.communes.count), palette: "cover")
        }
        let bounds = Coverage.toneBounds
        let legend = [Legend(tone: 0, label: catalog.text("coverage.legend.none"))]
            + (1..<bounds.count).map { Legend(tone: $0, label: catalog.text("coverage.legend.range", [language.formatPerThousand(bounds[$0 - 1]), language.formatPerThousand(bounds[$0])])) }
            + [Legend(tone: bounds.count, label: catalog.text("coverage.legend.above", [language.formatPerThousand(bounds.last!)]))]
        return try await request.render("fieldwork/campaign", CampaignPage(
            layout: PageLayout(request, title: campaign.name, community: community, current: "fieldwork"),
            name: campaign.name, kind: catalog.text("campaign.kind." + campaign.kind), dates: dates(campaign.range, catalog, language),
            censusYear: campaign.censusYear, total: line(coverage.total, catalog, language), communes: communes,
            neighbourhoods: coverage.neighbourhoods.map { line($0, catalog, language) }, chart: chart,
            chartDescription: catalog.text("coverage.chart.description", [campaign.name]), map: map, legend: legend,
            fieldworkURL: SiteRoute.fieldwork(slug: community.slug).path))
    }

    // MARK: New campaign

    struct TargetField: Encodable {
        var name: String
        var label: String
        var value: String
        var error: String?
    }

    struct CampaignForm: Encodable {
        var layout: PageLayout
        var form: FormState
        var kinds: [ChoiceOption]
        var communes: [TargetField]
        var neighbourhoods: [TargetField]
        var action: String
    }

    static func targetFields(_ places: [(String, String)], prefix: String, _ values: [String: String], _ errors: [String: String]) -> [TargetField] {
        places.map { TargetField(name: prefix + $0.0, label: $0.1, value: values[prefix + $0.0] ?? "", error: errors[prefix + $0.0]) }
    }

    static func campaignForm(_ request: Request, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog
        let places = try await CommunityPlaces.load(community, on: request.db)
        return try await request.render("fieldwork/campaign-new", CampaignForm(
            layout: PageLayout(request, title: catalog.text("campaign.new.title"), community: community, current: "fieldwork"), form: form,
            kinds: ChoiceOption.list(CampaignKind.allCases, labels: "campaign.kind.", catalog) { form.values["kind"] == $0.rawValue },
            communes: targetFields(places.communes.map { ($0.code, $0.name) }, prefix: "target_commune_", form.values, form.errors),
            neighbourhoods: targetFields(places.neighbourhoods.map { ($0.slug, $0.name) }, prefix: "target_area_", form.values, form.errors),
            action: SiteRoute.campaignCreate(slug: community.slug).path), status: status)
    }

    @Sendable static func newCampaign(_ request: Request) async throws -> Response {
        let year = CalendarDay.paris.component(.year, from: request.now)
        return try await campaignForm(request, form: FormState(request, values: ["kind": CampaignKind.global.rawValue, "census_year": String(year - 3),
            "first_day": CalendarDay.format(request.now)]))
    }

    @Sendable static func createCampaign(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let places = try await CommunityPlaces.load(community, on: request.db)
        var form = FormState(request)
        for name in ["kind", "name", "first_day", "last_day", "census_year"] { form.values[name] = request.field(name) }
        var targets: [String: String] = [:], placeOfField: [String: String] = [:]
        for (prefix, keys) in [("target_commune_", places.communes.map(\.code)), ("target_area_", places.neighbourhoods.map(\.slug))] {
            for key in keys {
                form.values[prefix + key] = request.field(prefix + key)
                targets[key] = request.field(prefix + key)
                placeOfField[key] = prefix + key
            }
        }
        let kind = CampaignKind(rawValue: form.values["kind"]!)
        if kind == nil { form.fail("kind", catalog.text("campaign.error.kind")) }
        let checked = CampaignRules.check(kind: kind ?? .global, name: form.values["name"]!, first: form.values["first_day"]!, last: form.values["last_day"]!,
            censusYear: form.values["census_year"]!, targets: targets, currentYear: CalendarDay.paris.component(.year, from: request.now))
        for problem in checked.problems {
            switch problem {
            case .missingName: form.fail("name", catalog.text("campaign.error.name"))
            case .badFirstDay: form.fail("first_day", catalog.text("campaign.error.firstDay"))
            case .badLastDay: form.fail("last_day", catalog.text("campaign.error.lastDay"))
            case .lastBeforeFirst: form.fail("last_day", catalog.text("campaign.error.order"))
            case .badCensusYear: form.fail("census_year", catalog.text("campaign.error.censusYear"))
            case .badTarget(let place): form.fail(placeOfField[place] ?? place, catalog.text("campaign.error.target"))
            }
        }
        guard let kind, let range = checked.range, let year = checked.year, !form.hasErrors else {
            return try await campaignForm(request, form: form, status: .unprocessableEntity)
        }
        let campaign = CampaignRecord()
        campaign.$community.id = community.id!
        campaign.kind = kind.rawValue
        campaign.name = form.values["name"]!
        campaign.firstDay = range.first
        campaign.lastDay = range.last
        campaign.censusYear = year
        campaign.$createdBy.id = me.personID
        campaign.createdAt = request.now
        try await FieldworkStore(database: request.db).createCampaign(campaign, targets: checked.targets)
        request.flash(catalog.text("campaign.created"))
        return request.seeOther(.campaign(slug: community.slug, campaign: campaign.id!.uuidString))
    }

    // MARK: Interviewers

    struct InterviewerLine: Encodable {
        var id: String
        var name: String
        var trained: String
        var charter: String
        var assignments: [AssignmentLine]
        var assignURL: String
    }

    struct InterviewersPage: Encodable {
        var layout: PageLayout
        var interviewers: [InterviewerLine]
        var candidates: [ChoiceOption]
        var campaigns: [ChoiceOption]
        var places: [ChoiceOption]
        var form: FormState
        var assignment: FormState
        var assignmentFor: String
        var action: String
        var hasCampaigns: Bool
    }

    static func interviewersPage(_ request: Request, form: FormState? = nil, assignment: FormState? = nil, assignmentFor: String = "",
                                 status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog, language = request.language, slug = community.slug
        let store = FieldworkStore(database: request.db)
        let places = try await CommunityPlaces.load(community, on: request.db)
        let interviewers = try await InterviewerRecord.query(on: request.db).filter(\.$community.$id == community.id!).with(\.$person).all()
        var lines: [InterviewerLine] = []
        for interviewer in interviewers.sorted(by: { $0.person.displayName < $1.person.displayName }) {
            lines.append(InterviewerLine(id: interviewer.id!.uuidString, name: interviewer.person.shownName(catalog),
                trained: catalog.text("interviewer.trainedOn", [language.formatDay(interviewer.trainedOn), interviewer.trainer]),
                charter: catalog.text("interviewer.charterOn", [language.formatDay(interviewer.charterAcceptedAt)]),
                assignments: try await store.assignments(of: interviewer.id!).map {
                    AssignmentLine(campaign: $0.campaign.name, place: places.label(commune: $0.communeCode, neighbourhood: $0.neighbourhood) ?? catalog.text("fieldwork.wholeTerritory"),
                                   dates: dates($0.range, catalog, language), running: $0.range.contains(request.now))
                },
                assignURL: SiteRoute.assignmentCreate(slug: slug, interviewer: interviewer.id!.uuidString).path))
        }
        let registered = Set(interviewers.map(\.$person.id))
        let members = try await MembershipRecord.query(on: request.db).filter(\.$community.$id == community.id!).with(\.$person).all()
            .filter { !registered.contains($0.$person.id) && $0.person.erasedAt == nil }.sorted { $0.person.displayName < $1.person.displayName }
        let form = form ?? FormState(request, values: ["trained_on": CalendarDay.format(request.now)])
        let assignment = assignment ?? FormState(request)
        let campaigns = try await store.campaigns(of: community.id!).filter { !$0.range.isOver(at: request.now) }
        return try await request.render("fieldwork/interviewers", InterviewersPage(
            layout: PageLayout(request, title: catalog.text("interviewers.title"), community: community, current: "fieldwork"),
            interviewers: lines,
            candidates: members.map { ChoiceOption(value: $0.$person.id.uuidString, label: $0.person.displayName, selected: form.values["person"] == $0.$person.id.uuidString) },
            campaigns: campaigns.map { ChoiceOption(value: $0.id!.uuidString, label: $0.name, selected: assignment.values["campaign"] == $0.id!.uuidString) },
            places: [ChoiceOption(value: "", label: catalog.text("fieldwork.wholeTerritory"), selected: (assignment.values["place"] ?? "").isEmpty)]
                + places.communes.map { ChoiceOption(value: "commune:" + $0.code, label: $0.name, selected: assignment.values["place"] == "commune:" + $0.code) }
                + places.neighbourhoods.map { ChoiceOption(value: "area:" + $0.slug, label: $0.name, selected: assignment.values["place"] == "area:" + $0.slug) },
            form: form, assignment: assignment, assignmentFor: assignmentFor, action: SiteRoute.interviewerCreate(slug: slug).path,
            hasCampaigns: !campaigns.isEmpty), status: status)
    }

    @Sendable static func interviewers(_ request: Request) async throws -> Response { try await interviewersPage(request) }

    /// Registering a trained interviewer: their training, its trainer, the interviewer charter
    /// accepted; they are given the interviewer role.
    @Sendable static func registerInterviewer(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        var form = FormState(request)
        for name in ["person", "trained_on", "trainer", "charter"] { form.values[name] = request.field(name) }
        let person = UUID(uuidString: form.values["person"]!)
        let membership = try await person.asyncFlatMap { id in
            try await MembershipRecord.query(on: request.db).filter(\.$community.$id == community.id!).filter(\.$person.$id == id).first()
        }
        if membership == nil { form.fail("person", catalog.text("interviewer.error.person")) }
        let trained = CalendarDay.parse(form.values["trained_on"]!)
        if trained == nil || trained! > request.now { form.fail("trained_on", catalog.text("interviewer.error.trainedOn")) }
        let trainer = form.values["trainer"]!
        if trainer.isEmpty || trainer.count > 120 { form.fail("trainer", catalog.text("interviewer.error.trainer")) }
        if form.values["charter"] != "yes" { form.fail("charter", catalog.text("interviewer.error.charter")) }
        let store = FieldworkStore(database: request.db)
        if let person, try await store.interviewer(person, in: community.id!) != nil { form.fail("person", catalog.text("interviewer.error.already")) }
        guard let membership, let trained, !form.hasErrors else { return try await interviewersPage(request, form: form, status: .unprocessableEntity) }
        try await request.db.writing { database in
            let interviewer = InterviewerRecord()
            interviewer.$community.id = community.id!
            interviewer.$person.id = membership.$person.id
            interviewer.trainedOn = trained
            interviewer.trainer = trainer
            interviewer.charterVersion = FieldworkPolicy.interviewerCharterVersion
            interviewer.charterAcceptedAt = request.now
            interviewer.$registeredBy.id = me.personID
            interviewer.registeredAt = request.now
            try await interviewer.create(on: database)
            var roles = Role.parse(membership.roles)
            roles.insert(.interviewer)
            membership.roles = Role.store(roles)
            try await membership.update(on: database)
        }
        request.flash(catalog.text("interviewer.registered"))
        return request.seeOther(.interviewers(slug: community.slug))
    }

    @Sendable static func assign(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let interviewer: InterviewerRecord = try await request.scoped("interviewer", in: \.$community)
        var form = FormState(request)
        for name in ["campaign", "place", "first_day", "last_day"] { form.values[name] = request.field(name) }
        let campaign = try await UUID(uuidString: form.values["campaign"]!).asyncFlatMap { id in
            try await CampaignRecord.query(on: request.db).filter(\.$id == id).filter(\.$community.$id == community.id!).first()
        }
        if campaign == nil { form.fail("campaign", catalog.text("assignment.error.campaign")) }
        let places = try await CommunityPlaces.load(community, on: request.db)
        let place = form.values["place"]!
        var commune: String?, area: String?
        if place.hasPrefix("commune:") { commune = String(place.dropFirst(8)) } else if place.hasPrefix("area:") { area = String(place.dropFirst(5)) }
        if !place.isEmpty && !(commune.map { code in places.communes.contains { $0.code == code } } ?? area.map { slug in places.neighbourhoods.contains { $0.slug == slug } } ?? false) {
            form.fail("place", catalog.text("assignment.error.place"))
        }
        // The campaign's dates unless others are given, inside them.
        let first = form.values["first_day"]!.isEmpty ? campaign?.firstDay : CalendarDay.parse(form.values["first_day"]!)
        let last = form.values["last_day"]!.isEmpty ? campaign?.lastDay : CalendarDay.parse(form.values["last_day"]!)
        if first == nil { form.fail("first_day", catalog.text("campaign.error.firstDay")) }
        if last == nil { form.fail("last_day", catalog.text("assignment.error.lastDay")) }
        if let first, let last, last < first { form.fail("last_day", catalog.text("campaign.error.order")) }
        if let campaign, let first, let last, !campaign.range.contains(first) || !campaign.range.contains(last) {
            form.fail("first_day", catalog.text("assignment.error.outside"))
        }
        guard let campaign, let first, let last, !form.hasErrors else {
            return try await interviewersPage(request, assignment: form, assignmentFor: interviewer.id!.uuidString, status: .unprocessableEntity)
        }
        let assignment = AssignmentRecord()
        assignment.$interviewer.id = interviewer.id!
        assignment.$campaign.id = campaign.id!
        assignment.communeCode = commune
        assignment.neighbourhood = area
        assignment.firstDay = first
        assignment.lastDay = last
        assignment.$assignedBy.id = me.personID
        assignment.assignedAt = request.now
        try await assignment.create(on: request.db)
        try await Notifier(request).notify(interviewer.$person.id, kind: .membership, community: community.id,
            key: "notification.assigned", arguments: [campaign.name, places.label(commune: commune, neighbourhood: area) ?? catalog.text("fieldwork.wholeTerritory")],
            link: SiteRoute.fieldwork(slug: community.slug).path)
        request.flash(catalog.text("assignment.created"))
        return request.seeOther(.interviewers(slug: community.slug))
    }

    // MARK: Staff reads (quality S16)

    struct ReadLine: Encodable {
        var date: String
        var reader: String
        var subject: String
        var what: String
    }

    struct ReadsPage: Encodable {
        var layout: PageLayout
        var reads: [ReadLine]
    }

    @Sendable static func staffReads(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog, language = request.language
        let reads = try await StaffReadRecord.query(on: request.db).filter(\.$community.$id == community.id!).with(\.$reader).with(\.$subject)
            .sort(\.$readAt, .descending).limit(500).all()
        return try await request.render("fieldwork/reads", ReadsPage(
            layout: PageLayout(request, title: catalog.text("reads.title"), community: community, current: "fieldwork"),
            reads: reads.map { ReadLine(date: language.formatDate($0.readAt), reader: $0.reader?.shownName(catalog) ?? catalog.text("person.erased"),
                                        subject: $0.subject.shownName(catalog), what: catalog.text("reads.what." + $0.what)) }))
    }
}

extension Optional {
    /// `flatMap` for an async transform.
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
