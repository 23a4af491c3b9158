import Foundation

/// Reading and writing the subset of GeoJSON (RFC 7946) that territories use: Polygon and
/// MultiPolygon geometries inside Features.
public enum GeoJSON {
    public struct Feature: Sendable {
        public var properties: [String: String]
        public var geometry: MultiPolygon
    }

    public enum ReadError: Error, Equatable, Sendable {
        case invalidJSON
        case notAFeatureCollection
        case badGeometry(featureIndex: Int, reason: String)
    }

    /// Parses a FeatureCollection (or a lone Feature or geometry). Properties are kept as strings.
    public static func features(from data: Data) throws(ReadError) -> [Feature] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw .invalidJSON }
        switch object["type"] as? String {
        case "FeatureCollection":
            guard let list = object["features"] as? [[String: Any]] else { throw .notAFeatureCollection }
            var result: [Feature] = []
            result.reserveCapacity(list.count)
            for (index, feature) in list.enumerated() { result.append(try self.feature(feature, index: index + 1)) }
            return result
        case "Feature":
            return [try feature(object, index: 1)]
        case "Polygon", "MultiPolygon":
            return [Feature(properties: [:], geometry: try geometry(object, index: 1))]
        default:
            throw .notAFeatureCollection
        }
    }

    static func feature(_ object: [String: Any], index: Int) throws(ReadError) -> Feature {
        var properties: [String: String] = [:]
        for (key, value) in object["properties"] as? [String: Any] ?? [:] {
            if let string = value as? String { properties[key] = string } else if let number = value as? NSNumber { properties[key] = number.stringValue }
        }
        guard let geometry = object["geometry"] as? [String: Any] else {
            throw .badGeometry(featureIndex: index, reason: "géométrie absente")
        }
        return Feature(properties: properties, geometry: try self.geometry(geometry, index: index))
    }

    static func geometry(_ object: [String: Any], index: Int) throws(ReadError) -> MultiPolygon {
        func ring(_ value: Any) throws(ReadError) -> Ring {
            guard let points = value as? [[Any]] else { throw .badGeometry(featureIndex: index, reason: "anneau mal formé") }
            var ring: Ring = []
            ring.reserveCapacity(points.count)
            for point in points {
                guard point.count >= 2, let lon = (point[0] as? NSNumber)?.doubleValue, let lat = (point[1] as? NSNumber)?.doubleValue,
                    (-180...180).contains(lon), (-90...90).contains(lat)
                else { throw .badGeometry(featureIndex: index, reason: "coordonnée invalide") }
                ring.append(Position(lon, lat))
            }
            guard ring.count >= 4 else { throw .badGeometry(featureIndex: index, reason: "anneau de moins de 4 points") }
            if ring.first != ring.last { ring.append(ring[0]) }  // tolerate unclosed rings
            return ring
        }
        func polygon(_ value: Any) throws(ReadError) -> Polygon {
            guard let rings = value as? [Any], !rings.isEmpty else { throw .badGeometry(featureIndex: index, reason: "polygone vide") }
            var result: [Ring] = []
            for value in rings { result.append(try ring(value)) }
            return Polygon(rings: result)
        }
        switch object["type"] as? String {
        case "Polygon":
            return Geometry.normalizedWinding(MultiPolygon(polygons: [try polygon(object["coordinates"] as Any)]))
        case "MultiPolygon":
            guard let list = object["coordinates"] as? [Any], !list.isEmpty else {
                throw .badGeometry(featureIndex: index, reason: "multipolygone vide")
            }
            var polygons: [Polygon] = []
            for value in list { polygons.append(try polygon(value)) }
            return Geometry.normalizedWinding(MultiPolygon(polygons: polygons))
        default:
            throw .badGeometry(featureIndex: index, reason: "type de géométrie non pris en charge (Polygon ou MultiPolygon attendu)")
        }
    }

    /// The geometry as GeoJSON text: a Polygon when there is one part, otherwise a MultiPolygon.
    /// Coordinates keep at most 6 decimals (about 10 cm), which is more than the sources carry.
    public static func text(of multi: MultiPolygon) -> String {
        func number(_ value: Double) -> String {
            var text = String(format: "%.6f", value)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text
        }
        func polygon(_ polygon: Polygon) -> String {
            "[" + polygon.rings.map { "[" + $0.map { "[\(number($0.longitude)),\(number($0.latitude))]" }.joined(separator: ",") + "]" }.joined(separator: ",") + "]"
        }
        if multi.polygons.count == 1 {
            return #"{"type":"Polygon","coordinates":"# + polygon(multi.polygons[0]) + "}"
        }
        return #"{"type":"MultiPolygon","coordinates":["# + multi.polygons.map(polygon).joined(separator: ",") + "]}"
    }

    /// Reads back a geometry written by `text(of:)`.
    public static func geometry(fromText text: String) -> MultiPolygon? {
        guard let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return try? geometry(object, index: 1)
    }
}
