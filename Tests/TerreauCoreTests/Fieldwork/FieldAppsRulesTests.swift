import Crypto
import Foundation
import Testing
@testable import TerreauCore

@Suite("Field apps: the ODK form, its XLSForm and XForm, reading submissions and exports, Digest authentication, XML, ZIP")
struct FieldAppsRulesTests {
    static let wording = ODKForm.Wording(
        consentQuestion: "Accepte-t-elle ?", refusalNote: "Fin.", yes: "Oui", no: "Non", visibility: "Qui voit ?",
        visibilities: [("public", "Tout le monde"), ("members", "Les membres"), ("statistics", "Personne")], contact: "Recontact ?",
        families: [("quotidien", "Quotidien"), ("savoir-faire", "Compétences")], familiesLabel: "Domaines", otherSkills: "Autres")

    static let form = ODKForm(community: "grenoble-alpes", title: "Grenoble — v3", version: 3, questionnaire: FieldworkRulesTests.sample,
        options: ["commune": [("38151", "Échirolles"), ("38185", "Grenoble")], "age": [("26-40", "26 à 40 ans")],
                  "associations": [("yes", "Oui"), ("no", "Non")], "topics": [("Jardins", "Jardins"), ("Vélo", "Vélo"), ("Culture", "Culture")],
                  "ties": (1...4).map { (String($0), String($0)) }, "slots": [("sat-morning", "Samedi matin"), ("occasionally", "De temps en temps")]],
        wording: wording)

    @Test("consent comes first and is required; everything else is relevant only once it is yes; a refusal shows the closing note")
    func consentFirst() {
        let fields = Self.form.fields
        #expect(fields[0].name == "consentement" && fields[0].required && fields[0].relevant == .always)
        #expect(fields[0].label == FieldworkRulesTests.sample.consentText)
        #expect(fields[1].control == .note && fields[1].relevant == .afterRefusal)
        #expect(fields.dropFirst(2).allSatisfy { $0.relevant == .afterConsent || $0.control == .username })
        #expect(Self.form.formID == "terreau-grenoble-alpes")
    }

    @Test("each question kind becomes the ODK control it needs", arguments: [
        ("name", ODKForm.Control.text, [String]()),
        ("commune", .selectOne, ["38151", "38185"]),
        ("age", .selectOne, ["26-40"]),
        ("skills", .skillsFromFile, []),
        ("skills_famille", .selectMultiple, ["quotidien", "savoir-faire"]),
        ("skills_autres", .text, []),
        ("slots", .selectMultiple, ["sat-morning", "occasionally"]),
        ("associations", .selectOne, ["yes", "no"]),
        // Free-text options are numbered: a choice name holds no space.
        ("topics", .selectMultiple, ["Jardins", "o2", "Culture"]),
        ("ties", .selectOne, ["1", "2", "3", "4"]),
    ])
    func controls(name: String, control: ODKForm.Control, choices: [String]) throws {
        let field = try #require(Self.form.field(named: name))
        #expect(field.control == control)
        #expect(field.choices.map(\.name) == choices)
        if name == "topics" { #expect(field.choices.map(\.value) == ["Jardins", "Vélo", "Culture"]) }
    }

    @Test("the XLSForm's sheets: survey rows with types, relevance and the skills filter; choices; settings with form_id and version")
    func xlsForm() throws {
        let sheets = Self.form.xlsForm
        #expect(sheets.map(\.name) == ["survey", "choices", "settings"])
        let survey = sheets[0].rows
        #expect(survey[0] == ["type", "name", "label", "hint", "required", "relevant", "appearance", "choice_filter"])
        let skills = try #require(survey.first { $0[1] == "skills" })
        #expect(skills[0] == "select_multiple_from_file competences.csv" && skills[7] == "selected(${skills_famille}, famille)")
        let commune = try #require(survey.first { $0[1] == "commune" })
        #expect(commune[0] == "select_one commune" && commune[4] == "yes" && commune[5] == "${consentement} = 'yes'")
        #expect(survey.contains(["username", "enqueteur", "", "", "", "", "", ""]))
        #expect(sheets[1].rows.contains(["commune", "38151", "Échirolles"]))
        #expect(sheets[2].rows == [["form_title", "form_id", "version"], ["Grenoble — v3", "terreau-grenoble-alpes", "3"]])
    }

    @Test("the XForm parses, binds every field, and names the external skills instance")
    func xform() throws {
        let root = try XMLNode.parse(Self.form.xform)
        #expect(root.name == "h:html")
        let model = try #require(root.child("head")?.child("model"))
        let data = try #require(model.children("instance").first?.children.first)
        #expect(data.attributes == ["id": "terreau-grenoble-alpes", "version": "3"])
        let binds = model.children("bind").compactMap { $0.attributes["nodeset"] }
        #expect(Set(binds) == Set(Self.form.fields.map { "/data/" + $0.name } + ["/data/meta/instanceID"]))
        #expect(model.children("instance").contains { $0.attributes["src"] == "jr://file-csv/competences.csv" })
        let body = try #require(root.child("body"))
        #expect(body.children.first?.attributes["ref"] == "/data/consentement")
    }

    @Test("a submission read back: choice names become Terreau's values, skills' ids their labels, other skills one per line")
    func answers() throws {
        let xml = """
            <?xml version="1.0"?><data id="terreau-grenoble-alpes" version="3"><consentement>yes</consentement><name>Awa &amp; Co</name>\
            <commune>38151</commune><topics>Jardins o2</topics><skills>t-1 t-9</skills><skills_autres>Tricot\nVélo</skills_autres>\
            <visibilite>members</visibilite><contact>yes</contact><enqueteur>karim.benali</enqueteur>\
            <meta><instanceID>uuid:0f8d2c34-aaaa-bbbb-cccc-1234567890ab</instanceID></meta></data>
            """
        let read = try ODKForm.read(instance: XMLNode.parse(xml), expectedFormID: "terreau-grenoble-alpes").get()
        #expect(read.version == 3 && read.instanceID == "0f8d2c34-aaaa-bbbb-cccc-1234567890ab")
        let answers = Self.form.answers(read.values, formID: "terreau-grenoble-alpes", version: 3, instanceID: read.instanceID,
                                        skillLabel: { ["t-1": "Cuisine"][$0] })
        #expect(answers.consent == true && answers.visibility == "members" && answers.contact && answers.interviewer == "karim.benali")
        #expect(answers.typed["name"] == ["Awa & Co"])
        #expect(answers.typed["topics"] == ["Jardins", "Vélo"])
        #expect(answers.typed["skills"] == ["Cuisine", "t-9", "Tricot", "Vélo"])
        #expect(ODKForm.read(instance: try XMLNode.parse(xml), expectedFormID: "terreau-trieves") == .failure(.otherForm("terreau-grenoble-alpes")))
        let anonymous = try XMLNode.parse("<data id=\"terreau-grenoble-alpes\"><consentement>no</consentement></data>")
        #expect(ODKForm.read(instance: anonymous, expectedFormID: "terreau-grenoble-alpes") == .failure(.missingInstanceID))
    }

    @Test("XML: entities, CDATA and comments read; a DOCTYPE, a mismatched tag and too deep a nesting refused", arguments: [
        ("<a x='1 &lt; 2'>&#233;t&#xE9; <!-- c --><![CDATA[<b>&]]></a>", "été <b>&"),
    ])
    func xmlReads(source: String, text: String) throws {
        let node = try XMLNode.parse(source)
        #expect(node.text == text && node.attributes["x"] == "1 < 2")
    }

    @Test("XML refusals", arguments: [
        ("<!DOCTYPE a [<!ENTITY x 'boom'>]><a>&x;</a>", XMLNode.ParseError.doctypeRefused),
        ("<a><b></a>", .mismatchedTag(expected: "b", found: "a")),
        ("<a>&bogus;</a>", .unknownEntity("bogus")),
        (String(repeating: "<a>", count: 70) + String(repeating: "</a>", count: 70), .tooDeep),
    ])
    func xmlRefusals(source: String, problem: XMLNode.ParseError) {
        #expect(throws: problem) { try XMLNode.parse(source) }
    }

    @Test("Digest: RFC 2617's own example, and a response checked against a signed nonce, stale once expired, refused elsewhere")
    func digest() throws {
        // RFC 2617 §3.5.
        let rfc = DigestAuthentication.Credentials(username: "Mufasa", realm: "testrealm@host.com", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            uri: "/dir/index.html", response: "", qop: "auth", nc: "00000001", cnonce: "0a4f113b", algorithm: nil)
        let ha1 = DigestAuthentication.ha1(username: "Mufasa", realm: "testrealm@host.com", password: "Circle Of Life")
        #expect(DigestAuthentication.expectedResponse(ha1: ha1, method: "GET", credentials: rfc) == "6629fae49393a05397450978507c4ef1")
        let parsed = try #require(DigestAuthentication.parse(#"Digest username="Mufasa", realm="testrealm@host.com", nonce="n", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629FAE49393A05397450978507C4EF1", opaque="5ccc""#))
        #expect(parsed.username == "Mufasa" && parsed.qop == "auth" && parsed.response == "6629fae49393a05397450978507c4ef1")
        #expect(DigestAuthentication.parse("Basic dXNlcjpwYXNz") == nil)

        let key = SymmetricKey(size: .bits256), now = Date(timeIntervalSince1970: 1_800_000_000)
        var credentials = rfc
        credentials.realm = "Terreau"
        credentials.nonce = DigestAuthentication.nonce(at: now, key: key)
        let mine = DigestAuthentication.ha1(username: "Mufasa", realm: "Terreau", password: "Circle Of Life")
        credentials.response = DigestAuthentication.expectedResponse(ha1: mine, method: "POST", credentials: credentials)
        func verdict(_ c: DigestAuthentication.Credentials, method: String = "POST", path: String = "/dir/index.html", key k: SymmetricKey? = nil,
                     at moment: Date? = nil) -> DigestAuthentication.Verdict {
            DigestAuthentication.verify(c, ha1: mine, method: method, path: path, realm: "Terreau", key: k ?? key, now: moment ?? now)
        }
        #expect(verdict(credentials) == .accepted)
        #expect(verdict(credentials, at: now + 3600) == .stale)
        #expect(verdict(credentials, method: "GET") == .refused)
        #expect(verdict(credentials, path: "/autre") == .refused)
        #expect(verdict(credentials, key: SymmetricKey(size: .bits256)) == .refused)
        var forged = credentials
        forged.nonce = "1800000000.00.00"
        #expect(verdict(forged) == .refused)
    }

    @Test("claim codes from a phone: the same for the same submission, another for another, always a valid code")
    func derivedClaimCodes() {
        let a = ClaimCode.derived(secret: "ha1", submission: "x:1"), b = ClaimCode.derived(secret: "ha1", submission: "x:2")
        #expect(a == ClaimCode.derived(secret: "ha1", submission: "x:1") && a != b)
        #expect(ClaimCode.normalise(a) != nil && ClaimCode.normalise(b) != nil)
        #expect(a != ClaimCode.derived(secret: "other", submission: "x:1"))
    }

    @Test("ZIP and CRC-32: the standard check value, an archive whose entries and central directory agree")
    func zip() throws {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let archive = ZIPArchive.stored([("a.txt", Array("bonjour".utf8)), ("b/c.xml", Array("<x/>".utf8))])
        #expect(Array(archive.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
        let end = Array(archive.suffix(22))
        #expect(Array(end.prefix(4)) == [0x50, 0x4B, 0x05, 0x06] && end[10] == 2)
        #expect(XLSXWriter.columnName(0) == "A" && XLSXWriter.columnName(25) == "Z" && XLSXWriter.columnName(26) == "AA")
        let workbook = XLSXWriter.workbook([("survey", [["type", "name"], ["text", "a & b"]])])
        #expect(String(decoding: workbook, as: UTF8.self).contains("<t xml:space=\"preserve\">a &amp; b</t>"))
    }

    @Test("exports: Kobo's ; and Central's , read alike; every problem names its line", arguments: [
        ("start;consentement;enqueteur;_uuid\n2026-11-03T10:12:00.000+01:00;yes;karim;0f8d2c34-aaaa-bbbb-cccc-1234567890ab\n", nil as ODKExport.Problem?),
        ("SubmissionDate,consentement,enqueteur,meta-instanceID\n2026-11-03T09:12:00Z,yes,karim,uuid:0f8d2c34-aaaa-bbbb-cccc-1234567890ab\n", nil),
        ("consentement,enqueteur\nyes,karim\n", .noInstanceColumn),
        ("consentement,KEY\nyes,uuid:0f8d2c34-aaaa-bbbb-cccc-1234567890ab\nyes,uuid:0f8d2c34-aaaa-bbbb-cccc-1234567890ab\n", .duplicate(line: 3, firstLine: 2)),
        ("consentement,KEY\nyes,\n", .missingInstanceID(line: 2)),
        ("start,KEY\nhier,0f8d2c34-aaaa-bbbb-cccc-1234567890ab\n", .badMoment(line: 2, value: "hier")),
        ("consentement,KEY\nyes\n", .wrongWidth(line: 2)),
        ("consentement,KEY\n", .empty),
    ])
    func exports(text: String, problem: ODKExport.Problem?) throws {
        if let problem {
            #expect(throws: problem) { try ODKExport.rows(text) }
        } else {
            let rows = try ODKExport.rows(text)
            #expect(rows.count == 1 && rows[0].line == 2 && rows[0].interviewer == "karim" && rows[0].values["consentement"] == "yes")
            #expect(rows[0].instanceID == "0f8d2c34-aaaa-bbbb-cccc-1234567890ab")
            #expect(rows[0].moment == Date(timeIntervalSince1970: 1_793_697_120))
        }
    }

    @Test("app passwords: user names from display names, passwords of 20 characters in groups")
    func appPasswords() {
        #expect(AppPassword.username(displayName: "Karim Benali") == "karim.benali")
        #expect(AppPassword.username(displayName: "Élise Faure-Dupont") == "elise.faure.dupont")
        #expect(AppPassword.username(displayName: "—") == "enqueteur")
        let password = AppPassword.generate()
        #expect(password.count == 23 && password.split(separator: "-").count == 4)
    }
}
