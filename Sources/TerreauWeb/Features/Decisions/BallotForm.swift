import Foundation
import TerreauCore
import Vapor

/// The ballot as a form, one shape per method, and back: what a voter fills in becomes the same
/// JSON item `terreau tally` reads, checked by `BallotFile` before it is stored.
enum BallotForm {
    struct Option: Encodable {
        var index: Int
        var name: String
        var value: String
        var grades: [ChoiceOption]
        var ranks: [ChoiceOption]
        /// Why this voter does not grade this option (a priorities vote on their own project).
        var recused: String?
    }

    struct View: Encodable {
        /// choice, approval, score, grades, ranks, dots, consent
        var shape: String
        var options: [Option]
        var choices: [ChoiceOption]
        var reason: String
        var top: Int
        var dots: Int
        var secret: Bool
    }

    static func shape(_ method: VotingMethod) -> String {
        switch method {
        case .majority, .qualifiedMajority, .consensus: return "choice"
        case .approval: return "approval"
        case .score: return "score"
        case .majorityJudgment: return "grades"
        case .schulze, .instantRunoff: return "ranks"
        case .dotVoting: return "dots"
        case .consent: return "consent"
        }
    }

    static func list(_ text: String) -> [String] { (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? [] }

    /// `recused`: the options this voter may not grade (conflicts of interest), with the tie.
    static func view(for decision: DecisionRecord, catalog: MessageCatalog, values: [String: [String]], recused: [Int: ConflictLink] = [:]) -> View {
        let method = VotingMethod(rawValue: decision.method) ?? .majority
        let names = list(decision.options), grades = list(decision.grades)
        let settings = DecisionStore.header(of: decision)
        func first(_ key: String) -> String { values[key]?.first ?? "" }
        let options = names.enumerated().map { index, name in
            let value = method == .approval ? (values["approve"] ?? []).contains(String(index)) ? "1" : "" : first("option-\(index)")
            return Option(index: index, name: name, value: value,
                grades: grades.map { ChoiceOption(value: $0, label: $0, selected: $0 == value) },
                ranks: (1...max(1, names.count)).map { ChoiceOption(value: String($0), label: String($0), selected: String($0) == value) },
                recused: recused[index].map { catalog.text("ballot.recused", [catalog.text("call.conflict." + $0.rawValue)]) })
        }
        let choiceKeys = method == .consent ? ["consent", "stand-aside", "objection"] : ["pour", "contre", "abstention"]
        return View(shape: shape(method), options: options,
            choices: choiceKeys.map { ChoiceOption(value: $0, label: catalog.text("ballot.choice." + $0), selected: first("choice") == $0) },
            reason: first("reason"), top: Int(settings["scale"]?.array?.last?.number ?? 10), dots: settings["dots"]?.int ?? 5, secret: decision.secret)
    }

    struct Problem: Error {
        var message: String
    }

    /// The JSON item for the submitted form, or what is wrong with it in French. An option the
    /// voter is `recused` from must stay blank; majority judgment records the recusal (`null`,
    /// not counted for that option), the other methods leave it out as on paper.
    static func read(_ request: Request, decision: DecisionRecord, catalog: MessageCatalog, recused: [Int: ConflictLink] = [:]) -> Result<String, Problem> {
        let method = VotingMethod(rawValue: decision.method) ?? .majority
        let names = list(decision.options)
        for (index, link) in recused.sorted(by: { $0.key < $1.key }) where index < names.count {
            if !request.field("option-\(index)").isEmpty || request.fields("approve").contains(String(index)) {
                return .failure(Problem(message: catalog.text("ballot.error.recused", [names[index], catalog.text("call.conflict." + link.rawValue)])))
            }
        }
        var item: JSONValue
        switch method {
        case .majority, .qualifiedMajority, .consensus:
            item = .string(request.field("choice"))
        case .consent:
            let choice = request.field("choice"), reason = request.field("reason")
            guard ["consent", "stand-aside", "objection"].contains(choice) else { return .failure(Problem(message: catalog.text("ballot.error.choice"))) }
            if choice == "objection", reason.isEmpty { return .failure(Problem(message: catalog.text("ballot.error.reason"))) }
            if reason.count > 2000 { return .failure(Problem(message: catalog.text("ballot.error.reasonLength"))) }
            item = .object(["round": .int(decision.round), "choice": .string(choice), "reason": .string(choice == "consent" ? "" : reason)])
            return .success(DecisionStore.json(item))
        case .approval:
            let chosen = Set(request.fields("approve").compactMap(Int.init))
            item = .array(names.enumerated().filter { chosen.contains($0.offset) }.map { .string($0.element) })
        case .score, .dotVoting:
            var map: [String: JSONValue] = [:]
            for (index, name) in names.enumerated() {
                let text = request.field("option-\(index)").replacingOccurrences(of: ",", with: ".")
                if text.isEmpty { continue }
                guard let number = Double(text) else { return .failure(Problem(message: catalog.text("ballot.error.number", [name]))) }
                map[name] = method == .dotVoting ? (number == number.rounded() ? .int(Int(number)) : .double(number)) : .double(number)
            }
            item = .object(map)
        case .majorityJudgment:
            var map: [String: JSONValue] = [:]
            for (index, name) in names.enumerated() {
                if recused[index] != nil { map[name] = .null; continue }
                let grade = request.field("option-\(index)")
                guard !grade.isEmpty else { return .failure(Problem(message: catalog.text("ballot.error.grade", [name]))) }
                map[name] = .string(grade)
            }
            item = .object(map)
        case .schulze, .instantRunoff:
            var byRank: [Int: [JSONValue]] = [:]
            for (index, name) in names.enumerated() {
                let text = request.field("option-\(index)")
                if text.isEmpty { continue }
                guard let rank = Int(text), rank >= 1 else { return .failure(Problem(message: catalog.text("ballot.error.rank", [name]))) }
                byRank[rank, default: []].append(.string(name))
            }
            guard !byRank.isEmpty else { return .failure(Problem(message: catalog.text("ballot.error.empty"))) }
            item = .array(byRank.keys.sorted().map { byRank[$0]!.count == 1 ? byRank[$0]![0] : .array(byRank[$0]!) })
        }
        // The same checks as a file of paper ballots: names, grades, scale, dots.
        do {
            try BallotFile.check(ballot: item, header: DecisionStore.header(of: decision))
        } catch let issue as ImportIssue {
            return .failure(Problem(message: catalog.text("ballot.error.invalid", [issue.message])))
        } catch {
            return .failure(Problem(message: catalog.text("ballot.error.invalid", ["\(error)"])))
        }
        return .success(DecisionStore.json(item))
    }

    /// A stored ballot in words, for open votes: « Pour », « A > B = C », « A : bien, B : passable ».
    static func describe(_ content: String, method: VotingMethod, catalog: MessageCatalog) -> String {
        guard let item = try? JSONDecoder().decode(JSONValue.self, from: Data(content.utf8)) else { return content }
        switch item {
        case .string(let choice): return catalog.text("ballot.choice." + choice)
        case .array(let list):
            return list.map { $0.array.map { $0.map(\.description).joined(separator: " = ") } ?? $0.description }
                .joined(separator: method == .approval ? ", " : " > ")
        case .object(let map):
            if let choice = map["choice"]?.string {
                let reason = map["reason"]?.string ?? ""
                return catalog.text("ballot.choice." + choice) + (reason.isEmpty ? "" : " — " + reason)
            }
            return map.keys.sorted().map { name in
                if case .null = map[name]! { return "\(name) : " + catalog.text("ballot.recusedShort") }
                return "\(name) : \(map[name]!.description)"
            }.joined(separator: ", ")
        default: return item.description
        }
    }

    /// What the voter typed, kept for the page that says what was wrong (R8).
    static func encodeDraft(_ request: Request) -> String {
        var values: [String: [String]] = [:]
        for key in ["choice", "reason"] { values[key] = [request.field(key)] }
        values["approve"] = request.fields("approve")
        for index in 0..<50 { let value = request.field("option-\(index)"); if !value.isEmpty { values["option-\(index)"] = [value] } }
        return DecisionStore.json(values)
    }

    static func decodeDraft(_ text: String) -> [String: [String]]? {
        try? JSONDecoder().decode([String: [String]].self, from: Data(text.utf8))
    }
}
