import Foundation

/// What a decision is about: the community's rules say which methods may decide each kind.
public enum DecisionKind: String, CaseIterable, Codable, Sendable {
    /// Any change to the rules themselves (who votes, quorums, delays, thresholds).
    case ruleChange = "rule-change"
    /// Changing which method decides which kind of decision.
    case methodChange = "method-change"
    /// The priorities of a call for support.
    case priorities
    /// Publishing the diagnostic.
    case publication
    /// Moderation thresholds and appeals.
    case moderation
    /// Everything else the community decides.
    case general
}

extension DecisionKind: CodingKeyRepresentable {}

/// Who takes part in a decision.
public enum Electorate: String, CaseIterable, Codable, Sendable {
    /// Every member of the community, one vote each.
    case members
    /// One vote per organisation of the community, cast by one of its admins (an open ballot).
    case organisations
}

/// How one kind of decision is taken.
public struct KindRule: Equatable, Sendable, Codable {
    /// Methods allowed, the first being the one proposed by default.
    public var methods: [VotingMethod]
    public var electorate: Electorate
    /// Share of the electorate that must take part (nil: none).
    public var quorum: Double?
    /// Qualified majority's threshold, e.g. "2/3".
    public var threshold: String?
    /// Secret ballots (members) or open ones (always open between organisations).
    public var secret: Bool

    public init(methods: [VotingMethod], electorate: Electorate = .members, quorum: Double? = nil, threshold: String? = nil, secret: Bool = true) {
        self.methods = methods
        self.electorate = electorate
        self.quorum = quorum
        self.threshold = threshold
        self.secret = secret
    }
}

/// The community's rules of governance as data, versioned: the platform reads them to open, run and count
/// every decision, and changes them only through a decision they allow.
/// A tie between a person and a project: its author, a co-author, a member or admin of an
/// organisation that carries it, or of one that backs it.
public enum ConflictLink: String, CaseIterable, Codable, Sendable, Comparable {
    case author, coauthor, carrier, backer

    public static func < (a: ConflictLink, b: ConflictLink) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public struct Governance: Equatable, Sendable, Codable {
    public var version: Int
    public var kinds: [DecisionKind: KindRule]
    /// Days of deliberation before a vote may open.
    public var deliberationDays: Int
    /// Days an elected official has to answer a proposal before it shows as overdue.
    public var answerDelayDays: Int
    /// Reports after which a contribution is hidden pending moderation.
    public var moderationReports: Int
    /// Consent: rounds of objections before a proposal falls.
    public var maximumConsentRounds: Int
    /// Months after which a decision comes up for review.
    public var reviewAfterMonths: Int
    /// The ties to a project that keep a person from grading it (conflicts of interest).
    public var conflictLinks: Set<ConflictLink>
    /// Whether elected officials and municipal agents may coordinate or moderate the community.
    /// By default they may not without a rule change: the diagnostic is the community's, « not
    /// an obligation issued by public authorities ».
    public var officialsMayRunCommunity: Bool
    /// Consent: the vote on the final text when objections remain after the last round
    /// (majority or qualified majority), or nil — the proposal is then not adopted.
    public var consentFallback: VotingMethod?

    public init(version: Int = 1, kinds: [DecisionKind: KindRule], deliberationDays: Int = 7, answerDelayDays: Int = 60,
                moderationReports: Int = 3, maximumConsentRounds: Int = 3, reviewAfterMonths: Int = 12,
                conflictLinks: Set<ConflictLink> = Set(ConflictLink.allCases), officialsMayRunCommunity: Bool = false,
                consentFallback: VotingMethod? = nil) {
        self.version = version
        self.kinds = kinds
        self.deliberationDays = deliberationDays
        self.answerDelayDays = answerDelayDays
        self.moderationReports = moderationReports
        self.maximumConsentRounds = maximumConsentRounds
        self.reviewAfterMonths = reviewAfterMonths
        self.conflictLinks = conflictLinks
        self.officialsMayRunCommunity = officialsMayRunCommunity
        self.consentFallback = consentFallback
    }

    /// Rules stored before a setting existed read with its default.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(version: try values.decode(Int.self, forKey: .version), kinds: try values.decode([DecisionKind: KindRule].self, forKey: .kinds),
                  deliberationDays: try values.decode(Int.self, forKey: .deliberationDays),
                  answerDelayDays: try values.decode(Int.self, forKey: .answerDelayDays),
                  moderationReports: try values.decode(Int.self, forKey: .moderationReports),
                  maximumConsentRounds: try values.decode(Int.self, forKey: .maximumConsentRounds),
                  reviewAfterMonths: try values.decode(Int.self, forKey: .reviewAfterMonths),
                  conflictLinks: try values.decodeIfPresent(Set<ConflictLink>.self, forKey: .conflictLinks) ?? Set(ConflictLink.allCases),
                  officialsMayRunCommunity: try values.decodeIfPresent(Bool.self, forKey: .officialsMayRunCommunity) ?? false,
                  consentFallback: try values.decodeIfPresent(VotingMethod.self, forKey: .consentFallback))
    }

    public func rule(for kind: DecisionKind) -> KindRule {
        kinds[kind] ?? kinds[.general] ?? KindRule(methods: [.majority])
    }

    /// The same rules with every kind spelled out (a kind left out follows `general`).
    public var normalized: Governance {
        var copy = self
        copy.kinds = Dictionary(uniqueKeysWithValues: DecisionKind.allCases.map { ($0, rule(for: $0)) })
        return copy
    }

    /// What makes a set of rules unusable, in French, or nil when it holds together.
    public var problem: String? {
        for kind in DecisionKind.allCases {
            let rule = rule(for: kind)
            if rule.methods.isEmpty { return "aucune méthode n'est prévue pour « \(kind.rawValue) »." }
            if [.ruleChange, .methodChange].contains(kind), let method = rule.methods.first(where: { !$0.decidesOneProposal }) {
                return "« \(method.rawValue) » classe des options ; un changement de règle s'adopte ou se rejette (majorité, consentement, consensus)."
            }
            if let quorum = rule.quorum, !(0...1).contains(quorum) { return "le quorum de « \(kind.rawValue) » doit être entre 0 et 1." }
            if rule.electorate == .organisations && rule.secret { return "un vote entre organisations est à bulletin ouvert." }
        }
        if deliberationDays < 0 || answerDelayDays < 1 || moderationReports < 1 || maximumConsentRounds < 1 || reviewAfterMonths < 1 {
            return "les délais, seuils et nombres de tours doivent être positifs."
        }
        if let fallback = consentFallback, !ConsentProcess.fallbackMethods.contains(fallback) {
            return "le vote de repli du consentement se fait à la majorité ou à la majorité qualifiée, pas « \(fallback.rawValue) »."
        }
        return nil
    }
}

/// The three starting points offered when a community is set up.
public enum RulesTemplate: String, CaseIterable, Codable, Sendable {
    case consent = "consentement"
    case majority = "majorite"
    case majorityJudgment = "jugement-majoritaire"

    public var rules: Governance {
        switch self {
        case .consent:
            return Governance(kinds: [
                .ruleChange: KindRule(methods: [.consent], quorum: 0.5, secret: false),
                .methodChange: KindRule(methods: [.consent], quorum: 0.5, secret: false),
                .priorities: KindRule(methods: [.consent, .majorityJudgment], electorate: .organisations, secret: false),
                .publication: KindRule(methods: [.consent], secret: false),
                .moderation: KindRule(methods: [.consent], secret: false),
                .general: KindRule(methods: [.consent, .majorityJudgment, .dotVoting], secret: false),
            ])
        case .majority:
            return Governance(kinds: [
                .ruleChange: KindRule(methods: [.qualifiedMajority], quorum: 0.25, threshold: "2/3"),
                .methodChange: KindRule(methods: [.qualifiedMajority], quorum: 0.25, threshold: "2/3"),
                .priorities: KindRule(methods: [.approval, .schulze], electorate: .organisations, secret: false),
                .publication: KindRule(methods: [.majority]),
                .moderation: KindRule(methods: [.majority]),
                .general: KindRule(methods: [.majority, .approval, .schulze, .instantRunoff]),
            ])
        case .majorityJudgment:
            return Governance(kinds: [
                .ruleChange: KindRule(methods: [.qualifiedMajority], quorum: 0.25, threshold: "3/5"),
                .methodChange: KindRule(methods: [.qualifiedMajority], quorum: 0.25, threshold: "3/5"),
                .priorities: KindRule(methods: [.majorityJudgment], electorate: .organisations, secret: false),
                .publication: KindRule(methods: [.majority]),
                .moderation: KindRule(methods: [.majority]),
                .general: KindRule(methods: [.majorityJudgment, .score, .dotVoting]),
            ])
        }
    }
}

/// Why the platform refuses to open a decision or to apply its result.
public enum RuleRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case methodNotAllowed(kind: DecisionKind, method: VotingMethod, allowed: [VotingMethod])
    case notARuleChange(kind: DecisionKind)
    case notAdopted
    case rulesChangedMeanwhile(decidedUnder: Int, current: Int)
    case invalid(String)

    public var description: String {
        switch self {
        case .methodNotAllowed(let kind, let method, let allowed):
            return "les règles en vigueur ne permettent pas de décider « \(kind.rawValue) » par « \(method.rawValue) » (permis : \(allowed.map(\.rawValue).joined(separator: ", ")))."
        case .notARuleChange(let kind):
            return "une décision « \(kind.rawValue) » ne peut pas changer les règles : il faut une décision « rule-change »."
        case .notAdopted: return "la décision n'a pas été adoptée : les règles ne changent pas."
        case .rulesChangedMeanwhile(let decided, let current):
            return "la décision a été prise sous les règles n° \(decided), les règles en vigueur sont les n° \(current) : rouvrez-la sous les règles actuelles."
        case .invalid(let problem): return "les nouvelles règles ne tiennent pas : \(problem)"
        }
    }
}

public enum DecisionRules {
    /// Whether a decision of `kind` may be opened with `method` under `rules`.
    public static func checkOpening(kind: DecisionKind, method: VotingMethod, under rules: Governance) throws(RuleRefusal) {
        let allowed = rules.rule(for: kind).methods
        guard allowed.contains(method) else { throw .methodNotAllowed(kind: kind, method: method, allowed: allowed) }
    }

    /// A decided change to the rules: taken as a rule (or method) change, with a method the rules
    /// it was opened under allowed, adopted, and those rules still in force. Returns the next
    /// version. Changing which methods decide what needs a `methodChange` or `ruleChange`;
    /// everything else a `ruleChange`.
    public static func apply(_ proposed: Governance, decidedAs kind: DecisionKind, method: VotingMethod, outcome: DecisionOutcome,
                             openedUnder version: Int, to current: Governance) throws(RuleRefusal) -> Governance {
        guard version == current.version else { throw .rulesChangedMeanwhile(decidedUnder: version, current: current.version) }
        try checkOpening(kind: kind, method: method, under: current)
        switch kind {
        case .ruleChange: break
        case .methodChange where changesOnlyMethods(proposed, from: current): break
        default: throw .notARuleChange(kind: kind)
        }
        guard outcome == .adopted else { throw .notAdopted }
        if let problem = proposed.problem { throw .invalid(problem) }
        var next = proposed
        next.version = current.version + 1
        return next
    }

    /// Whether `proposed` differs from `current` only in which methods decide each kind.
    static func changesOnlyMethods(_ proposed: Governance, from current: Governance) -> Bool {
        var masked = proposed.normalized
        masked.version = current.version
        for kind in DecisionKind.allCases { masked.kinds[kind]?.methods = current.rule(for: kind).methods }
        return masked == current.normalized
    }
}

/// A decision's draft as its form sends it, checked without a server: kind and method (allowed
/// by the rules in force), title and text, options and grades, and the method's own settings.
/// The rules a rule change proposes, a new charter and the debated proposal are the web layer's
/// (they read the database).
public enum DecisionDraftCheck {
    public enum Problem: Equatable, Sendable {
        case kind, method, notAllowed(DecisionKind, VotingMethod), title, text, options, grades
        case threshold, allowedAgainst, dots, amount, scale

        /// The form field the message goes beside.
        public var field: String {
            switch self {
            case .kind: return "kind"
            case .method, .notAllowed: return "method"
            case .title: return "title"
            case .text: return "text"
            case .options: return "options"
            case .grades: return "grades"
            case .threshold: return "threshold"
            case .allowedAgainst: return "allowed_against"
            case .dots: return "dots"
            case .amount: return "amount"
            case .scale: return "scale"
            }
        }
    }

    public struct Draft: Equatable, Sendable {
        public var kind: DecisionKind
        public var method: VotingMethod
        public var title: String
        public var text: String
        public var options: [String]
        public var grades: [String]
        public var settings: [String: JSONValue]
    }

    /// - Parameter values: the form's fields by name (a missing one reads as empty).
    public static func check(_ values: [String: String], rules: Governance) -> (draft: Draft?, problems: [Problem]) {
        func value(_ name: String) -> String { values[name] ?? "" }
        var problems: [Problem] = []
        let kind = DecisionKind(rawValue: value("kind")), method = VotingMethod(rawValue: value("method"))
        if kind == nil { problems.append(.kind) }
        if method == nil { problems.append(.method) }
        if let kind, let method {
            do { try DecisionRules.checkOpening(kind: kind, method: method, under: rules) } catch { problems.append(.notAllowed(kind, method)) }
        }
        let title = value("title"), text = value("text")
        if title.isEmpty || title.count > 200 { problems.append(.title) }
        if text.count > 10_000 { problems.append(.text) }
        let options = value("options").formLines, grades = value("grades").formLines
        if let method, !method.decidesOneProposal, options.count < 2 || options.count > 50 || Set(options).count != options.count {
            problems.append(.options)
        }
        if method == .majorityJudgment, grades.count < 2 || grades.count > 10 || Set(grades).count != grades.count { problems.append(.grades) }
        var settings: [String: JSONValue] = [:]
        switch method {
        case .qualifiedMajority?:
            if BallotFile.fraction(.string(value("threshold"))) == nil { problems.append(.threshold) }
            settings["threshold"] = .string(value("threshold"))
        case .consensus?:
            if let allowed = Int(value("allowed_against")), allowed >= 0 { settings["allowed_against"] = .int(allowed) } else { problems.append(.allowedAgainst) }
        case .dotVoting?:
            if let dots = Int(value("dots")), (1...100).contains(dots) { settings["dots"] = .int(dots) } else { problems.append(.dots) }
            if !value("amount").isEmpty {
                if let amount = Int(value("amount")), amount >= 0 { settings["amount"] = .int(amount) } else { problems.append(.amount) }
            }
        case .score?:
            if let top = Int(value("scale")), (1...100).contains(top) { settings["scale"] = .array([.int(0), .int(top)]) } else { problems.append(.scale) }
        default: break
        }
        guard problems.isEmpty, let kind, let method else { return (nil, problems) }
        return (Draft(kind: kind, method: method, title: title, text: text, options: options, grades: grades, settings: settings), problems)
    }
}
