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
