import Foundation

/// One term of the skills vocabulary as read from a file, before it is stored.
public struct VocabularyEntry: Equatable, Sendable {
    public enum Source: String, Sendable { case esco, everyday, proposed }
    /// The ESCO concept URI, or `everyday:<slug>` for the residents' list.
    public var key: String
    public var label: String
    public var synonyms: [String]
    public var source: Source
    /// `skill`, `knowledge` or `group` (ESCO's skill groups, the top of the hierarchy).
    public var conceptType: String
    /// Broader concepts' keys (ESCO hierarchy; for an everyday term, the ESCO skill it is linked to).
    public var broader: [String]
    public var description: String

    public init(key: String, label: String, synonyms: [String], source: Source, conceptType: String, broader: [String] = [], description: String = "") {
        self.key = key
        self.label = label
        self.synonyms = synonyms
        self.source = source
        self.conceptType = conceptType
        self.broader = broader
        self.description = description
    }
}

/// Reads ESCO's French export (skills, skill groups, broader relations) and the everyday list
/// written for residents. Errors name the file and line, in French.
public enum VocabularyParser {
    public static func esco(skills: SourceFile, groups: SourceFile, broader: SourceFile) throws(ImportFailure) -> [VocabularyEntry] {
        var issues = IssueCollector()
        var entries: [VocabularyEntry] = []
        var index: [String: Int] = [:]
        for (source, isGroup) in [(skills, false), (groups, true)] {
            let table = try Table(source, separator: ",", required: ["conceptUri", "preferredLabel", "altLabels"])
            for row in table.rows {
                let uri = table.value(row, "conceptUri"), label = table.value(row, "preferredLabel")
                guard uri.hasPrefix("http"), !label.isEmpty else {
                    issues.add(file: source.name, line: row.line, column: uri.hasPrefix("http") ? "preferredLabel" : "conceptUri",
                        "concept sans adresse ESCO ou sans libellé.")
                    continue
                }
                let synonyms = table.value(row, "altLabels").split(whereSeparator: \.isNewline)
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != label }
                let type = isGroup ? "group" : (table.value(row, "skillType") == "knowledge" ? "knowledge" : "skill")
                index[uri] = entries.count
                entries.append(VocabularyEntry(key: uri, label: label, synonyms: synonyms, source: .esco, conceptType: type,
                    description: table.value(row, "description")))
            }
        }
        let relations = try Table(broader, separator: ",", required: ["conceptUri", "broaderUri"])
        for row in relations.rows {
            let narrower = relations.value(row, "conceptUri"), wider = relations.value(row, "broaderUri")
            guard let position = index[narrower] else { continue }  // relations between groups we do not keep
            if index[wider] != nil, !entries[position].broader.contains(wider) { entries[position].broader.append(wider) }
        }
        try issues.throwIfAny()
        return entries
    }

    /// `label;synonymes;esco` — synonyms separated by `|`, the last column an ESCO preferred label
    /// the everyday term is linked to (resolved against `esco`; an unknown one is an error).
    public static func everyday(_ source: SourceFile, esco: [VocabularyEntry]) throws(ImportFailure) -> [VocabularyEntry] {
        let table = try Table(source, separator: ";", required: ["label", "synonymes", "esco"])
        var byLabel: [String: String] = [:]
        for entry in esco where entry.conceptType != "group" { byLabel[SearchText.fold(entry.label)] = entry.key }
        var issues = IssueCollector()
        var entries: [VocabularyEntry] = []
        for row in table.rows {
            let label = table.value(row, "label")
            guard !label.isEmpty else {
                issues.add(file: source.name, line: row.line, column: "label", "libellé vide.")
                continue
            }
            let link = table.value(row, "esco")
            var broader: [String] = []
            if !link.isEmpty {
                if let key = byLabel[SearchText.fold(link)] { broader = [key] } else {
                    issues.add(file: source.name, line: row.line, column: "esco", "« \(link) » n'est pas une compétence ESCO.")
                }
            }
            let synonyms = table.value(row, "synonymes").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            entries.append(VocabularyEntry(key: "everyday:" + Slug.make(from: label), label: label, synonyms: synonyms, source: .everyday,
                conceptType: "skill", broader: broader))
        }
        try issues.throwIfAny()
        return entries
    }

    /// Ranks vocabulary matches for a typed query: the exact label, then a label starting with
    /// it, then a synonym, then any word match. Lower is better.
    public static func rank(query: String, label: String, synonyms: [String]) -> Int? {
        let q = SearchText.fold(query)
        guard !q.isEmpty else { return nil }
        let folded = SearchText.fold(label)
        if folded == q { return 0 }
        if folded.hasPrefix(q) { return 1 }
        let foldedSynonyms = synonyms.map(SearchText.fold)
        if foldedSynonyms.contains(q) { return 2 }
        if foldedSynonyms.contains(where: { $0.hasPrefix(q) }) { return 3 }
        let words = Set(SearchText.terms(q))
        guard !words.isEmpty else { return nil }
        let haystack = Set(SearchText.terms(([label] + synonyms).joined(separator: " ")))
        let prefixes = words.filter { word in haystack.contains { $0.hasPrefix(word) } }
        guard prefixes.count == words.count else { return nil }
        return 4 + folded.count / 20
    }
}
