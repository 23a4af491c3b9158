import Foundation

/// What a community's definition must satisfy before it is stored. A field error names the field
/// and says, in French, what is expected.
public struct FieldError: Error, Equatable, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field) : \(message)" }
}

public struct FieldErrors: Error, Equatable, Sendable, CustomStringConvertible {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// A territory the community asks for: current commune codes, whole départements, or both.
public struct TerritoryRequest: Sendable, Equatable {
    public var communeCodes: [String]
    public var departements: [String]

    public init(communeCodes: [String] = [], departements: [String] = []) {
        self.communeCodes = communeCodes
        self.departements = departements
    }
}

/// What the reference data knows, as far as territory choices need it.
public struct TerritoryReference: Sendable {
    /// Current communes: code → département.
    public var currentCommunes: [String: String]
    /// Retired codes → the current commune they became part of (from the COG history).
    public var successors: [String: String]

    public init(currentCommunes: [String: String], successors: [String: String]) {
        self.currentCommunes = currentCommunes
        self.successors = successors
    }
}

public enum CommunityRules {
    public static let nameLimit = 120
    public static let descriptionLimit = 2000

    public static func validate(slug: String, name: String, description: String) -> [FieldError] {
        var errors: [FieldError] = []
        if !Slug.isValid(slug) {
            errors.append(FieldError(field: "slug", message: "adresse courte invalide : lettres minuscules sans accent, chiffres et tirets, 60 caractères au plus (par exemple « \(Slug.make(from: name).isEmpty ? "ma-commune" : Slug.make(from: name)) »)."))
        }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { errors.append(FieldError(field: "nom", message: "le nom est obligatoire.")) }
        if trimmed.count > nameLimit { errors.append(FieldError(field: "nom", message: "\(nameLimit) caractères au plus (\(trimmed.count) saisis).")) }
        if description.count > descriptionLimit {
            errors.append(FieldError(field: "description", message: "\(descriptionLimit) caractères au plus (\(description.count) saisis)."))
        }
        return errors
    }

    /// Resolves a territory request into a sorted list of current commune codes. Unknown codes and
    /// retired codes are refused; a retired code's message names the commune it merged into.
    public static func resolve(_ request: TerritoryRequest, field: String = "communes", in reference: TerritoryReference) throws(FieldErrors) -> [String] {
        var errors: [FieldError] = []
        var codes = Set<String>()
        for raw in request.communeCodes {
            let code = raw.trimmingCharacters(in: .whitespaces).uppercased()
            if reference.currentCommunes[code] != nil {
                codes.insert(code)
            } else if let successor = reference.successors[code] {
                errors.append(FieldError(field: field, message: "la commune \(code) n'existe plus : elle fait désormais partie de \(successor)."))
            } else {
                errors.append(FieldError(field: field, message: "code commune inconnu : « \(raw) » (code officiel géographique de l'INSEE attendu, par exemple 38185)."))
            }
        }
        for departement in request.departements {
            let members = reference.currentCommunes.filter { $0.value == departement }.map(\.key)
            if members.isEmpty {
                errors.append(FieldError(field: field, message: "département inconnu ou non importé : « \(departement) »."))
            }
            codes.formUnion(members)
        }
        if errors.isEmpty && codes.isEmpty {
            errors.append(FieldError(field: field, message: "indiquez au moins une commune ou un département."))
        }
        if !errors.isEmpty { throw FieldErrors(errors) }
        return codes.sorted()
    }

    /// A neighbourhood is either a named group of communes of the community, or a polygon the
    /// community draws. A polygon is attached to the communes whose representative point lies
    /// inside it, and to the commune its own centre falls in (a district inside one town).
    /// A drawn neighbourhood's population, estimated: each commune it touches counts for its
    /// census population times the share of its area the drawing covers (people are assumed
    /// spread evenly within a commune — hence an estimate). Nil when a touched commune has no
    /// population: never a whole commune's population for part of it.
    public static func estimatedPopulation(of polygon: MultiPolygon, communes: [(population: Int?, boundary: MultiPolygon)]) -> Int? {
        var total = 0.0
        for commune in communes {
            let share = Geometry.coveredShare(of: commune.boundary, by: polygon)
            guard share > 0 else { continue }
            guard let population = commune.population else { return nil }
            total += Double(population) * share
        }
        return Int(total.rounded())
    }

    public static func communesCovered(by polygon: MultiPolygon, boundaries: [String: MultiPolygon]) -> [String] {
        let centre = Geometry.centroid(polygon)
        return boundaries.compactMap { code, geometry in
            if let point = Geometry.centroid(geometry), Geometry.contains(polygon, point) { return code }
            if let centre, Geometry.contains(geometry, centre) { return code }
            return nil
        }.sorted()
    }
}
