import Foundation

/// Which communes touch: two communes are neighbours when their boundaries share a vertex. The
/// IGN file is topological (adjacent communes are cut along the same points), so a shared
/// vertex means a shared border; coordinates are compared at 10⁻⁶ degree (about 10 cm).
public enum Adjacency {
    public static func neighbours(_ boundaries: [CommuneBoundary]) -> [String: Set<String>] {
        struct Point: Hashable { var x: Int64, y: Int64 }
        var owners: [Point: [String]] = [:]
        for boundary in boundaries {
            var seen = Set<Point>()
            for polygon in boundary.geometry.polygons {
                for ring in polygon.rings {
                    for position in ring {
                        let point = Point(x: Int64((position.longitude * 1e6).rounded()), y: Int64((position.latitude * 1e6).rounded()))
                        if seen.insert(point).inserted { owners[point, default: []].append(boundary.communeCode) }
                    }
                }
            }
        }
        var result: [String: Set<String>] = [:]
        for codes in owners.values where codes.count > 1 {
            for a in codes { for b in codes where a != b { result[a, default: []].insert(b) } }
        }
        return result
    }
}
