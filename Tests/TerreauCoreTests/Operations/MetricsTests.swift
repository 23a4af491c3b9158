import Testing
@testable import TerreauCore

@Suite("Request metrics in the Prometheus text format")
struct MetricsTests {
    @Test("counts by status class, cumulative buckets, sum and count; gauges after", arguments: [
        ([(200, 0.004), (303, 0.03), (404, 0.2)], ["2xx": 1, "3xx": 1, "4xx": 1], [1, 1, 1, 2, 2, 3, 3, 3, 3, 3]),
        ([(500, 7.0)], ["5xx": 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ([(200, 0.005), (200, 0.005)], ["2xx": 2], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]),
    ] as [([(Int, Double)], [String: Int], [Int])])
    func record(requests: [(Int, Double)], statuses: [String: Int], buckets: [Int]) {
        var metrics = RequestMetrics()
        for (status, seconds) in requests { metrics.record(route: "inventory", status: status, seconds: seconds) }
        let route = metrics.routes["inventory"]!
        #expect(route.statuses == statuses)
        #expect(route.bucketCounts == buckets)
        #expect(route.count == requests.count)
    }

    @Test("the exposition text")
    func text() {
        var metrics = RequestMetrics()
        metrics.record(route: "health", status: 200, seconds: 0.002)
        let text = metrics.text(gauges: [("terreau_outbox_pending", "Mail waiting to be sent.", 3)])
        #expect(text.contains("# TYPE terreau_requests_total counter\nterreau_requests_total{route=\"health\",status=\"2xx\"} 1\n"))
        #expect(text.contains("terreau_request_duration_seconds_bucket{route=\"health\",le=\"0.005\"} 1\n"))
        #expect(text.contains("terreau_request_duration_seconds_bucket{route=\"health\",le=\"+Inf\"} 1\n"))
        #expect(text.contains("terreau_request_duration_seconds_sum{route=\"health\"} 0.002\n"))
        #expect(text.hasSuffix("# TYPE terreau_outbox_pending gauge\nterreau_outbox_pending 3\n"))
    }
}
