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
/// places, equipment, offers and needs, spread over the community's communes and areas.
public struct InventoryGenerator {
    public struct Organisation: Equatable, Sendable {
        public var name: String
        public var object: String
        public var themes: [String]
        public var commune: String?
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
    public var skillLabels: [String]
    var random: SeededRandom

    public init(seed: UInt64, communes: [String], neighbourhoods: [String: Set<String>], skillLabels: [String]) {
        random = SeededRandom(seed: seed)
        self.communes = communes
        self.neighbourhoods = neighbourhoods
        self.skillLabels = skillLabels
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
    static let shares = [
        "Je peux apprendre à tricoter à qui veut.", "Je peux aider pour les papiers de la CAF.", "Je prête volontiers ma perceuse.",
        "Je peux accompagner des personnes âgées chez le médecin.", "Je peux donner des cours de guitare débutant.",
        "Je peux aider les enfants à faire leurs devoirs.", "Je peux réparer les petits appareils.", "Je peux traduire de l'arabe.",
        "Je peux faire découvrir le jardinage au naturel.", "Je peux aider à se servir d'un smartphone.",
    ]
    static let languages = ["français", "français, anglais", "français, arabe", "français, espagnol", "français, portugais", "français, italien", "français, wolof", "français, turc"]
    static let orgWords = [
        ("Les Jardins partagés", ["environnement", "loisirs"]), ("Repair Café", ["environnement", "entraide"]),
        ("Accueil des nouveaux habitants", ["entraide", "socioculturel"]), ("Atelier vélo solidaire", ["mobilite", "sport"]),
        ("Amicale des locataires", ["logement-hebergement", "entraide"]), ("Chorale", ["culture"]),
        ("Soutien scolaire", ["education", "lecture-ecriture-calcul"]), ("Épicerie solidaire", ["equipement-et-alimentation", "solidarite"]),
        ("Club de randonnée", ["sport", "loisirs"]), ("Point numérique", ["numerique", "entraide"]),
        ("Théâtre amateur", ["culture"]), ("Association des parents d'élèves", ["education", "famille"]),
        ("Comité des fêtes", ["loisirs", "socioculturel"]), ("Mémoire et patrimoine", ["patrimoine", "culture"]),
        ("Accompagnement vers l'emploi", ["trouver-un-emploi", "preparer-sa-candidature"]), ("Français pour tous", ["lecture-ecriture-calcul", "souvrir-a-linternational"]),
        ("Visites de convivialité", ["medico-social", "entraide"]), ("Ressourcerie", ["environnement", "equipement-et-alimentation"]),
    ]
    static let places = ["Salle polyvalente", "Jardin partagé", "Atelier de quartier", "Cuisine de la maison des habitants", "Salle de réunion", "Préau de l'école", "Local associatif", "Fablab"]
    static let equipment = [
        ("Barnum 3 × 3 m", "furniture"), ("Sono portable", "sound-video"), ("Vidéoprojecteur", "sound-video"), ("Perceuse-visseuse", "tools"),
        ("Grande marmite et réchaud", "kitchen"), ("Tables et bancs de brasserie", "furniture"), ("Remorque vélo", "vehicle"),
        ("Ordinateurs portables reconditionnés", "computer"), ("Motoculteur", "garden"), ("Jeux de société géants", "sport"),
    ]
    static let offers = [
        ("Salle disponible le mardi soir", "room"), ("Mécénat de compétences en comptabilité", "skills-sponsorship"),
        ("Stage associatif : animation d'ateliers", "internship"), ("Mission de bénévolat : épicerie solidaire", "volunteering"),
        ("Coup de main pour déménager", "service"), ("Prêt de matériel de jardinage", "lending"), ("Mécénat : refonte d'un site web", "skills-sponsorship"),
        ("Stage associatif : communication et réseaux", "internship"),
    ]
    static let needs = [
        ("Bénévoles pour l'aide aux devoirs", "volunteers"), ("Un local pour stocker du matériel", "place"), ("Une sono pour la fête de quartier", "equipment"),
        ("Conseils juridiques pour nos statuts", "expertise"), ("Bénévoles pour le repair café", "volunteers"), ("Une salle pour des cours de français", "place"),
        ("Un camion pour la collecte", "equipment"), ("Aide pour la comptabilité de l'association", "expertise"), ("Accompagnateurs pour les sorties des aînés", "volunteers"),
    ]

    /// The everyday skill each generated need asks for first.
    static let needSkills = [
        "Bénévoles pour l'aide aux devoirs": "aider aux devoirs", "Bénévoles pour le repair café": "réparer des appareils électriques",
        "Conseils juridiques pour nos statuts": "aider avec les papiers", "Aide pour la comptabilité de l'association": "tenir une comptabilité simple",
        "Accompagnateurs pour les sorties des aînés": "accompagner des personnes âgées",
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

    mutating func skills(_ count: ClosedRange<Int>) -> [Int] {
        guard !skillLabels.isEmpty else { return [] }
        return Array(Set((0..<number(count)).map { _ in Int(random.next() % UInt64(skillLabels.count)) })).sorted()
    }

    mutating func themes(_ count: ClosedRange<Int>) -> String {
        Set((0..<number(count)).map { _ in pick(Themes.all) }).sorted().joined(separator: " ")
    }

    public mutating func organisations(_ count: Int) -> [Organisation] {
        (0..<count).map { index in
            let (name, themes) = Self.orgWords[index % Self.orgWords.count]
            let place = communes.isEmpty ? "" : pick(communes)
            let suffix = index < Self.orgWords.count ? "" : " \(index / Self.orgWords.count + 1)"
            return Organisation(name: name + suffix, object: "\(name) : agir ensemble, ouvert à tous les habitants.", themes: themes, commune: place.isEmpty ? nil : place)
        }
    }

    public mutating func portrait() -> Record {
        var values = place()
        let skills = skills(1...4)
        values["title"] = pick(Self.firstNames) + " " + String(pick(Array("ABCDEFGHIJKLMNOPRSTV"))) + "."
        values["visibility"] = pick(["members", "members", "members", "public", "public", "coordinators", "statistics"])
        values["skills"] = skills.map { skillLabels[$0] }.joined(separator: "\n")
        values["enjoys"] = pick(Self.enjoys)
        values["shares"] = pick(Self.shares)
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

    public mutating func resource(_ kind: InventoryKind, organisations: Int) -> Record {
        var values = place()
        values["visibility"] = chance(85) ? "public" : "members"
        values["themes"] = themes(0...2)
        var skills: [Int] = []
        switch kind {
        case .place:
            values["title"] = pick(Self.places)
            values["place_type"] = pick(["room", "garden", "workshop", "kitchen", "hall", "outdoor"])
            values["capacity"] = String(number(8...120))
            values["wheelchair_access"] = chance(60) ? "yes" : "no"
            values["conditions"] = pick(["Gratuit pour les associations du quartier.", "Sur réservation, une semaine avant.", "Participation libre aux frais de chauffage."])
            values["opening_hours"] = pick(["En soirée", "Le week-end", "En journée, en semaine"])
        case .equipment:
            let (title, type) = pick(Self.equipment)
            values["title"] = title
            values["equipment_type"] = type
            values["conditions"] = pick(["Prêt gratuit, à rendre propre.", "Caution de 50 €.", "Prêt d'une semaine maximum."])
        case .offer:
            let (title, type) = pick(Self.offers)
            values["title"] = title
            values["offer_type"] = type
            skills = self.skills(0...2)
            values["availability"] = availability()
            if ["internship", "volunteering"].contains(type) { values["for_young"] = "yes" }
        default:
            let (title, type) = pick(Self.needs)
            values["title"] = title
            values["need_type"] = type
            skills = type == "volunteers" || type == "expertise" ? self.skills(0...1) : []
            // The skill the title asks for, when the vocabulary given holds it: suggestions then make sense.
            if let wanted = Self.needSkills[title], let index = skillLabels.firstIndex(of: wanted), !skills.contains(index) { skills.insert(index, at: 0) }
            values["urgency"] = pick(["low", "normal", "normal", "high", "urgent"])
            values["availability"] = availability()
            if chance(15) { values["for_young"] = "yes" }
        }
        values["skills"] = skills.map { skillLabels[$0] }.joined(separator: "\n")
        values["description"] = values["title"]! + " — " + pick(["contactez-nous via la plateforme.", "merci d'avance !", "toute aide est bienvenue.", "réponse rapide."])
        let organisation = organisations > 0 && chance(60) ? Int(random.next() % UInt64(organisations)) : nil
        return Record(kind: kind, values: values, skills: skills, organisation: organisation)
    }
}
