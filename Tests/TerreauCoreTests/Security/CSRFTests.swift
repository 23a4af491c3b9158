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

    @Test("constant-time comparison")
    func comparison() {
        #expect(CSRFCheck.constantTimeEquals("abc", "abc"))
        #expect(!CSRFCheck.constantTimeEquals("abc", "abd"))
        #expect(!CSRFCheck.constantTimeEquals("abc", "abcd"))
    }
}
