import TerreauCore
import Vapor

/// The elected officials' recognition page: each verified official may sign a statement that
/// recognises the diagnostic as the residents' voice and list commitments, each followed up
/// with a dated status.
enum RecognitionController {
    struct Page: Encodable {
        struct Commitment: Encodable {
            struct Event: Encodable {
                var status: String
                var date: String
                var note: String
            }
            var id: String
            var text: String
            var status: String
            var statusKey: String
            var since: String
            var events: [Event]
            var next: [ChoiceOption]
            var action: String
        }
        struct Official: Encodable {
            var name: String
            var statement: String
            var signed: String
            var commitments: [Commitment]
            var mine: Bool
        }
        var layout: PageLayout
        var officials: [Official]
        var isOfficial: Bool
        var hasSigned: Bool
        var form: FormState
        var submitURL: String
        var commitmentURL: String
        var registerURL: String
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        try await page(request, form: nil)
    }

    static func page(_ request: Request, form: FormState?, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let me = try await request.signedIn()
        let catalog = request.catalog, language = request.language
        let (recognitions, commitments, events) = try await RecognitionStore(database: request.db).all(in: community.id!)
        let mine = recognitions.first { $0.$official.id == me?.personID }
        let officials = recognitions.map { recognition in
            let own = recognition.id == mine?.id
            return Page.Official(name: recognition.official.shownName(catalog), statement: recognition.statement,
                signed: language.formatDay(recognition.signedAt),
                commitments: commitments.filter { $0.$recognition.id == recognition.id }.map { commitment in
                    let status = CommitmentStatus(rawValue: commitment.status) ?? .made
                    let history = events.filter { $0.$commitment.id == commitment.id }
                    return Page.Commitment(id: commitment.id!.uuidString, text: commitment.text, status: catalog.text("commitment.status." + commitment.status),
                        statusKey: commitment.status, since: language.formatDay(history.last?.at ?? commitment.createdAt),
                        events: history.map { .init(status: catalog.text("commitment.status." + $0.status), date: language.formatDay($0.at), note: $0.note) },
                        next: own ? CommitmentStatus.allCases.filter { CommitmentStatus.next(from: status, to: $0, note: "x") != nil }
                            .map { ChoiceOption(value: $0.rawValue, label: catalog.text("commitment.status." + $0.rawValue), selected: false) } : [],
                        action: SiteRoute.commitmentStatus(slug: community.slug, commitment: commitment.id!.uuidString).path)
                }, mine: own)
        }
        let isOfficial = Policy.allows(viewer, .actAsOfficial)
        return try await request.render("proposals/recognitions", Page(
            layout: PageLayout(request, title: catalog.text("recognition.title"), community: community, current: "proposals"),
            officials: officials, isOfficial: isOfficial, hasSigned: mine != nil,
            form: form ?? FormState(request, values: ["statement": mine?.statement ?? catalog.text("recognition.defaultStatement", [community.name])]),
            submitURL: SiteRoute.recognitionSubmit(slug: community.slug).path, commitmentURL: SiteRoute.commitmentCreate(slug: community.slug).path,
            registerURL: SiteRoute.officialDashboard(slug: community.slug).path), status: status)
    }

    /// A verified official signs (or rewrites) their statement.
    @Sendable static func submit(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let statement = request.field("statement")
        var form = FormState(request, values: ["statement": statement])
        if statement.count < 20 || statement.count > 5000 { form.fail("statement", request.catalog.text("recognition.error.statement")) }
        guard !form.hasErrors else { return try await page(request, form: form, status: .unprocessableEntity) }
        try await RecognitionStore(database: request.db).sign(statement, by: me.personID, in: community.id!, now: request.now)
        request.flash(request.catalog.text("recognition.saved"))
        return request.seeOther(.recognitions(slug: community.slug))
    }

    /// The official adds a commitment (after signing).
    @Sendable static func commit(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let store = RecognitionStore(database: request.db)
        guard let recognition = try await store.recognition(of: me.personID, in: community.id!) else {
            request.flash(catalog.text("recognition.error.signFirst"))
            return request.seeOther(.recognitions(slug: community.slug))
        }
        let text = request.field("text")
        guard text.count >= 5, text.count <= 1000 else {
            request.flash(catalog.text("recognition.error.commitment"))
            return request.seeOther(.recognitions(slug: community.slug))
        }
        try await store.commit(text, under: recognition, now: request.now)
        request.flash(catalog.text("recognition.committed"))
        return request.seeOther(.recognitions(slug: community.slug))
    }

    /// The official follows up one of their own commitments; giving one up says why.
    @Sendable static func follow(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let store = RecognitionStore(database: request.db)
        guard let id = UUID(uuidString: try request.parameter("commitment")), let commitment = try await store.commitment(id, in: community.id!)
        else { throw Abort(.notFound) }
        guard commitment.recognition.$official.id == me.personID else { throw Abort(.forbidden) }
        let note = String(request.field("note").prefix(2000))
        guard let wanted = CommitmentStatus(rawValue: request.field("status")),
            let next = CommitmentStatus.next(from: CommitmentStatus(rawValue: commitment.status) ?? .made, to: wanted, note: note)
        else {
            request.flash(catalog.text("recognition.error.status"))
            return request.seeOther(.recognitions(slug: community.slug))
        }
        try await store.follow(commitment, to: next, note: note, now: request.now)
        request.flash(catalog.text("recognition.followed"))
        return request.seeOther(.recognitions(slug: community.slug))
    }
}
