import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

/// Walks the whole demo as a visitor, a coordinator and an elected official, in French and in
/// English, following every link it meets (two addresses per shape of address), and fails on any
/// message-catalogue key shown instead of its text (issue 22: `journal.subject.funding` and
/// others were shown raw) and on any page that answers with a server error.
@Suite("No raw catalogue key on any page of the demo")
struct RawKeyTests {
    /// Every family of keys (`journal.subject` for `journal.subject.funding`): a token of that
    /// shape in a page's text is a key that was not translated.
    static func keyFamilies(_ app: Application) throws -> Set<String> {
        var families: Set<String> = []
        for language in ["fr", "en"] {
            let path = app.directory.resourcesDirectory + "Localization/\(language).json"
            let keys = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
            for key in keys.keys where key.contains(".") { families.insert(String(key[..<key.lastIndex(of: ".")!])) }
        }
        return families
    }

    /// What a reader sees of a page: its text and the attributes read aloud or shown.
    static func readable(_ html: String) -> String {
        var text = html.replacingOccurrences(of: #"<(script|style)\b[^>]*>[\s\S]*?</\1>"#, with: " ", options: .regularExpression)
        var attributes: [String] = []
        let pattern = try! NSRegularExpression(pattern: #"\b(?:title|aria-label|alt|placeholder)="([^"]*)""#)
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            attributes.append(String(text[Range(match.range(at: 1), in: text)!]))
        }
        text = text.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
        return text + " " + attributes.joined(separator: " ")
    }

    static func rawKeys(in html: String, families: Set<String>) -> Set<String> {
        let text = readable(html)
        let token = try! NSRegularExpression(pattern: #"(?<![\w./@-])[a-z][a-zA-Z]*(?:\.[a-zA-Z][a-zA-Z0-9-]*)+(?![\w/@-])"#)
        var found: Set<String> = []
        for match in token.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let word = String(text[Range(match.range, in: text)!])
            if let dot = word.lastIndex(of: "."), families.contains(String(word[..<dot])) { found.insert(word) }
        }
        return found
    }

    /// The same address with its identifiers and numbers replaced: pages of one shape.
    static func shape(_ path: String) -> String {
        path.split(separator: "/").map { segment in
            segment.count >= 32 || segment.allSatisfy(\.isNumber) ? ":id" : String(segment)
        }.joined(separator: "/")
    }

    static let skipped = [".csv", ".json", ".geojson", ".pdf", ".ics", ".svg", ".png", ".xml", ".zip", ".txt", ".webmanifest", ".js", ".css"]

    /// Visits from `start`, two addresses per shape; returns the raw keys met, by page, and the
    /// pages that failed.
    static func walk(_ browser: Browser, families: Set<String>, start: [String]) async throws -> (keys: [String: Set<String>], failed: [String], pages: Int) {
        var queue = start, seen = Set(start), perShape: [String: Int] = [:]
        var keys: [String: Set<String>] = [:], failed: [String] = []
        var pages = 0
        let link = try NSRegularExpression(pattern: ##"href="(/[^"#]*)""##)
        while !queue.isEmpty, pages < 900 {
            let path = queue.removeFirst()
            let response = try await browser.get(path)
            pages += 1
            if response.status.code >= 500 { failed.append("\(path) → \(response.status.code)") }
            guard response.headers.contentType?.subType == "html" else { continue }
            let html = response.body.string
            let raw = rawKeys(in: html, families: families)
            if !raw.isEmpty { keys[path] = raw }
            for match in link.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
                let target = String(html[Range(match.range(at: 1), in: html)!]).replacingOccurrences(of: "&amp;", with: "&")
                let bare = target.split(separator: "?").first.map(String.init) ?? target
                guard !skipped.contains(where: bare.hasSuffix), !bare.hasPrefix("/static"), !bare.contains("deconnexion"),
                      !seen.contains(target) else { continue }
                let kind = shape(bare)
                guard perShape[kind, default: 0] < 2 else { continue }
                perShape[kind, default: 0] += 1
                seen.insert(target)
                queue.append(target)
            }
        }
        return (keys, failed, pages)
    }

    @Test("every page, in French and English, as a visitor, a coordinator and an elected official")
    func noRawKeys() async throws {
        try await TestApp.with(.sqlite) { app in
            try await DemoCommand.seed(app, bcryptCost: 4, now: app.clock.now())
            let families = try Self.keyFamilies(app)
            var problems: [String] = []
            var total = 0
            for (who, language) in [(nil, "fr"), (nil, "en"), ("camille@demo.terreau.invalid", "fr"), ("camille@demo.terreau.invalid", "en"),
                                    ("elise@demo.terreau.invalid", "fr")] as [(String?, String)] {
                let browser = Browser(app)
                browser.cookies["lang"] = language
                if let who { try await browser.signIn(who) }
                let walked = try await Self.walk(browser, families: families, start: ["/", "/c/grenoble-alpes", "/c/trieves", "/moi", "/admin"])
                total += walked.pages
                problems += walked.failed.map { "\(who ?? "visiteur") \(language) : \($0)" }
                problems += walked.keys.sorted { $0.key < $1.key }.map { "\(who ?? "visiteur") \(language) : \($0.key) montre \($0.value.sorted().joined(separator: ", "))" }
            }
            #expect(total > 300, "the walk reached \(total) pages")
            #expect(problems.isEmpty, "\(problems.count) problème(s) :\n\(problems.prefix(60).joined(separator: "\n"))")
        }
    }

    @Test("the detector finds a raw key in text and attributes, not in addresses or e-mails", arguments: [
        ("<p>journal.subject.funding</p>", ["journal.subject.funding"]),
        ("<a title=\"organisation.source.demo\">x</a>", ["organisation.source.demo"]),
        ("<a href=\"/c/x/journal.subject.funding\">lien</a><p>camille@demo.terreau.invalid</p>", []),
        ("<p>Voir le site example.org et le fichier terreau.css</p>", []),
    ] as [(String, Set<String>)])
    func detector(html: String, expected: Set<String>) {
        #expect(Self.rawKeys(in: html, families: ["journal.subject", "organisation.source"]) == expected)
    }
}
