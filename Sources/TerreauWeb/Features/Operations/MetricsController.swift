import Fluent
import Foundation
import NIOConcurrencyHelpers
import TerreauCore
import Vapor

/// Counts every answer by route kind and times it, outside the error pages so that every
/// status is seen. Requests that match no route (static files, 404s) count as `other`.
final class MetricsMiddleware: AsyncMiddleware, Sendable {
    let figures = NIOLockedValueBox(RequestMetrics())
    let started = Date()

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        func record(_ status: HTTPResponseStatus) {
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            figures.withLockedValue { $0.record(route: request.routeKind?.rawValue ?? "other", status: Int(status.code), seconds: seconds) }
        }
        do {
            let response = try await next.respond(to: request)
            record(response.status)
            return response
        } catch {
            record((error as? any AbortError)?.status ?? .internalServerError)
            throw error
        }
    }
}

/// `/metrics`: Prometheus text for the instance's operators — requests and latencies by route
/// kind, requests and body bytes in flight, the outbox's backlog, the age of the last backup.
/// Only from loopback, or with `Authorization: Bearer $TERREAU_METRICS_TOKEN`; 404 otherwise.
enum MetricsController {
    @Sendable static func metrics(_ request: Request) async throws -> Response {
        let app = request.application
        let bearer = request.headers.bearerAuthorization?.token
        let loopback = request.remoteAddress.map { $0.ipAddress == "127.0.0.1" || $0.ipAddress == "::1" } ?? false
        let token = app.terreauConfig.metricsToken
        guard (loopback && request.headers.first(name: .xForwardedFor) == nil) || (token != nil && bearer.map { CSRFCheck.constantTimeEquals($0, token!) } == true)
        else { throw Abort(.notFound) }
        let pending = try await OutboxRecord.query(on: request.db).filter(\.$status == "pending").count()
        let failed = try await OutboxRecord.query(on: request.db).filter(\.$status == "failed").count()
        var gauges: [(name: String, help: String, value: Double)] = [
            ("terreau_requests_in_flight", "Requests being answered.", Double(app.draining.running)),
            ("terreau_body_bytes_in_flight", "Bytes of request bodies being read.", Double(app.bodyLimit.bytesInFlight)),
            ("terreau_outbox_pending", "Mail waiting to be sent.", Double(pending)),
            ("terreau_outbox_failed", "Mail given up after every retry.", Double(failed)),
            ("terreau_uptime_seconds", "Seconds since this instance started.", Date().timeIntervalSince(app.metrics.started)),
        ]
        if let age = lastBackupAge(app) {
            gauges.append(("terreau_last_backup_age_seconds", "Seconds since the newest backup in the default backup folder.", age))
        }
        let response = Response(status: .ok, body: .init(string: app.metrics.figures.withLockedValue { $0 }.text(gauges: gauges)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    /// The newest complete backup in the default folder (`sauvegardes/` beside the data).
    static func lastBackupAge(_ app: Application) -> Double? {
        let folder = URL(fileURLWithPath: app.terreauConfig.filesDirectory).deletingLastPathComponent().appendingPathComponent("sauvegardes").path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        let dates = names.filter { $0.hasPrefix(Backup.prefix) && !$0.hasSuffix(".partiel") }.compactMap {
            (try? FileManager.default.attributesOfItem(atPath: folder + "/" + $0 + "/manifest.json"))?[.modificationDate] as? Date
        }
        return dates.max().map { Date().timeIntervalSince($0) }
    }
}

extension Request {
    private struct RouteKindKey: StorageKey { typealias Value = SiteRoute.Kind }

    /// The route kind this request was routed to (set by `registerRoutes`).
    var routeKind: SiteRoute.Kind? {
        get { storage[RouteKindKey.self] }
        set { storage[RouteKindKey.self] = newValue }
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = MetricsMiddleware }
    private struct DrainingKey: StorageKey { typealias Value = DrainingMiddleware }
    private struct BodyLimitKey: StorageKey { typealias Value = BodyLimitMiddleware }

    var metrics: MetricsMiddleware {
        get { storage[MetricsKey.self]! }
        set { storage[MetricsKey.self] = newValue }
    }
    var draining: DrainingMiddleware {
        get { storage[DrainingKey.self]! }
        set { storage[DrainingKey.self] = newValue }
    }
    var bodyLimit: BodyLimitMiddleware {
        get { storage[BodyLimitKey.self]! }
        set { storage[BodyLimitKey.self] = newValue }
    }
}
