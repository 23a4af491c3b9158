import Foundation
import Testing
@testable import TerreauCore

@Suite("Who may change a secret ballot: the elector holding that ballot's receipt")
struct ReceiptCodeTests {
    static let camille = "person:camille", karim = "person:karim"
    static let camilleReceipt = "7KQ2A-BCDEF-GHJKL-MNPQR-STUVW-X"
    static let karimReceipt = "23456-789AB-CDEFG-HJKLM-NPQRS-T"
    static let camilleBinding = ReceiptCode.binding(voterKey: camille, receipt: camilleReceipt)
    static let karimBinding = ReceiptCode.binding(voterKey: karim, receipt: karimReceipt)

    @Test("elector or other × own receipt, none or another's × voted or not", arguments: [
        // Camille, her own receipt: she changes her ballot.
        (camille, true, camilleReceipt, camilleBinding, ReceiptCode.Verdict.change),
        // Camille, no receipt, having voted: she must give it.
        (camille, true, nil, camilleBinding, .receiptNeeded),
        // Camille with Karim's receipt: refused, and Karim's ballot is not touched.
        (camille, true, karimReceipt, camilleBinding, .notYours),
        // Karim, who saw Camille's receipt, having voted himself: refused.
        (karim, true, camilleReceipt, karimBinding, .notYours),
        // Karim, who has not voted, with Camille's receipt: refused (the loophole of the review).
        (karim, false, camilleReceipt, nil, .notYours),
        // Karim, first ballot, no receipt: cast, with a new receipt.
        (karim, false, nil, nil, .firstBallot),
        // A ballot cast before receipts were bound: its receipt no longer changes it.
        (camille, true, camilleReceipt, nil, .notYours),
    ] as [(String, Bool, String?, String?, ReceiptCode.Verdict)])
    func decide(voter: String, hasVoted: Bool, given: String?, binding: String?, verdict: ReceiptCode.Verdict) {
        #expect(ReceiptCode.decide(hasVoted: hasVoted, given: given, binding: binding, voterKey: voter) == verdict)
    }

    @Test("the binding depends on both the elector and the receipt, and is not the ballot log's key")
    func binding() {
        #expect(Self.camilleBinding != ReceiptCode.binding(voterKey: Self.karim, receipt: Self.camilleReceipt))
        #expect(Self.camilleBinding != ReceiptCode.binding(voterKey: Self.camille, receipt: Self.karimReceipt))
        #expect(Self.camilleBinding.count == 64 && !Self.camilleBinding.contains("camille"))
    }

    @Test("a receipt as typed", arguments: [
        ("7kq2a bcdef ghjkl mnpqr stuvw x", "7KQ2A-BCDEF-GHJKL-MNPQR-STUVW-X"),
        ("7KQ2ABCDEFGHJKLMNPQRSTUVWX", "7KQ2A-BCDEF-GHJKL-MNPQR-STUVW-X"),
        (" 7KQ2A-BCDEF-GHJKL-MNPQR-STUVW-X\n", "7KQ2A-BCDEF-GHJKL-MNPQR-STUVW-X"),
        ("", ""),
    ])
    func normalized(typed: String, receipt: String) {
        #expect(ReceiptCode.normalized(typed) == receipt)
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a ballot is admitted only while voting runs, from an elector, with their own receipt when secret", arguments: [
        (DecisionPhase.deliberation, false, false, nil as String?, BallotAdmission.Verdict.closed),
        (.voting, true, false, nil, .closed),            // the window is over
        (.voting, false, false, nil, .notAnElector),     // no row on the roll (see below)
        (.voting, false, true, nil, .firstSecretBallot),
        (.voting, false, true, camilleReceipt, .secretChange(receipt: camilleReceipt)),
        (.voting, false, true, "  7kq2a bcdef ghjkl mnpqr stuvw x ", .secretChange(receipt: camilleReceipt)),
        (.voting, false, true, karimReceipt, .receiptNotYours),
        (.voting, false, false, "", .open),
    ] as [(DecisionPhase, Bool, Bool, String?, BallotAdmission.Verdict)])
    func admission(phase: DecisionPhase, windowOver: Bool, secret: Bool, receipt: String?, verdict: BallotAdmission.Verdict) {
        let ends = windowOver ? Self.now - 60 : Self.now + 3600
        // Camille is on the roll; in the « not an elector » row nobody is, and in the first secret
        // ballot's row she has not voted yet.
        let notOnRoll = verdict == .notAnElector
        let hasVoted = verdict != .firstSecretBallot
        let elector: (hasVoted: Bool, binding: String?)? = notOnRoll ? nil : (hasVoted, hasVoted && secret ? Self.camilleBinding : nil)
        #expect(BallotAdmission.decide(phase: phase, now: Self.now, votingEnds: ends, elector: elector, secret: secret, voterKey: Self.camille,
                                       receipt: receipt) == verdict)
    }

    @Test("a secret vote asks for the receipt once voted")
    func receiptNeeded() {
        #expect(BallotAdmission.decide(phase: .voting, now: Self.now, votingEnds: Self.now + 60, elector: (true, Self.camilleBinding), secret: true,
                                       voterKey: Self.camille, receipt: nil) == .receiptNeeded)
    }
}
