import Crypto
import Fluent
import Foundation
import TerreauCore
import Vapor

/// The OpenRosa 1.0 protocol as field apps expect it: its headers on every answer, messages in
/// an `OpenRosaResponse` document the phone shows, HTTP Digest authentication with an
/// interviewer's app password.
enum OpenRosa {
    /// One realm for the whole instance: a user name is unique across communities, so a
    /// password of another community authenticates and is then refused (403), not mistaken.
    static let realm = "Terreau"
    /// The largest submission accepted, announced to clients before they send.
    static let acceptedLength = SiteRoute.Kind.openRosaSubmission.bodyLimit
    /// Signs nonces. Made at start: a nonce from before a restart, or from another instance,
    /// fails its check and the client is simply challenged again.
    static let nonceKey = SymmetricKey(size: .bits256)

    /// A refusal the phone shows as it is.
    struct Refusal: Error {
        var status: HTTPStatus
        var message: String
        var headers: HTTPHeaders = [:]
    }

    static func headers(_ type: String = "text/xml") -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: "X-OpenRosa-Version", value: "1.0")
        headers.replaceOrAdd(name: "X-OpenRosa-Accept-Content-Length", value: String(acceptedLength))
        headers.replaceOrAdd(name: .contentType, value: type + "; charset=utf-8")
        headers.cacheControl = .init(noStore: true)
        return headers
    }

    static func document(_ xml: String, status: HTTPStatus = .ok, type: String = "text/xml") -> Response {
        Response(status: status, headers: headers(type), body: .init(string: xml))
    }

    /// `<OpenRosaResponse>` with one message: `submit_success` or an error.
    static func message(_ text: String, status: HTTPStatus, headers extra: HTTPHeaders = [:]) -> Response {
        let nature = status.code < 300 ? " nature=\"submit_success\"" : ""
        let response = document("""
            <?xml version="1.0" encoding="UTF-8"?>
            <OpenRosaResponse xmlns="http://openrosa.org/http/response"><message\(nature)>\(XMLNode.escape(text))</message></OpenRosaResponse>

            """, status: status)
        for (name, value) in extra { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }

    static func challenge(_ request: Request, stale: Bool) -> Response {
        message(request.catalog.text("odk.error.auth"), status: .unauthorized,
                headers: ["WWW-Authenticate": DigestAuthentication.challenge(realm: realm, nonce: DigestAuthentication.nonce(at: Date(), key: nonceKey), stale: stale)])
    }

    /// Runs a handler of the protocol: its refusals become OpenRosa answers.
    static func respond(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let refusal as Refusal {
            if refusal.status == .unauthorized { return challenge(request, stale: refusal.headers.first(name: "X-Stale") != nil) }
            return message(refusal.message, status: refusal.status)
        }
    }

    /// The interviewer behind the request's Digest answer, who must be registered here.
    static func authenticate(_ request: Request, in community: CommunityRecord) async throws -> AppPasswordRecord {
        guard let credentials = request.headers.first(name: .authorization).flatMap(DigestAuthentication.parse),
              let password = try await AppPasswordStore(database: request.db).active(username: credentials.username)
        else { throw Refusal(status: .unauthorized, message: "") }
        let target = request.url.string
        switch DigestAuthentication.verify(credentials, ha1: password.digestHA1, method: request.method.rawValue, path: target, realm: realm,
                                           key: nonceKey, now: Date()) {
        case .accepted: break
        case .stale: throw Refusal(status: .unauthorized, message: "", headers: ["X-Stale": "true"])
        case .refused:
            request.logger.notice("OpenRosa: Digest answer refused", metadata: ["user": "\(credentials.username.prefix(40))"])
            throw Refusal(status: .unauthorized, message: "")
        }
        let catalog = request.catalog
        guard password.$community.id == community.id else {
            let other = try await CommunityRecord.find(password.$community.id, on: request.db)
            throw Refusal(status: .forbidden, message: catalog.text("odk.error.otherCommunity", [other?.name ?? "—"]))
        }
        guard try await FieldworkStore(database: request.db).interviewer(password.$person.id, in: community.id!) != nil else {
            throw Refusal(status: .forbidden, message: catalog.text("odk.error.notInterviewer"))
        }
        try await AppPasswordStore(database: request.db).touch(password, now: request.now)
        return password
    }

    // MARK: The form

    /// A published version as field apps read it, with the community's places and the reader's
    /// labels.
    static func form(_ version: QuestionnaireVersionRecord, community: CommunityRecord, places: CommunityPlaces, catalog: MessageCatalog) -> ODKForm {
        let questionnaire = version.questionnaire
        var options: [String: [(value: String, label: String)]] = [:]
        for question in questionnaire.questions { options[question.key] = QuestionText.optionLabels(question, places, catalog) }
        let wording = ODKForm.Wording(
            consentQuestion: catalog.text("odk.consentQuestion"), refusalNote: catalog.text("odk.refusalNote"),
            yes: catalog.text("common.yes"), no: catalog.text("common.no"), visibility: catalog.text("odk.visibility"),
            visibilities: [Visibility.public, .members, .statistics].map { ($0.rawValue, catalog.text("interview.visibility." + $0.rawValue)) },
            contact: catalog.text("odk.contact"), families: AppPassword.families.map { ($0, catalog.text("odk.family." + $0)) },
            familiesLabel: catalog.text("odk.families"), otherSkills: catalog.text("odk.otherSkills"))
        return ODKForm(community: community.slug, title: catalog.text("odk.title", [community.name, String(version.number)]),
                       version: version.number, questionnaire: questionnaire, options: options, wording: wording)
    }

    /// `competences.csv`: the community's vocabulary, each term with its family.
    static func skillsFile(_ community: CommunityRecord, on database: any Database) async throws -> String {
        let terms = try await VocabularyStore(database: database).pickable(in: community.id!)
        return ODKForm.skillsCSV(terms.compactMap { term in
            AppPassword.family(source: term.source, conceptType: term.conceptType).map { (term.id.uuidString.lowercased(), term.label, $0) }
        })
    }

    /// What ODK Collect asks for as « URL du serveur »: the community's OpenRosa root.
    static func serverURL(_ request: Request, _ community: CommunityRecord) -> String {
        String(request.address(of: .openRosaFormList(slug: community.slug)).dropLast("/formList".count))
    }

    static func md5(_ text: String) -> String { "md5:" + DigestAuthentication.md5Hex(text) }
}

/// A form filled in a field app — sent over OpenRosa or imported from a Kobo or ODK Central
/// export — becoming an interview exactly as one keyed in the web: consent first, the answers
/// checked the one way (`InterviewCheck`), under one of the interviewer's assignments.
struct FieldAppIntake {
    enum Outcome {
        /// Consent refused: the form ended there, nothing is kept.
        case declined
        case refused([String])
        case ready(FieldworkStore.NewInterview)
    }

    var community: CommunityRecord
    var places: CommunityPlaces
    var catalog: MessageCatalog

    /// - Parameters:
    ///   - assignments: the interviewer's assignments running when the interview was taken.
    ///   - campaign: where an interview outside any assignment goes (a coordinator's), if any.
    func check(_ answers: ODKForm.Answers, version: QuestionnaireVersionRecord, interviewer: UUID, assignments: [AssignmentRecord],
               campaign: UUID?, mayInterviewUnassigned: Bool, claimCode: String, language: String) -> Outcome {
        guard let consent = answers.consent else { return .refused([catalog.text("odk.error.consent")]) }
        guard consent else { return .declined }
        guard !assignments.isEmpty || mayInterviewUnassigned else { return .refused([catalog.text("interview.error.noAssignment")]) }
        let questionnaire = version.questionnaire
        let check = InterviewCheck(questionnaire, typed: answers.typed, visibility: answers.visibility, places: places, catalog: catalog)
        guard check.isValid else { return .refused(check.messages(questionnaire, catalog)) }
        let commune = check.portrait[InventoryField.commune.rawValue], neighbourhood = check.portrait[InventoryField.neighbourhood.rawValue]
        // The assignment of the place answered, else the first running one.
        let assignment = assignments.first { ($0.neighbourhood != nil && $0.neighbourhood == neighbourhood) || ($0.communeCode != nil && $0.communeCode == commune) }
            ?? assignments.first
        return .ready(FieldworkStore.NewInterview(
            community: community.id!, campaign: assignment?.$campaign.id ?? campaign, assignment: assignment?.id, interviewer: interviewer,
            version: version.number, channel: .interviewer, formNumber: nil, idempotencyKey: Self.key(answers.instanceID),
            displayName: "", language: language, portrait: .init(kind: .portrait, values: check.portrait, terms: []), survey: check.checked.survey,
            contactConsent: answers.contact, claimCode: claimCode))
    }

    /// The same filled form sent twice, or sent and then imported, is one interview.
    static func key(_ instanceID: String) -> String { "odk:" + instanceID.lowercased() }

    /// Skills named by the terms' ids in the skills file, as labels.
    static func skillLabels(_ values: [String: String], form: ODKForm, community: UUID, on database: any Database) async throws -> [String: String] {
        var ids: [UUID] = []
        for field in form.fields where field.control == .skillsFromFile {
            ids += (values[field.name] ?? "").split(whereSeparator: \.isWhitespace).compactMap { UUID(uuidString: String($0)) }
        }
        let labels = try await VocabularyStore(database: database).labels(of: ids, community: community)
        return Dictionary(uniqueKeysWithValues: labels.map { ($0.key.uuidString.lowercased(), $0.value) })
    }

    /// Stores it with its skills resolved against the vocabulary, as the web form does.
    static func record(_ new: FieldworkStore.NewInterview, summary: String, now: Date, on database: any Database) async throws -> FieldworkStore.Recorded {
        var new = new
        let (fields, terms) = try await VocabularyStore(database: database).portraitSkills(new.portrait.values, community: new.community)
        new.displayName = fields[InventoryField.title.rawValue] ?? ""
        new.portrait = .init(kind: .portrait, values: fields, terms: terms)
        return try await FieldworkStore(database: database).record(new, summary: summary, now: now)
    }
}
