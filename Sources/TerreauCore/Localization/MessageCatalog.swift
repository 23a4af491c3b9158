import Foundation

/// One message: plain, or with a form per plural category.
public enum Message: Sendable, Equatable, Decodable {
    case text(String)
    case plural([PluralCategory: String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            let forms = try container.decode([String: String].self)
            var plural: [PluralCategory: String] = [:]
            for (key, value) in forms {
                guard let category = PluralCategory(rawValue: key) else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown plural category \(key)")
                }
                plural[category] = value
            }
            guard plural[.other] != nil else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a plural message needs an \"other\" form")
            }
            self = .plural(plural)
        }
    }
}

/// The messages of one language, looked up by key. Interpolation slots: `{count}` (the plural count,
/// formatted for the language) and `{0}`, `{1}`… (the other arguments, in order).
public struct MessageCatalog: Sendable {
    public let language: Language
    public let messages: [String: Message]

    public init(language: Language, messages: [String: Message]) {
        self.language = language
        self.messages = messages
    }

    public init(language: Language, json: Data) throws {
        self.init(language: language, messages: try JSONDecoder().decode([String: Message].self, from: json))
    }

    /// The message for `key`. A missing key shows the key itself (and the catalogue test fails),
    /// so a page never goes blank over a forgotten string.
    public func text(_ key: String, count: Int? = nil, _ arguments: [String] = []) -> String {
        guard let message = messages[key] else { return key }
        var result: String
        switch message {
        case .text(let text):
            result = text
        case .plural(let forms):
            let category = language.pluralCategory(count ?? 0)
            result = forms[category] ?? forms[.other] ?? key
        }
        if let count { result = result.replacingOccurrences(of: "{count}", with: language.format(count)) }
        for (index, argument) in arguments.enumerated() {
            result = result.replacingOccurrences(of: "{\(index)}", with: argument)
        }
        return result
    }

    public func isPlural(_ key: String) -> Bool {
        if case .plural = messages[key] { return true }
        return false
    }
}

/// Both catalogues, loaded once at boot.
public struct Localization: Sendable {
    public let catalogs: [Language: MessageCatalog]

    public init(catalogs: [Language: MessageCatalog]) { self.catalogs = catalogs }

    /// Reads `<directory>/fr.json` and `<directory>/en.json`.
    public init(directory: URL) throws {
        var catalogs: [Language: MessageCatalog] = [:]
        for language in Language.allCases {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(language.rawValue).json"))
            catalogs[language] = try MessageCatalog(language: language, json: data)
        }
        self.catalogs = catalogs
    }

    public subscript(language: Language) -> MessageCatalog {
        catalogs[language] ?? MessageCatalog(language: language, messages: [:])
    }
}
