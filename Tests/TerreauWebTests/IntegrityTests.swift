import Fluent
import Foundation
import TerreauCore
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

/// The democratic-integrity loopholes (issue 21), each reproduced on the code before its fix.
@Suite("Democratic integrity")
struct IntegrityTests {
    static let receiptPattern = #"[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]"#

    /// Each current ballot of the decision, by key.
    static func ballots(_ app: Application, _ decision: DecisionRecord) async throws -> [String: String] {
        var latest: [String: String] = [:]
        for row in try await DecisionStore(database: app.db).log(of: decision.id!) { latest[row.ballotKey] = row.content }
        return latest
    }

    @Test("a receipt alone changes nothing: only its elector, signed in, changes a secret ballot", arguments: Engine.available)
    func receiptIsNotABearerPassword(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            app.clock.freeze(at: Date(timeIntervalSince1970: 1_800_000_000))
            let decision = try await DecisionTests.openVote(app)
            let path = "/c/grenoble-alpes/decisions/\(decision.id!.uuidString)"
            let sophie = Browser(app, address: "192.0.2.11"), karim = Browser(app, address: "192.0.2.12"), paul = Browser(app, address: "192.0.2.13")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            try await karim.signIn("karim@demo.terreau.invalid")
            try await paul.signIn("paul@demo.terreau.invalid")
            _ = try await sophie.post(path + "/bulletin", [("choice", "contre")])
            let shown = try await sophie.get(path).text
            let receipt = try #require(shown.range(of: Self.receiptPattern, options: .regularExpression).map { String(shown[$0]) })
            #expect(shown.contains("Empreinte de votre bulletin"))
            let before = try await Self.ballots(app, decision)

            // Karim saw Sophie's receipt. Before voting himself, then after: refused both times.
            _ = try await karim.post(path + "/bulletin", [("choice", "pour"), ("receipt", receipt)])
            #expect(try await karim.get(path).text.contains("Ce code ne correspond pas à votre bulletin"))
            #expect(try await Self.ballots(app, decision) == before, "Sophie's ballot stands, and Karim has not voted")
            _ = try await karim.post(path + "/bulletin", [("choice", "pour")])
            #expect(try await Self.ballots(app, decision).count == 2)
            _ = try await karim.post(path + "/bulletin", [("choice", "abstention"), ("receipt", receipt)])
            #expect(try await karim.get(path).text.contains("Ce code ne correspond pas à votre bulletin"))
            #expect(try await Self.ballots(app, decision)[before.keys.first!] == before.values.first!)
            // Paul is not an elector: a receipt makes no difference.
            #expect(try await paul.post(path + "/bulletin", [("choice", "pour"), ("receipt", receipt)]).status == .forbidden)

            // Sophie, signed in, with her receipt as she may type it: her ballot changes.
            _ = try await sophie.post(path + "/bulletin", [("choice", "pour"), ("receipt", receipt.lowercased().replacingOccurrences(of: "-", with: " "))])
            #expect(try await sophie.get(path).text.contains("Votre nouveau bulletin remplace le précédent"))
            #expect(try await Self.ballots(app, decision)[before.keys.first!]?.contains("pour") == true)

            // Anyone holding the receipt checks it is counted, without seeing the choice.
            let visitor = Browser(app, address: "192.0.2.14")
            try await visitor.get(path)
            #expect(try await visitor.post(path + "/recu", [("receipt", receipt)]).status == .seeOther)
            let check = try await visitor.get(path).text
            #expect(check.contains("Ce code correspond à un bulletin compté") && check.contains("(2 version(s)") && check.contains("intact"))
            _ = try await visitor.post(path + "/recu", [("receipt", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-F")])
            #expect(try await visitor.get(path).text.contains("Aucun bulletin de ce vote ne correspond à ce code"))
            #expect(await JournalTests.verify(app, decision.id!.uuidString))
        }
    }

    @Test("in an open vote a ballot is its elector's: another's receipt or none, each changes only their own", arguments: Engine.available)
    func openVoteBallotsAreTheirElectors(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            app.clock.freeze(at: Date(timeIntervalSince1970: 1_800_000_000))
            let decision = try await DecisionTests.openVote(app, secret: false)
            let path = "/c/grenoble-alpes/decisions/\(decision.id!.uuidString)"
            let sophie = Browser(app, address: "192.0.2.11"), karim = Browser(app, address: "192.0.2.12")
            try await sophie.signIn("sophie@demo.terreau.invalid")
            try await karim.signIn("karim@demo.terreau.invalid")
            _ = try await sophie.post(path + "/bulletin", [("choice", "contre")])
            _ = try await karim.post(path + "/bulletin", [("choice", "pour"), ("receipt", "7KQ2A-BCDEF-GHJKL-MNPQR-STUVW-X")])
            _ = try await karim.post(path + "/bulletin", [("choice", "abstention")])
            let ballots = try await Self.ballots(app, decision)
            let sophieID = try await MatchingTests.person(app, "sophie@demo.terreau.invalid")
            let karimID = try await MatchingTests.person(app, "karim@demo.terreau.invalid")
            #expect(ballots["person:\(sophieID.uuidString)"]?.contains("contre") == true)
            #expect(ballots["person:\(karimID.uuidString)"]?.contains("abstention") == true)
            #expect(ballots.count == 2)
            // No receipt check on an open vote: the page has none, and the route says nothing.
            #expect(!(try await sophie.get(path).text.contains("Vérifier un bulletin")))
        }
    }
}
