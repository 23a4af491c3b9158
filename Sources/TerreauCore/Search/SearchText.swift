import Foundation

/// Text as the search index and the vocabulary see it: lower case, accents folded (« Vélo » and
/// « velo » are one word), ligatures spelled out, French stop words dropped and a light French
/// stemmer applied, so that « jardinage », « jardiner » and « jardins » meet. Both database
/// engines index the output of these functions, so they find the same things.
public enum SearchText {
    /// Lower case, no accents, letters and digits only (everything else becomes one space).
    public static func fold(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            let folded: String
            switch scalar {
            case "œ": folded = "oe"
            case "æ": folded = "ae"
            case "ß": folded = "ss"
            default:
                if scalar.isASCII {
                    folded = (("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)) ? String(scalar) : ""
                } else {
                    folded = String(scalar).folding(options: .diacriticInsensitive, locale: nil)
                        .unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }.map(String.init).joined()
                }
            }
            if folded.isEmpty {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out += " " }
                pendingSpace = false
                out += folded
            }
        }
        return out
    }

    static let stopWords: Set<String> = [
        "a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "elle", "en", "et", "il", "je", "l", "la", "le",
        "les", "leur", "lui", "ma", "mes", "mon", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que",
        "qui", "s", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
    ]

    /// Longest first; a suffix is removed only when at least three letters remain.
    static let suffixes = [
        "issements", "issement", "atrices", "ateurs", "ations", "atrice", "ements", "ateur", "ation", "ement", "euses", "ieres",
        "ances", "ences", "iers", "iere", "euse", "eurs", "ives", "ance", "ence", "ages", "ier", "eur", "ive", "ifs", "age",
        "ees", "ers", "ee", "er", "es", "if", "ez", "s", "x", "e",
    ]

    public static func stem(_ word: String) -> String {
        guard word.count > 3, !word.allSatisfy(\.isNumber) else { return word }
        for suffix in suffixes where word.hasSuffix(suffix) && word.count - suffix.count >= 3 {
            return String(word.dropLast(suffix.count))
        }
        return word
    }

    /// The indexed words of a text, in order, duplicates kept.
    public static func terms(_ text: String) -> [String] {
        fold(text).split(separator: " ").map(String.init).filter { !stopWords.contains($0) }.map(stem)
    }

    /// What a record's index row holds.
    public static func document(_ parts: [String]) -> String {
        terms(parts.joined(separator: " ")).joined(separator: " ")
    }

    /// A query's distinct words, at most 12 (longer queries are noise).
    public static func queryTerms(_ query: String) -> [String] {
        var seen = Set<String>()
        return Array(terms(query).filter { seen.insert($0).inserted }.prefix(12))
    }
}
