import TerreauCore
import Vapor

/// What the shared layout needs on every page: language, title, the language switch and, inside
/// a community, its navigation.
struct PageLayout: Encodable {
    struct CommunityNav: Encodable {
        var name: String
        var homeURL: String
        var territoryURL: String
    }

    var lang: String
    var title: String
    var homeURL: String
    var otherLanguage: String
    var otherLanguageURL: String
    var community: CommunityNav?
    /// Which navigation entry is the current page, for `aria-current`.
    var current: String

    init(_ request: Request, title: String, community: CommunityRecord? = nil, current: String = "") {
        let language = request.language
        let other: Language = language == .fr ? .en : .fr
        lang = language.rawValue
        self.title = title
        homeURL = SiteRoute.home.path
        otherLanguage = other.rawValue
        otherLanguageURL = SiteRoute.language(other, returnTo: request.url.string).path
        self.community = community.map {
            CommunityNav(name: $0.name, homeURL: SiteRoute.community(slug: $0.slug).path, territoryURL: SiteRoute.territory(slug: $0.slug).path)
        }
        self.current = current
    }
}
