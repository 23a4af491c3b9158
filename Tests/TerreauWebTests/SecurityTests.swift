import Fluent
import Foundation
import NIOConcurrencyHelpers
import TerreauCore
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Security and isolation")
struct SecurityTests {
    @Test("nothing of one community is reachable from another's pages", arguments: Engine.available)
    func isolation(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            // Grenoble's neighbourhoods and communes, asked for through the Trièves community.
            for path in ["/c/trieves/quartiers/villeneuve", "/c/trieves/quartiers/rive-droite", "/c/trieves/communes/38185"] {
                #expect(try await app.get(path).status == .notFound, "\(path)")
            }
            for path in ["/c/trieves", "/c/trieves/territoire", "/c/trieves/quartiers/pays-de-mens", "/c/trieves/communes/38226"] {
                let html = try await app.get(path).text
                for foreign in ["Villeneuve", "Rive droite", "Échirolles", "grenoble-alpes/"] {
                    #expect(!html.contains(foreign), "\(path) shows \(foreign)")
                }
            }
            // Rows are scoped: Trièves owns exactly its own neighbourhood-commune links.
            let trieves = try #require(try await CommunityStore(database: app.db).find(slug: "trieves"))
            let links = try await NeighbourhoodCommuneRecord.query(on: app.db).filter(\.$community.$id == trieves.requireID()).all()
            #expect(Set(links.map(\.communeCode)).isSubset(of: Set(try await CommunityStore(database: app.db).communeCodes(of: trieves.requireID()))))
        }
    }

    @Test("hostile text typed into a community is shown as text (S7)", arguments: Engine.available)
    func hostileText(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let hostile = "\"><script>alert(1)</script><svg onload=alert(2)>"
            let community = try await CommunityStore(database: app.db).create(
                slug: "hostile", name: hostile, description: "javascript:alert(3) " + hostile, contactEmail: "a@b.invalid\"><script>",
                territory: TerritoryRequest(communeCodes: ["38185"]), now: Date())
            _ = try await CommunityStore(database: app.db).addNeighbourhood(
                to: community, name: "<img src=x onerror=alert(4)>", slug: "img", description: hostile, shape: .communes(["38185"]))
            for path in ["/", "/c/hostile", "/c/hostile/territoire", "/c/hostile/quartiers/img", "/c/hostile/communes/38185"] {
                let html = try await app.get(path).text
                #expect(!html.contains("<script>alert"), "\(path)")
                #expect(!html.contains("<svg onload"), "\(path)")
                #expect(!html.contains("<img src=x"), "\(path)")
            }
            #expect(try await app.get("/c/hostile").text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    @Test("security headers on pages, errors and static files (S9)")
    func headers() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            for path in ["/c/trieves", "/absent", "/css/terreau.css"] {
                let response = try await app.get(path)
                let csp = try #require(response.headers.first(name: "Content-Security-Policy"), "\(path)")
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "Referrer-Policy") == "same-origin")
                #expect(response.headers.first(name: "Strict-Transport-Security") == nil)
            }
            #expect(try await app.get("/css/terreau.css").headers.contentType?.serialize() == "text/css; charset=utf-8")
        }
    }

    @Test("state-changing requests without a valid token or from a foreign origin get 403 (S10)")
    func csrf() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let cases: [(HTTPMethod, HTTPHeaders)] = [
                (.POST, [:]),
                (.POST, ["Content-Type": "application/x-www-form-urlencoded"]),
                (.POST, ["Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"]),
                (.DELETE, ["X-CSRF-Token": "forged"]),
                (.PUT, ["Referer": "https://evil.example/form"]),
            ]
            for (method, headers) in cases {
                let response = try await app.testing().sendRequest(method, "/c/trieves", headers: headers, body: ByteBuffer(string: "_csrf=forged&name=x"))
                #expect(response.status == .forbidden, "\(method) \(headers)")
                #expect(response.body.string.contains("Action refusée"))
            }
            // No session was created by these requests, and nothing changed.
            #expect(try await SessionRecord.query(on: app.db).count() == 0)
            #expect(try await CommunityRecord.query(on: app.db).count() == 2)
        }
    }

    @Test("reading public pages creates no session")
    func noSessionForReaders() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let response = try await app.get("/c/trieves")
            #expect(response.headers.setCookie?["terreau_session"] == nil)
            #expect(try await SessionRecord.query(on: app.db).count() == 0)
        }
    }

    @Test("a stop lets the request in flight finish before the databases close, and answers 503 to new ones meanwhile")
    func draining() async throws {
        let app = try await Application.make(.testing)
        let middleware = DrainingMiddleware()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let responder = AsyncBasicResponder { _ in
            for await _ in gate { break }
            return Response(status: .ok)
        }
        let inFlight = Task { try await middleware.respond(to: Request(application: app, on: app.eventLoopGroup.next()), chainingTo: responder) }
        while middleware.running == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let drained = NIOLockedValueBox(false)
        let stopping = Task {
            await middleware.drain(within: .seconds(10))
            drained.withLockedValue { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(100))
        // The stop waits for the request in flight; a new one is turned away.
        #expect(drained.withLockedValue { $0 } == false)
        #expect(middleware.running == 1)
        do {
            _ = try await middleware.respond(to: Request(application: app, on: app.eventLoopGroup.next()), chainingTo: responder)
            Issue.record("a request arriving during the stop was served")
        } catch let abort as Abort {
            #expect(abort.status == .serviceUnavailable)
        }
        open.yield()
        #expect(try await inFlight.value.status == .ok)
        await stopping.value
        #expect(drained.withLockedValue { $0 })
        #expect(middleware.running == 0)
        try await app.asyncShutdown()
    }
}
