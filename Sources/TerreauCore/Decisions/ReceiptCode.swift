import Crypto
import Foundation

/// Who may change a secret ballot: the elector (signed in) holding that ballot's receipt. The
/// receipt alone authorises nothing (integrity issue: someone who saw another's receipt rewrote
/// that ballot); the elector alone cannot either (the log keys secret ballots by the receipt's
/// hash, and nothing else ties a ballot to a person).
public enum ReceiptCode {
    public enum Verdict: Equatable, Sendable {
        /// No ballot yet and no receipt given: cast, with a new receipt bound to the elector.
        case firstBallot
        /// The elector's own receipt: their ballot is replaced.
        case change
        /// Already voted, no receipt given.
        case receiptNeeded
        /// A receipt that is not bound to this elector (another's, a typo, or given before any
        /// ballot): refused whatever ballot it opens.
        case notYours
    }

    public static func decide(hasVoted: Bool, given: String?, binding: String?, voterKey: String) -> Verdict {
        guard hasVoted else { return given == nil ? .firstBallot : .notYours }
        guard let given else { return .receiptNeeded }
        guard let binding, constantTimeEquals(binding, self.binding(voterKey: voterKey, receipt: given)) else { return .notYours }
        return .change
    }

    /// What the elector's row keeps: SHA-256 over their key and the receipt. Without the receipt
    /// (128 random bits) it cannot be matched to the ballot log's `receipt:` key.
    public static func binding(voterKey: String, receipt: String) -> String {
        HashChain.hex(SHA256.hash(data: Data("terreau-receipt-binding\n\(voterKey)\n\(receipt)".utf8)))
    }

    /// A receipt as typed: any case, spaces, with or without its dashes.
    public static func normalized(_ text: String) -> String {
        let characters = text.uppercased().filter { $0.isLetter || $0.isNumber }
        return stride(from: 0, to: characters.count, by: 5).map { start in
            let from = characters.index(characters.startIndex, offsetBy: start)
            return String(characters[from..<characters.index(from, offsetBy: min(5, characters.count - start))])
        }.joined(separator: "-")
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Whether a ballot may be cast or may replace the voter's previous one, decided before anything
/// is written: the decision accepts ballots now, the voter is on its roll, and in a secret vote
/// the receipt given is theirs (`ReceiptCode.decide`). The store applies the verdict.
public enum BallotAdmission {
    public enum Verdict: Equatable, Sendable {
        case closed
        case notAnElector
        /// A secret vote, already voted, no receipt given.
        case receiptNeeded
        case receiptNotYours
        /// A secret vote's first ballot: a new receipt is bound to the elector.
        case firstSecretBallot
        /// A secret vote's ballot replaced, under the receipt given.
        case secretChange(receipt: String)
        /// An open vote's ballot, first or replacing, under the voter's key.
        case open
    }

    /// - Parameter elector: the voter's row on the roll (nil: not an elector).
    public static func decide(phase: DecisionPhase, now: Date, votingEnds: Date?, elector: (hasVoted: Bool, binding: String?)?,
                              secret: Bool, voterKey: String, receipt: String?) -> Verdict {
        guard DecisionLifecycle.acceptsBallots(phase, now: now, votingEnds: votingEnds) else { return .closed }
        guard let elector else { return .notAnElector }
        guard secret else { return .open }
        let given = receipt.map(ReceiptCode.normalized).flatMap { $0.isEmpty ? nil : $0 }
        switch ReceiptCode.decide(hasVoted: elector.hasVoted, given: given, binding: elector.binding, voterKey: voterKey) {
        case .firstBallot: return .firstSecretBallot
        case .change: return .secretChange(receipt: given!)
        case .receiptNeeded: return .receiptNeeded
        case .notYours: return .receiptNotYours
        }
    }
}
