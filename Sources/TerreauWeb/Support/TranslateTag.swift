import Leaf
import LeafKit
import TerreauCore
import Vapor

/// `#t("key")`, `#t("key", count)` for plural messages, `#t("key", arg0, arg1…)` otherwise.
/// Leaf escapes the result, so an argument typed by a person is always shown as text.
struct TranslateTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else { throw LeafError(.unknownError("#t needs a message key")) }
        guard let request = ctx.request else { throw LeafError(.unknownError("#t needs a request")) }
        let catalog = request.catalog
        var rest = Array(ctx.parameters.dropFirst())
        var count: Int?
        if catalog.isPlural(key) {
            count = rest.first?.int ?? 0
            rest = Array(rest.dropFirst())
        }
        return .string(catalog.text(key, count: count, rest.map { $0.string ?? "" }))
    }
}

/// `#jsonld(text)`: structured data (schema.org) inside `<script type="application/ld+json">`.
/// HTML escaping would break the JSON, so the tag writes it unescaped — but only after parsing it
/// as JSON and writing it again with `<`, `>`, `&` and the line separators as `\u` escapes, so
/// nothing in it can close the script element or start markup, whatever the values hold.
struct JSONLDTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let text = ctx.parameters.first?.string, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { return .string("{}") }
        var out = ""
        for scalar in String(decoding: data, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "<", ">", "&", "\u{2028}", "\u{2029}": out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return .string(out)
    }
}
