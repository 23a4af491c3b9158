import Foundation

/// What the demo's generated records are made of, written so that they hang together: each kind
/// of local group asks for and offers things that fit what it does, each request names the
/// everyday skill it needs, and residents hold everyday skills a coordinator would recognise —
/// never a specialist or medical one drawn from ESCO at random (issue 22: « neurochirurgie »
/// offered by residents, a legal question asking for watering schedules).
public enum DemoCatalogue {
    /// A need or an offer: its title, its type, the everyday skills it asks for or gives (labels
    /// of `Resources/Vocabulary/everyday-fr.csv`) and its themes (`Themes.all`).
    public struct Template: Sendable, Equatable {
        public var title: String
        public var type: String
        public var skills: [String]
        public var themes: [String]
        public var description: String

        init(_ title: String, _ type: String, skills: [String] = [], themes: [String], _ description: String) {
            self.title = title
            self.type = type
            self.skills = skills
            self.themes = themes
            self.description = description
        }
    }

    /// A kind of local group: its name, its fields of action and what such a group needs and offers.
    public struct Archetype: Sendable {
        public var name: String
        public var themes: [String]
        public var object: String
        public var needs: [Template]
        public var offers: [Template]
    }

    static let bike = "réparer un vélo", repairs = "petites réparations à la maison", appliances = "réparer des appareils électriques"
    static let cooking = "cuisiner pour un groupe", sewing = "coudre et raccommoder", garden = "jardiner", children = "garder des enfants"
    static let homework = "aider aux devoirs", papers = "aider avec les papiers", digital = "aider à utiliser un smartphone ou un ordinateur"
    static let elderly = "accompagner des personnes âgées", company = "écouter et tenir compagnie", languages = "parler une autre langue"
    static let french = "enseigner le français", music = "faire de la musique", facilitate = "animer un atelier ou une réunion"
    static let driving = "transporter des personnes ou des objets", firstAid = "donner les premiers secours"
    static let accounts = "tenir une comptabilité simple", photo = "photographier et filmer", paint = "peindre et décorer"
    static let sport = "faire du sport avec d'autres", event = "organiser un événement", baking = "faire du pain et des pâtisseries"

    /// Asked by any association, whatever it does.
    public static let sharedNeeds = [
        Template("Aide pour la comptabilité de l'association", "expertise", skills: [accounts], themes: ["entraide"],
            "Notre trésorière part en fin d'année : nous cherchons quelqu'un pour nous apprendre à tenir les comptes."),
        Template("Conseils pour mettre à jour nos statuts", "expertise", skills: [papers], themes: ["droits"],
            "Nous voulons changer l'objet de l'association et ne savons pas par où commencer."),
    ]

    public static let archetypes: [Archetype] = [
        Archetype(name: "Jardin partagé", themes: ["environnement", "loisirs"], object: "cultiver ensemble des parcelles ouvertes à tous les habitants",
            needs: [
                Template("Coup de main pour préparer les parcelles au printemps", "volunteers", skills: [garden], themes: ["environnement"],
                    "Bêcher, semer, pailler : venez une matinée, on fournit les outils."),
                Template("Un motoculteur pour retourner la terre", "equipment", themes: ["environnement"], "Pour deux jours en mars, nous le rapportons propre."),
            ],
            offers: [
                Template("Initiation au jardinage au naturel", "service", skills: [garden], themes: ["environnement"], "Le samedi matin, pour petits et grands."),
                Template("Prêt d'outils de jardinage", "lending", skills: [garden], themes: ["environnement"], "Bêches, râteaux, arrosoirs : à rendre dans la semaine."),
            ]),
        Archetype(name: "Repair Café", themes: ["environnement", "entraide"], object: "réparer ensemble plutôt que jeter",
            needs: [
                Template("Bénévoles pour réparer le petit électroménager", "volunteers", skills: [appliances], themes: ["environnement"],
                    "Grille-pains, lampes, aspirateurs : un samedi par mois, avec nos outils."),
                Template("Un réparateur de vélos pour nos samedis", "volunteers", skills: [bike], themes: ["mobilite", "environnement"],
                    "De plus en plus de visiteurs viennent avec un vélo : freins, chaînes, crevaisons."),
            ],
            offers: [
                Template("Atelier de réparation ouvert à tous", "service", skills: [appliances, repairs], themes: ["environnement"],
                    "Apportez l'objet en panne, on le répare avec vous."),
            ]),
        Archetype(name: "Atelier vélo solidaire", themes: ["mobilite", "sport"], object: "apprendre à entretenir son vélo et remettre en route les vélos oubliés",
            needs: [
                Template("Bénévoles pour remettre en état des vélos donnés", "volunteers", skills: [bike], themes: ["mobilite"],
                    "Une quarantaine de vélos attendent : changer des câbles, régler des freins, redresser des roues."),
                Template("Un local pour stocker les vélos", "place", themes: ["mobilite"], "Une cave ou un garage fermé, au rez-de-chaussée si possible."),
                Template("Des mécaniciens pour la bourse aux vélos", "volunteers", skills: [bike, event], themes: ["mobilite"],
                    "Vérifier les vélos vendus le jour de la bourse, un dimanche de mai."),
            ],
            offers: [
                Template("Apprendre à réparer son vélo", "service", skills: [bike], themes: ["mobilite"], "Le mercredi soir, à l'atelier : outils et conseils."),
                Template("Prêt d'une remorque vélo", "lending", themes: ["mobilite"], "Pour un déménagement léger ou une collecte."),
            ]),
        Archetype(name: "Amicale des locataires", themes: ["logement-hebergement", "entraide"], object: "défendre les locataires et animer la vie de l'immeuble",
            needs: [
                Template("Aide pour rédiger les courriers au bailleur", "expertise", skills: [papers], themes: ["logement-hebergement"],
                    "Chauffage, ascenseur, charges : des lettres claires à envoyer en recommandé."),
                Template("Un interprète pour les réunions de locataires", "volunteers", skills: [languages], themes: ["logement-hebergement"],
                    "Beaucoup de voisins parlent arabe ou turc : une heure par mois."),
            ],
            offers: [
                Template("Permanence logement le lundi soir", "service", skills: [papers], themes: ["logement-hebergement"], "Pour comprendre son bail et ses charges."),
            ]),
        Archetype(name: "Chorale", themes: ["culture"], object: "chanter ensemble, débutants bienvenus",
            needs: [
                Template("Un chef de chœur bénévole", "volunteers", skills: [music], themes: ["culture"], "Notre cheffe déménage : une répétition par semaine."),
                Template("Une salle pour répéter le jeudi soir", "place", themes: ["culture"], "Pour une trentaine de chanteurs, de 19 h à 21 h."),
            ],
            offers: [
                Template("Chants pour la fête de quartier", "service", skills: [music], themes: ["culture"], "Un petit concert de trente minutes, sur demande."),
            ]),
        Archetype(name: "Soutien scolaire", themes: ["education", "lecture-ecriture-calcul"], object: "aider les enfants du quartier dans leur scolarité",
            needs: [
                Template("Bénévoles pour l'aide aux devoirs", "volunteers", skills: [homework], themes: ["education"],
                    "Du CP à la troisième, le mardi et le jeudi après l'école."),
            ],
            offers: [
                Template("Aide aux devoirs après l'école", "service", skills: [homework], themes: ["education"], "Gratuit, sur inscription auprès de l'association."),
            ]),
        Archetype(name: "Épicerie solidaire", themes: ["equipement-et-alimentation", "solidarite"], object: "des produits de qualité à petit prix pour les familles",
            needs: [
                Template("Un camion pour la collecte alimentaire", "equipment", themes: ["equipement-et-alimentation"], "Deux samedis par an, pour la collecte nationale."),
                Template("Bénévoles pour cuisiner les invendus", "volunteers", skills: [cooking], themes: ["equipement-et-alimentation"],
                    "Un atelier cuisine le vendredi : rien ne se perd."),
                Template("Un trésorier pour la caisse de l'épicerie", "volunteers", skills: [accounts], themes: ["equipement-et-alimentation"],
                    "Compter la caisse et tenir le cahier, deux heures par semaine."),
            ],
            offers: [
                Template("Mission de bénévolat à l'épicerie", "volunteering", skills: [cooking], themes: ["equipement-et-alimentation"],
                    "Accueil, mise en rayon, caisse : vous choisissez."),
            ]),
        Archetype(name: "Club de randonnée", themes: ["sport", "loisirs"], object: "marcher ensemble en montagne et découvrir le territoire",
            needs: [
                Template("Un secouriste pour les sorties du dimanche", "volunteers", skills: [firstAid], themes: ["sport"], "Titulaire du PSC1 ou prêt à le passer."),
                Template("Des conducteurs pour aller au départ des randonnées", "volunteers", skills: [driving], themes: ["mobilite", "sport"],
                    "Les frais d'essence sont partagés entre les marcheurs."),
            ],
            offers: [
                Template("Randonnée découverte ouverte à tous", "service", skills: [sport], themes: ["sport"], "Une sortie facile par mois, sans inscription."),
            ]),
        Archetype(name: "Point numérique", themes: ["numerique", "entraide"], object: "aider chacun à se servir d'un ordinateur et d'internet",
            needs: [
                Template("Bénévoles pour aider à se servir d'un smartphone", "volunteers", skills: [digital], themes: ["numerique"],
                    "Envoyer une photo, installer une application, prendre un rendez-vous en ligne."),
                Template("Des ordinateurs portables à reconditionner", "equipment", themes: ["numerique"], "Même anciens : nous les remettons en état."),
            ],
            offers: [
                Template("Permanence d'aide au numérique", "service", skills: [digital], themes: ["numerique"], "Le jeudi après-midi, sans rendez-vous."),
            ]),
        Archetype(name: "Théâtre amateur", themes: ["culture"], object: "monter un spectacle par an avec les habitants",
            needs: [
                Template("Une couturière pour les costumes du spectacle", "volunteers", skills: [sewing], themes: ["culture"], "Une dizaine de costumes d'ici juin."),
                Template("Un vidéoprojecteur pour le spectacle", "equipment", themes: ["culture"], "Pour deux représentations en juin."),
            ],
            offers: [
                Template("Atelier théâtre pour débutants", "service", skills: [facilitate], themes: ["culture"], "Le lundi soir, ouvert aux adultes."),
            ]),
        Archetype(name: "Association des parents d'élèves", themes: ["education", "famille"], object: "faire le lien entre les familles et l'école",
            needs: [
                Template("Bénévoles pour la kermesse de l'école", "volunteers", skills: [event], themes: ["famille"], "Tenir un stand, installer, ranger."),
                Template("Garde d'enfants pendant les réunions de parents", "volunteers", skills: [children], themes: ["famille"],
                    "Pour que tous les parents puissent venir."),
            ],
            offers: [
                Template("Vente de gâteaux à la sortie de l'école", "service", skills: [baking], themes: ["famille"], "Au profit des sorties scolaires."),
            ]),
        Archetype(name: "Comité des fêtes", themes: ["loisirs", "socioculturel"], object: "faire vivre les fêtes du village et du quartier",
            needs: [
                Template("Une sono pour la fête de quartier", "equipment", themes: ["loisirs"], "Pour le dernier samedi de juin."),
                Template("Bénévoles pour préparer le repas de la fête", "volunteers", skills: [cooking, event], themes: ["loisirs"],
                    "Cuisiner pour deux cents personnes, dans la bonne humeur."),
                Template("Un photographe pour la fête", "volunteers", skills: [photo], themes: ["loisirs"], "Des photos à partager avec les habitants."),
            ],
            offers: [
                Template("Prêt de tables et de bancs", "lending", themes: ["loisirs"], "Vingt tables et quarante bancs, à venir chercher."),
            ]),
        Archetype(name: "Mémoire et patrimoine", themes: ["patrimoine", "culture"], object: "recueillir et transmettre l'histoire du territoire",
            needs: [
                Template("Un photographe pour l'exposition sur le quartier", "volunteers", skills: [photo], themes: ["patrimoine"],
                    "Photographier les lieux d'hier et d'aujourd'hui."),
                Template("Des habitants pour raconter l'histoire du quartier", "volunteers", skills: [company], themes: ["patrimoine"],
                    "Des souvenirs à enregistrer, autour d'un café."),
            ],
            offers: [
                Template("Visite commentée du vieux bourg", "service", skills: [facilitate], themes: ["patrimoine"], "Le premier dimanche du mois."),
            ]),
        Archetype(name: "Accompagnement vers l'emploi", themes: ["trouver-un-emploi", "preparer-sa-candidature"], object: "accompagner les personnes qui cherchent un travail",
            needs: [
                Template("Des parrains pour préparer des entretiens d'embauche", "volunteers", skills: [facilitate], themes: ["preparer-sa-candidature"],
                    "Une heure avec une personne, pour s'entraîner à parler de soi."),
            ],
            offers: [
                Template("Aide pour écrire un CV", "service", skills: [papers, digital], themes: ["preparer-sa-candidature"], "Le mercredi matin, sur rendez-vous."),
            ]),
        Archetype(name: "Français pour tous", themes: ["lecture-ecriture-calcul", "souvrir-a-linternational"], object: "apprendre le français ensemble",
            needs: [
                Template("Une salle pour des cours de français", "place", themes: ["lecture-ecriture-calcul"], "Deux matinées par semaine, pour douze personnes."),
                Template("Bénévoles pour des ateliers de conversation en français", "volunteers", skills: [french], themes: ["lecture-ecriture-calcul"],
                    "Pas besoin d'être professeur : savoir écouter suffit."),
            ],
            offers: [
                Template("Ateliers de conversation en français", "service", skills: [french], themes: ["lecture-ecriture-calcul"], "Le mardi et le vendredi matin."),
            ]),
        Archetype(name: "Visites de convivialité", themes: ["medico-social", "entraide"], object: "rompre l'isolement des personnes âgées",
            needs: [
                Template("Accompagnateurs pour les sorties des aînés", "volunteers", skills: [elderly], themes: ["entraide"],
                    "Marché, cinéma, promenade : une sortie par mois."),
                Template("Bénévoles pour rendre visite à des personnes seules", "volunteers", skills: [company], themes: ["entraide"],
                    "Une heure par semaine, chez la personne, pour parler."),
            ],
            offers: [
                Template("Visites à domicile pour les personnes isolées", "service", skills: [company, elderly], themes: ["entraide"], "Gratuit, sur simple appel."),
            ]),
        Archetype(name: "Ressourcerie", themes: ["environnement", "equipement-et-alimentation"], object: "donner une seconde vie aux objets",
            needs: [
                Template("Bénévoles pour réparer et repeindre des meubles", "volunteers", skills: [repairs, paint], themes: ["environnement"],
                    "Poncer, recoller, repeindre : l'atelier est ouvert le samedi."),
                Template("Un camion pour les collectes d'objets", "equipment", themes: ["environnement"], "Une fois par mois, avec ou sans chauffeur."),
            ],
            offers: [
                Template("Prêt d'outils de bricolage", "lending", skills: [repairs], themes: ["environnement"], "Perceuse, scie, ponceuse : caution de 20 €."),
            ]),
        Archetype(name: "Accueil des nouveaux habitants", themes: ["entraide", "socioculturel"], object: "aider les nouveaux arrivants à trouver leur place",
            needs: [
                Template("Des habitants pour accueillir les nouveaux arrivants", "volunteers", skills: [company], themes: ["entraide"],
                    "Faire visiter le quartier, présenter les associations."),
                Template("Des traducteurs pour notre livret d'accueil", "volunteers", skills: [languages], themes: ["souvrir-a-linternational"],
                    "Le livret existe en français : il nous manque l'arabe, l'anglais et le dari."),
            ],
            offers: [
                Template("Café d'accueil des nouveaux habitants", "service", skills: [facilitate], themes: ["entraide"], "Un samedi par mois, à la maison des habitants."),
            ]),
    ]

    /// What residents ask for and offer in their own name.
    public static let residentNeeds = [
        Template("Quelqu'un pour réviser mon vélo", "volunteers", skills: [bike], themes: ["mobilite"], "Les freins frottent et la chaîne saute. Je peux payer les pièces."),
        Template("Aide pour remplir mon dossier de retraite", "expertise", skills: [papers], themes: ["difficultes-administratives-ou-juridiques"],
            "Beaucoup de papiers et des formulaires en ligne : je suis perdue."),
        Template("Apprendre à envoyer des photos avec mon téléphone", "volunteers", skills: [digital], themes: ["numerique"], "Pour les envoyer à mes petits-enfants."),
        Template("Garde d'enfants le mercredi après-midi", "volunteers", skills: [children], themes: ["famille"], "Deux enfants de 6 et 8 ans, près de l'école."),
        Template("Covoiturage pour aller au marché le samedi", "volunteers", skills: [driving], themes: ["mobilite"], "Je ne conduis plus ; je participe à l'essence."),
        Template("Retoucher des rideaux", "volunteers", skills: [sewing], themes: ["entraide"], "Raccourcir deux paires de rideaux."),
        Template("Conversation en français pour ma voisine", "volunteers", skills: [french], themes: ["lecture-ecriture-calcul"], "Elle vient d'arriver et veut progresser."),
    ]

    public static let residentOffers = [
        Template("Coup de main pour déménager", "service", skills: [driving], themes: ["entraide"], "J'ai une camionnette le week-end."),
        Template("Cours de guitare pour débutants", "service", skills: [music], themes: ["culture"], "Chez moi ou à la maison des habitants."),
        Template("Réparation de vélos entre voisins", "service", skills: [bike], themes: ["mobilite"], "Crevaisons, freins, réglages : je montre comment faire."),
        Template("Aide aux devoirs en mathématiques", "service", skills: [homework], themes: ["education"], "Niveau collège, le samedi."),
        Template("Petits travaux de couture", "service", skills: [sewing], themes: ["entraide"], "Ourlets, boutons, fermetures éclair."),
    ]

    /// Skills no generated resident holds: what the territory lacks, so that the report of needs
    /// without a good answer has something true to show (a treasurer, a first-aider, an interpreter).
    public static let unheld: Set<String> = [accounts, firstAid, languages]

    /// A resident's words about what they share, by their first skill.
    public static let shares: [String: String] = [
        bike: "Je peux regarder un vélo qui fait des siennes.", repairs: "Je prête ma perceuse et je donne un coup de main pour les petits travaux.",
        appliances: "Je peux réparer les petits appareils.", cooking: "Je cuisine volontiers pour les repas de quartier.",
        sewing: "Je peux apprendre à coudre à qui veut.", garden: "Je peux faire découvrir le jardinage au naturel.",
        children: "Je peux garder des enfants le mercredi.", homework: "Je peux aider les enfants à faire leurs devoirs.",
        papers: "Je peux aider pour les papiers de la CAF.", digital: "Je peux aider à se servir d'un smartphone.",
        elderly: "Je peux accompagner des personnes âgées chez le médecin.", company: "Je passe volontiers un moment avec des voisins seuls.",
        languages: "Je peux traduire de l'arabe.", french: "Je peux faire la conversation en français.",
        music: "Je peux donner des cours de guitare débutant.", driving: "J'ai une voiture et je peux emmener des voisins.",
    ]
}

extension InventoryGenerator {
    /// « de Fontaine », « d'Échirolles », « du Pont-de-Claix », « des Adrets »: the French
    /// preposition before a commune's name, its article contracted.
    public static func ofCommune(_ name: String) -> String {
        if name.hasPrefix("Le ") { return "du " + name.dropFirst(3) }
        if name.hasPrefix("Les ") { return "des " + name.dropFirst(4) }
        let vowels = Set("AEIOUYÀÂÉÈÊÎÏÔÛHaeiouyh")
        if let first = name.first, vowels.contains(first) { return "d'" + name }
        return "de " + name
    }
}
