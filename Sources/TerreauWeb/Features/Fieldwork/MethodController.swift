import Fluent
import Foundation
import TerreauCore
import Vapor

/// The community's method: the public « Méthode » page (the version in force, what changed
/// between versions, the debate on it), and the coordinators' draft editor and publication.
enum MethodController {
    struct QuestionView: Encodable {
        var number: Int
        var label: String
        var help: String
        var kind: String
        var options: [String]
        var destination: String
        var required: Bool
    }

    struct SectionView: Encodable {
        var title: String
        var questions: [QuestionView]
    }

    static func kindLabel(_ kind: QuestionKind, _ catalog: MessageCatalog) -> String { catalog.text("fieldwork.kind." + kind.rawValue) }

    static func destination(_ question: Question, _ catalog: MessageCatalog) -> String {
        question.mapsTo.map { catalog.text("fieldwork.mapsTo", [catalog.text($0.labelKey)]) } ?? catalog.text("fieldwork.survey")
    }

    static func sections(_ questionnaire: Questionnaire, _ places: CommunityPlaces, _ catalog: MessageCatalog) -> [SectionView] {
        var number = 0
        return questionnaire.sections.map { section in
            SectionView(title: section.title, questions: section.questions.map { question in
                number += 1
                return QuestionView(number: number, label: question.label, help: question.help, kind: kindLabel(question.kind, catalog),
                    options: question.kind == .availability ? [] : QuestionText.optionLabels(question, places, catalog).map(\.label), destination: destination(question, catalog), required: question.required)
            })
        }
    }

    // MARK: The public page

    struct VersionLine: Encodable {
        var number: Int
        var date: String
        var publisher: String
        var note: String
        var compareURL: String?
    }

    struct ChangesView: Encodable {
        var title: String
        var added: [String]
        var removed: [String]
        var changed: [String]
        var moved: [String]
        var consentTextChanged: Bool
        var none: Bool
        var summary: String
    }

    struct MethodPage: Encodable {
        var layout: PageLayout
        var number: Int?
        var publishedOn: String?
        var note: String?
        var consentText: String?
        var sections: [SectionView]
        var versions: [VersionLine]
        var changes: ChangesView?
        var compareAction: String
        var compareChoices: [ChoiceOption]
        var draftURL: String?
        var paperURL: String?
        /// The version in force for ODK and KoboToolbox: XLSForm, XForm, skills file.
        var fieldAppFiles: FieldAppFiles?
        var fieldworkURL: String
        var debate: DebateView.Page?
        var debateURL: String?
        var form: FormState
    }

    struct FieldAppFiles: Encodable {
        var xlsForm: String
        var xform: String
        var skills: String
        var docs: String
    }

    static func changes(_ old: QuestionnaireVersionRecord, _ new: QuestionnaireVersionRecord, _ catalog: MessageCatalog) -> ChangesView {
        let diff = QuestionnaireChanges(from: old.questionnaire, to: new.questionnaire)
        return ChangesView(title: catalog.text("method.changes.title", [String(old.number), String(new.number)]),
            added: diff.added.map(\.label), removed: diff.removed.map(\.label),
            changed: diff.changed.map { change in
                change.question.label + " — " + change.aspects.map { catalog.text("method.aspect." + $0.rawValue) }.joined(separator: ", ")
            },
            moved: diff.moved.map(\.label), consentTextChanged: diff.consentTextChanged, none: diff.isEmpty,
            summary: catalog.text("method.changes.summary", [String(diff.added.count), String(diff.removed.count), String(diff.changed.count)]))
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog, language = request.language, slug = community.slug
        let places = try await CommunityPlaces.load(community, on: request.db)
        let versions = try await FieldworkStore(database: request.db).versions(of: community.id!)
        let current = versions.last
        var changes: ChangesView?
        let from = try? request.query.get(Int.self, at: "de"), to = try? request.query.get(Int.self, at: "a")
        if let from, let to, let old = versions.first(where: { $0.number == from }), let new = versions.first(where: { $0.number == to }) {
            changes = Self.changes(old, new, catalog)
        } else if versions.count >= 2 {
            changes = Self.changes(versions[versions.count - 2], versions[versions.count - 1], catalog)
        }
        var debate: DebateView.Page?
        var debateURL: String?
        if let id = current?.$debate.id, let proposal = try await ProposalRecord.find(id, on: request.db) {
            debate = try await DebateView.view(of: proposal, order: .date, viewer: viewer, me: try await request.signedIn()?.personID, request)
            debateURL = SiteRoute.proposal(slug: slug, proposal: id.uuidString, view: nil).path
        }
        return try await request.render("fieldwork/method", MethodPage(
            layout: PageLayout(request, title: catalog.text("method.title"), community: community, current: "fieldwork"),
            number: current?.number, publishedOn: current?.publishedAt.map(language.formatDay), note: current?.note,
            consentText: current?.questionnaire.consentText,
            sections: current.map { sections($0.questionnaire, places, catalog) } ?? [],
            versions: versions.reversed().map { version in
                VersionLine(number: version.number, date: version.publishedAt.map(language.formatDay) ?? "",
                    publisher: version.publishedBy?.shownName(catalog) ?? catalog.text("person.erased"), note: version.note,
                    compareURL: version.number > versions[0].number ? SiteRoute.method(slug: slug, from: version.number - 1, to: version.number).path : nil)
            },
            changes: changes, compareAction: SiteRoute.method(slug: slug).path,
            compareChoices: versions.map { ChoiceOption(value: String($0.number), label: catalog.text("method.versionN", [String($0.number)]), selected: false) },
            draftURL: Policy.allows(viewer, .manageFieldwork) ? SiteRoute.methodDraft(slug: slug).path : nil,
            paperURL: Policy.allows(viewer, .interview) && current != nil ? SiteRoute.paperForms(slug: slug).path : nil,
            fieldAppFiles: current.map { version in
                FieldAppFiles(xlsForm: SiteRoute.xlsForm(slug: slug).path, xform: SiteRoute.openRosaForm(slug: slug, version: version.number).path,
                              skills: SiteRoute.openRosaMedia(slug: slug, version: version.number, file: ODKForm.skillsFile).path,
                              docs: OpenRosa.serverURL(request, community))
            },
            fieldworkURL: SiteRoute.fieldwork(slug: slug).path, debate: debate, debateURL: debateURL, form: FormState(request)))
    }

    // MARK: The draft

    struct Row: Encodable {
        var index: Int
        var key: String
        var order: String
        var section: String
        var label: String
        var help: String
        var kinds: [ChoiceOption]
        var options: String
        var required: Bool
        var mappings: [ChoiceOption]
        var scaleMax: String
        var isNew: Bool
        var errors: [String]
    }

    struct DraftPage: Encodable {
        var layout: PageLayout
        var number: Int
        var rows: [Row]
        var consentText: String
        var problems: [String]
        var action: String
        var publishAction: String
        var methodURL: String
        var changes: ChangesView?
        var canPublish: Bool
        var note: String
        var noteError: String?
        var form: FormState
    }

    static func rows(_ questionnaire: Questionnaire, blank: Int, _ catalog: MessageCatalog, errors: [Int: [String]] = [:]) -> [Row] {
        let filled = questionnaire.questions.enumerated().map { offset, question in
            row(index: offset + 1, key: question.key, order: String(offset + 1), section: question.section, label: question.label, help: question.help,
                kind: question.kind.rawValue, options: question.options.joined(separator: "\n"), required: question.required,
                mapsTo: question.mapsTo?.rawValue ?? "", scaleMax: String(question.scaleMax), catalog, errors: errors[offset + 1] ?? [])
        }
        let lastSection = questionnaire.questions.last?.section ?? ""
        let empty = (0..<blank).map { extra in
            let index = filled.count + extra + 1
            return row(index: index, key: "", order: String(index), section: lastSection, label: "", help: "", kind: QuestionKind.shortText.rawValue,
                       options: "", required: false, mapsTo: "", scaleMax: "5", catalog, errors: [])
        }
        return filled + empty
    }

    static func row(index: Int, key: String, order: String, section: String, label: String, help: String, kind: String, options: String,
                    required: Bool, mapsTo: String, scaleMax: String, _ catalog: MessageCatalog, errors: [String]) -> Row {
        Row(index: index, key: key, order: order, section: section, label: label, help: help,
            kinds: QuestionKind.allCases.map { ChoiceOption(value: $0.rawValue, label: kindLabel($0, catalog), selected: $0.rawValue == kind) },
            options: options, required: required,
            mappings: [ChoiceOption(value: "", label: catalog.text("fieldwork.survey"), selected: mapsTo.isEmpty)]
                + QuestionMapping.portraitFields.map { ChoiceOption(value: $0.rawValue, label: catalog.text($0.labelKey), selected: $0.rawValue == mapsTo) },
            scaleMax: scaleMax, isNew: key.isEmpty, errors: errors)
    }

    @Sendable static func draft(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let draft = try await FieldworkStore(database: request.db).draft(of: community.id!, starter: StarterQuestionnaire.make(request.catalog), by: me.personID, now: request.now)
        let questionnaire = draft.questionnaire
        return try await draftPage(request, community, draft, rows: rows(questionnaire, blank: 3, request.catalog),
                                   consentText: questionnaire.consentText, problems: [])
    }

    static func draftPage(_ request: Request, _ community: CommunityRecord, _ draft: QuestionnaireVersionRecord, rows: [Row], consentText: String,
                          problems: [String], note: String = "", noteError: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let catalog = request.catalog, slug = community.slug
        let current = try await FieldworkStore(database: request.db).inForce(community.id!)
        let changes = current.map { Self.changes($0, draft, catalog) }
        return try await request.render("fieldwork/draft", DraftPage(
            layout: PageLayout(request, title: catalog.text("method.draft.title", [String(draft.number)]), community: community, current: "fieldwork"),
            number: draft.number, rows: rows, consentText: consentText, problems: problems,
            action: SiteRoute.methodDraftSave(slug: slug).path, publishAction: SiteRoute.methodPublish(slug: slug).path,
            methodURL: SiteRoute.method(slug: slug).path, changes: changes,
            canPublish: problems.isEmpty && (changes.map { !$0.none } ?? true), note: note, noteError: noteError, form: FormState(request)), status: status)
    }

    static func message(_ problem: QuestionnaireProblem, rowOf: (Int) -> Int, _ catalog: MessageCatalog) -> (row: Int?, text: String) {
        func at(_ number: Int, _ key: String, _ extra: [String] = []) -> (Int?, String) {
            (rowOf(number), catalog.text("method.problem.question", [String(rowOf(number)), catalog.text("method.problem." + key, extra)]))
        }
        switch problem {
        case .noQuestion: return (nil, catalog.text("method.problem.noQuestion"))
        case .missingConsentText: return (nil, catalog.text("method.problem.consentText"))
        case .missingLabel(let n): return at(n, "label")
        case .missingSection(let n): return at(n, "section")
        case .tooFewOptions(let n): return at(n, "options")
        case .kindDoesNotFit(let n, let field):
            return at(n, "kind", [catalog.text(field.labelKey), QuestionMapping.kinds(for: field).map { kindLabel($0, catalog) }.joined(separator: ", ")])
        case .mappedTwice(let n, let field): return at(n, "mappedTwice", [catalog.text(field.labelKey)])
        case .scaleOutOfRange(let n): return at(n, "scale")
        case .tooLong(let n): return at(n, "tooLong")
        }
    }

    /// The whole draft in one form: each row a question (its order number, section, wording,
    /// kind, choices, destination), blank rows to add, a box to remove. Refused as a whole,
    /// with every row given back as typed, when any question cannot be asked.
    @Sendable static func save(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let store = FieldworkStore(database: request.db)
        let draft = try await store.draft(of: community.id!, starter: StarterQuestionnaire.make(catalog), by: me.personID, now: request.now)
        let known = Set(draft.questionnaire.questions.map(\.key))
        let count = min(Int(request.field("rows")) ?? 0, Questionnaire.maximumQuestions + 3)
        var typedRows: [Row] = []
        var kept: [(order: Double, row: Int, question: Question)] = []
        var taken = known
        for index in 1...max(count, 1) {
            let f = { (name: String) in request.field("\(name)_\(index)") }
            let key = known.contains(f("key")) ? f("key") : ""
            let typed = row(index: index, key: key, order: f("order"), section: f("section"), label: f("label"), help: f("help"), kind: f("kind"),
                            options: f("options"), required: f("required") == "yes", mapsTo: f("maps"), scaleMax: f("scale"), catalog, errors: [])
            typedRows.append(typed)
            if f("remove") == "yes" || (key.isEmpty && f("label").isEmpty) { continue }
            let newKey = key.isEmpty ? Questionnaire.key(for: f("label"), taken: taken) : key
            taken.insert(newKey)
            let question = Question(key: newKey, section: f("section"), label: f("label"), help: f("help"),
                kind: QuestionKind(rawValue: f("kind")) ?? .shortText, options: f("options").formLines, required: f("required") == "yes",
                mapsTo: InventoryField(rawValue: f("maps")).flatMap { QuestionMapping.portraitFields.contains($0) ? $0 : nil },
                scaleMax: Int(f("scale")) ?? 5)
            kept.append((Double(f("order").replacingOccurrences(of: ",", with: ".")) ?? Double(index), index, question))
        }
        kept.sort { ($0.order, $0.row) < ($1.order, $1.row) }
        let consentText = request.field("consent_text")
        let questionnaire = Questionnaire(questions: kept.map(\.question), consentText: consentText)
        var problems = questionnaire.problems()
        if kept.count > Questionnaire.maximumQuestions { problems.append(.noQuestion) }
        guard problems.isEmpty else {
            var messages: [String] = []
            for problem in problems {
                let (row, text) = message(problem, rowOf: { kept[$0 - 1].row }, catalog)
                messages.append(text)
                if let row { typedRows[row - 1].errors.append(text) }
            }
            return try await draftPage(request, community, draft, rows: typedRows, consentText: consentText, problems: messages, status: .unprocessableEntity)
        }
        draft.content = QuestionnaireVersionRecord.encode(questionnaire)
        draft.$editedBy.id = me.personID
        draft.updatedAt = request.now
        try await draft.update(on: request.db)
        request.flash(catalog.text("method.draft.saved"))
        return request.seeOther(.methodDraft(slug: community.slug))
    }

    /// Publishing is its own act, with a note saying what changed and why.
    @Sendable static func publish(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let store = FieldworkStore(database: request.db)
        let draft = try await store.draft(of: community.id!, starter: StarterQuestionnaire.make(catalog), by: me.personID, now: request.now)
        let questionnaire = draft.questionnaire
        let note = request.field("note")
        let problems = questionnaire.problems().map { message($0, rowOf: { $0 }, catalog).text }
        let current = try await store.inForce(community.id!)
        var noteError: String?
        if note.count < 3 || note.count > 2000 { noteError = catalog.text("method.publish.noteMissing") }
        if let current, QuestionnaireChanges(from: current.questionnaire, to: questionnaire).isEmpty { noteError = catalog.text("method.publish.unchanged") }
        guard problems.isEmpty, noteError == nil else {
            return try await draftPage(request, community, draft, rows: rows(questionnaire, blank: 3, catalog), consentText: questionnaire.consentText,
                                       problems: problems, note: note, noteError: noteError, status: .unprocessableEntity)
        }
        let title = catalog.text("method.debate.title")
        let text = catalog.text("method.debate.text", [String(draft.number), note])
        try await store.publish(draft, note: note, debateTitle: title, debateText: text, by: me.personID, now: request.now)
        request.flash(catalog.text("method.published", [String(draft.number)]))
        return request.seeOther(.method(slug: community.slug))
    }
}
