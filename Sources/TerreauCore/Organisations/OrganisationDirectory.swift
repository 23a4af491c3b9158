import Foundation

/// The organisations directory (issue 22: « one unfiltered table of 106 rows »): words, a field of
/// action, a commune and a kind narrow it; each filter's counts are given within the others (so
/// every choice says what it would give); results come by name, a page at a time.
public struct OrganisationDirectory: Sendable {
    public struct Entry: Sendable, Equatable {
        public var id: UUID
        public var name: String
        public var kind: String
        public var themes: [String]
        public var commune: String?
        /// Name and purpose, for the words.
        public var text: String

        public init(id: UUID, name: String, kind: String, themes: [String], commune: String?, text: String) {
            self.id = id
            self.name = name
            self.kind = kind
            self.themes = themes
            self.commune = commune
            self.text = text
        }
    }

    public struct Query: Sendable, Equatable {
        public var text = ""
        public var theme: String?
        public var commune: String?
        public var kind: String?
        public var page = 1
        public static let pageSize = 20

        public init(text: String = "", theme: String? = nil, commune: String? = nil, kind: String? = nil, page: Int = 1) {
            self.text = text
            self.theme = theme
            self.commune = commune
            self.kind = kind
            self.page = max(1, page)
        }
    }

    public struct Result: Sendable, Equatable {
        public var entries: [Entry]
        public var total: Int
        public var pages: Int
        /// Value → how many match with every other filter kept.
        public var themes: [String: Int]
        public var communes: [String: Int]
        public var kinds: [String: Int]
    }

    let entries: [Entry]
    let words: [Set<String>]

    /// `entries` in the order results are listed (by name).
    public init(_ entries: [Entry]) {
        self.entries = entries
        words = entries.map { Set(SearchText.terms($0.name + " " + $0.text)) }
    }

    public func search(_ query: Query) -> Result {
        let wanted = SearchText.queryTerms(query.text)
        func matchesText(_ index: Int) -> Bool {
            wanted.allSatisfy { term in words[index].contains { $0.hasPrefix(term) } }
        }
        var themes: [String: Int] = [:], communes: [String: Int] = [:], kinds: [String: Int] = [:]
        var found: [Entry] = []
        for (index, entry) in entries.enumerated() where matchesText(index) {
            let theme = query.theme.map(entry.themes.contains) ?? true
            let commune = query.commune.map { entry.commune == $0 } ?? true
            let kind = query.kind.map { entry.kind == $0 } ?? true
            if commune && kind { for value in Set(entry.themes) { themes[value, default: 0] += 1 } }
            if theme && kind, let value = entry.commune { communes[value, default: 0] += 1 }
            if theme && commune { kinds[entry.kind, default: 0] += 1 }
            if theme && commune && kind { found.append(entry) }
        }
        let pages = max(1, (found.count + Query.pageSize - 1) / Query.pageSize)
        let page = min(query.page, pages)
        let slice = Array(found.dropFirst((page - 1) * Query.pageSize).prefix(Query.pageSize))
        return Result(entries: slice, total: found.count, pages: pages, themes: themes, communes: communes, kinds: kinds)
    }
}
