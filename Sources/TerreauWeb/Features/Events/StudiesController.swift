import Fluent
import Foundation
import TerreauCore
import Vapor

/// The library of publicly funded studies, audits and evaluations: members upload PDFs with
/// their metadata; the text is extracted (`pdftotext`, when the server has it) and searched
/// with the metadata; files are served as attachments. Residents ask for studies they cannot
/// find; requests are public with their answer.
enum StudiesController {
    struct Item: Encodable {
        var title: String
        var url: String
        var meta: String
    }

    struct ListPage: Encodable {
        struct Request: Encodable {
            var title: String
            var details: String
            var status: String
            var open: Bool
            var answer: String
            var studyURL: String?
            var answerURL: String
            var date: String
        }
        var layout: PageLayout
        var query: String
        var items: [Item]
        var action: String
        var newURL: String?
        var requests: [Request]
        var canRequest: Bool
        var canAnswer: Bool
        var requestURL: String
        var studies: [ChoiceOption]
        var form: FormState
    }

    static func meta(_ study: StudyRecord, _ catalog: MessageCatalog, _ language: Language) -> String {
        var parts = [study.commissionedBy, study.author, String(study.year)].filter { !$0.isEmpty }
        if let amount = study.amount { parts.append(catalog.text("study.amountOf", [language.format(amount)])) }
        return parts.joined(separator: " · ")
    }

    @Sendable static func list(_ request: Vapor.Request) async throws -> Response {
        try await listPage(request, form: FormState(request))
    }

    /// Studies whose metadata or text hold every word searched (accents and case aside).
    static func listPage(_ request: Vapor.Request, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog, language = request.language
        let query = String(((try? request.query.get(String.self, at: "q")) ?? "").prefix(200))
        var studies = try await StudyRecord.query(on: request.db).filter(\.$community.$id == community.id!).sort(\.$year, .descending).all()
        let words = SearchText.queryTerms(query)
        if !words.isEmpty {
            studies = studies.filter { study in
                let document = " " + SearchText.terms(study.title + " " + study.commissionedBy + " " + study.author + " " + study.territory).joined(separator: " ")
                    + " " + study.searchText + " "
                return words.allSatisfy { document.contains(" " + $0) }
            }
        }
        let requests = try await StudyRequestRecord.query(on: request.db).filter(\.$community.$id == community.id!).sort(\.$createdAt, .descending).all()
        let all = try await StudyRecord.query(on: request.db).filter(\.$community.$id == community.id!).sort(\.$title).all()
        return try await request.render("events/studies", ListPage(
            layout: PageLayout(request, title: catalog.text("studies.title"), community: community, current: "studies"),
            query: query,
            items: studies.map { .init(title: $0.title, url: SiteRoute.study(slug: community.slug, study: $0.id!.uuidString).path, meta: meta($0, catalog, language)) },
            action: SiteRoute.studies(slug: community.slug, query: nil).path,
            newURL: Policy.allows(viewer, .contribute) ? SiteRoute.studyNew(slug: community.slug).path : nil,
            requests: requests.map { item in
                .init(title: item.title, details: item.details, status: catalog.text("study.request." + item.status),
                      open: item.status == StudyRequestStatus.open.rawValue, answer: item.answer,
                      studyURL: item.$study.id.map { SiteRoute.study(slug: community.slug, study: $0.uuidString).path },
                      answerURL: SiteRoute.studyRequestAnswer(slug: community.slug, request: item.id!.uuidString).path,
                      date: language.formatDay(item.createdAt))
            },
            canRequest: Policy.allows(viewer, .contribute), canAnswer: Policy.allows(viewer, .curate),
            requestURL: SiteRoute.studyRequestCreate(slug: community.slug).path,
            studies: all.map { ChoiceOption(value: $0.id!.uuidString, label: $0.title, selected: false) }, form: form), status: status)
    }

    // MARK: Upload

    struct NewPage: Encodable {
        var layout: PageLayout
        var form: FormState
        var themes: [ChoiceOption]
        var licences: [ChoiceOption]
        var action: String
        var maximum: String
    }

    @Sendable static func new(_ request: Vapor.Request) async throws -> Response {
        try await newPage(request, form: FormState(request, values: ["licence": StudyLicence.licenceOuverte.rawValue]), themes: [])
    }

    static func newPage(_ request: Vapor.Request, form: FormState, themes: Set<String>, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog
        return try await request.render("events/study-new", NewPage(
            layout: PageLayout(request, title: catalog.text("study.new.title"), community: community, current: "studies"), form: form,
            themes: ThemeText.options(catalog) { themes.contains($0) },
            licences: ChoiceOption.list(StudyLicence.allCases, labels: "study.licence.", catalog) { form.values["licence"] == $0.rawValue },
            // The token also rides in the address: the server checks it before reading the file.
            action: SiteRoute.studyCreate(slug: community.slug).path + "?_csrf="
                + (form.csrf.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""), maximum: request.language.format(StudyUpload.maximumBytes / 1024 / 1024)), status: status)
    }

    /// Metadata checked field by field; the file judged by its content (a PDF), stored under a
    /// random name outside the web root, its text extracted for search. Nothing is kept when
    /// anything is refused.
    /// The upload form's fields.
    struct Upload: Content {
        var title, commissioned_by, author, year, amount, territory, licence: String?
        var themes: [String]?
        var file: File?

        init() {}

        var values: [String: String] {
            let pairs: [(String, String?)] = [("title", title), ("commissioned_by", commissioned_by), ("author", author), ("year", year), ("amount", amount),
                                              ("territory", territory), ("licence", licence)]
            return Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, UserText.normalized($0.1 ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) })
        }
    }

    @Sendable static func create(_ request: Vapor.Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        // A multipart body is decoded once: each field read on its own would parse it again.
        let upload = (try? request.content.decode(Upload.self)) ?? Upload()
        let values = upload.values
        let themes = Set(upload.themes ?? [])
        var form = FormState(request, values: values)
        // Multipart text passes the text gate here (the middleware reads urlencoded forms only).
        for (field, value) in values.sorted(by: { $0.key < $1.key }) + (upload.themes ?? []).map({ ("themes", $0) }) {
            if let problem = UserText.problem(in: value) { form.fail(field, catalog.refusal(of: problem, in: field)) }
        }
        if values["title"]!.isEmpty || values["title"]!.count > 300 { form.fail("title", catalog.text("study.error.title")) }
        if values["commissioned_by"]!.isEmpty || values["commissioned_by"]!.count > 300 { form.fail("commissioned_by", catalog.text("study.error.commissionedBy")) }
        if values["author"]!.count > 300 { form.fail("author", catalog.text("study.error.author")) }
        let year = Int(values["year"]!)
        let thisYear = CalendarDay.paris.component(.year, from: request.now)
        if year == nil || !(1950...thisYear).contains(year!) { form.fail("year", catalog.text("study.error.year", [String(thisYear)])) }
        var amount: Int?
        if !values["amount"]!.isEmpty {
            amount = Int(values["amount"]!.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{202F}", with: ""))
            if amount == nil || amount! < 0 { form.fail("amount", catalog.text("study.error.amount")) }
        }
        if !themes.isSubset(of: Themes.all) { form.fail("themes", catalog.text("study.error.themes")) }
        if StudyLicence(rawValue: values["licence"]!) == nil { form.fail("licence", catalog.text("study.error.licence")) }
        let file = upload.file
        let bytes = file.map { Array($0.data.readableBytesView) } ?? []
        do { try StudyUpload.check(bytes) } catch {
            if error == .tooLarge { throw Abort(.payloadTooLarge) }
            form.fail("file", catalog.text("study.error.file." + error.rawValue))
        }
        guard !form.hasErrors, let year else { return try await newPage(request, form: form, themes: themes, status: .unprocessableEntity) }
        let directory = request.application.terreauConfig.filesDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stored = StudyUpload.storedName()
        let path = directory + "/" + stored
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o640]) else {
            throw Abort(.internalServerError, reason: "fichier non enregistré")
        }
        let (text, extraction) = await TextExtraction.pdf(at: path)
        let study = StudyRecord()
        study.$community.id = community.id!
        study.title = values["title"]!
        study.commissionedBy = values["commissioned_by"]!
        study.author = values["author"]!
        study.year = year
        study.amount = amount
        study.territory = String(values["territory"]!.prefix(300))
        study.themes = Themes.all.filter(themes.contains).joined(separator: " ")
        study.licence = values["licence"]!
        study.storedName = stored
        study.originalName = String((file?.filename ?? "etude.pdf").prefix(200))
        study.size = bytes.count
        study.searchText = SearchText.terms(text).joined(separator: " ")
        study.extraction = extraction
        study.$uploadedBy.id = me.personID
        study.createdAt = request.now
        do {
            try await request.db.writing { database in
                try await study.create(on: database)
                try await JournalStore(database: database).append(community: community.id!, .published, .study, id: study.id, summary: study.title, now: request.now)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        request.flash(catalog.text("study.created." + extraction))
        return request.seeOther(.study(slug: community.slug, study: study.id!.uuidString))
    }

    // MARK: A study

    struct ShowPage: Encodable {
        var layout: PageLayout
        var title: String
        var facts: [Fact]
        var fileURL: String
        var size: String
        var extraction: String
    }

    @Sendable static func show(_ request: Vapor.Request) async throws -> Response {
        let community = try await request.community()
        let study = try await request.study()
        let catalog = request.catalog, language = request.language
        var facts: [Fact] = [
            .init(label: catalog.text("study.commissionedBy"), value: study.commissionedBy),
            .init(label: catalog.text("study.author"), value: study.author.isEmpty ? "—" : study.author),
            .init(label: catalog.text("study.year"), value: String(study.year)),
            .init(label: catalog.text("study.amount"), value: study.amount.map { catalog.text("study.amountOf", [language.format($0)]) } ?? catalog.text("study.amountUnknown")),
            .init(label: catalog.text("study.territory"), value: study.territory.isEmpty ? "—" : study.territory),
            .init(label: catalog.text("study.licence"), value: catalog.text("study.licence." + study.licence)),
        ]
        if !study.themes.isEmpty { facts.append(.init(label: catalog.text("study.themes"), value: ThemeText.labels(study.themes, catalog).joined(separator: ", "))) }
        return try await request.render("events/study", ShowPage(
            layout: PageLayout(request, title: study.title, community: community, current: "studies"), title: study.title, facts: facts,
            fileURL: SiteRoute.studyFile(slug: community.slug, study: study.id!.uuidString).path,
            size: catalog.text("study.size", [language.format(max(1, study.size / 1024))]), extraction: catalog.text("study.extraction." + study.extraction)))
    }

    /// The PDF, always as an attachment with its type fixed and `nosniff` (S11).
    @Sendable static func file(_ request: Vapor.Request) async throws -> Response {
        let study = try await request.study()
        let path = request.application.terreauConfig.filesDirectory + "/" + study.storedName
        guard let data = FileManager.default.contents(atPath: path) else { throw Abort(.notFound) }
        var headers: HTTPHeaders = [:]
        headers.contentType = .pdf
        let name = Slug.make(from: study.title).prefix(80)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name.isEmpty ? "etude" : String(name)).pdf\"")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    // MARK: Requests

    /// A member asks for a study they know exists; coordinators answer in public.
    @Sendable static func ask(_ request: Vapor.Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let values = ["request_title", "request_details"].reduce(into: [String: String]()) { $0[$1] = request.field($1) }
        var form = FormState(request, values: values)
        if values["request_title"]!.count < 5 || values["request_title"]!.count > 300 { form.fail("request_title", catalog.text("study.error.requestTitle")) }
        if values["request_details"]!.count > 3000 { form.fail("request_details", catalog.text("study.error.requestDetails")) }
        guard !form.hasErrors else { return try await listPage(request, form: form, status: .unprocessableEntity) }
        let record = StudyRequestRecord()
        record.$community.id = community.id!
        record.title = values["request_title"]!
        record.details = values["request_details"]!
        record.$requestedBy.id = me.personID
        record.status = StudyRequestStatus.open.rawValue
        record.answer = ""
        record.createdAt = request.now
        try await record.create(on: request.db)
        try await MembershipStore(database: request.db).tell(holding: [.coordinator], of: community, notifier: Notifier(request), kind: .proposal,
            key: "notification.studyRequest", arguments: [record.title], link: SiteRoute.studies(slug: community.slug, query: nil).path + "#demandes")
        request.flash(catalog.text("study.requested"))
        return request.redirect(to: SiteRoute.studies(slug: community.slug, query: nil).path + "#demandes", redirectType: .normal)
    }

    @Sendable static func answer(_ request: Vapor.Request) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog
        guard let id = UUID(uuidString: try request.parameter("request")),
            let record = try await StudyRequestRecord.query(on: request.db).filter(\.$id == id).filter(\.$community.$id == community.id!).first()
        else { throw Abort(.notFound) }
        let note = String(request.field("answer").prefix(3000))
        var study: StudyRecord?
        if let studyID = UUID(uuidString: request.field("study")) {
            study = try await StudyRecord.query(on: request.db).filter(\.$id == studyID).filter(\.$community.$id == community.id!).first()
        }
        let back = SiteRoute.studies(slug: community.slug, query: nil).path + "#demandes"
        guard let wanted = StudyRequestStatus(rawValue: request.field("status")),
            let next = StudyRequestStatus.answer(StudyRequestStatus(rawValue: record.status) ?? .open, with: wanted, note: note, study: study != nil)
        else {
            request.flash(catalog.text("study.error.answer"))
            return request.redirect(to: back, redirectType: .normal)
        }
        record.status = next.rawValue
        record.answer = note
        record.$study.id = next == .found ? study?.id : nil
        record.answeredAt = request.now
        try await record.update(on: request.db)
        if let asker = record.$requestedBy.id {
            try await Notifier(request).notify(asker, kind: .answer, community: community.id, key: "notification.studyAnswer." + next.rawValue,
                                               arguments: [record.title], link: back)
        }
        request.flash(catalog.text("study.answered"))
        return request.redirect(to: back, redirectType: .normal)
    }
}

extension Request {
    /// The study named by `:study`, only inside the path's community.
    func study() async throws -> StudyRecord { try await scoped("study", in: \.$community) }
}

/// Text from PDFs with poppler's `pdftotext`, when the server has it (Debian: poppler-utils).
/// Without it, uploads still work and search covers the metadata: the study's page says so.
enum TextExtraction {
    static let candidates = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext", "/opt/homebrew/bin/pdftotext"]

    static var tool: String? { candidates.first { FileManager.default.isExecutableFile(atPath: $0) } }

    /// The text and how it went: `extracted`, `no-text` (a scan) or `unavailable`.
    static func pdf(at path: String, timeout: Duration = .seconds(30)) async -> (String, String) {
        guard let tool else { return ("", "unavailable") }
        let output = NSTemporaryDirectory() + "terreau-text-" + UUID().uuidString + ".txt"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-enc", "UTF-8", "-q", path, output]
        do { try process.run() } catch { return ("", "unavailable") }
        // `waitUntilExit` can hang under Swift concurrency: poll, and stop a runaway extraction.
        let clock = ContinuousClock(), deadline = clock.now.advanced(by: timeout)
        while process.isRunning {
            if clock.now > deadline { process.terminate(); return ("", "unavailable") }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return (text, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "no-text" : "extracted")
    }
}
