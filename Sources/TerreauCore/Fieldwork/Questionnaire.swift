import Foundation

/// The community's method: a questionnaire kept as data, one version per publication. Each
/// question either fills a field of the resident's portrait or is kept as a survey answer.
public struct Questionnaire: Codable, Equatable, Sendable {
    public var questions: [Question]
    /// Read aloud before any question (quality S12): its version is the questionnaire's.
    public var consentText: String

    public init(questions: [Question], consentText: String) {
        self.questions = questions
        self.consentText = consentText
    }

    /// The questions grouped by section, in order of first appearance.
    public var sections: [(title: String, questions: [Question])] {
        var result: [(title: String, questions: [Question])] = []
        for question in questions {
            if let index = result.firstIndex(where: { $0.title == question.section }) {
                result[index].questions.append(question)
            } else {
                result.append((question.section, [question]))
            }
        }
        return result
    }

    public func question(_ key: String) -> Question? { questions.first { $0.key == key } }
}

public enum QuestionKind: String, CaseIterable, Codable, Sendable {
    case shortText = "short-text"
    case longText = "long-text"
    case singleChoice = "single-choice"
    case multipleChoice = "multiple-choice"
    case skills
    case availability
    case yesNo = "yes-no"
    case scale

    public var hasOwnOptions: Bool { self == .singleChoice || self == .multipleChoice }
}

public struct Question: Codable, Equatable, Sendable {
    /// Stable across versions: what the comparison of two versions and the stored answers use.
    public var key: String
    public var section: String
    public var label: String
    public var help: String
    public var kind: QuestionKind
    /// The choices of a choice question that fills no portrait field.
    public var options: [String]
    public var required: Bool
    /// The portrait field the answer fills; nil keeps it as a survey answer.
    public var mapsTo: InventoryField?
    /// The top of a scale question (from 1).
    public var scaleMax: Int

    public init(key: String, section: String, label: String, help: String = "", kind: QuestionKind, options: [String] = [],
                required: Bool = false, mapsTo: InventoryField? = nil, scaleMax: Int = 5) {
        self.key = key
        self.section = section
        self.label = label
        self.help = help
        self.kind = kind
        self.options = options
        self.required = required
        self.mapsTo = mapsTo
        self.scaleMax = scaleMax
    }
}

/// Which kinds of question may fill which portrait field: the answer must be a value the
/// portrait's own form would accept.
public enum QuestionMapping {
    public static let portraitFields: [InventoryField] = InventoryKind.portrait.fields.filter { $0 != .visibility }

    public static func kinds(for field: InventoryField) -> [QuestionKind] {
        switch field.input {
        case .line: return [.shortText]
        case .text: return [.longText, .shortText]
        case .choice, .place: return [.singleChoice]
        case .multiChoice: return [.multipleChoice]
        case .skills: return [.skills]
        case .availability: return [.availability]
        case .yesNo: return [.yesNo]
        case .number: return [.shortText]
        }
    }

    /// The choices of a mapped choice question are the field's own (nil: the question's, or
    /// the community's places, known at run time).
    public static func fixedOptions(for field: InventoryField) -> [String]? {
        switch field.input {
        case .choice(let keys), .multiChoice(let keys): return keys
        default: return nil
        }
    }
}

/// What is wrong with a draft, question by question (numbered from 1 as the editor shows them).
public enum QuestionnaireProblem: Equatable, Sendable {
    case noQuestion
    case missingLabel(Int)
    case missingSection(Int)
    case tooFewOptions(Int)
    case kindDoesNotFit(Int, field: InventoryField)
    case mappedTwice(Int, field: InventoryField)
    case scaleOutOfRange(Int)
    case tooLong(Int)
    case missingConsentText
}

extension Questionnaire {
    public static let maximumQuestions = 120

    /// A draft is publishable when every question can be asked and answered into its field.
    public func problems() -> [QuestionnaireProblem] {
        var problems: [QuestionnaireProblem] = []
        if questions.isEmpty { problems.append(.noQuestion) }
        if consentText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems.append(.missingConsentText) }
        var mapped: Set<InventoryField> = []
        for (offset, question) in questions.enumerated() {
            let number = offset + 1
            if question.label.isEmpty { problems.append(.missingLabel(number)) }
            if question.section.isEmpty { problems.append(.missingSection(number)) }
            if question.label.count > 300 || question.help.count > 600 || question.options.contains(where: { $0.count > 120 }) {
                problems.append(.tooLong(number))
            }
            if question.kind == .scale, !(2...10).contains(question.scaleMax) { problems.append(.scaleOutOfRange(number)) }
            if let field = question.mapsTo {
                if !QuestionMapping.kinds(for: field).contains(question.kind) { problems.append(.kindDoesNotFit(number, field: field)) }
                if !mapped.insert(field).inserted { problems.append(.mappedTwice(number, field: field)) }
            } else if question.kind.hasOwnOptions, question.options.count < 2 {
                problems.append(.tooFewOptions(number))
            }
        }
        return problems
    }

    /// A key for a new question: its label folded, unique among `taken`.
    public static func key(for label: String, taken: Set<String>) -> String {
        let folded = label.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
        var slug = String(folded.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
            .split(separator: "-").prefix(6).joined(separator: "-")
        if slug.isEmpty { slug = "question" }
        var key = slug, suffix = 2
        while taken.contains(key) {
            key = slug + "-" + String(suffix)
            suffix += 1
        }
        return key
    }
}

// MARK: Answers

public enum AnswerError: Equatable, Sendable {
    case required
    case notAChoice
    case tooLong(max: Int)
}

/// One interview's answers checked against the version asked: portrait fields on one side,
/// survey answers on the other, and an error per question key.
public struct CheckedAnswers: Equatable, Sendable {
    public var portrait: [InventoryField: String] = [:]
    public var survey: [String: String] = [:]
    public var errors: [String: AnswerError] = [:]
    /// What was submitted, by question key, to give the form back as typed (quality R8).
    public var typed: [String: [String]] = [:]
}

extension Questionnaire {
    /// - Parameters:
    ///   - submitted: the values posted per question key (several for multiple choices and
    ///     the availability grid).
    ///   - places: the community's commune codes and neighbourhood slugs.
    public func check(_ submitted: [String: [String]], communes: Set<String>, neighbourhoods: Set<String>) -> CheckedAnswers {
        var result = CheckedAnswers()
        for question in questions {
            let values = (submitted[question.key] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            result.typed[question.key] = values
            let allowed: [String]?
            switch question.kind {
            case .singleChoice, .multipleChoice:
                if let field = question.mapsTo {
                    if field == .commune { allowed = communes.sorted() }
                    else if field == .neighbourhood { allowed = neighbourhoods.sorted() }
                    else { allowed = QuestionMapping.fixedOptions(for: field) ?? question.options }
                } else {
                    allowed = question.options
                }
            case .yesNo: allowed = ["yes", "no"]
            case .scale: allowed = (1...max(question.scaleMax, 1)).map(String.init)
            case .availability: allowed = Availability.slots + [Availability.occasionally]
            case .shortText, .longText, .skills: allowed = nil
            }
            if values.isEmpty {
                if question.required { result.errors[question.key] = .required }
                continue
            }
            if let allowed, !values.allSatisfy(allowed.contains) {
                result.errors[question.key] = .notAChoice
                continue
            }
            let answer: String
            switch question.kind {
            case .multipleChoice, .availability:
                // Portrait fields keep keys separated by spaces; survey choices may hold spaces.
                let chosen = Set(values)
                answer = (allowed ?? []).filter(chosen.contains).joined(separator: question.mapsTo == nil ? "\n" : " ")
            case .singleChoice, .yesNo, .scale:
                guard values.count == 1 else { result.errors[question.key] = .notAChoice; continue }
                answer = values[0]
            case .skills:
                answer = values.flatMap(\.formLines).joined(separator: "\n")
            case .shortText, .longText:
                answer = values.joined(separator: "\n")
            }
            let limit = question.kind == .shortText ? 200 : 4000
            if answer.count > limit {
                result.errors[question.key] = .tooLong(max: limit)
                continue
            }
            if let field = question.mapsTo {
                result.portrait[field] = answer
            } else {
                result.survey[question.key] = answer
            }
        }
        return result
    }
}

extension String {
    /// A text holding one item per line (options, grades, names, skills): the lines, trimmed,
    /// blank ones left out.
    public var formLines: [String] {
        split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

// MARK: Comparing versions

/// What changed from one version to the next, question by question (by key).
public struct QuestionnaireChanges: Equatable, Sendable {
    public enum Aspect: String, Equatable, Sendable, CaseIterable {
        case section, label, help, kind, options, required, mapping, scale
    }

    public var added: [Question] = []
    public var removed: [Question] = []
    public var changed: [(question: Question, aspects: [Aspect])] = []
    public var moved: [Question] = []
    public var consentTextChanged = false

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty && moved.isEmpty && !consentTextChanged }

    public static func == (a: Self, b: Self) -> Bool {
        a.added == b.added && a.removed == b.removed && a.moved == b.moved && a.consentTextChanged == b.consentTextChanged
            && a.changed.map(\.question) == b.changed.map(\.question) && a.changed.map(\.aspects) == b.changed.map(\.aspects)
    }

    public init(from old: Questionnaire, to new: Questionnaire) {
        let before = Dictionary(old.questions.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Set(new.questions.map(\.key))
        added = new.questions.filter { before[$0.key] == nil }
        removed = old.questions.filter { !after.contains($0.key) }
        for question in new.questions {
            guard let previous = before[question.key] else { continue }
            var aspects: [Aspect] = []
            if previous.section != question.section { aspects.append(.section) }
            if previous.label != question.label { aspects.append(.label) }
            if previous.help != question.help { aspects.append(.help) }
            if previous.kind != question.kind { aspects.append(.kind) }
            if previous.options != question.options { aspects.append(.options) }
            if previous.required != question.required { aspects.append(.required) }
            if previous.mapsTo != question.mapsTo { aspects.append(.mapping) }
            if previous.scaleMax != question.scaleMax, question.kind == .scale { aspects.append(.scale) }
            if !aspects.isEmpty { changed.append((question, aspects)) }
        }
        // Moved: the questions kept in both whose relative order changed.
        let keptOld = old.questions.map(\.key).filter(after.contains)
        let keptNew = new.questions.map(\.key).filter { before[$0] != nil }
        if keptOld != keptNew {
            let oldRank = Dictionary(uniqueKeysWithValues: keptOld.enumerated().map { ($1, $0) })
            let newRank = Dictionary(uniqueKeysWithValues: keptNew.enumerated().map { ($1, $0) })
            moved = new.questions.filter { oldRank[$0.key] != nil && oldRank[$0.key] != newRank[$0.key] }
        }
        consentTextChanged = old.consentText != new.consentText
    }
}
