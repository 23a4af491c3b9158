import Foundation
import Testing
@testable import TerreauCore

@Suite("Geometry and GeoJSON")
struct GeometryTests {
    let clockwiseSquare: Ring = [Position(0, 0), Position(0, 1), Position(1, 1), Position(1, 0), Position(0, 0)]

    @Test("signed area is positive counter-clockwise")
    func signedArea() {
        #expect(Geometry.signedArea(clockwiseSquare) == -1)
        #expect(Geometry.signedArea(clockwiseSquare.reversed()) == 1)
    }

    @Test("RFC 7946 winding: exterior counter-clockwise, holes clockwise")
    func winding() {
        let hole: Ring = [Position(0.25, 0.25), Position(0.75, 0.25), Position(0.75, 0.75), Position(0.25, 0.75), Position(0.25, 0.25)]  // CCW
        let normalized = Geometry.normalizedWinding(Polygon(rings: [clockwiseSquare, hole]))
        #expect(Geometry.signedArea(normalized.rings[0]) > 0)
        #expect(Geometry.signedArea(normalized.rings[1]) < 0)
    }

    @Test("point in polygon excludes holes", arguments: [
        (0.1, 0.1, true), (0.5, 0.5, false), (1.5, 0.5, false), (0.9, 0.5, true),
    ])
    func contains(x: Double, y: Double, inside: Bool) {
        let hole: Ring = [Position(0.25, 0.25), Position(0.75, 0.25), Position(0.75, 0.75), Position(0.25, 0.75), Position(0.25, 0.25)]
        #expect(Geometry.contains(Polygon(rings: [clockwiseSquare, hole]), Position(x, y)) == inside)
    }

    @Test("centroid of a square")
    func centroid() {
        let c = Geometry.centroid(MultiPolygon(polygons: [Polygon(rings: [clockwiseSquare])]))
        #expect(c == Position(0.5, 0.5))
    }

    @Test("reading a clockwise file writes it back counter-clockwise")
    func roundTrip() throws {
        let json = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"01001","nom":"L'Abergement"},"geometry":{"type":"Polygon","coordinates":[[[5,45],[5,46],[6,46],[6,45],[5,45]]]}}]}"#
        let features = try GeoJSON.features(from: Data(json.utf8))
        #expect(features.count == 1)
        #expect(features[0].properties["code"] == "01001")
        let text = GeoJSON.text(of: features[0].geometry)
        #expect(text == #"{"type":"Polygon","coordinates":[[[5,45],[6,45],[6,46],[5,46],[5,45]]]}"#)
        #expect(Geometry.signedArea(GeoJSON.geometry(fromText: text)!.polygons[0].exterior) > 0)
    }

    @Test("bad geometries are refused with the feature number", arguments: [
        (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[5,45]}}]}"#, 1),
        (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[5,45],[5,46],[5,45]]]}}]}"#, 1),
        (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[5,45],[5,46],[6,46],[5,45]]]}},{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[500,45],[5,46],[6,46],[500,45]]]}}]}"#, 2),
    ])
    func badGeometry(json: String, index: Int) {
        do {
            _ = try GeoJSON.features(from: Data(json.utf8))
            Issue.record("expected an error")
        } catch {
            guard case .badGeometry(let featureIndex, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(featureIndex == index)
        }
    }

    @Test("map projection: north is up, the viewBox fits the width")
    func projection() throws {
        let south = MultiPolygon(polygons: [Polygon(rings: [[Position(5, 45), Position(5.1, 45), Position(5.1, 45.1), Position(5, 45.1), Position(5, 45)]])])
        let north = MultiPolygon(polygons: [Polygon(rings: [[Position(5, 45.2), Position(5.1, 45.2), Position(5.1, 45.3), Position(5, 45.3), Position(5, 45.2)]])])
        let map = try #require(MapProjector.map(communes: [
            MapLayer(id: "S", label: "Sud", geometry: south, tone: 1), MapLayer(id: "N", label: "Nord", geometry: north, tone: 2),
        ], width: 200, padding: 0))
        #expect(map.viewBox.hasPrefix("0 0 200 "))
        #expect(map.communes[1].labelY < map.communes[0].labelY)
        #expect(map.communes.allSatisfy { $0.path.hasPrefix("M") && $0.path.hasSuffix("Z") })
        // 0.3° of latitude over 0.1° of longitude scaled by cos(45.15°): height ≈ 200 × 0.3 / (0.1 × 0.7053)
        #expect(abs(map.height - 851) <= 1)
    }
}

@Suite("A drawn neighbourhood's population, by the area it covers")
struct CoveredShareTests {
    /// An axis-aligned square as a one-polygon multipolygon.
    static func square(_ x: Double, _ y: Double, _ side: Double) -> MultiPolygon {
        MultiPolygon(polygons: [Polygon(rings: [[Position(x, y), Position(x + side, y), Position(x + side, y + side), Position(x, y + side), Position(x, y)]])])
    }

    @Test("the share of a commune a drawing covers", arguments: [
        // The whole commune, half of it, a quarter, none, a drawing wholly inside covering 4 %.
        (square(0, 0, 2), 1.0), (square(1, 0, 2), 0.5), (square(1, 1, 2), 0.25), (square(5, 5, 1), 0.0), (square(0.5, 0.5, 0.4), 0.04),
    ])
    func share(cover: MultiPolygon, expected: Double) {
        #expect(abs(Geometry.coveredShare(of: Self.square(0, 0, 2), by: cover) - expected) < 0.01)
    }

    @Test("population: each commune's census times its covered share; unknown where a touched commune has none")
    func population() {
        let west = Self.square(0, 0, 2), east = Self.square(2, 0, 2)
        // Half of the west commune (1,000 people) and a quarter of the east one (400).
        let cover = MultiPolygon(polygons: [Polygon(rings: [[Position(1, 0), Position(3, 0), Position(3, 1), Position(2, 1), Position(2, 2), Position(1, 2), Position(1, 0)]])])
        let estimate = CommunityRules.estimatedPopulation(of: cover, communes: [(1_000, west), (400, east)])
        #expect(estimate.map { abs($0 - 600) <= 10 } == true, "500 + 100, not 1,400")
        #expect(CommunityRules.estimatedPopulation(of: cover, communes: [(1_000, west), (nil, east)]) == nil)
        #expect(CommunityRules.estimatedPopulation(of: Self.square(9, 9, 1), communes: [(1_000, west)]) == 0)
    }
}
