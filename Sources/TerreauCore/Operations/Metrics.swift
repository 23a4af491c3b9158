import Foundation

/// Request figures by route kind, kept in memory by each instance and read by `/metrics` in the
/// Prometheus text format (version 0.0.4). Pure: the web layer feeds it and locks it.
public struct RequestMetrics: Sendable, Equatable {
    /// Upper bounds of the latency histogram, in seconds.
    public static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    public struct Route: Sendable, Equatable {
        /// Answers by status class (`2xx`, `3xx`, `4xx`, `5xx`).
        public var statuses: [String: Int] = [:]
        /// Cumulative counts per bucket, then the total.
        public var bucketCounts = [Int](repeating: 0, count: RequestMetrics.buckets.count)
        public var count = 0
        public var seconds = 0.0
    }

    public private(set) var routes: [String: Route] = [:]

    public init() {}

    public mutating func record(route: String, status: Int, seconds: Double) {
        var entry = routes[route] ?? Route()
        entry.statuses["\(status / 100)xx", default: 0] += 1
        for (index, bound) in Self.buckets.enumerated() where seconds <= bound { entry.bucketCounts[index] += 1 }
        entry.count += 1
        entry.seconds += seconds
        routes[route] = entry
    }

    /// The exposition text: requests and latencies by route, then the gauges given.
    public func text(gauges: [(name: String, help: String, value: Double)]) -> String {
        var lines = ["# HELP terreau_requests_total Requests answered, by route kind and status class.", "# TYPE terreau_requests_total counter"]
        for (route, entry) in routes.sorted(by: { $0.key < $1.key }) {
            for (status, count) in entry.statuses.sorted(by: { $0.key < $1.key }) {
                lines.append("terreau_requests_total{route=\"\(route)\",status=\"\(status)\"} \(count)")
            }
        }
        lines += ["# HELP terreau_request_duration_seconds Time to answer, by route kind.", "# TYPE terreau_request_duration_seconds histogram"]
        for (route, entry) in routes.sorted(by: { $0.key < $1.key }) {
            for (index, bound) in Self.buckets.enumerated() {
                lines.append("terreau_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(Self.number(bound))\"} \(entry.bucketCounts[index])")
            }
            lines.append("terreau_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(entry.count)")
            lines.append("terreau_request_duration_seconds_sum{route=\"\(route)\"} \(Self.number(entry.seconds))")
            lines.append("terreau_request_duration_seconds_count{route=\"\(route)\"} \(entry.count)")
        }
        for gauge in gauges {
            lines += ["# HELP \(gauge.name) \(gauge.help)", "# TYPE \(gauge.name) gauge", "\(gauge.name) \(Self.number(gauge.value))"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
