import Foundation

/// A small, fast pseudo-random generator with a fixed seed (SplitMix64), so the demo community
/// and the benchmark data are the same on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generates a believable community inventory: portraits, organisations with their profiles,
/// places, equipment, offers and needs, spread over the community's communes and areas, made of
/// `DemoCatalogue`: a group's needs and offers fit what it does, and name the skills they ask for.
public struct InventoryGenerator {
    public struct Organisation: Equatable, Sendable {
        public var name: String
        public var object: String
        public var themes: [String]
        public var commune: String?
        /// Index into `DemoCatalogue.archetypes`.
        public var archetype: Int
    }

    public struct Record: Equatable, Sendable {
        public var kind: InventoryKind
        public var values: [String: String]
        /// Indexes into the skill labels given to the generator.
        public var skills: [Int]
        /// Index into the generated organisations.
        public var organisation: Int?
    }

    public var communes: [String]
    /// Each neighbourhood's communes, by key: a record gets a neighbourhood that covers its commune.
    public var neighbourhoods: [String: Set<String>]
    /// The skills residents may hold: the everyday list (a catalogue skill missing here is left out).
    public var skillLabels: [String]
    /// Communes' names by code, for organisations' and places' names (« Repair Café de Fontaine »).
    public var communeNames: [String: String]
    var random: SeededRandom
    var organisationArchetypes: [Int] = []
    var organisationCommunes: [String?] = []

    public init(seed: UInt64, communes: [String], neighbourhoods: [String: Set<String>], skillLabels: [String], communeNames: [String: String] = [:]) {
        random = SeededRandom(seed: seed)
        self.communes = communes
        self.neighbourhoods = neighbourhoods
        self.skillLabels = skillLabels
        self.communeNames = communeNames
    }

    static let firstNames = [
        "Camille", "Léa", "Nadia", "Yanis", "Fatou", "Hugo", "Inès", "Karim", "Manon", "Malik", "Sophie", "Thomas", "Aïcha", "Lucas",
        "Chloé", "Mehdi", "Élise", "Baptiste", "Zoé", "Rachid", "Jeanne", "Samuel", "Amina", "Paul", "Louise", "Omar", "Claire",
        "Julien", "Mariam", "Antoine", "Sarah", "Nicolas", "Lina", "Pierre", "Awa", "Mathis", "Emma", "Youssef", "Agathe", "Moussa",
        "Gisèle", "Bernard", "Monique", "Jacques", "Odile", "Ahmed", "Rose", "Tiago", "Ana", "Dimitri",
    ]
    static let enjoys = [
        "cuisiner pour les autres", "bricoler le week-end", "marcher en montagne", "lire et raconter des histoires", "jardiner",
        "jouer de la guitare", "coudre", "réparer des vélos", "faire des photos", "jouer aux échecs", "danser", "peindre",
        "discuter autour d'un café", "faire des confitures", "apprendre des langues",
    ]
    static let languages = ["français", "français, anglais", "français, arabe", "français, espagnol", "français, portugais", "français, italien", "français, wolof", "français, turc"]
    static let places = [
        ("Salle polyvalente", "hall"), ("Jardin partagé", "garden"), ("Atelier de quartier", "workshop"), ("Cuisine de la maison des habitants", "kitchen"),
        ("Salle de réunion de la mairie", "room"), ("Préau de l'école", "outdoor"), ("Local associatif", "room"), ("Fablab", "workshop"),
    ]
    static let equipment = [
        ("Barnum 3 × 3 m", "furniture"), ("Sono portable", "sound-video"), ("Vidéoprojecteur", "sound-video"), ("Perceuse-visseuse", "tools"),
        ("Grande marmite et réchaud", "kitchen"), ("Tables et bancs de brasserie", "furniture"), ("Remorque vélo", "vehicle"),
        ("Ordinateurs portables reconditionnés", "computer"), ("Motoculteur", "garden"), ("Jeux de société géants", "sport"),
    ]

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func chance(_ percent: Int) -> Bool { Int(random.next() % 100) < percent }
    mutating func number(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }

    /// A commune (`commune`, or one drawn) and, often, a neighbourhood that covers it.
    mutating func place(in commune: String? = nil) -> [String: String] {
        var values: [String: String] = [:]
        if let commune { values["commune"] = commune } else if !communes.isEmpty { values["commune"] = pick(communes) }
        let covering = neighbourhoods.filter { $0.value.contains(values["commune"] ?? "") }.keys.sorted()
        if !covering.isEmpty && chance(70) { values["neighbourhood"] = pick(covering) }
        return values
    }

    mutating func availability() -> String {
        if chance(25) { return Availability.occasionally }
        return Set((0..<number(1...5)).map { _ in pick(Availability.slots) }).sorted { Availability.slots.firstIndex(of: $0)! < Availability.slots.firstIndex(of: $1)! }
            .joined(separator: " ")
    }

    /// A resident's skills: everyday ones, never one the territory lacks (`DemoCatalogue.unheld`).
    mutating func residentSkills(_ count: ClosedRange<Int>) -> [Int] {
        let held = skillLabels.indices.filter { !DemoCatalogue.unheld.contains(skillLabels[$0]) }
        guard !held.isEmpty else { return [] }
        return Array(Set((0..<number(count)).map { _ in pick(held) })).sorted()
    }

    /// The catalogue's skills the generator was given, as indexes.
    func indexes(of labels: [String]) -> [Int] {
        labels.compactMap { skillLabels.firstIndex(of: $0) }
    }

    /// Each group is a kind of group in a commune where there is no such group yet, so that no two
    /// have the same name; kinds come round in turn so that every kind is present.
    public mutating func organisations(_ count: Int) -> [Organisation] {
        let archetypes = DemoCatalogue.archetypes
        var used = Set<String>()
        var organisations: [Organisation] = []
        for index in 0..<count {
            let archetype = index % archetypes.count
            let free = communes.filter { !used.contains("\(archetype) \($0)") }
            let commune: String? = free.isEmpty ? (communes.isEmpty ? nil : pick(communes)) : pick(free)
            if let commune { used.insert("\(archetype) \(commune)") }
            let kind = archetypes[archetype]
            let name = commune.flatMap { communeNames[$0] }.map { kind.name + " " + Self.ofCommune($0) } ?? kind.name
            organisations.append(Organisation(name: name, object: "\(kind.name) : \(kind.object).", themes: kind.themes, commune: commune, archetype: archetype))
        }
        organisationArchetypes = organisations.map(\.archetype)
        organisationCommunes = organisations.map(\.commune)
        return organisations
    }

    public mutating func portrait() -> Record {
        var values = place()
        let skills = residentSkills(1...4)
        values["title"] = pick(Self.firstNames) + " " + String(pick(Array("ABCDEFGHIJKLMNOPRSTV"))) + "."
        values["visibility"] = pick(["members", "members", "members", "public", "public", "coordinators", "statistics"])
        values["skills"] = skills.map { skillLabels[$0] }.joined(separator: "\n")
        values["enjoys"] = pick(Self.enjoys)
        let first = skills.first.map { skillLabels[$0] } ?? ""
        values["shares"] = DemoCatalogue.shares[first] ?? "Je donne volontiers un coup de main à mes voisins."
        values["availability"] = availability()
        values["languages"] = pick(Self.languages)
        if chance(60) { values["age_band"] = pick(["18-25", "26-40", "41-60", "61-75", "over-75"]) }
        values["contact_preference"] = pick(["platform", "email", "phone", "through-coordinator"])
        return Record(kind: .portrait, values: values, skills: skills, organisation: nil)
    }

    public mutating func profile(of organisation: Organisation, index: Int) -> Record {
        // The neighbourhood is drawn for the organisation's own commune, never another's.
        var values = place(in: organisation.commune)
        values["title"] = organisation.name
        values["visibility"] = "public"
        values["description"] = organisation.object
        values["themes"] = Set(organisation.themes.filter(Themes.all.contains)).sorted().joined(separator: " ")
        values["activities"] = "Permanences, ateliers et rencontres ouverts à tous."
        values["publics"] = Set((0..<number(1...3)).map { _ in pick(Themes.publics) }).sorted().joined(separator: " ")
        values["opening_hours"] = pick(["Mardi et jeudi 14 h – 18 h", "Le samedi matin", "Du lundi au vendredi, 9 h – 12 h", "Sur rendez-vous"])
        return Record(kind: .organisation, values: values, skills: [], organisation: index)
    }

    /// A place, a piece of equipment, an offer or a need. Offers and needs come from the catalogue:
    /// most belong to a group (`organisations` generated before) and fit what it does, the others
    /// are residents' own; they sit in the group's commune.
    public mutating func resource(_ kind: InventoryKind, organisations: Int) -> Record {
        let organisation = organisations > 0 && chance(60) ? Int(random.next() % UInt64(organisations)) : nil
        let archetype = organisation.flatMap { $0 < organisationArchetypes.count ? DemoCatalogue.archetypes[organisationArchetypes[$0]] : nil }
        var values = place(in: organisation.flatMap { $0 < organisationCommunes.count ? organisationCommunes[$0] : nil })
        values["visibility"] = chance(85) ? "public" : "members"
        var skills: [Int] = []
        switch kind {
        case .place:
            let (title, type) = pick(Self.places)
            values["title"] = values["commune"].flatMap { communeNames[$0] }.map { title + " " + Self.ofCommune($0) } ?? title
            values["place_type"] = type
            values["capacity"] = String(number(8...120))
            values["wheelchair_access"] = chance(60) ? "yes" : "no"
            values["conditions"] = pick(["Gratuit pour les associations du quartier.", "Sur réservation, une semaine avant.", "Participation libre aux frais de chauffage."])
            values["opening_hours"] = pick(["En soirée", "Le week-end", "En journée, en semaine"])
            values["description"] = "Pour des réunions, des ateliers et des fêtes."
        case .equipment:
            let (title, type) = pick(Self.equipment)
            values["title"] = title
            values["equipment_type"] = type
            values["conditions"] = pick(["Prêt gratuit, à rendre propre.", "Caution de 50 €.", "Prêt d'une semaine maximum."])
            values["description"] = "Prêté aux associations et aux habitants du territoire."
        case .offer:
            let template = pick(archetype?.offers ?? DemoCatalogue.residentOffers)
            skills = apply(template, to: &values, typeField: "offer_type")
            values["availability"] = availability()
            if ["internship", "volunteering"].contains(template.type) { values["for_young"] = "yes" }
        default:
            let template = pick(archetype.map { $0.needs + DemoCatalogue.sharedNeeds } ?? DemoCatalogue.residentNeeds)
            skills = apply(template, to: &values, typeField: "need_type")
            values["urgency"] = pick(["low", "normal", "normal", "high", "urgent"])
            values["availability"] = availability()
            if chance(15) { values["for_young"] = "yes" }
        }
        values["skills"] = skills.map { skillLabels[$0] }.joined(separator: "\n")
        return Record(kind: kind, values: values, skills: skills, organisation: organisation)
    }

    /// A catalogue entry's title, type, themes and words; its skills, as indexes.
    private func apply(_ template: DemoCatalogue.Template, to values: inout [String: String], typeField: String) -> [Int] {
        values["title"] = template.title
        values[typeField] = template.type
        values["themes"] = template.themes.filter(Themes.all.contains).joined(separator: " ")
        values["description"] = template.description
        return indexes(of: template.skills)
    }
}
