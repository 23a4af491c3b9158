import Foundation

/// One vocabulary term as matching sees it.
public struct SkillTerm: Sendable, Equatable {
    public var key: String
    public var label: String
    public var synonyms: [String]
    /// Keys of broader terms (ESCO hierarchy; an everyday term's linked ESCO skill).
    public var broader: [String]
    /// The term a coordinator merged this one into: it is then a synonym of that one.
    public var mergedInto: String?
    /// ESCO skill groups sit at the top of the hierarchy: too wide to say two people share a skill.
    public var isGroup: Bool

    public init(key: String, label: String, synonyms: [String] = [], broader: [String] = [], mergedInto: String? = nil, isGroup: Bool = false) {
        self.key = key
        self.label = label
        self.synonyms = synonyms
        self.broader = broader
        self.mergedInto = mergedInto
        self.isGroup = isGroup
    }

    public init(_ entry: VocabularyEntry) {
        self.init(key: entry.key, label: entry.label, synonyms: entry.synonyms, broader: entry.broader, isGroup: entry.conceptType == "group")
    }
}

/// How a held skill answers a needed one, best first.
public enum SkillLevel: Int, Sendable, Comparable, CaseIterable {
    /// The very term.
    case exact
    /// A term merged with it (same meaning, another wording).
    case synonym
    /// A more specific skill (« réparer des bicyclettes » for « entretenir des véhicules »).
    case narrower
    /// A more general skill.
    case broader
    /// Another skill under the same broader skill.
    case sibling
    /// Written in the candidate's own words (their description, what they share or enjoy).
    case text

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// What the level is worth in a score, 0…1.
    public var weight: Double {
        switch self {
        case .exact: return 1
        case .synonym: return 0.95
        case .narrower: return 0.8
        case .broader: return 0.6
        case .text: return 0.55
        case .sibling: return 0.4
        }
    }
}

/// The vocabulary as a graph of small integers: merged terms point to the term they were merged
/// into (their canonical term), broader and narrower links run both ways.
public struct SkillGraph: Sendable {
    public let terms: [SkillTerm]
    private let positions: [String: Int32]
    /// The term each term stands for once merges are followed.
    let canonical: [Int32]
    let broader: [[Int32]]
    let narrower: [[Int32]]
    /// A wording of a term (its label or a synonym) and its stemmed words.
    struct Phrase: Sendable {
        var wording: String
        var words: [String]
    }
    /// Each canonical term's wordings, its own and those of terms merged into it.
    let phrases: [[Phrase]]

    public init(_ terms: [SkillTerm]) {
        self.terms = terms
        var positions: [String: Int32] = [:]
        for (index, term) in terms.enumerated() { positions[term.key] = Int32(index) }
        self.positions = positions
        var canonical = [Int32](repeating: 0, count: terms.count)
        for index in terms.indices {
            var current = Int32(index), steps = 0
            // A chain of merges ends at a term not merged; a cycle (never written, but cheap to
            // survive) stops after a few steps.
            while let next = terms[Int(current)].mergedInto.flatMap({ positions[$0] }), steps < 8 {
                current = next
                steps += 1
            }
            canonical[index] = current
        }
        self.canonical = canonical
        var broader = [[Int32]](repeating: [], count: terms.count), narrower = [[Int32]](repeating: [], count: terms.count)
        for (index, term) in terms.enumerated() {
            let child = canonical[index]
            for key in term.broader {
                guard let parent = positions[key].map({ canonical[Int($0)] }), parent != child else { continue }
                if !broader[Int(child)].contains(parent) { broader[Int(child)].append(parent) }
                if !narrower[Int(parent)].contains(child) { narrower[Int(parent)].append(child) }
            }
        }
        self.broader = broader
        self.narrower = narrower
        var phrases = [[Phrase]](repeating: [], count: terms.count)
        for (index, term) in terms.enumerated() {
            for wording in [term.label] + term.synonyms {
                let words = SearchText.terms(wording)
                // One word is too loose to claim a skill (« cuisine » is everywhere); five is a sentence.
                if words.count >= 2 && words.count <= 5 && !phrases[Int(canonical[index])].contains(where: { $0.words == words }) {
                    phrases[Int(canonical[index])].append(Phrase(wording: wording, words: words))
                }
            }
        }
        self.phrases = phrases
    }

    public func position(_ key: String) -> Int32? { positions[key] }
    public func canonical(of position: Int32) -> Int32 { canonical[Int(position)] }
    public func label(_ position: Int32) -> String { terms[Int(position)].label }

    /// The canonical terms that answer a needed canonical term, with how: itself, narrower ones
    /// (two levels down), broader ones (one level up, never a whole ESCO group) and siblings under
    /// a broader skill that is not a group.
    public func related(to term: Int32) -> [(term: Int32, level: SkillLevel)] {
        var found: [Int32: SkillLevel] = [term: .exact]
        func add(_ other: Int32, _ level: SkillLevel) {
            if let known = found[other], known <= level { return }
            found[other] = level
        }
        for child in narrower[Int(term)] {
            add(child, .narrower)
            for grandchild in narrower[Int(child)] { add(grandchild, .narrower) }
        }
        for parent in broader[Int(term)] where !terms[Int(parent)].isGroup {
            add(parent, .broader)
            for sibling in narrower[Int(parent)] where sibling != term { add(sibling, .sibling) }
        }
        return found.map { ($0.key, $0.value) }.sorted { ($0.level, $0.term) < ($1.level, $1.term) }
    }
}
