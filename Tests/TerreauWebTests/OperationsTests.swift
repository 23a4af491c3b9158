import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Operations: metrics for the people who run an instance")
struct OperationsTests {
    @Test("/metrics counts answers by route kind and status and gives the backlog; only with the token off loopback, 404 otherwise")
    func metrics() async throws {
        try await TestApp.with(.sqlite, configure: { $0.metricsToken = "jeton-des-métriques" }) { app in
            try await app.seedDemo()
            for _ in 0..<2 { #expect(try await app.get("/c/trieves").status == .ok) }
            #expect(try await app.get("/nulle-part").status == .notFound)
            // The in-memory test client is not on loopback: without the token, nothing is said.
            #expect(try await app.get("/metrics").status == .notFound)
            #expect(try await app.get("/metrics", headers: ["Authorization": "Bearer faux"]).status == .notFound)
            let page = try await app.get("/metrics", headers: ["Authorization": "Bearer jeton-des-métriques"])
            #expect(page.status == .ok)
            #expect(page.headers.contentType?.parameters["version"] == "0.0.4")
            #expect(page.text.contains("terreau_requests_total{route=\"community\",status=\"2xx\"} 2\n"))
            #expect(page.text.contains("terreau_requests_total{route=\"other\",status=\"4xx\"} 1\n"))
            #expect(page.text.contains("terreau_request_duration_seconds_count{route=\"community\"} 2\n"))
            #expect(page.text.contains("\nterreau_outbox_pending 0\n") && page.text.contains("\nterreau_requests_in_flight "))
            #expect(!page.text.contains("@demo.terreau.invalid"), "no address, no path: route kinds only")
        }
    }
}
