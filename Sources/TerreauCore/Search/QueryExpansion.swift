import Foundation

/// Words that mean the same thing, read from the skills vocabulary, so that a search for « vélo »
/// also finds « bicyclette » (issue 22). Search matches every word of a query; with this, each
/// word matches itself or one of its equivalents.
///
/// The rule, in `SearchText`'s folded and stemmed words: two wordings of one skill that differ
/// by one word at the same place (« réparer des bicyclettes » / « réparer des vélos » in ESCO;
/// « vélo » / « bicyclette » in the everyday list) make those two words equivalent, once at
/// least `evidence` skills say so. One skill alone is often a nuance or a topic, not a synonym:
/// the everyday list puts « atelier » and « réunion » side by side, and they are not the same.
public struct QueryExpansion: Sendable {

    /// Word → its equivalents, sorted, itself excluded.
    public let equivalents: [String: [String]]
    /// A word with more equivalents than this is too vague to widen a search with.
    public static let maximumAlternatives = 8

    /// `concepts`: each skill's wordings (its label and synonyms).
    public init(_ concepts: [[String]], evidence: Int = 2) {
        var pairs: [Pair: Int] = [:]
        for concept in concepts {
            let phrases = Self.distinctWordings(concept)
            var seen = Set<Pair>()
            for (i, a) in phrases.enumerated() {
                for b in phrases[(i + 1)...] where a.count == b.count {
                    if let pair = Self.oneWordApart(a, b) { seen.insert(pair) }
                }
            }
            for pair in seen { pairs[pair, default: 0] += 1 }
        }
        var equivalents: [String: Set<String>] = [:]
        for pair in pairs.filter({ $0.value >= evidence }).keys {
            equivalents[pair.a, default: []].insert(pair.b)
            equivalents[pair.b, default: []].insert(pair.a)
        }
        self.equivalents = equivalents.filter { $0.value.count <= Self.maximumAlternatives }.mapValues { $0.sorted() }
    }

    /// The query's words (`SearchText.queryTerms`), each with its equivalents after it.
    public func groups(_ query: String) -> [[String]] {
        SearchText.queryTerms(query).map { [$0] + (equivalents[$0] ?? []) }
    }

    /// A concept's wordings as search words, each once (« vélo » and « vélos » are one).
    static func distinctWordings(_ phrases: [String]) -> [[String]] {
        var seen = Set<[String]>()
        var wordings: [[String]] = []
        for phrase in phrases {
            let words = SearchText.terms(phrase)
            if !words.isEmpty && seen.insert(words).inserted { wordings.append(words) }
        }
        return wordings
    }

    /// The two words where phrases of the same length differ, when they differ in exactly one place.
    static func oneWordApart(_ a: [String], _ b: [String]) -> Pair? {
        var difference: Pair?
        for (x, y) in zip(a, b) where x != y {
            if difference != nil { return nil }
            difference = Pair(x, y)
            if difference == nil { return nil }
        }
        return difference
    }

    struct Pair: Hashable {
        let a: String, b: String
        /// Ordered, and never a word with itself or a word too short to mean anything alone.
        init?(_ x: String, _ y: String) {
            guard x != y, x.count >= 3, y.count >= 3 else { return nil }
            (a, b) = x < y ? (x, y) : (y, x)
        }
    }
}
