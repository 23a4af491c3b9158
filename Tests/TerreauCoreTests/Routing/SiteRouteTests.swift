import Testing
@testable import TerreauCore

@Suite("Routes and redirects")
struct SiteRouteTests {
    @Test("paths", arguments: [
        (SiteRoute.home, "/"),
        (.health, "/healthz"),
        (.community(slug: "grenoble-alpes"), "/c/grenoble-alpes"),
        (.territory(slug: "trieves"), "/c/trieves/territoire"),
        (.neighbourhood(slug: "trieves", neighbourhood: "pays-de-mens"), "/c/trieves/quartiers/pays-de-mens"),
        (.commune(slug: "trieves", code: "38226"), "/c/trieves/communes/38226"),
        (.language(.en, returnTo: "/c/trieves?x=1&y=2"), "/langue/en?retour=/c/trieves%3Fx%3D1%26y%3D2"),
        (.language(.fr, returnTo: "https://evil.example"), "/langue/fr"),
        (.community(slug: "a/b"), "/c/a%2Fb"),
        (.signIn(returnTo: "/c/trieves/membres"), "/connexion?retour=/c/trieves/membres"),
        (.organisationClaimDecision(slug: "trieves", organisation: "o1", request: "r1"), "/c/trieves/organisations/o1/demandes/r1"),
        (.myData(format: "json"), "/moi/donnees/json"),
        // Parameters come from the case's labelled values; others go to the query or nowhere.
        (.inventoryNew(slug: "trieves", kind: .need), "/c/trieves/inventaire/nouveau/besoin"),
        (.inventoryRevert(slug: "trieves", item: "i1", version: 3), "/c/trieves/inventaire/i1/historique/3/retablir"),
        (.openRosaMedia(slug: "trieves", version: 2, file: "competences.csv"), "/c/trieves/openrosa/medias/2/competences.csv"),
        (.method(slug: "trieves", from: 1, to: 2), "/c/trieves/enquete/methode?de=1&a=2"),
        (.xlsForm(slug: "trieves", version: 4), "/c/trieves/enquete/methode/xlsform?version=4"),
        (.decisionNew(slug: "trieves", kind: "vote", proposal: nil), "/c/trieves/decisions/nouvelle?type=vote"),
        (.proposal(slug: "trieves", proposal: "p1", view: "positions"), "/c/trieves/propositions/p1?vue=positions"),
        (.festival(festival: "fete-2026"), "/fete/fete-2026"),
        (.person(person: "p1"), "/personnes/p1"),
        (.apiDataset(community: "trieves", dataset: "besoins"), "/api/communautes/trieves/besoins"),
    ])
    func paths(route: SiteRoute, path: String) {
        #expect(route.path == path)
    }

    @Test("a route's kind is the kind of the same name", arguments: [
        (SiteRoute.home, SiteRoute.Kind.home), (.signIn(returnTo: nil), .signIn), (.language(.fr, returnTo: nil), .language),
        (.inventoryItem(slug: "s", item: "i"), .inventoryItem), (.openRosaSubmission(slug: "s"), .openRosaSubmission),
    ])
    func kinds(route: SiteRoute, kind: SiteRoute.Kind) {
        #expect(route.kind == kind)
    }

    @Test("every kind has a pattern whose parameters match its path")
    func patterns() {
        for kind in SiteRoute.Kind.allCases {
            #expect(kind.pattern.allSatisfy { !$0.isEmpty })
        }
        // One handler per (method, path): two kinds may share a path only with different methods.
        let keys = SiteRoute.Kind.allCases.map { $0.method.rawValue + " /" + $0.pattern.joined(separator: "/") }
        #expect(Set(keys).count == keys.count)
    }

    @Test("a request is matched to its route before routing, literal segments first; only uploads take files", arguments: [
        ("POST", "/c/grenoble-alpes/etudes", SiteRoute.Kind?.some(.studyCreate)),
        ("GET", "/c/grenoble-alpes/etudes", .studies),
        ("POST", "/connexion", .signInSubmit),
        ("GET", "/c/grenoble-alpes/inventaire/nouveau/besoin", .inventoryNew),
        ("POST", "/c/grenoble-alpes/enquete/methode/brouillon", .methodDraftSave),
        ("POST", "/nulle/part", nil),
        ("GET", "/", .home),
    ] as [(String, String, SiteRoute.Kind?)])
    func matching(method: String, path: String, expected: SiteRoute.Kind?) {
        #expect(SiteRoute.Kind.matching(method: method, path: path) == expected)
    }

    @Test("every route matches its own pattern; body limits: files on uploads only")
    func matchingEveryRoute() {
        for kind in SiteRoute.Kind.allCases {
            let path = "/" + kind.pattern.map { $0.hasPrefix(":") ? "x1" : $0 }.joined(separator: "/")
            #expect(SiteRoute.Kind.matching(method: kind.method.rawValue, path: path) == kind, "\(kind)")
            #expect(kind.acceptsFiles == (kind == .studyCreate || kind == .openRosaSubmission))
            #expect(kind.bodyLimit >= 64 * 1024 && (kind.bodyLimit > 1024 * 1024) == kind.acceptsFiles)
        }
    }

    @Test("return_to only ever stays inside the site (S8)", arguments: [
        ("/c/trieves", true), ("/", true), ("//evil.example/x", false), ("/\\evil.example", false), ("https://evil.example", false),
        ("javascript:alert(1)", false), ("c/trieves", false), ("/a\nb", false), ("", false),
    ])
    func returnTo(candidate: String, accepted: Bool) {
        #expect((ReturnTo.validated(candidate) != nil) == accepted)
    }
}
