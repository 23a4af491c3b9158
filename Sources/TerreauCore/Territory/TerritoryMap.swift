import Foundation

/// A server-rendered map: shapes already projected into SVG user units, so the template only
/// writes `<path d=…>`. No tile server, no script; the page pairs it with a table.
public struct TerritoryMap: Sendable, Equatable, Encodable {
    public struct Shape: Sendable, Equatable, Encodable {
        /// Stable identifier of what is drawn (a commune code or a neighbourhood slug).
        public var id: String
        public var label: String
        public var path: String
        /// Where a label can go (the centroid of the largest part).
        public var labelX: Double
        public var labelY: Double
        /// Index into the palette, so that colour is never the only carrier of meaning: the
        /// legend and the table say the same thing in words.
        public var tone: Int
        /// Whether the shape is wide enough on the map for its name to be written on it.
        public var showLabel: Bool
    }

    public var width: Double
    public var height: Double
    public var communes: [Shape]
    public var outlines: [Shape]
    public var viewBox: String
}

public struct MapLayer: Sendable {
    public var id: String
    public var label: String
    public var geometry: MultiPolygon
    public var tone: Int

    public init(id: String, label: String, geometry: MultiPolygon, tone: Int) {
        self.id = id
        self.label = label
        self.geometry = geometry
        self.tone = tone
    }
}

public enum MapProjector {
    /// Equirectangular projection scaled by cos(latitude) at the map's centre — true enough in
    /// shape at the scale of a few communes, and simple enough to test by hand.
    /// - Parameters:
    ///   - width: SVG width in user units; the height follows the territory's aspect ratio.
    ///   - tolerance: points closer than this (in user units) to the previous kept one are dropped.
    public static func map(communes: [MapLayer], outlines: [MapLayer] = [], width: Double = 640, padding: Double = 8, tolerance: Double = 0.6) -> TerritoryMap? {
        let boxes = (communes + outlines).compactMap(\.geometry.boundingBox)
        guard let first = boxes.first else { return nil }
        let box = boxes.dropFirst().reduce(first) { $0.union($1) }
        let midLatitude = (box.minLatitude + box.maxLatitude) / 2 * .pi / 180
        let xSpan = max((box.maxLongitude - box.minLongitude) * cos(midLatitude), 1e-9)
        let ySpan = max(box.maxLatitude - box.minLatitude, 1e-9)
        let scale = (width - 2 * padding) / xSpan
        let height = ySpan * scale + 2 * padding

        func project(_ p: Position) -> (Double, Double) {
            ((p.longitude - box.minLongitude) * cos(midLatitude) * scale + padding, (box.maxLatitude - p.latitude) * scale + padding)
        }
        func path(_ geometry: MultiPolygon) -> (path: String, width: Double) {
            var out = ""
            var minX = Double.infinity, maxX = -Double.infinity
            for polygon in geometry.polygons {
                for ring in polygon.rings {
                    var last: (Double, Double)?
                    var kept = 0
                    for position in ring.dropLast() {
                        let point = project(position)
                        if let last, abs(point.0 - last.0) < tolerance && abs(point.1 - last.1) < tolerance { continue }
                        out += (kept == 0 ? "M" : "L") + format(point.0) + " " + format(point.1)
                        minX = min(minX, point.0)
                        maxX = max(maxX, point.0)
                        last = point
                        kept += 1
                    }
                    if kept > 0 { out += "Z" }
                }
            }
            return (out, maxX - minX)
        }
        func shape(_ layer: MapLayer) -> TerritoryMap.Shape {
            let centre = Geometry.centroid(layer.geometry).map(project) ?? (0, 0)
            let drawn = path(layer.geometry)
            return .init(
                id: layer.id, label: layer.label, path: drawn.path, labelX: round1(centre.0), labelY: round1(centre.1),
                tone: layer.tone, showLabel: drawn.width >= minimumLabelWidth)
        }
        let roundedHeight = height.rounded(.up)
        return TerritoryMap(
            width: width, height: roundedHeight, communes: communes.map(shape), outlines: outlines.map(shape),
            viewBox: "0 0 \(Int(width.rounded(.up))) \(Int(roundedHeight))")
    }

    /// About ten characters of the map's label font.
    static let minimumLabelWidth = 70.0

    static func round1(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    static func format(_ value: Double) -> String {
        let rounded = round1(value)
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
