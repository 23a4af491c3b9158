import Fluent
import Foundation
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Field apps: app passwords, the OpenRosa server with Digest authentication, Kobo and ODK Central imports")
struct FieldAppsTests {
    static let base = "/c/grenoble-alpes"

    /// A phone's answers to the starter questionnaire, by the ODK form's field names.
    static func values(name: String, commune: String = "38151") -> [String: String] {
        ["consentement": "yes", "name": name, "commune": commune, "age": "26-40", "skills_autres": "Savoir réparer une chaise",
         "enjoys": "Cuisiner pour les voisins", "availability": "sat-morning sun-morning", "associations": "yes", "topics": "o1",
         "ties": "4", "idea": "Un four à pain", "visibilite": "members", "contact": "yes", "enqueteur": "karim.benali"]
    }

    static func instance(_ values: [String: String], id: String, version: Int = 1) -> String {
        "<?xml version=\"1.0\"?><data id=\"terreau-grenoble-alpes\" version=\"\(version)\">"
            + values.sorted { $0.key < $1.key }.map { "<\($0.key)>\(XMLNode.escape($0.value))</\($0.key)>" }.joined()
            + "<meta><instanceID>uuid:\(id)</instanceID></meta></data>"
    }

    /// Karim makes his app password on the fieldwork page; the page shows it once.
    static func appPassword(_ karim: Browser) async throws -> (username: String, password: String) {
        let page = try await karim.post(base + "/enquete/application")
        #expect(page.status == .ok)
        func code(after label: String) throws -> String {
            let text = page.text
            let start = try #require(text.range(of: "<dt>\(label)</dt><dd><code"))
            let open = try #require(text.range(of: ">", range: start.upperBound..<text.endIndex))
            let close = try #require(text.range(of: "</code>", range: open.upperBound..<text.endIndex))
            return String(text[open.upperBound..<close.lowerBound])
        }
        return (try code(after: "Identifiant"), try code(after: "Mot de passe"))
    }

    /// As ODK Collect: the request without credentials, the challenge, the request again answering it.
    static func send(_ app: Application, _ method: HTTPMethod, _ path: String, user: String, password: String,
                     body: ByteBuffer? = nil, contentType: HTTPMediaType? = nil, origin: String? = nil) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["X-OpenRosa-Version": "1.0"]
        if let origin { headers.add(name: .origin, value: origin) }
        if let contentType { headers.contentType = contentType }
        let first = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        #expect(first.status == .unauthorized)
        let challenge = try #require(first.headers.first(name: "WWW-Authenticate"))
        let nonce = try #require(challenge.split(separator: "nonce=\"").last?.split(separator: "\"").first).description
        var credentials = DigestAuthentication.Credentials(username: user, realm: OpenRosa.realm, nonce: nonce, uri: path, response: "",
                                                           qop: "auth", nc: "00000001", cnonce: "0a4f113b", algorithm: "MD5")
        credentials.response = DigestAuthentication.expectedResponse(ha1: DigestAuthentication.ha1(username: user, realm: OpenRosa.realm, password: password),
                                                                     method: method.rawValue, credentials: credentials)
        headers.replaceOrAdd(name: .authorization, value: "Digest username=\"\(user)\", realm=\"\(OpenRosa.realm)\", nonce=\"\(nonce)\", uri=\"\(path)\", "
            + "response=\"\(credentials.response)\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", algorithm=MD5")
        return try await app.testing().sendRequest(method, path, headers: headers, body: body)
    }

    static func multipart(_ xml: String) -> (ByteBuffer, HTTPMediaType) {
        let boundary = "odk-" + UUID().uuidString
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; filename=\"submission.xml\"\r\n"
            + "Content-Type: text/xml\r\n\r\n\(xml)\r\n--\(boundary)--\r\n")
        return (body, HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary]))
    }

    @Test("a phone sends an interview over OpenRosa: a claim code in the answer, no duplicate on a resend, 401 for a wrong or revoked password",
          arguments: Engine.available)
    func submission(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let b = try await FieldworkTests.prepare(app, ["camille", "karim"])
            let karim = b["karim"]!
            let (user, password) = try await Self.appPassword(karim)
            #expect(user == "karim.benali")
            #expect(try await karim.get(Self.base + "/enquete").text.contains("karim.benali"))

            let list = try await Self.send(app, .GET, Self.base + "/openrosa/formList", user: user, password: password)
            #expect(list.status == .ok)
            #expect(list.headers.first(name: "X-OpenRosa-Version") == "1.0")
            #expect(list.text.contains("<formID>terreau-grenoble-alpes</formID>") && list.text.contains("<version>1</version>"))
            #expect(try await Self.send(app, .HEAD, Self.base + "/openrosa/submission", user: user, password: password).status == .noContent)

            let id = UUID().uuidString.lowercased()
            let (body, type) = Self.multipart(Self.instance(Self.values(name: "Awa"), id: id))
            let sent = try await Self.send(app, .POST, Self.base + "/openrosa/submission", user: user, password: password, body: body, contentType: type)
            #expect(sent.status == .created, "\(sent.text)")
            let code = try #require(sent.text.firstMatch(of: /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/)).output
            let interview = try #require(try await InterviewRecord.query(on: app.db).filter(\.$idempotencyKey == "odk:" + id).first())
            #expect(interview.channel == "interviewer" && interview.communeCode == "38151" && interview.$assignment.id != nil)
            let item = try #require(try await InventoryItemRecord.find(interview.$item.id, on: app.db))
            #expect(item.title == "Awa")
            #expect(try await ConsentRecord.query(on: app.db).filter(\.$person.$id == interview.$person.id).count() == 2)
            #expect(try await FieldworkStore(database: app.db).claimant(code: ClaimCode.normalise(String(code))!)?.$person.id == interview.$person.id)

            let again = try await Self.send(app, .POST, Self.base + "/openrosa/submission", user: user, password: password, body: body, contentType: type)
            #expect(again.status == .accepted)
            // A browser holding Karim's Digest answer, made to post from another site: refused.
            let (forged, forgedType) = Self.multipart(Self.instance(Self.values(name: "Forgé"), id: UUID().uuidString))
            let crossSite = try await Self.send(app, .POST, Self.base + "/openrosa/submission", user: user, password: password, body: forged,
                                                contentType: forgedType, origin: "https://evil.example")
            #expect(crossSite.status == .forbidden)
            #expect(again.text.contains(String(code)))
            #expect(try await InterviewRecord.query(on: app.db).count() == 1)

            // Refused consent: acknowledged, nothing kept; an unknown version: refused in French.
            var declined = Self.values(name: "Refus")
            declined["consentement"] = "no"
            let (refusal, refusalType) = Self.multipart(Self.instance(declined, id: UUID().uuidString))
            let noted = try await Self.send(app, .POST, Self.base + "/openrosa/submission", user: user, password: password, body: refusal, contentType: refusalType)
            #expect(noted.status == .created && noted.text.contains(XMLNode.escape("rien n'est enregistré")))
            let (old, oldType) = Self.multipart(Self.instance(Self.values(name: "Ancienne"), id: UUID().uuidString, version: 7))
            let unknown = try await Self.send(app, .POST, Self.base + "/openrosa/submission", user: user, password: password, body: old, contentType: oldType)
            #expect(unknown.status == .badRequest && unknown.text.contains(XMLNode.escape("La version 7 du questionnaire n'est pas publiée ici")))
            let (bad, badType) = Self.multipart(Self.instance(Self.values(name: "Ailleurs", commune: "99999"), id: UUID().uuidString))
            let invalid = try await Self.send(app, .POST, Self.base + "/openrosa/submission", user: user, password: password, body: bad, contentType: badType)
            #expect(invalid.status == .badRequest && invalid.text.contains("Entretien non enregistré"))
            #expect(try await InterviewRecord.query(on: app.db).count() == 1)

            // A wrong password, then the revoked one: the challenge again.
            let wrong = try await Self.send(app, .GET, Self.base + "/openrosa/formList", user: user, password: "pas-le-bon")
            #expect(wrong.status == .unauthorized)
            #expect(try await karim.post(Self.base + "/enquete/application/revoquer").status == .seeOther)
            #expect(try await Self.send(app, .GET, Self.base + "/openrosa/formList", user: user, password: password).status == .unauthorized)
        }
    }

    /// A Central export: `,`-separated, `meta-instanceID`, `SubmissionDate`.
    static func export(rows: Int, interviewer: String, at moment: Date, change: (Int, inout [String: String]) -> Void = { _, _ in }) -> String {
        let columns = ["SubmissionDate", "consentement", "name", "commune", "age", "skills_famille", "skills", "skills_autres", "enjoys",
                       "availability", "associations", "topics", "ties", "idea", "visibilite", "contact", "enqueteur", "meta-instanceID"]
        let formatter = ISO8601DateFormatter()
        var lines = [columns.joined(separator: ",")]
        for index in 0..<rows {
            var values = values(name: "Habitant \(index + 1)")
            values["enqueteur"] = interviewer
            values["SubmissionDate"] = formatter.string(from: moment)
            values["meta-instanceID"] = "uuid:" + UUID().uuidString.lowercased()
            change(index, &values)
            lines.append(columns.map { CSV.cell(values[$0] ?? "", type: .string) }.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    @Test("a 200-row ODK Central export is imported once; a bad row refuses the whole file, naming its line", arguments: Engine.available)
    func importExport(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let b = try await FieldworkTests.prepare(app, ["camille", "karim"])
            let (user, _) = try await Self.appPassword(b["karim"]!)
            let importer = FieldworkImport(application: app)
            let moment = FieldworkTests.start + 3600

            let bad = Self.export(rows: 200, interviewer: user, at: moment) { index, values in if index == 56 { values["commune"] = "99999" } }
            await #expect { try await importer.run(bad, community: "grenoble-alpes", campaign: "Diagnostic 2027", version: nil, now: moment) } throws: { error in
                "\(error)".contains("ligne 58 : ") && "\(error)".contains("rien n'est enregistré")
            }
            #expect(try await InterviewRecord.query(on: app.db).count() == 0)

            let good = Self.export(rows: 200, interviewer: user, at: moment) { index, values in
                if index == 3 { values["consentement"] = "no" }
            }
            let report = try await importer.run(good, community: "grenoble-alpes", campaign: "Diagnostic 2027", version: nil, now: moment)
            #expect(report.created.count == 199 && report.declined == 1 && report.alreadyThere == 0)
            #expect(try await InterviewRecord.query(on: app.db).count() == 199)
            #expect(Set(report.created.map(\.claimCode)).count == 199)
            let again = try await importer.run(good, community: "grenoble-alpes", campaign: "Diagnostic 2027", version: nil, now: moment)
            #expect(again.created.isEmpty && again.alreadyThere == 199)
            #expect(try await InterviewRecord.query(on: app.db).count() == 199)

            // Someone who is not an interviewer here, and a day outside Karim's assignment.
            let stranger = Self.export(rows: 2, interviewer: "sophie@demo.terreau.invalid", at: moment)
            await #expect { try await importer.run(stranger, community: "grenoble-alpes", campaign: "Diagnostic 2027", version: nil, now: moment) } throws: { error in
                "\(error)".contains("ligne 2 : enquêteur ou enquêtrice « sophie@demo.terreau.invalid » inconnu")
            }
            let late = Self.export(rows: 1, interviewer: user, at: FieldworkTests.start + 60 * FieldworkTests.day)
            await #expect { try await importer.run(late, community: "grenoble-alpes", campaign: "Diagnostic 2027", version: nil, now: moment) } throws: { error in
                "\(error)".contains("ligne 2 : ")
            }
            #expect(try await InterviewRecord.query(on: app.db).count() == 199)
        }
    }
}
