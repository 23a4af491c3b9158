import Foundation

/// The public journal (quality R6): every public act of a community, appended to a hash chain
/// of its own. Acts on records that are not public enter the chain too — so the chain is
/// complete — but without their title or link: the public page shows them only as counts.
public enum JournalAct: String, CaseIterable, Codable, Sendable {
    case created, edited, published, statusChanged = "status-changed", opened, closed
    case ruleChanged = "rule-changed", moderated, imported
}

/// What an entry is about (the page's filter).
public enum JournalSubject: String, CaseIterable, Codable, Sendable {
    case inventory, organisation, proposal, decision, rules, charter, comment, questionnaire, campaign, event, study, funding, edition
}

public struct JournalEntry: Equatable, Sendable {
    public var position: Int
    public var at: Date
    public var act: JournalAct
    public var subject: JournalSubject
    /// The record's id, empty for a record that is not public.
    public var subjectID: String
    /// What happened, in the community's words (a title, a status, a count); empty when the
    /// record is not public.
    public var summary: String
    public var isPublic: Bool

    public init(position: Int, at: Date, act: JournalAct, subject: JournalSubject, subjectID: String, summary: String, isPublic: Bool) {
        self.position = position
        self.at = at
        self.act = act
        self.subject = subject
        self.subjectID = isPublic ? subjectID : ""
        self.summary = isPublic ? summary : ""
        self.isPublic = isPublic
    }

    /// What the hash covers: every field, one per line, in a fixed order; the time in whole
    /// seconds (databases round sub-seconds differently).
    public var canonical: String {
        [String(position), String(Int64(at.timeIntervalSince1970.rounded(.down))), act.rawValue, subject.rawValue, subjectID,
         isPublic ? "public" : "non-public", summary.replacingOccurrences(of: "\n", with: " ")].joined(separator: "\n")
    }
}

public enum JournalChain {
    /// The hash of `entry` following `previous`.
    public static func hash(_ entry: JournalEntry, after previous: String) -> String {
        HashChain.hash(previous: previous, content: entry.canonical)
    }

    /// The positions (from 1) of every stored entry whose hash does not follow from the stored
    /// hash before it and its content, or whose position does not follow the one before (a row
    /// removed or moved); empty when the chain holds.
    public static func brokenRows(_ entries: [(entry: JournalEntry, hash: String)]) -> [Int] {
        var previous = (hash: HashChain.genesis, position: 0)
        var broken: [Int] = []
        for (index, stored) in entries.enumerated() {
            if stored.entry.position != previous.position + 1 || hash(stored.entry, after: previous.hash) != stored.hash { broken.append(index + 1) }
            previous = (stored.hash, stored.entry.position)
        }
        return broken
    }

    public static func firstBroken(_ entries: [(entry: JournalEntry, hash: String)]) -> Int? { brokenRows(entries).first }
}
