import TerreauCore
import Vapor

/// What the shared layout needs on every page: language, title, the language switch, who is
/// signed in, a one-time message and, inside a community, its navigation.
struct PageLayout: Encodable {
    struct CommunityNav: Encodable {
        var name: String
        var homeURL: String
        var territoryURL: String
        var inventoryURL: String
        var skillsURL: String
        var welcomeURL: String
        var organisationsURL: String
        var membersURL: String
        var charterURL: String
        var joinURL: String
        var gapsURL: String
        var youngURL: String
        var networkURL: String
        var decisionsURL: String
        var proposalsURL: String
        var registerURL: String
        var callsURL: String
        var recognitionsURL: String
        var agendaURL: String
        var studiesURL: String
        var fieldworkURL: String
        var journalURL: String
        var openDataURL: String
        var fundingURL: String
        var diagnosticURL: String
        var indicatorsURL: String
    }

    struct Visitor: Encodable {
        var name: String
        /// An elected official: the proposals waiting for them, one click from every page.
        var desk: Desk?
        struct Desk: Encodable {
            var url: String
            var label: String
            var overdue: String?
        }
        var accountURL: String
        var notificationsURL: String
        var connectionsURL: String
        var signOutURL: String
        var csrf: String
    }

    var lang: String
    var title: String
    var homeURL: String
    var otherLanguage: String
    var otherLanguageURL: String
    var community: CommunityNav?
    /// Which navigation entry is the current page, for `aria-current`.
    var current: String
    var visitor: Visitor?
    var signInURL: String
    var signUpURL: String
    var flash: String?

    init(_ request: Request, title: String, community: CommunityRecord? = nil, current: String = "") {
        let language = request.language
        let other: Language = language == .fr ? .en : .fr
        lang = language.rawValue
        self.title = title
        homeURL = SiteRoute.home.path
        otherLanguage = other.rawValue
        otherLanguageURL = SiteRoute.language(other, returnTo: request.url.string).path
        self.community = community.map {
            CommunityNav(
                name: $0.name, homeURL: SiteRoute.community(slug: $0.slug).path, territoryURL: SiteRoute.territory(slug: $0.slug).path,
                inventoryURL: SiteRoute.inventory(slug: $0.slug).path, skillsURL: SiteRoute.skills(slug: $0.slug).path,
                welcomeURL: SiteRoute.welcome(slug: $0.slug).path,
                organisationsURL: SiteRoute.organisations(slug: $0.slug).path, membersURL: SiteRoute.members(slug: $0.slug).path,
                charterURL: SiteRoute.charter(slug: $0.slug).path, joinURL: SiteRoute.join(slug: $0.slug).path,
                gapsURL: SiteRoute.gaps(slug: $0.slug).path, youngURL: SiteRoute.young(slug: $0.slug).path,
                networkURL: SiteRoute.organisationNetwork(slug: $0.slug).path, decisionsURL: SiteRoute.decisions(slug: $0.slug).path,
                proposalsURL: SiteRoute.proposals(slug: $0.slug).path, registerURL: SiteRoute.register(slug: $0.slug).path,
                callsURL: SiteRoute.calls(slug: $0.slug).path, recognitionsURL: SiteRoute.recognitions(slug: $0.slug).path,
                agendaURL: SiteRoute.agenda(slug: $0.slug).path, studiesURL: SiteRoute.studies(slug: $0.slug, query: nil).path,
                fieldworkURL: SiteRoute.fieldwork(slug: $0.slug).path, journalURL: SiteRoute.journal(slug: $0.slug).path,
                openDataURL: SiteRoute.openData(slug: $0.slug).path, fundingURL: SiteRoute.funding(slug: $0.slug).path,
                diagnosticURL: SiteRoute.diagnostics(slug: $0.slug).path, indicatorsURL: SiteRoute.indicators(slug: $0.slug).path)
        }
        self.current = current
        visitor = request.resolvedSignedIn.map {
            Visitor(name: $0.person.displayName, desk: request.officialDesk.map { desk in
                .init(url: desk.url, label: request.catalog.text("layout.desk", count: desk.waiting),
                      overdue: desk.overdue > 0 ? request.catalog.text("layout.desk.overdue", count: desk.overdue) : nil)
            }, accountURL: SiteRoute.account.path, notificationsURL: SiteRoute.notifications.path,
                connectionsURL: SiteRoute.connections.path, signOutURL: SiteRoute.signOut.path, csrf: request.csrfToken)
        }
        signInURL = SiteRoute.signIn(returnTo: request.url.path == SiteRoute.signIn(returnTo: nil).path ? nil : request.url.string).path
        // From a community's page, signing up leads on to joining it and back here.
        signUpURL = SiteRoute.signUp.path + (community == nil ? "" : "?depuis=" + (request.url.path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""))
        if request.hasSession, let message = request.session.data["flash"] {
            flash = message
            request.session.data["flash"] = nil
        }
    }
}
