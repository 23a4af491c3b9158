import Foundation
import TerreauCore
import Vapor

/// The community's rules as a form (for a proposed change) and as lines to read.
enum RulesForm {
    struct KindRow: Encodable {
        var kind: String
        var label: String
        var methods: [ChoiceOption]
        var electorates: [ChoiceOption]
        var quorum: String
        var threshold: String
        var secret: Bool
    }

    struct View: Encodable {
        var kinds: [KindRow]
        var numbers: [Number]
        var conflicts: [Flag]
        var officialsMayRunCommunity: Bool
        /// What happens after the last consent round with objections left.
        var consentFallbacks: [ChoiceOption]
        struct Number: Encodable {
            var name: String
            var label: String
            var value: String
        }
        struct Flag: Encodable {
            var name: String
            var label: String
            var checked: Bool
        }
    }


    static let numbers = ["deliberation_days", "answer_delay_days", "moderation_reports", "maximum_consent_rounds", "review_after_months"]

    static var fieldNames: [String] {
        numbers + ConflictLink.allCases.map { "conflict-" + $0.rawValue } + ["officials_may_run_community", "consent_fallback"] + DecisionKind.allCases.flatMap { ["quorum-" + $0.rawValue, "threshold-" + $0.rawValue, "secret-" + $0.rawValue, "electorate-" + $0.rawValue] }
    }

    static func numbers(_ rules: Governance) -> [Int] {
        [rules.deliberationDays, rules.answerDelayDays, rules.moderationReports, rules.maximumConsentRounds, rules.reviewAfterMonths]
    }

    /// The form's values for rules as they are.
    static func values(_ rules: Governance) -> [String: String] {
        var values = Dictionary(uniqueKeysWithValues: zip(numbers, numbers(rules).map(String.init)))
        for kind in DecisionKind.allCases {
            let rule = rules.rule(for: kind)
            values["methods-" + kind.rawValue] = rule.methods.map(\.rawValue).joined(separator: " ")
            values["quorum-" + kind.rawValue] = rule.quorum.map { String(Int(($0 * 100).rounded())) } ?? ""
            values["threshold-" + kind.rawValue] = rule.threshold ?? ""
            values["secret-" + kind.rawValue] = rule.secret ? "1" : ""
            values["electorate-" + kind.rawValue] = rule.electorate.rawValue
        }
        for link in ConflictLink.allCases { values["conflict-" + link.rawValue] = rules.conflictLinks.contains(link) ? "1" : "" }
        values["officials_may_run_community"] = rules.officialsMayRunCommunity ? "1" : ""
        values["consent_fallback"] = rules.consentFallback?.rawValue ?? "none"
        return values
    }

    static func make(_ form: FormState, _ catalog: MessageCatalog) -> View {
        View(kinds: DecisionKind.allCases.map { kind in
            let chosen = Set((form.values["methods-" + kind.rawValue] ?? "").split(separator: " ").map(String.init))
            return KindRow(kind: kind.rawValue, label: catalog.text("decision.kind." + kind.rawValue),
                methods: ChoiceOption.list(VotingMethod.allCases, labels: "decision.method.", catalog) { chosen.contains($0.rawValue) },
                electorates: ChoiceOption.list(Electorate.allCases, labels: "decision.electorate.", catalog) { form.values["electorate-" + kind.rawValue] == $0.rawValue },
                quorum: form.values["quorum-" + kind.rawValue] ?? "", threshold: form.values["threshold-" + kind.rawValue] ?? "",
                secret: form.values["secret-" + kind.rawValue] == "1")
        }, numbers: numbers.map { .init(name: $0, label: catalog.text("governance." + $0), value: form.values[$0] ?? "") },
        conflicts: ConflictLink.allCases.map {
            .init(name: "conflict-" + $0.rawValue, label: catalog.text("governance.conflict." + $0.rawValue), checked: form.values["conflict-" + $0.rawValue] == "1")
        }, officialsMayRunCommunity: form.values["officials_may_run_community"] == "1",
        consentFallbacks: (["none"] + ConsentProcess.fallbackMethods.map(\.rawValue)).map {
            ChoiceOption(value: $0, label: catalog.text("governance.consentFallback." + $0), selected: (form.values["consent_fallback"] ?? "none") == $0)
        })
    }

    struct Problem: Error {
        var message: String
    }

    /// The proposed rules from the form, or the first thing wrong with them in French.
    static func read(_ values: [String: String], current: Governance, _ catalog: MessageCatalog) -> Result<Governance, Problem> {
        var rules = current.normalized
        var read: [Int] = []
        for name in numbers {
            guard let number = Int(values[name] ?? ""), number >= 0, number <= 3650 else {
                return .failure(Problem(message: catalog.text("governance.error.number", [catalog.text("governance." + name)])))
            }
            read.append(number)
        }
        (rules.deliberationDays, rules.answerDelayDays, rules.moderationReports, rules.maximumConsentRounds, rules.reviewAfterMonths) = (read[0], read[1], read[2], read[3], read[4])
        for kind in DecisionKind.allCases {
            let label = catalog.text("decision.kind." + kind.rawValue)
            let methods = (values["methods-" + kind.rawValue] ?? "").split(separator: " ").compactMap { VotingMethod(rawValue: String($0)) }
            let quorumText = values["quorum-" + kind.rawValue] ?? ""
            var quorum: Double?
            if !quorumText.isEmpty {
                guard let percent = Double(quorumText.replacingOccurrences(of: ",", with: ".")), (0...100).contains(percent) else {
                    return .failure(Problem(message: catalog.text("governance.error.quorum", [label])))
                }
                quorum = percent / 100
            }
            let threshold = values["threshold-" + kind.rawValue] ?? ""
            if !threshold.isEmpty, BallotFile.fraction(.string(threshold)) == nil {
                return .failure(Problem(message: catalog.text("governance.error.threshold", [label])))
            }
            rules.kinds[kind] = KindRule(methods: methods, electorate: Electorate(rawValue: values["electorate-" + kind.rawValue] ?? "") ?? .members,
                quorum: quorum, threshold: threshold.isEmpty ? nil : threshold, secret: values["secret-" + kind.rawValue] == "1")
        }
        rules.conflictLinks = Set(ConflictLink.allCases.filter { values["conflict-" + $0.rawValue] == "1" })
        rules.officialsMayRunCommunity = values["officials_may_run_community"] == "1"
        rules.consentFallback = VotingMethod(rawValue: values["consent_fallback"] ?? "")
        if let problem = rules.problem { return .failure(Problem(message: catalog.text("governance.error.rules", [problem]))) }
        return .success(rules)
    }

    /// Who does not grade a project, as the rules say.
    static func conflictRule(_ rules: Governance, _ catalog: MessageCatalog) -> String {
        let links = rules.conflictLinks.sorted().map { catalog.text("governance.conflict." + $0.rawValue) }
        return links.isEmpty ? catalog.text("governance.conflict.none") : catalog.text("governance.conflict.rule", [links.joined(separator: ", ")])
    }

    static func describe(_ rules: Governance, _ catalog: MessageCatalog) -> [Fact] {
        DecisionKind.allCases.map { kind in
            let rule = rules.rule(for: kind)
            var parts = [rule.methods.map { catalog.text("decision.method." + $0.rawValue) }.joined(separator: ", "),
                         catalog.text("decision.electorate." + rule.electorate.rawValue), catalog.text(rule.secret ? "decision.secret" : "decision.open")]
            if let quorum = rule.quorum { parts.append(catalog.text("governance.quorumOf", [catalog.language.formatPercent(quorum)])) }
            if let threshold = rule.threshold { parts.append(catalog.text("governance.thresholdOf", [threshold])) }
            return Fact(label: catalog.text("decision.kind." + kind.rawValue), value: parts.joined(separator: " · "))
        } + zip(numbers, numbers(rules)).map { Fact(label: catalog.text("governance." + $0.0), value: String($0.1)) } + [
            Fact(label: catalog.text("governance.conflicts"), value: conflictRule(rules, catalog)),
            Fact(label: catalog.text("governance.officials"), value: catalog.text(rules.officialsMayRunCommunity ? "governance.officials.yes" : "governance.officials.no")),
            Fact(label: catalog.text("governance.consentFallback"), value: catalog.text("governance.consentFallback." + (rules.consentFallback?.rawValue ?? "none"))),
        ]
    }
}
