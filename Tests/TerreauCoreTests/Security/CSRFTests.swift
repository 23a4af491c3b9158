import Testing
@testable import TerreauCore

@Suite("CSRF decision (S10)")
struct CSRFTests {
    static let site: Set<String> = ["http://127.0.0.1:8080"]

    @Test("verdicts", arguments: [
        ("GET", nil, nil, nil, nil, CSRFCheck.Verdict.allowed),
        ("HEAD", nil, nil, "https://evil.example", nil, .allowed),
        ("POST", nil, "t0k", nil, nil, .missingToken),
        ("POST", "", "t0k", nil, nil, .missingToken),
        ("POST", "guess", "t0k", nil, nil, .wrongToken),
        ("POST", "t0k", nil, nil, nil, .wrongToken),
        ("POST", "t0k", "t0k", nil, nil, .allowed),
        ("POST", "t0k", "t0k", "http://127.0.0.1:8080", nil, .allowed),
        ("POST", "t0k", "t0k", "https://evil.example", nil, .foreignOrigin),
        ("DELETE", "t0k", "t0k", nil, "https://evil.example/page", .foreignOrigin),
        ("PUT", "t0k", "t0k", nil, "http://127.0.0.1:8080/c/x", .allowed),
        ("PATCH", nil, nil, "null", nil, .foreignOrigin),
    ] as [(String, String?, String?, String?, String?, CSRFCheck.Verdict)])
    func verdicts(method: String, submitted: String?, session: String?, origin: String?, referer: String?, verdict: CSRFCheck.Verdict) {
        #expect(CSRFCheck.verdict(method: method, submittedToken: submitted, sessionToken: session, origin: origin, referer: referer, allowedOrigins: Self.site) == verdict)
    }

    @Test("a form open to visitors without a form token: allowed only until one is issued, never from another site", arguments: [
        (nil, nil, nil, CSRFCheck.Verdict.allowed),
        (nil, nil, "http://127.0.0.1:8080", .allowed),
        (nil, nil, "https://evil.example", .foreignOrigin),
        // Once the session holds a token, it is required as everywhere.
        (nil, "t0k", nil, .missingToken),
        ("guess", "t0k", nil, .wrongToken),
        ("t0k", "t0k", nil, .allowed),
    ] as [(String?, String?, String?, CSRFCheck.Verdict)])
    func sessionless(submitted: String?, session: String?, origin: String?, verdict: CSRFCheck.Verdict) {
        #expect(CSRFCheck.verdict(method: "POST", submittedToken: submitted, sessionToken: session, origin: origin, referer: nil,
                                  allowedOrigins: Self.site, sessionlessAllowed: true) == verdict)
        #expect(SiteRoute.Kind.matching(method: "POST", path: "/c/trieves/inventaire/0C9A/aider")?.acceptsSessionlessForm == true)
        #expect(SiteRoute.Kind.matching(method: "POST", path: "/c/trieves/inventaire/0C9A/mise-en-relation")?.acceptsSessionlessForm == false)
    }

    @Test("constant-time comparison")
    func comparison() {
        #expect(CSRFCheck.constantTimeEquals("abc", "abc"))
        #expect(!CSRFCheck.constantTimeEquals("abc", "abd"))
        #expect(!CSRFCheck.constantTimeEquals("abc", "abcd"))
    }
}
