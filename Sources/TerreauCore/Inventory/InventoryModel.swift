import Foundation

/// What the shared inventory holds. Resource-first: people and organisations are described by
/// what they can bring before what they lack.
public enum InventoryKind: String, CaseIterable, Codable, Sendable {
    case portrait, organisation, place, equipment, offer, need

    /// The French word used in addresses (`/inventaire/nouveau/lieu`).
    public var pathSegment: String {
        switch self {
        case .portrait: return "portrait"
        case .organisation: return "organisation"
        case .place: return "lieu"
        case .equipment: return "materiel"
        case .offer: return "offre"
        case .need: return "besoin"
        }
    }

    public init?(pathSegment: String) {
        guard let kind = Self.allCases.first(where: { $0.pathSegment == pathSegment }) else { return nil }
        self = kind
    }

    /// The fields of a record of this kind, in the order forms show them.
    public var fields: [InventoryField] {
        let common: [InventoryField] = [.title, .description]
        let whereAndWho: [InventoryField] = [.commune, .neighbourhood, .visibility]
        switch self {
        case .portrait:
            return common + [.skills, .skillsFree, .enjoys, .shares, .availability, .languages, .ageBand, .contactPreference] + whereAndWho
        case .organisation:
            return common + [.themes, .activities, .publics, .openingHours] + whereAndWho
        case .place:
            return common + [.placeType, .capacity, .wheelchairAccess, .conditions, .openingHours, .themes] + whereAndWho
        case .equipment:
            return common + [.equipmentType, .conditions, .themes] + whereAndWho
        case .offer:
            return common + [.offerType, .skills, .forYoung, .availability, .conditions, .themes] + whereAndWho
        case .need:
            return common + [.needType, .skills, .urgency, .forYoung, .availability, .themes] + whereAndWho
        }
    }

    /// Portraits are about a person: members by default, and only the person, whoever entered
    /// them and coordinators edit them. The rest is public by default and co-authored.
    public var defaultVisibility: Visibility { self == .portrait ? .members : .public }
}

/// One field of an inventory record. Values are kept as text (multi-valued fields as keys
/// separated by spaces, skills one per line) so that revisions compare field by field.
public enum InventoryField: String, CaseIterable, Codable, Sendable {
    case title, description, visibility, commune, neighbourhood
    case skills, skillsFree = "skills_free", enjoys, shares, availability, languages
    case ageBand = "age_band", contactPreference = "contact_preference"
    case themes, activities, publics, openingHours = "opening_hours"
    case placeType = "place_type", capacity, wheelchairAccess = "wheelchair_access", conditions
    case equipmentType = "equipment_type", offerType = "offer_type", needType = "need_type"
    case urgency, forYoung = "for_young"

    public enum Input: Equatable, Sendable {
        case line(max: Int)
        case text(max: Int)
        /// One value among fixed keys (an empty value allowed when the field is optional).
        case choice([String])
        /// Any number of keys, from a list known to the caller (themes, publics, neighbourhoods).
        case multiChoice([String])
        /// One value among keys known only at run time (the community's communes and areas).
        case place
        /// Vocabulary labels, one per line.
        case skills
        case number(ClosedRange<Int>)
        case yesNo
        case availability
    }

    public var input: Input {
        switch self {
        case .title: return .line(max: 120)
        case .description: return .text(max: 4000)
        case .visibility: return .choice(Visibility.allCases.map(\.rawValue))
        case .commune, .neighbourhood: return .place
        case .skills: return .skills
        case .skillsFree, .enjoys, .shares, .activities, .conditions: return .text(max: 1000)
        case .availability: return .availability
        case .languages: return .line(max: 200)
        case .openingHours: return .line(max: 300)
        case .ageBand: return .choice(["under-18", "18-25", "26-40", "41-60", "61-75", "over-75"])
        case .contactPreference: return .choice(["platform", "email", "phone", "through-coordinator"])
        case .themes: return .multiChoice(Themes.all)
        case .publics: return .multiChoice(Themes.publics)
        case .placeType: return .choice(["room", "garden", "workshop", "kitchen", "hall", "outdoor", "other"])
        case .capacity: return .number(0...100_000)
        case .wheelchairAccess, .forYoung: return .yesNo
        case .equipmentType: return .choice(["tools", "kitchen", "sound-video", "computer", "sport", "garden", "furniture", "vehicle", "other"])
        case .offerType: return .choice(["room", "skills-sponsorship", "internship", "volunteering", "service", "lending", "other"])
        case .needType: return .choice(["volunteers", "place", "equipment", "expertise", "other"])
        case .urgency: return .choice(["low", "normal", "high", "urgent"])
        }
    }

    public var isRequired: Bool {
        [.title, .visibility, .placeType, .equipmentType, .offerType, .needType, .urgency].contains(self)
    }

    /// The catalogue key of the field's label (`inventory.field.<raw>`).
    public var labelKey: String { "inventory.field." + rawValue }
}

/// Availability: a weekly pattern of half-days and evenings, or « occasionally ».
public enum Availability {
    public static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    public static let parts = ["morning", "afternoon", "evening"]
    public static let occasionally = "occasionally"
    public static let slots: [String] = days.flatMap { day in parts.map { day + "-" + $0 } }
    /// What the listing filters and counts by: a day, or a part of the day.
    public static let filters = days + parts

    /// Whether two stored patterns share a slot (an « occasionally » matches anything).
    public static func overlaps(_ a: String, _ b: String) -> Bool {
        let left = Set(a.split(separator: " ").map(String.init)), right = Set(b.split(separator: " ").map(String.init))
        if left.isEmpty || right.isEmpty { return false }
        if left.contains(occasionally) || right.contains(occasionally) { return true }
        return !left.isDisjoint(with: right)
    }
}

/// Fields of action: the RNA `objet social` families (associations) and the data·inclusion
/// thématique families (services and needs) in one list of keys — « santé » and « famille » are
/// in both and count once. Publics served are data·inclusion's. A test checks these lists
/// against the taxonomy files in `../shared/data/taxonomies`. Labels: `theme.<key>`, `public.<key>`.
public enum Themes {
    public static let dataInclusionFamilies = [
        "choisir-un-metier", "creer-une-entreprise", "difficultes-administratives-ou-juridiques", "difficultes-financieres",
        "equipement-et-alimentation", "famille", "lecture-ecriture-calcul", "logement-hebergement", "mobilite", "numerique",
        "preparer-sa-candidature", "remobilisation", "sante", "se-former", "souvrir-a-linternational", "trouver-un-emploi",
    ]

    public static let all: [String] = {
        var keys = SocialObjectTheme.families.values.sorted() + ["autre"]
        for family in dataInclusionFamilies where !keys.contains(family) { keys.append(family) }
        return keys
    }()

    public static let publics = [
        "actifs", "beneficiaires-des-minimas-sociaux", "demandeurs-emploi", "etudiants", "familles", "femmes", "jeunes",
        "personnes-en-situation-de-handicap", "personnes-en-situation-durgence", "personnes-en-situation-juridique-specifique",
        "personnes-exilees", "residents-qpv-frr", "seniors", "tous-publics",
    ]

    /// The data·inclusion family of a `famille--sujet` value.
    public static func family(of value: String) -> String {
        value.components(separatedBy: "--").first ?? value
    }
}
