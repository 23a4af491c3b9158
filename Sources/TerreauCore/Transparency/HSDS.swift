import Crypto
import Foundation

/// Organisations and what they offer in the shape of Open Referral's Human Services Data
/// Specification 3.0 (HSDS): organization objects with their identifiers, locations, services
/// and themes (as attributes pointing at taxonomy terms). Only public records go in; nobody's
/// e-mail or phone (HSDS has fields for them: they stay empty).
public enum HSDS {
    public static let version = "3.0"

    public struct Organisation: Sendable {
        public var id: UUID
        public var name: String
        public var object: String
        public var kind: String
        public var rna: String?
        public var siren: String?
        public var website: String?
        public var themes: [String]
        public var communeCode: String?
        public var page: String
        public init(id: UUID, name: String, object: String, kind: String, rna: String?, siren: String?, website: String?, themes: [String],
                    communeCode: String?, page: String) {
            (self.id, self.name, self.object, self.kind, self.rna, self.siren, self.website) = (id, name, object, kind, rna, siren, website)
            (self.themes, self.communeCode, self.page) = (themes, communeCode, page)
        }
    }

    /// A public offer of an organisation (a service) or a public place of it (a location).
    public struct Record: Sendable {
        public var id: UUID
        public var organisation: UUID
        public var title: String
        public var description: String
        public var themes: [String]
        public var communeCode: String?
        public var page: String
        public var wheelchairAccess: Bool?
        public init(id: UUID, organisation: UUID, title: String, description: String, themes: [String], communeCode: String?, page: String,
                    wheelchairAccess: Bool? = nil) {
            (self.id, self.organisation, self.title, self.description, self.themes) = (id, organisation, title, description, themes)
            (self.communeCode, self.page, self.wheelchairAccess) = (communeCode, page, wheelchairAccess)
        }
    }

    /// What the labels of themes, kinds and communes read in the export's language.
    public struct Labels: Sendable {
        public var theme: @Sendable (String) -> String
        public var kind: @Sendable (String) -> String
        public var commune: @Sendable (String) -> String?
        public var accessible: String
        /// The name of the taxonomy our themes form.
        public var taxonomy: String
        public init(theme: @escaping @Sendable (String) -> String, kind: @escaping @Sendable (String) -> String,
                    commune: @escaping @Sendable (String) -> String?, accessible: String, taxonomy: String) {
            (self.theme, self.kind, self.commune, self.accessible, self.taxonomy) = (theme, kind, commune, accessible, taxonomy)
        }
    }

    /// A stable identifier derived from a name (RFC 4122 version 5, SHA-1, in the URL namespace), so
    /// that a theme's taxonomy term or an identifier row keeps its id from one export to the next.
    public static func stableID(_ name: String) -> UUID {
        let namespace: [UInt8] = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        var bytes = Array(Insecure.SHA1.hash(data: namespace + Array(name.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// An absolute http(s) address, or nil: HSDS types `website` as a URI and members type freely.
    public static func webAddress(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let candidate = text.contains("://") ? text : "https://" + text
        guard let url = URL(string: candidate), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
              let host = url.host, host.contains("."), !host.hasPrefix("."), !host.hasSuffix(".") else { return nil }
        return candidate
    }

    /// The organisation's identifiers in registers, with org-id.guide scheme codes.
    static func identifiers(_ organisation: Organisation) -> [[String: Any]] {
        var rows: [[String: Any]] = []
        if let rna = organisation.rna, !rna.isEmpty {
            rows.append(["id": stableID("rna:" + rna).uuidString.lowercased(), "organization_id": organisation.id.uuidString.lowercased(),
                         "identifier_scheme": "FR-RNA", "identifier_type": "Répertoire national des associations", "identifier": rna])
        }
        if let siren = organisation.siren, !siren.isEmpty {
            rows.append(["id": stableID("siren:" + siren).uuidString.lowercased(), "organization_id": organisation.id.uuidString.lowercased(),
                         "identifier_scheme": "FR-SIRENE", "identifier_type": "SIREN", "identifier": siren])
        }
        return rows
    }

    static func attributes(_ themes: [String], of id: UUID, entity: String, _ labels: Labels) -> [[String: Any]] {
        themes.map { theme in
            let term = stableID("theme:" + theme).uuidString.lowercased()
            return [
                "id": stableID(entity + ":" + id.uuidString + ":" + theme).uuidString.lowercased(),
                "link_id": id.uuidString.lowercased(), "link_entity": entity, "link_type": "theme", "taxonomy_term_id": term,
                "label": labels.theme(theme),
                "taxonomy_term": ["id": term, "code": theme, "name": labels.theme(theme), "description": labels.theme(theme), "taxonomy": labels.taxonomy],
            ]
        }
    }

    static func location(id: UUID, organisation: UUID, name: String, description: String?, communeCode: String?, labels: Labels,
                         wheelchairAccess: Bool? = nil) -> [String: Any] {
        var location: [String: Any] = ["id": id.uuidString.lowercased(), "location_type": "physical",
                                       "organization_id": organisation.uuidString.lowercased(), "name": name]
        if let description, !description.isEmpty { location["description"] = description }
        if let communeCode {
            location["external_identifier"] = communeCode
            location["external_identifier_type"] = "INSEE COG"
            if let commune = labels.commune(communeCode) { location["alternate_name"] = commune }
        }
        if wheelchairAccess == true {
            location["accessibility"] = [["id": stableID("access:" + id.uuidString).uuidString.lowercased(), "location_id": id.uuidString.lowercased(),
                                          "description": labels.accessible]]
        }
        return location
    }

    /// One HSDS organization object, its services and locations nested.
    public static func organization(_ organisation: Organisation, services: [Record], places: [Record], labels: Labels) -> [String: Any] {
        let id = organisation.id.uuidString.lowercased()
        var object: [String: Any] = [
            "id": id, "name": organisation.name,
            // HSDS requires a description; an organisation entered without one is described by its kind.
            "description": organisation.object.isEmpty ? labels.kind(organisation.kind) : organisation.object,
            "legal_status": labels.kind(organisation.kind), "uri": organisation.page,
            "organization_identifiers": identifiers(organisation),
            "attributes": attributes(organisation.themes, of: organisation.id, entity: "organization", labels),
            "services": services.map { service -> [String: Any] in
                var object: [String: Any] = ["id": service.id.uuidString.lowercased(), "organization_id": id, "name": service.title,
                                             "status": "active", "url": service.page,
                                             "attributes": attributes(service.themes, of: service.id, entity: "service", labels)]
                if !service.description.isEmpty { object["description"] = service.description }
                return object
            },
        ]
        var locations = places.map {
            location(id: $0.id, organisation: organisation.id, name: $0.title, description: $0.description, communeCode: $0.communeCode,
                     labels: labels, wheelchairAccess: $0.wheelchairAccess)
        }
        if locations.isEmpty, let code = organisation.communeCode, let commune = labels.commune(code) {
            locations.append(location(id: stableID("commune:" + id + ":" + code), organisation: organisation.id, name: commune, description: nil,
                                      communeCode: code, labels: labels))
        }
        object["locations"] = locations
        if let website = webAddress(organisation.website) { object["website"] = website }
        return object
    }
}
