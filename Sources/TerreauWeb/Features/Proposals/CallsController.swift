import Fluent
import TerreauCore
import Vapor

/// Calls for support: coordinators open one on the seed's three criteria plus the community's
/// own; organisations apply with the projects they carry, then evaluate each other's (never
/// their own); grades are aggregated by medians into a provisional ranking, until the community
/// decides the priorities by a vote between organisations.
enum CallsController {
    static func decode(_ json: String) -> [String] { (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? [] }

    /// A criterion as shown: the seed's are keys of the catalogue, the community's are its words.
    static func label(_ criterion: String, _ catalog: MessageCatalog) -> String {
        CallCriteria.seed.contains(criterion) ? catalog.text("call.criterion." + criterion) : criterion
    }

    // MARK: List and creation

    struct ListPage: Encodable {
        struct Item: Encodable {
            var title: String
            var url: String
            var phase: String
            var applications: Int
            var closes: String
        }
        var layout: PageLayout
        var items: [Item]
        var newURL: String?
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog
        let (calls, applications) = try await CallStore(database: request.db).calls(in: community.id!)
        return try await request.render("proposals/calls", ListPage(
            layout: PageLayout(request, title: catalog.text("calls.title"), community: community, current: "proposals"),
            items: calls.map { call in
                .init(title: call.title, url: SiteRoute.call(slug: community.slug, call: call.id!.uuidString).path,
                      phase: catalog.text("call.phase." + call.phase), applications: applications.filter { $0.$call.id == call.id }.count,
                      closes: request.language.formatDay(call.applicationsClose))
            },
            newURL: Policy.allows(viewer, .manageCalls) ? SiteRoute.callNew(slug: community.slug).path : nil))
    }

    struct NewPage: Encodable {
        var layout: PageLayout
        var form: FormState
        var seed: [String]
        var action: String
    }

    @Sendable static func new(_ request: Request) async throws -> Response {
        try await newPage(request, form: FormState(request, values: ["grades": MajorityJudgmentTally.defaultGrades.joined(separator: "\n")]))
    }

    static func newPage(_ request: Request, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog
        return try await request.render("proposals/call-new", NewPage(
            layout: PageLayout(request, title: catalog.text("call.new.title"), community: community, current: "proposals"),
            form: form, seed: CallCriteria.seed.map { label($0, catalog) }, action: SiteRoute.callCreate(slug: community.slug).path), status: status)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let values = ["title", "description", "criteria", "grades", "closes"].reduce(into: [String: String]()) { $0[$1] = request.field($1) }
        var form = FormState(request, values: values)
        if values["title"]!.isEmpty || values["title"]!.count > 200 { form.fail("title", catalog.text("call.error.title")) }
        if values["description"]!.count < 20 || values["description"]!.count > 10_000 { form.fail("description", catalog.text("call.error.description")) }
        let extra = values["criteria"]!.formLines
        if extra.count > 7 || extra.contains(where: { $0.count > 120 }) || Set(extra).count != extra.count { form.fail("criteria", catalog.text("call.error.criteria")) }
        let grades = values["grades"]!.formLines
        if grades.count < 3 || grades.count > 10 || Set(grades).count != grades.count { form.fail("grades", catalog.text("call.error.grades")) }
        let closes = CalendarDay.parse(values["closes"]!)
        if closes == nil || closes! < CalendarDay.paris.startOfDay(for: request.now) { form.fail("closes", catalog.text("call.error.closes")) }
        guard !form.hasErrors, let closes else { return try await newPage(request, form: form, status: .unprocessableEntity) }
        let call = CallRecord()
        call.$community.id = community.id!
        call.title = values["title"]!
        call.description = values["description"]!
        call.criteria = DecisionStore.json(CallCriteria.seed + extra)
        call.grades = DecisionStore.json(grades)
        call.phase = CallPhase.applications.rawValue
        // Applications are taken through the last day, Paris time.
        call.applicationsClose = CalendarDay.paris.date(byAdding: .day, value: 1, to: closes) ?? closes
        call.$createdBy.id = me.personID
        call.createdAt = request.now
        try await CallStore(database: request.db).create(call)
        request.flash(catalog.text("call.created"))
        return request.seeOther(.call(slug: community.slug, call: call.id!.uuidString))
    }

    // MARK: A call's page

    struct ShowPage: Encodable {
        struct Row: Encodable {
            var place: Int
            var title: String
            var url: String
            var organisation: String
            var overall: String
            var medians: [String]
            var evaluators: Int
        }
        struct Grid: Encodable {
            struct Project: Encodable {
                var id: String
                var title: String
                /// Why the person abstains on this project (a tie the rules count), or nil.
                var abstention: String?
                var criteria: [Criterion]
            }
            struct Criterion: Encodable {
                var index: Int
                var label: String
                var options: [ChoiceOption]
            }
            var evaluator: String
            var evaluatorName: String
            var projects: [Project]
        }
        var layout: PageLayout
        var title: String
        var description: String
        var phase: String
        var phaseKey: String
        var closes: String
        var criteria: [String]
        var grades: [String]
        var rows: [Row]
        var provisional: Bool
        var decisionURL: String?
        var canApply: [ChoiceOption]
        var applyURL: String
        var grids: [Grid]
        var evaluateURL: String
        var steps: [ChoiceOption]
        var stepURL: String
        var form: FormState
        /// The community's conflict-of-interest rule, in words.
        var conflictRule: String
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let call = try await request.call()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.signedIn()
        let catalog = request.catalog
        let criteria = decode(call.criteria), grades = decode(call.grades)
        let phase = CallPhase(rawValue: call.phase) ?? .applications
        let store = CallStore(database: request.db)
        let applications = try await store.applications(to: call)
        let result = try await store.ranking(applications, criteria: criteria.count, grades: grades.count)
        var rows: [ShowPage.Row] = []
        for (place, group) in result.ranking.enumerated() {
            for index in group {
                let application = applications[index]
                rows.append(.init(place: place + 1, title: application.proposal.title,
                    url: SiteRoute.proposal(slug: community.slug, proposal: application.$proposal.id.uuidString, view: nil).path,
                    organisation: application.organisation.name, overall: result.overall[index].map { grades[$0] } ?? "—",
                    medians: result.medians[index].map { $0.map { grades[$0] } ?? "—" }, evaluators: result.evaluators[index]))
            }
        }
        var canApply: [ChoiceOption] = [], grids: [ShowPage.Grid] = []
        if let me {
            let mine = try await OrganisationStore(database: request.db).adminOrganisations(of: me.personID).filter { $0.$community.id == community.id }
            if phase == .applications, request.now < call.applicationsClose {
                let applied = Set(applications.map(\.$proposal.id))
                let carried = try await store.projects(carriedBy: mine.compactMap(\.id))
                canApply = carried.filter { !applied.contains($0.id!) && ![ProposalStatus.withdrawn.rawValue, ProposalStatus.rejected.rawValue].contains($0.status) }
                    .map { ChoiceOption(value: $0.id!.uuidString, label: $0.title, selected: false) }
            }
            if phase == .evaluation {
                let given = try await store.grades(of: applications.compactMap(\.id))
                let conflicts = try await ProposalStore(database: request.db).conflicts(of: me.personID, in: applications, community: community.id!)
                grids = mine.map { organisation in
                    ShowPage.Grid(evaluator: organisation.id!.uuidString, evaluatorName: organisation.name,
                        projects: applications.filter { $0.$organisation.id != organisation.id }.map { application in
                            let tie = conflicts[application.id!]
                            return .init(id: application.id!.uuidString, title: application.proposal.title,
                                  abstention: tie.map { catalog.text("call.conflict." + $0.rawValue) },
                                  criteria: tie != nil ? [] : criteria.enumerated().map { index, criterion in
                                let current = given.first { $0.$application.id == application.id && $0.$evaluator.id == organisation.id && $0.criterion == index }?.grade
                                return .init(index: index, label: label(criterion, catalog),
                                    options: grades.enumerated().map { ChoiceOption(value: String($0.offset), label: $0.element, selected: $0.offset == current) })
                            })
                        })
                }.filter { !$0.projects.isEmpty }
            }
        }
        let steps = Policy.allows(viewer, .manageCalls) ? CallStep.allCases.filter { $0 != .recordDecision && PeerEvaluation.next(phase, $0) != nil } : []
        return try await request.render("proposals/call", ShowPage(
            layout: PageLayout(request, title: call.title, community: community, current: "proposals"),
            title: call.title, description: call.description, phase: catalog.text("call.phase." + call.phase), phaseKey: call.phase,
            closes: request.language.formatDay(call.applicationsClose.addingTimeInterval(-1)),
            criteria: criteria.map { label($0, catalog) }, grades: grades, rows: rows, provisional: phase != .decided,
            decisionURL: call.$decision.id.map { SiteRoute.decision(slug: community.slug, decision: $0.uuidString).path },
            canApply: canApply, applyURL: SiteRoute.callApply(slug: community.slug, call: call.id!.uuidString).path,
            grids: grids, evaluateURL: SiteRoute.callEvaluate(slug: community.slug, call: call.id!.uuidString).path,
            steps: steps.map { ChoiceOption(value: $0.rawValue, label: catalog.text("call.step." + $0.rawValue), selected: false) },
            stepURL: SiteRoute.callStep(slug: community.slug, call: call.id!.uuidString).path, form: FormState(request),
            conflictRule: RulesForm.conflictRule(try await DecisionStore(database: request.db).governance(of: community.id!), catalog)))
    }

    // MARK: Applying, evaluating, moving on

    /// An organisation's admin applies with a project the organisation carries.
    @Sendable static func apply(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let call = try await request.call()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let back = SiteRoute.call(slug: community.slug, call: call.id!.uuidString)
        guard call.phase == CallPhase.applications.rawValue, request.now < call.applicationsClose else {
            request.flash(catalog.text("call.error.applicationsClosed"))
            return request.seeOther(back)
        }
        guard let id = UUID(uuidString: request.field("proposal")),
            let proposal = try await ProposalStore(database: request.db).proposal(id, in: community.id!),
            let carrier = proposal.$organisation.id
        else { throw Abort(.badRequest) }
        guard try await OrganisationStore(database: request.db).isAdmin(me.personID, of: carrier) else { throw Abort(.forbidden) }
        let application = CallApplicationRecord()
        application.$call.id = call.id!
        application.$proposal.id = id
        application.$organisation.id = carrier
        application.createdAt = request.now
        guard try await CallStore(database: request.db).apply(application) else {
            request.flash(catalog.text("call.error.alreadyApplied"))
            return request.seeOther(back)
        }
        request.flash(catalog.text("call.applied", [proposal.title]))
        return request.seeOther(back)
    }

    /// An organisation's admin grades the other organisations' projects on every criterion;
    /// a grade on its own project, or on a project the person is tied to as the community's rules
    /// say (author, co-author, member or admin of an organisation that carries or backs it), is
    /// refused, and nothing of that form is stored.
    @Sendable static func evaluate(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let call = try await request.call()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let back = SiteRoute.call(slug: community.slug, call: call.id!.uuidString)
        guard let evaluator = UUID(uuidString: request.field("evaluator")),
            try await OrganisationStore(database: request.db).organisation(evaluator, in: community.id!) != nil
        else { throw Abort(.badRequest) }
        guard try await OrganisationStore(database: request.db).isAdmin(me.personID, of: evaluator) else { throw Abort(.forbidden) }
        let criteria = decode(call.criteria).count, scale = decode(call.grades).count
        let store = CallStore(database: request.db)
        let applications = try await store.applications(to: call)
        let conflicts = try await ProposalStore(database: request.db).conflicts(of: me.personID, in: applications, community: community.id!)
        var given: [(CallApplicationRecord, Int, Int)] = []
        for application in applications {
            for criterion in 0..<criteria {
                let field = request.field("grade-\(application.id!.uuidString)-\(criterion)")
                guard !field.isEmpty else { continue }
                do {
                    try PeerEvaluation.check(evaluator: evaluator, applicant: application.$organisation.id, criterion: criterion, grade: Int(field) ?? -1,
                                             criteria: criteria, grades: scale, phase: CallPhase(rawValue: call.phase) ?? .applications)
                } catch {
                    request.flash(catalog.text("call.error.grade." + error.rawValue))
                    return request.seeOther(back)
                }
                // A tie through any of the person's organisations, not only the evaluating one.
                if let tie = conflicts[application.id!] {
                    request.flash(catalog.text("call.error.conflict", [application.proposal.title, catalog.text("call.conflict." + tie.rawValue)]))
                    return request.seeOther(back)
                }
                given.append((application, criterion, Int(field)!))
            }
        }
        try await store.grade(given.map { (application: $0.0.id!, criterion: $0.1, grade: $0.2) }, by: evaluator, person: me.personID, now: request.now)
        request.flash(catalog.text("call.evaluated", count: given.count))
        return request.seeOther(back)
    }

    /// Coordinators close applications, then submit the priorities to the community's vote
    /// between organisations, with a method the rules allow for priorities.
    @Sendable static func step(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let call = try await request.call()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let back = SiteRoute.call(slug: community.slug, call: call.id!.uuidString)
        guard let step = CallStep(rawValue: request.field("step")), step != .recordDecision,
            let next = PeerEvaluation.next(CallPhase(rawValue: call.phase) ?? .applications, step)
        else {
            request.flash(catalog.text("call.error.step"))
            return request.seeOther(back)
        }
        if step == .submitToDecision {
            let applications = try await CallStore(database: request.db).applications(to: call)
            let store = DecisionStore(database: request.db)
            let rules = try await store.governance(of: community.id!)
            let methods = rules.rule(for: .priorities).methods.filter { !$0.decidesOneProposal }
            guard applications.count >= 2, let method = methods.contains(.majorityJudgment) ? .majorityJudgment : methods.first else {
                request.flash(catalog.text(applications.count < 2 ? "call.error.fewApplications" : "call.error.noMethod"))
                return request.seeOther(back)
            }
            let decision = try await store.createDraft(.init(kind: .priorities, method: method, title: catalog.text("call.decisionTitle", [call.title]),
                text: call.description, options: applications.map(\.proposal.title), grades: MajorityJudgmentTally.defaultGrades, settings: [:], proposed: nil),
                community: community.id!, author: me.personID, rules: rules, now: request.now)
            call.$decision.id = decision.id
        }
        call.phase = next.rawValue
        try await CallStore(database: request.db).update(call)
        request.flash(catalog.text("call.moved", [catalog.text("call.phase." + next.rawValue)]))
        return request.seeOther(back)
    }
}

extension Request {
    /// The call named by `:call`, only inside the path's community.
    func call() async throws -> CallRecord { try await scoped("call", in: \.$community) }
}
