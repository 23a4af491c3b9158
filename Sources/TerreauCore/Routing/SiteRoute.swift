import Foundation

/// Every page of the site, in one place. Links are built from these values, never by hand, and
/// the web layer registers one handler per `Kind` (an exhaustive switch), so a route cannot
/// exist without a link builder or the reverse.
public enum SiteRoute: Hashable, Sendable {
    case home
    case health
    case language(Language, returnTo: String?)
    case community(slug: String)
    case territory(slug: String)
    case neighbourhood(slug: String, neighbourhood: String)
    case commune(slug: String, code: String)

    public enum Kind: String, CaseIterable, Sendable {
        case home, health, language, community, territory, neighbourhood, commune

        /// The path pattern as Vapor reads it (`:name` for a parameter).
        public var pattern: [String] {
            switch self {
            case .home: return []
            case .health: return ["healthz"]
            case .language: return ["langue", ":language"]
            case .community: return ["c", ":slug"]
            case .territory: return ["c", ":slug", "territoire"]
            case .neighbourhood: return ["c", ":slug", "quartiers", ":neighbourhood"]
            case .commune: return ["c", ":slug", "communes", ":code"]
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .home: return .home
        case .health: return .health
        case .language: return .language
        case .community: return .community
        case .territory: return .territory
        case .neighbourhood: return .neighbourhood
        case .commune: return .commune
        }
    }

    public var path: String {
        switch self {
        case .home: return "/"
        case .health: return "/healthz"
        case .language(let language, let returnTo):
            let base = "/langue/\(language.rawValue)"
            guard let returnTo = returnTo.flatMap(ReturnTo.validated) else { return base }
            return base + "?retour=" + Self.encodeQueryValue(returnTo)
        case .community(let slug): return "/c/\(Self.encode(slug))"
        case .territory(let slug): return "/c/\(Self.encode(slug))/territoire"
        case .neighbourhood(let slug, let neighbourhood): return "/c/\(Self.encode(slug))/quartiers/\(Self.encode(neighbourhood))"
        case .commune(let slug, let code): return "/c/\(Self.encode(slug))/communes/\(Self.encode(code))"
        }
    }

    static func encode(_ component: String) -> String {
        component.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? component
    }

    static func encodeQueryValue(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+#?"))) ?? value
    }
}

/// Where to send someone back after an action: only ever a path on this site (quality S8).
public enum ReturnTo {
    public static func validated(_ candidate: String) -> String? {
        guard candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"),
            !candidate.contains("\\"), candidate.count <= 2048,
            !candidate.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return candidate
    }
}
