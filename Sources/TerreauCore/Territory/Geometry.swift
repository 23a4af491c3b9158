import Foundation

/// Longitude, latitude in degrees (WGS 84), GeoJSON order.
public struct Position: Sendable, Equatable, Hashable {
    public var longitude: Double
    public var latitude: Double

    public init(_ longitude: Double, _ latitude: Double) {
        self.longitude = longitude
        self.latitude = latitude
    }
}

public typealias Ring = [Position]

/// A polygon: its exterior ring first, then its holes. Rings are closed (first == last).
public struct Polygon: Sendable, Equatable {
    public var rings: [Ring]

    public init(rings: [Ring]) { self.rings = rings }

    public var exterior: Ring { rings.first ?? [] }
}

public struct MultiPolygon: Sendable, Equatable {
    public var polygons: [Polygon]

    public init(polygons: [Polygon]) { self.polygons = polygons }

    public var boundingBox: BoundingBox? { BoundingBox(covering: polygons.flatMap(\.exterior)) }
}

public struct BoundingBox: Sendable, Equatable {
    public var minLongitude, minLatitude, maxLongitude, maxLatitude: Double

    public init(minLongitude: Double, minLatitude: Double, maxLongitude: Double, maxLatitude: Double) {
        self.minLongitude = minLongitude
        self.minLatitude = minLatitude
        self.maxLongitude = maxLongitude
        self.maxLatitude = maxLatitude
    }

    public init?(covering positions: some Sequence<Position>) {
        var iterator = positions.makeIterator()
        guard let first = iterator.next() else { return nil }
        self.init(minLongitude: first.longitude, minLatitude: first.latitude, maxLongitude: first.longitude, maxLatitude: first.latitude)
        while let p = iterator.next() {
            minLongitude = min(minLongitude, p.longitude)
            maxLongitude = max(maxLongitude, p.longitude)
            minLatitude = min(minLatitude, p.latitude)
            maxLatitude = max(maxLatitude, p.latitude)
        }
    }

    public func union(_ other: BoundingBox) -> BoundingBox {
        BoundingBox(
            minLongitude: min(minLongitude, other.minLongitude), minLatitude: min(minLatitude, other.minLatitude),
            maxLongitude: max(maxLongitude, other.maxLongitude), maxLatitude: max(maxLatitude, other.maxLatitude))
    }
}

public enum Geometry {
    /// Shoelace formula in degrees: positive for a counter-clockwise ring (x east, y north).
    public static func signedArea(_ ring: Ring) -> Double {
        guard ring.count > 2 else { return 0 }
        var sum = 0.0
        for index in 0..<(ring.count - 1) {
            let a = ring[index], b = ring[index + 1]
            sum += a.longitude * b.latitude - b.longitude * a.latitude
        }
        return sum / 2
    }

    /// RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise. Source files that wind
    /// the other way are accepted and rewritten.
    public static func normalizedWinding(_ polygon: Polygon) -> Polygon {
        Polygon(rings: polygon.rings.enumerated().map { index, ring in
            let counterClockwise = signedArea(ring) > 0
            let wantCounterClockwise = index == 0
            return counterClockwise == wantCounterClockwise ? ring : Array(ring.reversed())
        })
    }

    public static func normalizedWinding(_ multi: MultiPolygon) -> MultiPolygon {
        MultiPolygon(polygons: multi.polygons.map(normalizedWinding))
    }

    /// Even-odd ray casting over all rings, so holes are excluded.
    public static func contains(_ polygon: Polygon, _ point: Position) -> Bool {
        var inside = false
        for ring in polygon.rings where ring.count > 2 {
            var j = ring.count - 1
            for i in 0..<ring.count {
                let a = ring[i], b = ring[j]
                if (a.latitude > point.latitude) != (b.latitude > point.latitude) {
                    let crossing = (b.longitude - a.longitude) * (point.latitude - a.latitude) / (b.latitude - a.latitude) + a.longitude
                    if point.longitude < crossing { inside.toggle() }
                }
                j = i
            }
        }
        return inside
    }

    public static func contains(_ multi: MultiPolygon, _ point: Position) -> Bool {
        multi.polygons.contains { contains($0, point) }
    }

    /// The share (0…1) of `region`'s area that `cover` covers, measured on a grid of
    /// `resolution` × `resolution` cell centres over the region's bounding box. Exact clipping of
    /// two arbitrary polygons is not needed for a population estimate; the grid's error stays
    /// under a percent of the region at the default resolution (tested on squares).
    public static func coveredShare(of region: MultiPolygon, by cover: MultiPolygon, resolution: Int = 96) -> Double {
        guard let box = region.boundingBox, let coverBox = cover.boundingBox,
              coverBox.minLongitude <= box.maxLongitude, coverBox.maxLongitude >= box.minLongitude,
              coverBox.minLatitude <= box.maxLatitude, coverBox.maxLatitude >= box.minLatitude else { return 0 }
        let width = (box.maxLongitude - box.minLongitude) / Double(resolution)
        let height = (box.maxLatitude - box.minLatitude) / Double(resolution)
        var inside = 0, covered = 0
        for row in 0..<resolution {
            let latitude = box.minLatitude + (Double(row) + 0.5) * height
            for column in 0..<resolution {
                let point = Position(box.minLongitude + (Double(column) + 0.5) * width, latitude)
                guard contains(region, point) else { continue }
                inside += 1
                if point.longitude >= coverBox.minLongitude, point.longitude <= coverBox.maxLongitude,
                   point.latitude >= coverBox.minLatitude, point.latitude <= coverBox.maxLatitude, contains(cover, point) { covered += 1 }
            }
        }
        return inside == 0 ? 0 : Double(covered) / Double(inside)
    }

    /// Area-weighted centroid of the largest exterior ring: a representative point for a commune.
    public static func centroid(_ multi: MultiPolygon) -> Position? {
        guard let ring = multi.polygons.map(\.exterior).max(by: { abs(signedArea($0)) < abs(signedArea($1)) }), ring.count > 2
        else { return nil }
        let area = signedArea(ring)
        guard area != 0 else { return ring.first }
        var cx = 0.0, cy = 0.0
        for index in 0..<(ring.count - 1) {
            let a = ring[index], b = ring[index + 1]
            let cross = a.longitude * b.latitude - b.longitude * a.latitude
            cx += (a.longitude + b.longitude) * cross
            cy += (a.latitude + b.latitude) * cross
        }
        return Position(cx / (6 * area), cy / (6 * area))
    }
}
