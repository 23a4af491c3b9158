import Foundation
import TerreauCore
import Vapor

/// Fieldwork with the tools interviewers already carry (issue 25): the questionnaire as an
/// XLSForm and an XForm, the OpenRosa server ODK Collect and Enketo send interviews to, and the
/// app passwords that let them.
enum FieldAppsController {
    // MARK: The form, for ODK and KoboToolbox

    static func version(_ request: Request, _ community: CommunityRecord, number: Int?) async throws -> QuestionnaireVersionRecord {
        guard let version = try await FieldworkStore(database: request.db).published(number, of: community.id!) else { throw ExplainedRefusal(status: .notFound, reason: request.catalog.text("interview.error.noQuestionnaire")) }
        return version
    }

    static func form(_ request: Request, _ community: CommunityRecord, _ version: QuestionnaireVersionRecord) async throws -> ODKForm {
        OpenRosa.form(version, community: community, places: try await CommunityPlaces.load(community, on: request.db), catalog: request.catalog)
    }

    /// The `.xlsx` a coordinator uploads to KoboToolbox or ODK Central, or converts with pyxform.
    @Sendable static func xlsForm(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let version = try await version(request, community, number: try? request.query.get(Int.self, at: "version"))
        let form = try await form(request, community, version)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        headers.contentDisposition = .init(.attachment, filename: "\(form.formID)-v\(version.number).xlsx")
        return Response(status: .ok, headers: headers, body: .init(data: Data(XLSXWriter.workbook(form.xlsForm.map { ($0.name, $0.rows) }))))
    }

    static func versionParameter(_ request: Request) throws -> Int {
        guard let number = Int(try request.parameter("version")) else { throw Abort(.notFound) }
        return number
    }

    @Sendable static func xform(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let version = try await version(request, community, number: try versionParameter(request))
        return OpenRosa.document(try await form(request, community, version).xform)
    }

    @Sendable static func manifest(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let version = try await version(request, community, number: try versionParameter(request))
        let skills = try await OpenRosa.skillsFile(community, on: request.db)
        let url = request.address(of: .openRosaMedia(slug: community.slug, version: version.number, file: ODKForm.skillsFile))
        return OpenRosa.document("""
            <?xml version="1.0" encoding="UTF-8"?>
            <manifest xmlns="http://openrosa.org/xforms/xformsManifest">
              <mediaFile><filename>\(ODKForm.skillsFile)</filename><hash>\(OpenRosa.md5(skills))</hash><downloadUrl>\(XMLNode.escape(url))</downloadUrl></mediaFile>
            </manifest>

            """)
    }

    @Sendable static func media(_ request: Request) async throws -> Response {
        let community = try await request.community()
        _ = try await version(request, community, number: try versionParameter(request))
        guard try request.parameter("file") == ODKForm.skillsFile else { throw Abort(.notFound) }
        let response = OpenRosa.document(try await OpenRosa.skillsFile(community, on: request.db), type: "text/csv")
        response.headers.contentDisposition = .init(.attachment, filename: ODKForm.skillsFile)
        return response
    }

    // MARK: The OpenRosa server

    /// The form in force, for the authenticated interviewer's phone.
    @Sendable static func formList(_ request: Request) async throws -> Response {
        try await OpenRosa.respond(request) {
            let community = try await request.community()
            _ = try await OpenRosa.authenticate(request, in: community)
            var forms = ""
            if let version = try await FieldworkStore(database: request.db).inForce(community.id!) {
                let form = try await form(request, community, version)
                let slug = community.slug
                forms = """
                  <xform><formID>\(XMLNode.escape(form.formID))</formID><name>\(XMLNode.escape(form.title))</name><version>\(version.number)</version>\
                <hash>\(OpenRosa.md5(form.xform))</hash>\
                <downloadUrl>\(XMLNode.escape(request.address(of: .openRosaForm(slug: slug, version: version.number))))</downloadUrl>\
                <manifestUrl>\(XMLNode.escape(request.address(of: .openRosaManifest(slug: slug, version: version.number))))</manifestUrl></xform>

                """
            }
            return OpenRosa.document("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xforms xmlns=\"http://openrosa.org/xforms/xformsList\">\n" + forms + "</xforms>\n")
        }
    }

    /// The `HEAD` (or `GET`) a client sends before a submission: 204 with the size it may send.
    @Sendable static func submissionCheck(_ request: Request) async throws -> Response {
        try await OpenRosa.respond(request) {
            _ = try await OpenRosa.authenticate(request, in: try await request.community())
            return Response(status: .noContent, headers: OpenRosa.headers())
        }
    }

    struct Upload: Content {
        var xml_submission_file: File
    }

    /// A filled form becomes an interview; its claim code goes back in the message the phone
    /// shows. A resend (same `instanceID`) is acknowledged with the same code, not recorded twice.
    @Sendable static func submission(_ request: Request) async throws -> Response {
        try await OpenRosa.respond(request) {
            let community = try await request.community()
            let password = try await OpenRosa.authenticate(request, in: community)
            let catalog = request.catalog, now = request.now
            func refuse(_ message: String) -> OpenRosa.Refusal { .init(status: .badRequest, message: message) }
            guard let upload = try? request.content.decode(Upload.self), let text = String(validating: upload.xml_submission_file.data.readableBytesView, as: UTF8.self)
            else { throw refuse(catalog.text("odk.error.noFile")) }
            let instance: XMLNode
            do { instance = try XMLNode.parse(text) } catch { throw refuse(catalog.text("odk.error.xml", ["\(error)"])) }
            let formID = ODKForm.formID(community: community.slug)
            let read: ODKForm.Submitted
            switch ODKForm.read(instance: instance, expectedFormID: formID) {
            case .success(let value): read = value
            case .failure(.otherForm(let other)): throw refuse(catalog.text("odk.error.otherForm", [other, formID]))
            case .failure(.missingInstanceID): throw refuse(catalog.text("odk.error.instanceID"))
            case .failure(.notAForm): throw refuse(catalog.text("odk.error.xml", [instance.name]))
            }
            let store = FieldworkStore(database: request.db)
            guard let version = try await store.published(read.version, of: community.id!) else { throw refuse(catalog.text("odk.error.version", [read.version.map(String.init) ?? "—"])) }
            let form = try await form(request, community, version)
            let labels = try await FieldAppIntake.skillLabels(read.values, form: form, community: community.id!, on: request.db)
            let answers = form.answers(read.values, formID: formID, version: read.version, instanceID: read.instanceID, skillLabel: { labels[$0] })
            let person = password.$person.id
            let viewer = try await Access.viewer(person: person, in: community, request)
            let assignments = try await store.runningAssignments(of: person, in: community.id!, at: now)
            let running = try await store.campaigns(of: community.id!).first { $0.range.contains(now) }?.id
            let code = ClaimCode.derived(secret: password.digestHA1, submission: community.id!.uuidString + ":" + read.instanceID)
            let intake = FieldAppIntake(community: community, places: try await CommunityPlaces.load(community, on: request.db), catalog: catalog)
            switch intake.check(answers, version: version, interviewer: person, assignments: assignments, campaign: running,
                                mayInterviewUnassigned: viewer.roles.contains(.coordinator), claimCode: ClaimCode.normalise(code)!,
                                language: request.language.rawValue) {
            case .declined:
                return OpenRosa.message(catalog.text("odk.declined"), status: .created)
            case .refused(let messages):
                if messages == [catalog.text("interview.error.noAssignment")] { throw OpenRosa.Refusal(status: .forbidden, message: messages[0]) }
                throw refuse(catalog.text("odk.error.invalid", [messages.joined(separator: " ; ")]))
            case .ready(let new):
                let claimURL = request.address(of: .claim(slug: community.slug))
                switch try await FieldAppIntake.record(new, summary: catalog.text("odk.summary"), now: now, on: request.db) {
                case .created:
                    return OpenRosa.message(catalog.text("odk.created", [code, claimURL]), status: .created)
                case .alreadyRecorded(let interview):
                    let held = try await store.claimant(code: ClaimCode.normalise(code)!)?.$person.id == interview.$person.id
                    return OpenRosa.message(catalog.text(held ? "odk.already" : "odk.alreadyNoCode", [code, claimURL]), status: .accepted)
                case .formNumberTaken:
                    throw refuse(catalog.text("odk.error.invalid", ["—"]))
                }
            }
        }
    }

    // MARK: App passwords

    struct PasswordPage: Encodable {
        var layout: PageLayout
        var serverURL: String
        var username: String
        var password: String
        var fieldworkURL: String
    }

    /// A new password, shown once; the previous one stops working.
    @Sendable static func createPassword(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let signedIn = try await request.requireSignedIn()
        let catalog = request.catalog
        // A coordinator who interviews nobody is told so on the fieldwork page.
        guard try await FieldworkStore(database: request.db).interviewer(signedIn.personID, in: community.id!) != nil else {
            request.flash(catalog.text("fieldApp.notInterviewer"))
            return request.seeOther(.fieldwork(slug: community.slug))
        }
        let password = AppPassword.generate()
        let record = try await AppPasswordStore(database: request.db).create(person: signedIn.personID, community: community.id!,
            password: password, realm: OpenRosa.realm, now: request.now)
        let response = try await request.render("fieldwork/app-password", PasswordPage(
            layout: PageLayout(request, title: catalog.text("fieldApp.created.title"), community: community, current: "fieldwork"),
            serverURL: OpenRosa.serverURL(request, community), username: record.username, password: password,
            fieldworkURL: SiteRoute.fieldwork(slug: community.slug).path))
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    @Sendable static func revokePassword(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let signedIn = try await request.requireSignedIn()
        try await AppPasswordStore(database: request.db).revoke(person: signedIn.personID, in: community.id!, now: request.now)
        request.flash(request.catalog.text("fieldApp.revoked"))
        return request.seeOther(.fieldwork(slug: community.slug))
    }
}
