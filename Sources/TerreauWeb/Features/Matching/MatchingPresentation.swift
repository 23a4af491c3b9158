import Foundation
import TerreauCore
import Vapor

/// A suggestion as a page shows it: what, how well it fits, and why, in the reader's language.
struct SuggestionView: Encodable {
    var title: String
    var url: String
    var kind: String
    var place: String?
    /// « 90 % »; nil for a record listed without a score.
    var score: String?
    var reasons: [String]
    /// Where to ask for a connection about this need, when the reader may.
    var connectURL: String?
}

extension InventoryText {
    /// One sentence per reason (`match.reason.*`). `needText` lets shared words be shown as the
    /// need wrote them rather than as stems.
    func reason(_ reason: MatchReason, needText: String = "") -> String {
        switch reason {
        case .skill(let level, let needed, let held):
            return catalog.text("match.reason.skill.\(level)", [held, needed])
        case .words(let stems):
            return catalog.text("match.reason.words", [stems.map { Self.written($0, in: needText) }.map { "« \($0) »" }.joined(separator: ", ")])
        case .sameNeighbourhood(let slug): return catalog.text("match.reason.sameNeighbourhood", [places.neighbourhoodName(slug) ?? slug])
        case .sameCommune(let code): return catalog.text("match.reason.sameCommune", [places.communeName(code) ?? code])
        case .neighbouringCommune(let code): return catalog.text("match.reason.neighbouringCommune", [places.communeName(code) ?? code])
        case .availability(let slots): return catalog.text("match.reason.availability", [slots.map(slot).joined(separator: ", ")])
        case .occasionally: return catalog.text("match.reason.occasionally")
        case .theme(let key): return catalog.text("match.reason.theme", [theme(key)])
        case .fits(let kind): return catalog.text("match.reason.fits", [self.kind(kind)])
        }
    }

    /// The first word of `text` whose stem is `stem` (the stem itself when none is).
    static func written(_ stem: String, in text: String) -> String {
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).first { SearchText.terms($0).first == stem } ?? stem
    }

    func suggestions(_ found: [Suggestion], need: MatchRecord, slug: String, records: [UUID: MatchRecord], connectable: Bool) -> [SuggestionView] {
        found.map { suggestion in
            let record = records[suggestion.candidate]
            let item = suggestion.candidate.uuidString
            return SuggestionView(
                title: suggestion.title, url: SiteRoute.inventoryItem(slug: slug, item: item).path, kind: kind(suggestion.kind),
                place: places.label(commune: record?.commune, neighbourhood: record?.neighbourhood),
                score: suggestion.score > 0 ? catalog.language.formatPercent(suggestion.score) : nil,
                reasons: suggestion.reasons.map { reason($0, needText: need.title + " " + need.text) },
                connectURL: connectable ? SiteRoute.connectionRequest(slug: slug, item: item).path : nil)
        }
    }
}
