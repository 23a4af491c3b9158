import Foundation
import Testing
@testable import TerreauCore

@Suite("Languages, plurals and the message catalogues")
struct LocalizationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("plural categories (CLDR): French puts 0 and 1 in one", arguments: [
        (Language.fr, 0, PluralCategory.one), (.fr, 1, .one), (.fr, 2, .other), (.fr, 1000, .other),
        (.en, 0, .other), (.en, 1, .one), (.en, 2, .other),
    ])
    func plurals(language: Language, count: Int, category: PluralCategory) {
        #expect(language.pluralCategory(count) == category)
    }

    @Test("numbers are grouped the way each language writes them", arguments: [
        (Language.fr, 156_140, "156\u{202F}140"), (.fr, 999, "999"), (.fr, 1_234_567, "1\u{202F}234\u{202F}567"), (.fr, -4500, "-4\u{202F}500"),
        (.en, 156_140, "156,140"), (.en, 0, "0"),
    ])
    func numbers(language: Language, number: Int, text: String) {
        #expect(language.format(number) == text)
    }

    @Test("language choice: cookie, then Accept-Language by quality, then French", arguments: [
        (nil, nil, Language.fr), ("en", "fr", .en), ("xx", "en-GB,en;q=0.9", .en), (nil, "de-DE,en;q=0.5,fr;q=0.8", .fr),
        (nil, "en;q=0", .fr), (nil, "en-US", .en), ("FR", "en", .fr),
    ] as [(String?, String?, Language)])
    func negotiation(choice: String?, accept: String?, language: Language) {
        #expect(Language.negotiate(choice: choice, acceptLanguage: accept) == language)
    }

    @Test("interpolated arguments and plural forms")
    func messages() throws {
        let catalog = try MessageCatalog(language: .fr, json: Data(#"{"a":"Bonjour {0} et {1}","n":{"one":"{count} commune","other":"{count} communes"}}"#.utf8))
        #expect(catalog.text("a", ["Ana", "Léo"]) == "Bonjour Ana et Léo")
        #expect(catalog.text("n", count: 0) == "0 commune")
        #expect(catalog.text("n", count: 1512) == "1\u{202F}512 communes")
        #expect(catalog.text("absent") == "absent")
    }

    @Test("the shipped catalogues have the same keys, the same plural messages, and the same interpolation slots in both")
    func cataloguesMatch() throws {
        let localization = try Localization(directory: Self.root.appendingPathComponent("Resources/Localization"))
        let fr = localization[.fr].messages, en = localization[.en].messages
        #expect(!fr.isEmpty)
        #expect(Set(fr.keys) == Set(en.keys))
        for key in fr.keys {
            #expect(localization[.fr].isPlural(key) == localization[.en].isPlural(key), "plural mismatch for \(key)")
            for slot in ["{0}", "{1}", "{count}"] {
                let inFrench = localization[.fr].text(key, count: nil).contains(slot)
                let inEnglish = localization[.en].text(key, count: nil).contains(slot)
                #expect(inFrench == inEnglish, "\(slot) in \(key)")
            }
        }
    }

    @Test("every #t key used in a template exists in the catalogue")
    func templatesUseKnownKeys() throws {
        let localization = try Localization(directory: Self.root.appendingPathComponent("Resources/Localization"))
        let views = Self.root.appendingPathComponent("Resources/Views")
        let files = FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" }
        #expect(files.count >= 8)
        let pattern = try NSRegularExpression(pattern: #"#t\("([^"]+)""#)
        var used = Set<String>()
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                used.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(used.count > 40)
        let missing = used.filter { localization[.fr].messages[$0] == nil }
        #expect(missing.isEmpty, "missing keys: \(missing.sorted())")
    }
}
