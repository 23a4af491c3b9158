import Foundation

/// What someone asks the inventory for: words, filters, a sort order and a page.
public struct InventoryQuery: Hashable, Sendable {
    public enum Sort: String, CaseIterable, Sendable { case relevance, recent, title }
    /// A facet: each one's counts ignore its own filter, so every choice shows what it would give.
    public enum Dimension: CaseIterable, Sendable { case kind, theme, commune, neighbourhood, young, availability }

    public var text = ""
    public var kind: InventoryKind?
    public var theme: String?
    public var commune: String?
    public var neighbourhood: String?
    /// A day (`sat`) or a part of the day (`evening`).
    public var availability: String?
    public var forYoung = false
    public var sort: Sort = .relevance
    public var page = 1
    public static let pageSize = 20

    /// Read from the address's query string; unknown values are ignored rather than refused.
    public init(_ get: (String) -> String?) {
        text = String((get("q") ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        kind = get("type").flatMap(InventoryKind.init(pathSegment:))
        theme = get("theme").flatMap { Themes.all.contains($0) ? $0 : nil }
        commune = get("commune").flatMap { CommuneCode.isCommune($0) ? $0 : nil }
        neighbourhood = get("quartier").flatMap { Slug.isValid($0) ? $0 : nil }
        availability = get("dispo").flatMap { Availability.filters.contains($0) ? $0 : nil }
        forYoung = get("jeunes") == "oui"
        sort = get("tri").flatMap(Sort.init(rawValue:)) ?? (text.isEmpty ? .recent : .relevance)
        if sort == .relevance && SearchText.queryTerms(text).isEmpty { sort = .recent }
        page = max(1, min(Int(get("page") ?? "") ?? 1, 10_000))
    }

    public init() {}

    /// The query string for this query, with one parameter changed (links of facets and pages).
    public func queryString(_ change: (inout InventoryQuery) -> Void = { _ in }) -> String {
        var copy = self
        change(&copy)
        var parts: [(String, String)] = []
        if !copy.text.isEmpty { parts.append(("q", copy.text)) }
        if let kind = copy.kind { parts.append(("type", kind.pathSegment)) }
        if let theme = copy.theme { parts.append(("theme", theme)) }
        if let commune = copy.commune { parts.append(("commune", commune)) }
        if let neighbourhood = copy.neighbourhood { parts.append(("quartier", neighbourhood)) }
        if let availability = copy.availability { parts.append(("dispo", availability)) }
        if copy.forYoung { parts.append(("jeunes", "oui")) }
        if copy.sort != (copy.text.isEmpty ? .recent : .relevance) { parts.append(("tri", copy.sort.rawValue)) }
        if copy.page > 1 { parts.append(("page", String(copy.page))) }
        return parts.isEmpty ? "" : "?" + parts.map { "\($0.0)=\(Self.encoded($0.1))" }.joined(separator: "&")
    }

    /// `?name=value`, the value percent-encoded.
    public static func parameter(_ name: String, _ value: String) -> String { "?\(name)=\(encoded(value))" }

    static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}

