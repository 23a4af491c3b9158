import Fluent
import Foundation

/// One version of a community's governance rules (`Governance` as JSON). Versions are never
/// changed; a new one is added by the decision that adopted it.
final class GovernanceRecord: Model, @unchecked Sendable {
    static let schema = "governance_versions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "version") var version: Int
    @Field(key: "rules") var rules: String
    /// The template it started from (version 1) or nil.
    @OptionalField(key: "template") var template: String?
    /// The decision that adopted it (nil for version 1).
    @OptionalParent(key: "decision_id") var decision: DecisionRecord?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A decision: what is decided, how (kind, method and the rules it was opened under), its phase
/// and window, and once closed the stored count, the ballot log's head hash and the outcome
/// statement, which never change afterwards.
final class DecisionRecord: Model, @unchecked Sendable {
    static let schema = "decisions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "community_id") var community: CommunityRecord
    @Field(key: "kind") var kind: String
    @Field(key: "method") var method: String
    @Field(key: "title") var title: String
    @Field(key: "text") var text: String
    /// JSON array of option names (empty for one-proposal methods).
    @Field(key: "options") var options: String
    /// JSON array of grades, worst first (majority judgment).
    @Field(key: "grades") var grades: String
    /// JSON object of settings read by `BallotFile`: threshold, dots, amount, scale…
    @Field(key: "settings") var settings: String
    /// For a rule or method change: the proposed `Governance` as JSON.
    @OptionalField(key: "proposed_rules") var proposedRules: String?
    @Field(key: "phase") var phase: String
    @Field(key: "rules_version") var rulesVersion: Int
    @Field(key: "electorate_kind") var electorateKind: String
    @Field(key: "secret") var secret: Bool
    @OptionalField(key: "quorum") var quorum: Double?
    /// Consent: the current round (1-based).
    @Field(key: "round") var round: Int
    @OptionalParent(key: "created_by") var createdBy: PersonRecord?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "deliberation_started_at") var deliberationStartedAt: Date?
    @OptionalField(key: "voting_opened_at") var votingOpenedAt: Date?
    @OptionalField(key: "voting_ends_at") var votingEndsAt: Date?
    /// Fixed when voting opens.
    @OptionalField(key: "electorate_size") var electorateSize: Int?
    @OptionalField(key: "closed_at") var closedAt: Date?
    /// The `TallyReport` as JSON, computed once at the close.
    @OptionalField(key: "result") var result: String?
    @OptionalField(key: "head_hash") var headHash: String?
    @OptionalField(key: "outcome_statement") var outcomeStatement: String?
    @OptionalField(key: "review_on") var reviewOn: Date?
    /// Why an adopted rule change could not be applied, if it could not.
    @OptionalField(key: "rules_refusal") var rulesRefusal: String?
    /// The proposal whose debate is this decision's deliberation.
    @OptionalParent(key: "proposal_id") var proposal: ProposalRecord?
    /// For a rule change: a new text of the ethics charter, published if adopted.
    @OptionalField(key: "proposed_charter") var proposedCharter: String?
    /// Consent, first round: the circle has moved from clarifying questions to reactions.
    @OptionalField(key: "reactions_open") var reactionsOpen: Bool?
    /// A fallback vote: the consent decision whose objections outlasted its rounds.
    @OptionalParent(key: "fallback_of") var fallbackOf: DecisionRecord?

    init() {}
}

/// One row of a decision's ballot log. No voter id for secret ballots (the key is the hash of
/// the receipt only the voter holds), no timestamp; `position` orders the hash chain.
final class BallotRecord: Model, @unchecked Sendable {
    static let schema = "ballots"
    @ID(key: .id) var id: UUID?
    @Parent(key: "decision_id") var decision: DecisionRecord
    @Field(key: "position") var position: Int
    @Field(key: "ballot_key") var ballotKey: String
    @Field(key: "content") var content: String
    @Field(key: "hash") var hash: String

    init() {}
}

/// The proposal's text changed between two consent rounds, to answer the objections.
/// A clarifying question, the proposer's answer to one, or a member's reaction, in a consent
/// decision's deliberation (`ConsentContribution`), with the round it belongs to.
final class DecisionContributionRecord: Model, @unchecked Sendable {
    static let schema = "decision_contributions"
    @ID(key: .id) var id: UUID?
    @Parent(key: "decision_id") var decision: DecisionRecord
    @Field(key: "round") var round: Int
    @Field(key: "kind") var kind: String
    @Field(key: "text") var text: String
    /// An answer: the question it answers.
    @OptionalParent(key: "answers_id") var answers: DecisionContributionRecord?
    @OptionalParent(key: "author_id") var author: PersonRecord?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class DecisionAmendmentRecord: Model, @unchecked Sendable {
    static let schema = "decision_amendments"
    @ID(key: .id) var id: UUID?
    @Parent(key: "decision_id") var decision: DecisionRecord
    /// The round the amended text is put to.
    @Field(key: "round") var round: Int
    @Field(key: "previous_text") var previousText: String
    @Field(key: "text") var text: String
    @OptionalParent(key: "amended_by") var amendedBy: PersonRecord?
    @Field(key: "amended_at") var amendedAt: Date

    init() {}
}
