import Foundation
import Testing
@testable import TerreauCore

@Suite("Permission policy (S5)")
struct PolicyTests {
    static let coordinator = Viewer(signedIn: true, roles: [.member, .coordinator])
    static let member = Viewer(signedIn: true, roles: [.member])
    static let outsider = Viewer(signedIn: true, roles: [])

    @Test("role × action", arguments: [
        (Viewer.anonymous, Action.readPublic, true), (.anonymous, .useAccount, false), (.anonymous, .joinCommunity, false),
        (.anonymous, .readMembersOnly, false), (outsider, .joinCommunity, true), (outsider, .readMembersOnly, false),
        (member, .readMembersOnly, true), (member, .proposeOrganisation, true), (member, .claimOrganisation, true),
        (member, .manageMembers, false), (member, .moderate, false), (member, .readOutbox, false),
        (member, .reviewOrganisationClaims, false), (coordinator, .manageMembers, true), (coordinator, .moderate, true),
        (coordinator, .readOutbox, false), (coordinator, .followCommunityMail, true), (member, .followCommunityMail, false),
        (Viewer(signedIn: true, instanceAdmin: true), .readOutbox, true), (Viewer(signedIn: false, instanceAdmin: true), .readOutbox, false),
        (Viewer(signedIn: true, roles: [.coordinator], instanceAdmin: true), .readOutbox, true), (coordinator, .reviewOrganisationClaims, true),
        (Viewer(signedIn: true, roles: [.member, .moderator]), .manageMembers, false), (Viewer(signedIn: true, roles: [.member, .moderator]), .moderate, true),
        (Viewer(signedIn: true, roles: [.member, .elected]), .moderate, false),
        (Viewer(signedIn: true, roles: [.member], organisationAdmin: true), .reviewOrganisationClaims, true),
        (Viewer(signedIn: false, roles: [.coordinator], organisationAdmin: true), .reviewOrganisationClaims, false),
        (coordinator, .administerOrganisation, false), (Viewer(signedIn: true, organisationAdmin: true), .administerOrganisation, true),
    ])
    func allows(viewer: Viewer, action: Action, expected: Bool) {
        #expect(Policy.allows(viewer, action) == expected)
    }

    @Test("visibility", arguments: [
        (Viewer.anonymous, Visibility.public, true), (.anonymous, .members, false), (member, .members, true),
        (member, .coordinators, false), (coordinator, .coordinators, true), (coordinator, .statistics, false),
        (outsider, .members, false),
    ])
    func canSee(viewer: Viewer, visibility: Visibility, expected: Bool) {
        #expect(Policy.canSee(viewer, visibility) == expected)
        #expect(Policy.canSee(viewer, visibility, isOwner: true))
    }

    @Test("an anonymous viewer has no roles, whatever it is given")
    func anonymousHasNoRoles() {
        #expect(Viewer(signedIn: false, roles: [.coordinator]).roles.isEmpty)
    }

    @Test("the elected role is only for people who joined as elected officials")
    func electedIsVerified() {
        #expect(!Policy.assignableRoles(actorKind: .resident, officialsMayRunCommunity: false).contains(.elected))
        #expect(Policy.assignableRoles(actorKind: .elected, officialsMayRunCommunity: false).contains(.elected))
    }

    @Test("roles are stored as sorted words and read back, unknown words dropped")
    func roleStorage() {
        #expect(Role.store([.coordinator, .member]) == "member coordinator")
        #expect(Role.parse("member admin coordinator") == [.member, .coordinator])
    }
}

@Suite("Accounts rules (S1–S4)")
struct AccountRulesTests {
    static let policy = PasswordPolicy(commonPasswords: ["motdepasse123", "azertyuiop12"])

    @Test("password rules (S1)", arguments: [
        ("court", nil as String?, PasswordPolicy.Problem.tooShort as PasswordPolicy.Problem?),
        (String(repeating: "a", count: 129), nil, .tooLong),
        ("MotDePasse123", nil, .common), ("azerty uiop12", nil, .common),
        ("camille.roux 2026 !", "camille.roux@exemple.fr", .containsEmail),
        ("le thé du matin sous la pluie", "camille@exemple.fr", nil),
        (String(repeating: "é", count: 12), nil, nil),
        (String(repeating: "b", count: 128), nil, nil),
    ])
    func password(password: String, email: String?, problem: PasswordPolicy.Problem?) {
        #expect(Self.policy.problem(password: password, email: email) == problem)
    }

    @Test("e-mail addresses", arguments: [
        ("  Camille@Exemple.FR ", "camille@exemple.fr" as String?), ("sans-arobase", nil), ("a@b", nil), ("a@@b.fr", nil),
        ("a b@c.fr", nil), ("<a@b.fr>", nil), ("a@.b.fr", nil), ("x@exemple.fr", "x@exemple.fr"),
    ])
    func email(raw: String, normalized: String?) {
        #expect(EmailAddress.normalized(raw) == normalized)
    }

    @Test("throttle windows (S2)")
    func throttle() {
        let rule = ThrottleRule.signInAttempts
        let (start, retry) = rule.window(at: Date(timeIntervalSince1970: 1_000_005))
        #expect(start == 999_960)
        #expect(retry == 15)
        #expect(!rule.isExceeded(count: 5))
        #expect(rule.isExceeded(count: 6))
        #expect(ThrottleRule.authRequests.isExceeded(count: 101))
        #expect(!ThrottleRule.authRequests.isExceeded(count: 100))
    }

    static let lifetimes: [(Double, Double, Bool)] = [(0, 1740, false), (0, 1860, true), (39600, 39660, false), (42840, 43560, true)]

    @Test("session lifetime (S3): 30 min idle, 12 h in all", arguments: lifetimes)
    func sessionLifetime(lastSeen: Double, now: Double, expired: Bool) {
        let lifetime = SessionLifetime(idleMinutes: 30, absoluteHours: 12)
        let origin = Date(timeIntervalSince1970: 0)
        #expect(lifetime.isExpired(signedInAt: origin, lastSeenAt: origin.addingTimeInterval(lastSeen), now: origin.addingTimeInterval(now)) == expired)
    }

    @Test("tokens (S4): one use, one hour for a reset")
    func tokens() {
        let now = Date(timeIntervalSince1970: 10_000)
        #expect(TokenPurpose.resetPassword.lifetime == 3600)
        #expect(TokenVerdict.of(usedAt: nil, expiresAt: now.addingTimeInterval(1), now: now) == .usable)
        #expect(TokenVerdict.of(usedAt: now, expiresAt: now.addingTimeInterval(60), now: now) == .used)
        #expect(TokenVerdict.of(usedAt: nil, expiresAt: now, now: now) == .expired)
    }

    static let delays: [(Int, Double)] = [(1, 60), (2, 120), (3, 240), (6, 1920), (9, 3600)]

    @Test("mail retries back off, then give up", arguments: delays)
    func retry(attempt: Int, delay: Double) {
        #expect(MailRetry.delay(afterAttempt: attempt) == delay)
    }

    @Test("giving up after the last attempt")
    func givesUp() {
        #expect(!MailRetry.givesUp(afterAttempt: MailRetry.maximumAttempts - 1))
        #expect(MailRetry.givesUp(afterAttempt: MailRetry.maximumAttempts))
    }
}

@Suite("Organisation identifiers")
struct OrganisationIdentifierTests {
    @Test("RNA numbers", arguments: [("W381000123", true), ("w381000123", true), ("W38100012", false), ("751P00085568", false), ("X381000123", false), ("W38100012A", false)])
    func rna(value: String, valid: Bool) {
        #expect((OrganisationIdentifier.rna(value) != nil) == valid)
    }

    @Test("SIREN check digit (Luhn)", arguments: [
        ("812345676", true), ("812 345 676", true), ("812345677", false), ("732829320", true), ("356000000", true), ("12345678", false), ("81234567a", false),
    ])
    func siren(value: String, valid: Bool) {
        #expect((OrganisationIdentifier.siren(value) != nil) == valid)
    }

    @Test("social object codes map to themes", arguments: [("006030", "culture" as String?), ("020000", "solidarite"), ("000000", nil), ("", nil), ("099000", "autre")])
    func themes(code: String, theme: String?) {
        #expect(SocialObjectTheme.theme(forCode: code) == theme)
    }
}

@Suite("RNA files")
struct RNAParserTests {
    /// The register's samples, as shipped with the demo (the same files as the project's shared reference data).
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Resources/Demo/rna")

    func sample(_ name: String) throws -> SourceFile {
        SourceFile(name: name, data: try Data(contentsOf: Self.samples.appendingPathComponent(name)))
    }

    @Test("waldec layout: only active associations, codes mapped, no-date kept empty")
    func waldec() throws {
        let result = try RNAParser.parse(try sample("rna_sample_waldec.csv"))
        #expect(result.layout == .waldec)
        #expect(result.associations.map(\.rna) == ["W012000002", "W012000005"])
        #expect(result.skippedInactive == 1)
        let ariadne = result.associations[0]
        #expect(ariadne.name == "ARIADNE")
        #expect(ariadne.themes == ["culture"])
        #expect(ariadne.socialObjectCodes == ["006070"])
        #expect(ariadne.communeCode == "69266")
        #expect(ariadne.createdOn == "1983-10-10")
    }

    @Test("import layout: every sample row is taken over (R), none kept")
    func importLayout() throws {
        let result = try RNAParser.parse(try sample("rna_sample_import.csv"))
        #expect(result.layout == .import)
        #expect(result.associations.isEmpty)
        #expect(result.skippedInactive == 3)
    }

    static let header = "id;id_ex;siret;gestion;date_creat;date_publi;nature;groupement;titre;objet;objet_social1;objet_social2;adr1;adr2;adr3;adrs_codepostal;libcom;adrs_codeinsee;dir_civilite;telephone;siteweb;email;observation;position;rup_mi;maj_time"

    @Test("import layout: the W number in rup_mi, Latin-1 accepted, « 0001-01-01 » is no date")
    func latin1() throws {
        let row = "381P1;1;;381P;0001-01-01;0001-01-01;D;S;Société de théâtre;Jouer;006030;000000;;;;38000;Grenoble;38185;PM;;;;;A;W381000123;2020-01-01"
        let data = (Self.header + "\n" + row + "\n").data(using: .isoLatin1)!
        let result = try RNAParser.parse(SourceFile(name: "rna.csv", data: data))
        #expect(result.associations.count == 1)
        #expect(result.associations[0].name == "Société de théâtre")
        #expect(result.associations[0].rna == "W381000123")
        #expect(result.associations[0].createdOn == nil)
    }

    @Test("bad rows are all reported by line and column; nothing is returned")
    func badRows() throws {
        let rows = [
            "a;1;;g;2020-01-01;;D;S;Bon;x;006030;000000;;;;38000;Grenoble;38185;PM;;;;;A;W381000001;t",
            "b;1;;g;2020-01-01;;D;S;Mauvais numéro;x;006030;000000;;;;38000;Grenoble;38185;PM;;;;;A;W38;t",
            "c;1;;g;2020-13-01;;D;S;Mauvaise date;x;006030;000000;;;;38000;Grenoble;38185;PM;;;;;A;W381000003;t",
            "d;1;;g;2020-01-01;;D;S;Position;x;006030;000000;;;;38000;Grenoble;38185;PM;;;;;Z;W381000004;t",
            "e;1;;g;2020-01-01;;D;S;Code;x;6030;000000;;;;38000;Grenoble;38185;PM;;;;;A;W381000005;t",
        ]
        let file = SourceFile(name: "rna.csv", data: Data((Self.header + "\n" + rows.joined(separator: "\n")).utf8))
        #expect(throws: ImportFailure.self) { try RNAParser.parse(file) }
        do {
            _ = try RNAParser.parse(file)
        } catch {
            #expect(error.issues.map(\.line) == [3, 4, 5, 6])
            #expect(error.issues.map(\.column) == ["rup_mi", "date_creat", "position", "objet_social1"])
            #expect(error.description.contains("rna.csv, ligne 3, colonne « rup_mi » : numéro RNA « W38 » invalide"))
        }
    }
}

@Suite("E-mail messages")
struct MailMessageTests {
    @Test("a French subject becomes RFC 2047 words that decode back to it")
    func encodedSubject() throws {
        let subject = "Réunion à l'école : « ça démarre » — été 2026, avec des accents sur une très longue ligne"
        let encoded = MailMessage.encodedWords(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        let decoded = try words.map { word -> String in
            let base64 = word.dropFirst(10).dropLast(2)
            return String(decoding: try #require(Data(base64Encoded: String(base64))), as: UTF8.self)
        }.joined()
        #expect(decoded == subject)
        #expect(MailMessage.encodedWords("Plain subject") == "Plain subject")
    }

    @Test("headers and body: CRLF lines, base64 UTF-8 body, dot-stuffing")
    func rendered() throws {
        let message = MailMessage(from: "terreau@exemple.fr", fromName: "Terreau", to: "camille@exemple.fr", subject: "Bonjour",
            body: "Ligne un\n.point au début\nÉté", date: Date(timeIntervalSince1970: 0), messageID: "1@exemple.fr")
        let text = message.rendered()
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(text.contains("Content-Type: text/plain; charset=utf-8\r\n"))
        let body = text.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: "")
        #expect(String(decoding: try #require(Data(base64Encoded: body)), as: UTF8.self) == "Ligne un\r\n.point au début\r\nÉté")
        #expect(MailMessage.dotStuffed("a\r\n.b\r\nc") == "a\r\n..b\r\nc")
    }
}
