import Fluent
import Foundation
import TerreauCore
import Vapor

/// The interview: consent first (quality S12), then the questionnaire in force; a claim code
/// for the resident; the same form keyed in from paper; an offline mode (service worker and a
/// queue on the device, sent with an idempotency key) on top of a form that works without
/// JavaScript.
enum InterviewController {
    struct Choice: Encodable {
        var id: String
        var value: String
        var label: String
        var checked: Bool
    }

    struct AnswerField: Encodable {
        var key: String
        var name: String
        var id: String
        var number: Int
        var label: String
        var help: String
        var kind: String
        var required: Bool
        var value: String
        var choices: [Choice]
        /// Long lists (communes, neighbourhoods) as a select rather than radio buttons.
        var asSelect: Bool
        var grid: [GridRow]
        var occasionally: Bool
        var error: String?
    }

    struct GridRow: Encodable {
        var day: String
        var cells: [Choice]
    }

    struct SectionForm: Encodable {
        var title: String
        var fields: [AnswerField]
    }

    struct FormPage: Encodable {
        var layout: PageLayout
        var paper: Bool
        var version: Int
        var consentText: String
        var sections: [SectionForm]
        var visibilities: [Choice]
        var consentChecked: Bool
        var contactChecked: Bool
        var formNumber: String
        var assignments: [ChoiceOption]
        var errors: [String]
        var consentError: String?
        var visibilityError: String?
        var formNumberError: String?
        var idempotencyKey: String
        var claimCode: String
        var action: String
        var workerURL: String
        var scope: String
        var claimURL: String
        var fieldworkURL: String
        var communityName: String
        var form: FormState
    }

    /// What the interviewer may record under: their running assignments (coordinators may
    /// also record outside any, into the running campaign).
    struct Context {
        var community: CommunityRecord
        var me: UUID
        var version: QuestionnaireVersionRecord
        var assignments: [AssignmentRecord]
        var isCoordinator: Bool
        var places: CommunityPlaces
    }

    static func context(_ request: Request) async throws -> Context {
        let community = try await request.community()
        let me = try await request.requireSignedIn().personID
        let viewer = try await Access.viewer(in: community, request)
        let store = FieldworkStore(database: request.db)
        let assignments = try await store.runningAssignments(of: me, in: community.id!, at: request.now)
        let isCoordinator = viewer.roles.contains(.coordinator)
        guard isCoordinator || !assignments.isEmpty else {
            throw ExplainedRefusal(status: .forbidden, reason: request.catalog.text("interview.error.noAssignment"))
        }
        guard let version = try await store.inForce(community.id!) else {
            throw ExplainedRefusal(status: .conflict, reason: request.catalog.text("interview.error.noQuestionnaire"))
        }
        return Context(community: community, me: me, version: version, assignments: assignments, isCoordinator: isCoordinator,
                       places: try await CommunityPlaces.load(community, on: request.db))
    }

    static func fields(_ questionnaire: Questionnaire, _ places: CommunityPlaces, typed: [String: [String]], errors: [String: String],
                       _ catalog: MessageCatalog) -> [SectionForm] {
        var number = 0
        return questionnaire.sections.map { section in
            SectionForm(title: section.title, fields: section.questions.map { question in
                number += 1
                let values = typed[question.key] ?? []
                let id = "q-" + question.key
                let choices = QuestionText.optionLabels(question, places, catalog).enumerated().map { index, option in
                    Choice(id: id + "-\(index)", value: option.value, label: option.label, checked: values.contains(option.value))
                }
                let grid = question.kind == .availability ? Availability.days.map { day in
                    GridRow(day: catalog.text("availability.day." + day), cells: Availability.parts.map { part in
                        let slot = day + "-" + part
                        return Choice(id: id + "-" + slot, value: slot, label: catalog.text("availability.part." + part), checked: values.contains(slot))
                    })
                } : []
                return AnswerField(key: question.key, name: "a_" + question.key, id: id, number: number, label: question.label, help: question.help,
                    kind: question.kind.rawValue, required: question.required, value: values.joined(separator: "\n"), choices: choices,
                    asSelect: question.kind == .singleChoice && choices.count > 8, grid: grid,
                    occasionally: values.contains(Availability.occasionally), error: errors[question.key])
            })
        }
    }

    static func page(_ request: Request, _ context: Context, paper: Bool, version: QuestionnaireVersionRecord, typed: [String: [String]] = [:],
                     values: [String: String] = [:], errors: [String: String] = [:], pageErrors: [String] = [], consentError: String? = nil,
                     visibilityError: String? = nil, formNumberError: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let catalog = request.catalog, slug = context.community.slug
        let visibility = values["visibility"] ?? ""
        let visibilities = [Visibility.public, .members, .statistics].map {
            Choice(id: "visibility-" + $0.rawValue, value: $0.rawValue, label: catalog.text("interview.visibility." + $0.rawValue), checked: visibility == $0.rawValue)
        }
        let places = context.places
        return try await request.render(paper ? "fieldwork/paper-entry" : "fieldwork/interview", FormPage(
            layout: PageLayout(request, title: catalog.text(paper ? "interview.paper.title" : "interview.title"), community: context.community, current: "fieldwork"),
            paper: paper, version: version.number, consentText: version.questionnaire.consentText,
            sections: fields(version.questionnaire, places, typed: typed, errors: errors, catalog), visibilities: visibilities,
            consentChecked: values["consent"] == "yes", contactChecked: values["contact"] == "yes", formNumber: values["form_number"] ?? "",
            assignments: context.assignments.map {
                ChoiceOption(value: $0.id!.uuidString, label: $0.campaign.name + " — " + (places.label(commune: $0.communeCode, neighbourhood: $0.neighbourhood) ?? catalog.text("fieldwork.wholeTerritory")),
                             selected: values["assignment"] == $0.id!.uuidString)
            },
            errors: pageErrors, consentError: consentError, visibilityError: visibilityError, formNumberError: formNumberError,
            idempotencyKey: values["idempotency_key"].flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString,
            claimCode: values["claim_code"].flatMap { ClaimCode.normalise($0) }.map(ClaimCode.format) ?? ClaimCode.generate(),
            action: SiteRoute.interviewCreate(slug: slug).path, workerURL: SiteRoute.fieldworkWorker(slug: slug).path,
            scope: SiteRoute.fieldwork(slug: slug).path + "/", claimURL: request.address(of: .claim(slug: slug)), fieldworkURL: SiteRoute.fieldwork(slug: slug).path,
            communityName: context.community.name, form: FormState(request)), status: status)
    }

    @Sendable static func new(_ request: Request) async throws -> Response {
        let context = try await context(request)
        return try await page(request, context, paper: false, version: context.version)
    }

    @Sendable static func paperEntry(_ request: Request) async throws -> Response {
        let context = try await context(request)
        return try await page(request, context, paper: true, version: context.version)
    }

    // MARK: Recording

    struct Result: Encodable {
        var layout: PageLayout
        var already: Bool
        var code: String?
        var claimURL: String
        var communityName: String
        var againURL: String
        var fieldworkURL: String
        var paper: Bool
        var formNumber: String?
    }

    struct JSONAnswer: Content {
        var status: String
        var interview: String?
        var errors: [String: String]?
    }

    /// The offline queue asks for JSON first; a browser's `*/*` must not count (Vapor's media
    /// type equality treats `*` as a wildcard).
    static func wantsJSON(_ request: Request) -> Bool {
        request.headers.first(name: .accept)?.lowercased().hasPrefix("application/json") == true
    }

    /// A submitted interview, read and checked: consent first, then the answers against the
    /// version asked, then the portrait they make as the portrait form would check it.
    struct Submission {
        var paper: Bool
        var version: QuestionnaireVersionRecord
        /// What was posted (consent, visibility, form number, keys), given back on a refusal.
        var values: [String: String]
        var checked: CheckedAnswers
        /// By question key, plus `assignment`.
        var errors: [String: String] = [:]
        var consentError, visibilityError, formNumberError, keyError: String?
        var assignment: AssignmentRecord?
        var portrait: [String: String] = [:]
        var code: String?

        var isValid: Bool { errors.isEmpty && consentError == nil && visibilityError == nil && formNumberError == nil && keyError == nil }
        var formNumber: String? { paper ? values["form_number"] : nil }

        /// Every message, field by field (the offline queue's JSON).
        var allErrors: [String: String] {
            var all = errors
            for (field, message) in [("consent", consentError), ("visibility", visibilityError), ("form_number", formNumberError), ("key", keyError)] {
                if let message { all[field] = message }
            }
            return all
        }
    }

    static func read(_ request: Request, _ context: Context) async throws -> Submission {
        let catalog = request.catalog
        // The version the form was printed or cached with, when it is one of ours.
        var version = context.version
        if let number = Int(request.field("version")), number != version.number,
           let asked = try await QuestionnaireVersionRecord.query(on: request.db).filter(\.$community.$id == context.community.id!)
            .filter(\.$number == number).filter(\.$status == "published").first() {
            version = asked
        }
        let questionnaire = version.questionnaire
        var typed: [String: [String]] = [:]
        for question in questionnaire.questions { typed[question.key] = request.fields("a_" + question.key) }
        var values: [String: String] = [:]
        for name in ["consent", "visibility", "contact", "form_number", "assignment", "idempotency_key", "claim_code"] { values[name] = request.field(name) }
        let check = InterviewCheck(questionnaire, typed: typed, visibility: values["visibility"]!, places: context.places, catalog: catalog)
        var submission = Submission(paper: request.field("channel") == ConsentChannel.paper.rawValue, version: version, values: values,
                                    checked: check.checked)
        submission.errors = check.errors
        submission.visibilityError = check.visibilityError
        submission.portrait = check.portrait
        if values["consent"] != "yes" { submission.consentError = catalog.text("interview.error.consent") }
        let number = values["form_number"]!
        if submission.paper && (number.isEmpty || number.count > 20 || !number.allSatisfy { $0.isNumber || $0 == "-" }) {
            submission.formNumberError = catalog.text("interview.error.formNumber")
        }
        let key = values["idempotency_key"]!
        submission.code = ClaimCode.normalise(values["claim_code"]!)
        if !(16...64).contains(key.count) || !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) || submission.code == nil {
            submission.keyError = catalog.text("interview.error.key")
        }
        if !context.assignments.isEmpty {
            submission.assignment = context.assignments.count == 1 ? context.assignments[0] : context.assignments.first { $0.id?.uuidString == values["assignment"] }
            if submission.assignment == nil { submission.errors["assignment"] = catalog.text("interview.error.assignment") }
        }
        return submission
    }

    /// The form again with every answer and a message per problem; JSON for the offline queue.
    static func refuse(_ request: Request, _ context: Context, _ submission: Submission) async throws -> Response {
        if wantsJSON(request) {
            return try await JSONAnswer(status: "refused", interview: nil, errors: submission.allErrors).encodeResponse(status: .unprocessableEntity, for: request)
        }
        let catalog = request.catalog, questionnaire = submission.version.questionnaire
        let questions = submission.errors.keys.sorted().compactMap { key in
            questionnaire.question(key).map { catalog.text("interview.error.question", [$0.label, submission.errors[key]!]) } ?? submission.errors[key]
        }
        let messages = [submission.consentError, submission.visibilityError, submission.formNumberError, submission.keyError].compactMap { $0 } + questions
        return try await page(request, context, paper: submission.paper, version: submission.version, typed: submission.checked.typed,
            values: submission.values, errors: submission.errors, pageErrors: messages, consentError: submission.consentError,
            visibilityError: submission.visibilityError, formNumberError: submission.formNumberError, status: .unprocessableEntity)
    }

    /// Nothing is stored unless everything holds. A resend with the same idempotency key
    /// records nothing new and answers as the first time (200 rather than 201).
    @Sendable static func create(_ request: Request) async throws -> Response {
        let context = try await context(request)
        var submission = try await read(request, context)
        guard submission.isValid, let code = submission.code else { return try await refuse(request, context, submission) }
        let catalog = request.catalog, now = request.now
        let store = FieldworkStore(database: request.db)
        let (fields, terms) = try await VocabularyStore(database: request.db).portraitSkills(submission.portrait, community: context.community.id!)
        var campaign = submission.assignment?.$campaign.id
        if submission.assignment == nil { campaign = try await store.campaigns(of: context.community.id!).first { $0.range.contains(now) }?.id }
        let recorded = try await store.record(.init(
            community: context.community.id!, campaign: campaign, assignment: submission.assignment?.id, interviewer: context.me,
            version: submission.version.number, channel: submission.paper ? .paper : .interviewer, formNumber: submission.formNumber,
            idempotencyKey: submission.values["idempotency_key"]!, displayName: fields[InventoryField.title.rawValue] ?? "",
            language: request.language.rawValue, portrait: .init(kind: .portrait, values: fields, terms: terms), survey: submission.checked.survey,
            contactConsent: submission.values["contact"] == "yes", claimCode: code),
            summary: catalog.text(submission.paper ? "interview.summary.paper" : "interview.summary"), now: now)
        let interview: InterviewRecord, already: Bool
        switch recorded {
        case .created(let record): (interview, already) = (record, false)
        case .alreadyRecorded(let record): (interview, already) = (record, true)
        case .formNumberTaken:
            submission.formNumberError = catalog.text("interview.error.formNumberTaken", [submission.formNumber ?? ""])
            return try await refuse(request, context, submission)
        }
        if wantsJSON(request) {
            return try await JSONAnswer(status: already ? "already-recorded" : "created", interview: interview.id!.uuidString, errors: nil)
                .encodeResponse(status: already ? .ok : .created, for: request)
        }
        // The code is shown again on a resend only when it is the one stored.
        let stillHeld = try await store.claimant(code: code)?.$person.id == interview.$person.id
        let slug = context.community.slug, paper = submission.paper
        return try await request.render("fieldwork/recorded", Result(
            layout: PageLayout(request, title: catalog.text(already ? "interview.already" : "interview.recorded"), community: context.community, current: "fieldwork"),
            already: already, code: stillHeld ? ClaimCode.format(code) : nil, claimURL: request.address(of: .claim(slug: slug)),
            communityName: context.community.name, againURL: (paper ? SiteRoute.paperEntry(slug: slug) : SiteRoute.interviewNew(slug: slug)).path,
            fieldworkURL: SiteRoute.fieldwork(slug: slug).path, paper: paper, formNumber: submission.formNumber), status: already ? .ok : .created)
    }

    // MARK: Reading one interview

    struct ShowPage: Encodable {
        var layout: PageLayout
        var title: String
        var date: String
        var interviewer: String
        var channel: String
        var version: Int
        var record: InterviewRecordView
        var itemURL: String?
        var fieldworkURL: String
    }

    /// Coordinators, and the interviewer while the assignment it was taken under runs; every
    /// read by someone else than the resident is logged (quality S16).
    @Sendable static func show(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn().personID
        let viewer = try await Access.viewer(in: community, request)
        let interview: InterviewRecord = try await request.scoped("interview", in: \.$community)
        let assignment = try await interview.$assignment.id.asyncFlatMap { try await AssignmentRecord.find($0, on: request.db) }
        guard FieldworkPolicy.maySeeInterview(isCoordinator: viewer.roles.contains(.coordinator), enteredByViewer: interview.$interviewer.id == me,
                                              assignment: assignment?.range, at: request.now) else { throw Abort(.notFound) }
        let catalog = request.catalog, language = request.language
        let item = try await interview.$item.id.asyncFlatMap { try await InventoryItemRecord.find($0, on: request.db) }
        let record = try await InterviewRecordView.load(person: interview.$person.id, portrait: item, interviews: [interview], community: community, request)
        if interview.$person.id != me {
            try await FieldworkStore(database: request.db).logRead(community: community.id!, reader: me, subject: interview.$person.id, what: "interview", now: request.now)
        }
        let interviewer = try await interview.$interviewer.id.asyncFlatMap { try await PersonRecord.find($0, on: request.db) }
        return try await request.render("fieldwork/interview-show", ShowPage(
            layout: PageLayout(request, title: catalog.text("interview.show.title"), community: community, current: "fieldwork"),
            title: item?.title ?? catalog.text("interview.deleted"), date: language.formatDate(interview.recordedAt),
            interviewer: interviewer?.shownName(catalog) ?? catalog.text("person.erased"),
            channel: catalog.text("consent.channel." + interview.channel) + (interview.formNumber.map { " · n° " + $0 } ?? ""),
            version: interview.questionnaireVersion,
            record: record,
            itemURL: item.map { SiteRoute.inventoryItem(slug: community.slug, item: $0.id!.uuidString).path },
            fieldworkURL: SiteRoute.fieldwork(slug: community.slug).path))
    }

    // MARK: Paper

    struct PaperPage: Encodable {
        struct Sheet: Encodable {
            var number: String
        }
        var layout: PageLayout
        var version: Int
        var consentText: String
        var sections: [SectionForm]
        var visibilities: [Choice]
        var sheets: [Sheet]
        var first: Int
        var count: Int
        var action: String
        var communityName: String
        var claimURL: String
    }

    /// Numbered A4 forms to print: large type, tick boxes, the form number to key in later.
    @Sendable static func paperForms(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog
        guard let version = try await FieldworkStore(database: request.db).inForce(community.id!) else {
            throw ExplainedRefusal(status: .conflict, reason: catalog.text("interview.error.noQuestionnaire"))
        }
        let first = min(max((try? request.query.get(Int.self, at: "premier")) ?? 1, 1), 99_999)
        let count = min(max((try? request.query.get(Int.self, at: "nombre")) ?? 1, 1), 50)
        let places = try await CommunityPlaces.load(community, on: request.db)
        return try await request.render("fieldwork/paper", PaperPage(
            layout: PageLayout(request, title: catalog.text("paper.title"), community: community, current: "fieldwork"),
            version: version.number, consentText: version.questionnaire.consentText,
            sections: fields(version.questionnaire, places, typed: [:], errors: [:], catalog),
            visibilities: [Visibility.public, .members, .statistics].map {
                Choice(id: "p-" + $0.rawValue, value: $0.rawValue, label: catalog.text("interview.visibility." + $0.rawValue), checked: false)
            },
            sheets: (first..<(first + count)).map { .init(number: PaperForm.number(version: version.number, sheet: $0)) }, first: first, count: count,
            action: SiteRoute.paperForms(slug: community.slug).path, communityName: community.name, claimURL: request.address(of: .claim(slug: community.slug))))
    }

    // MARK: Offline

    /// The service worker, served under the fieldwork's address so that its scope covers the
    /// interview form.
    @Sendable static func worker(_ request: Request) async throws -> Response {
        let path = request.application.directory.publicDirectory + "js/fieldwork-worker.js"
        guard let data = FileManager.default.contents(atPath: path) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
        headers.cacheControl = .init(noCache: true)
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
