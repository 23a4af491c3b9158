import Fluent
import Foundation
import TerreauCore
import Vapor

/// The demo's decisions in Grenoble-Alpes, taken through the real steps with past dates: first a
/// rule change decided by consent (it opens every method to ordinary decisions and makes their
/// ballots secret), then one closed decision per method under the new rules, and a vote between
/// organisations still open.
enum DemoDecisions {
    struct Plan {
        var kind: DecisionKind
        var method: VotingMethod
        var title: String
        var text: String
        var options: [String] = []
        var settings: [String: JSONValue] = [:]
        var statement: String
        /// A new charter text carried by a rule change.
        var charter: String? = nil
        /// The ballot of demo member `n` (0-based), as `terreau tally` reads it.
        var ballot: (Int, [String]) -> JSONValue
    }

    static func ensure(on database: any Database, now: Date) async throws {
        guard let community = try await CommunityStore(database: database).find(slug: "grenoble-alpes"),
            try await DecisionRecord.query(on: database).filter(\.$community.$id == community.id!).count() == 0,
            let camille = try await AccountRecord.query(on: database).filter(\.$email == "camille@demo.terreau.invalid").first()
        else { return }
        let store = DecisionStore(database: database)
        let members = try await MembershipRecord.query(on: database).filter(\.$community.$id == community.id!).all().map(\.$person.id)
            .sorted { $0.uuidString < $1.uuidString }
        let day = 86_400.0
        var start = now.addingTimeInterval(-120 * day)

        // 1. The rule change, by consent (the rules in force give rule changes to consent).
        var rules = try await store.governance(of: community.id!).normalized
        rules.kinds[.general] = KindRule(methods: VotingMethod.allCases, secret: true)
        rules.kinds[.publication] = KindRule(methods: [.majority, .consent], secret: true)
        let change = Plan(kind: .ruleChange, method: .consent, title: "Ouvrir toutes les méthodes aux décisions courantes",
            text: "Proposition : toutes les méthodes de vote peuvent décider des décisions courantes, à bulletin secret ; la publication du diagnostic se décide à la majorité ou par consentement.",
            statement: "Adopté par consentement au premier tour : les règles n° 2 et la charte n° 2 s'appliquent dès maintenant.",
            charter: CharterStore.defaultText + " Nos débats sont modérés à visage découvert : une contribution n'est masquée que pour un motif dit à son auteur, qui peut le contester.",
            ballot: { index, _ in .object(["round": .int(1), "choice": .string(index == 3 ? "stand-aside" : "consent"), "reason": .string("")]) })
        try await run(change, proposed: rules, community: community, members: members, author: camille.$person.id, store: store, database: database, at: start)
        // Its deliberation: the debate of the proposal published with it.
        if let decided = try await DecisionRecord.query(on: database).filter(\.$title == change.title).first(), let debate = decided.$proposal.id {
            let arguments: [(String, Stance, String)] = [
                ("karim", .pour, "Le consentement pour tout, c'est long : gardons-le pour les règles et laissons les décisions courantes à d'autres méthodes."),
                ("nadia", .nuance, "D'accord, à condition que les votes soient secrets : certains n'osent pas dire non devant tout le monde."),
                ("elise", .pour, "La publication du diagnostic doit pouvoir se décider à la majorité, sinon une seule objection la bloque."),
            ]
            for (index, (name, stance, text)) in arguments.enumerated() {
                guard let account = try await AccountRecord.query(on: database).filter(\.$email == name + "@demo.terreau.invalid").first() else { continue }
                _ = try await ProposalStore(database: database).addComment(to: debate, parent: nil, author: account.$person.id, stance: stance, body: text,
                                                                            now: start.addingTimeInterval(Double(index + 1) * 86_400))
            }
        }

        // 2. One closed decision per method, under rules n° 2.
        let neighbourhoodPapers = ["Le Lien", "Quartiers en commun", "La Gazette du Drac", "Villeneuve Infos"]
        let plans: [Plan] = [
            Plan(kind: .publication, method: .majority, title: "Publier le diagnostic de printemps",
                text: "Publier en données ouvertes le diagnostic de printemps (inventaire, besoins, carte).",
                statement: "Le diagnostic de printemps est publié.", ballot: { index, _ in .string(index == 5 ? "contre" : index == 6 ? "abstention" : "pour") }),
            Plan(kind: .general, method: .qualifiedMajority, title: "Confier la clé de la salle Prémol au collectif des jardins",
                text: "Le collectif des jardins garde la clé et tient le planning.", settings: ["threshold": .string("2/3")],
                statement: "La majorité des deux tiers n'est pas atteinte : la clé reste à la maison des habitants.",
                ballot: { index, _ in .string(index < 4 ? "pour" : "contre") }),
            Plan(kind: .general, method: .consensus, title: "Charte des usages de l'atelier partagé",
                text: "Horaires, rangement, prêt d'outils : la charte proposée par les bénévoles.", settings: ["allowed_against": .int(1)],
                statement: "Charte adoptée (un « contre » admis par les règles de ce vote).", ballot: { index, _ in .string(index == 2 ? "contre" : "pour") }),
            Plan(kind: .general, method: .approval, title: "Créneaux du repair café", text: "Quels créneaux pouvez-vous tenir ?",
                options: ["Samedi matin", "Mercredi après-midi", "Jeudi soir"], statement: "Le repair café ouvrira le samedi matin.",
                ballot: { index, options in .array(options.enumerated().filter { ($0.offset + index) % 3 != 2 }.map { .string($0.element) }) }),
            Plan(kind: .general, method: .score, title: "Notez les lieux pour la Fête de la démocratie", text: "De 0 à 10.",
                options: ["Parc Paul-Mistral", "Place Saint-Bruno", "Maison des habitants Teisseire"], settings: ["scale": .array([.int(0), .int(10)])],
                statement: "La fête aura lieu place Saint-Bruno.",
                ballot: { index, options in .object(Dictionary(uniqueKeysWithValues: options.enumerated().map { ($0.element, .int(($0.offset * 3 + index * 2 + 4) % 11)) })) }),
            Plan(kind: .general, method: .majorityJudgment, title: "Quel projet pour la friche Allibert ?", text: "Jugez chaque projet.",
                options: ["Jardin partagé", "Atelier vélo", "Salle de répétition"], statement: "La friche accueillera un jardin partagé ; l'atelier vélo est invité à s'y associer.",
                ballot: { index, options in
                    let grades = MajorityJudgmentTally.defaultGrades
                    // Each project around its own level, voters differing by a grade either way.
                    return .object(Dictionary(uniqueKeysWithValues: options.enumerated().map { ($0.element, .string(grades[max(0, min(6, 5 - $0.offset + index % 3 - 1))])) }))
                }),
            Plan(kind: .general, method: .schulze, title: "Nom du journal de quartier", text: "Classez les propositions.", options: neighbourhoodPapers,
                statement: "Le journal s'appellera « Quartiers en commun ».",
                ballot: { index, options in .array((0..<options.count).map { .string(options[($0 + (index % 2 == 0 ? 1 : index)) % options.count]) }) }),
            Plan(kind: .general, method: .instantRunoff, title: "Date de la prochaine assemblée", text: "Classez les dates possibles.",
                options: ["14 mars", "21 mars", "28 mars"], statement: "L'assemblée se tiendra le 21 mars.",
                ballot: { index, options in .array([options[index % 3], options[(index + 1) % 3]].map(JSONValue.string)) }),
            Plan(kind: .general, method: .dotVoting, title: "Répartir 3 000 € du budget participatif", text: "Cinq gommettes chacun.",
                options: ["Bancs et ombrage", "Boîte à livres", "Outils de l'atelier vélo"], settings: ["dots": .int(5), "amount": .int(3000)],
                statement: "Le budget est réparti en proportion des gommettes, comme le montre le tableau.",
                ballot: { index, options in .object([options[index % 3]: .int(3), options[(index + 1) % 3]: .int(2)]) }),
        ]
        for plan in plans {
            start = start.addingTimeInterval(10 * day)
            try await run(plan, proposed: nil, community: community, members: members, author: camille.$person.id, store: store, database: database, at: start)
        }
        start = start.addingTimeInterval(10 * day)
        try await consentInTwoRounds(community: community, members: members, author: camille.$person.id, store: store, database: database, at: start)

        // 3. Still open: the priorities of the call for support, one vote per organisation.
        let priorities = Plan(kind: .priorities, method: .majorityJudgment, title: "Priorités de l'appel à soutien 2027",
            text: "Chaque organisation juge les projets candidats.", options: ["Atelier vélo mobile", "Jardins au pied des tours", "Café des langues"],
            statement: "", ballot: { _, _ in .null })
        let open = try await store.createDraft(draft(priorities, proposed: nil), community: community.id!, author: camille.$person.id,
            rules: try await store.governance(of: community.id!), now: now.addingTimeInterval(-10 * day))
        _ = try await store.deliberate(open, by: camille.$person.id, now: now.addingTimeInterval(-10 * day))
        _ = try await store.openVoting(open, until: now.addingTimeInterval(14 * day), now: now.addingTimeInterval(-2 * day))
    }

    /// Consent as sociocracy practises it: in round 1 a member objects, with her reason; the
    /// proposer amends the proposal to answer it; round 2 consents.
    static func consentInTwoRounds(community: CommunityRecord, members: [UUID], author: UUID, store: DecisionStore, database: any Database,
                                   at start: Date) async throws {
        let day = 86_400.0
        let rules = try await store.governance(of: community.id!)
        let decision = try await store.createDraft(.init(kind: .general, method: .consent, title: "Ouvrir la maison des habitants le dimanche",
            text: "La maison des habitants ouvre le dimanche de 10 h à 13 h, tenue par les bénévoles.", options: [], grades: MajorityJudgmentTally.defaultGrades,
            settings: [:], proposed: nil), community: community.id!, author: author, rules: rules, now: start)
        _ = try await store.deliberate(decision, by: author, now: start)
        // The circle understands the proposal (a question, the proposer's answer), then each
        // reacts once, without debate.
        _ = try await store.contribute(.question, to: decision, text: "Qui ouvre et qui ferme la maison le dimanche ?", answering: nil,
                                       by: members[2], now: start.addingTimeInterval(day))
        if let question = try await store.contributions(of: decision.id!).first {
            _ = try await store.contribute(.answer, to: decision, text: "Les bénévoles de la permanence, comme en semaine.", answering: question.id,
                                           by: author, now: start.addingTimeInterval(2 * day))
        }
        _ = try await store.openReactions(decision, now: start.addingTimeInterval(3 * day))
        for (index, text) in [(0, "Le dimanche, c'est quand les familles sont libres : j'y crois."),
                              (2, "L'idée me plaît, mais je m'inquiète pour les clés."),
                              (5, "Je viendrai avec les enfants du quartier.")] where index < members.count {
            _ = try await store.contribute(.reaction, to: decision, text: text, answering: nil, by: members[index], now: start.addingTimeInterval(4 * day))
        }
        // An hour past the deliberation: the dates read back from the database are rounded.
        let opened = start.addingTimeInterval(Double(rules.deliberationDays) * day + 3600)
        for (round, at) in [(1, opened), (2, opened.addingTimeInterval(6 * day))] {
            guard let current = try await DecisionRecord.find(decision.id, on: database) else { return }
            if round == 2 {
                _ = try await store.amend(current, text: "La maison des habitants ouvre le dimanche de 10 h à 13 h, tenue par les bénévoles ; "
                    + "deux bénévoles formés gardent les clés et ouvrent à tour de rôle.", by: author, now: at.addingTimeInterval(-day))
            }
            if let refusal = try await store.openVoting(current, until: at.addingTimeInterval(3 * day), now: at) {
                throw Abort(.internalServerError, reason: "démo : le tour \(round) du consentement n'a pas pu s'ouvrir (\(refusal))")
            }
            for (index, person) in members.enumerated() {
                let choice = round == 1 && index == 2 ? "objection" : round == 2 && index == 5 ? "stand-aside" : "consent"
                let reason = choice == "objection" ? "Personne n'a les clés le dimanche : qui ouvre, qui ferme, qui répond en cas de souci ?"
                    : choice == "stand-aside" ? "Il faudra un planning des bénévoles affiché à l'entrée." : ""
                _ = try await store.cast(DecisionStore.json(JSONValue.object(["round": .int(round), "choice": .string(choice), "reason": .string(reason)])),
                                         in: current, as: "person:" + person.uuidString, receipt: nil, now: at.addingTimeInterval(day))
            }
            _ = try await store.close(current, statement: "Adopté par consentement au second tour, une fois la question des clés réglée.",
                                      now: at.addingTimeInterval(4 * day))
        }
    }

    static func draft(_ plan: Plan, proposed: Governance?) -> DecisionStore.Draft {
        .init(kind: plan.kind, method: plan.method, title: plan.title, text: plan.text, options: plan.options,
            grades: MajorityJudgmentTally.defaultGrades, settings: plan.settings, proposed: proposed, charter: plan.charter)
    }

    /// Drafts, deliberates, opens, collects every member's ballot and closes, each at its date.
    static func run(_ plan: Plan, proposed: Governance?, community: CommunityRecord, members: [UUID], author: UUID, store: DecisionStore,
                    database: any Database, at start: Date) async throws {
        let day = 86_400.0
        let rules = try await store.governance(of: community.id!)
        let decision = try await store.createDraft(draft(plan, proposed: proposed), community: community.id!, author: author, rules: rules, now: start)
        _ = try await store.deliberate(decision, by: author, now: start)
        if plan.method == .consent { _ = try await store.openReactions(decision, now: start.addingTimeInterval(day)) }
        if let refusal = try await store.openVoting(decision, until: start.addingTimeInterval(Double(rules.deliberationDays + 3) * day),
            now: start.addingTimeInterval(Double(rules.deliberationDays) * day)) {
            throw Abort(.internalServerError, reason: "démo : « \(plan.title) » n'a pas pu être ouverte (\(refusal))")
        }
        for (index, person) in members.enumerated() {
            _ = try await store.cast(DecisionStore.json(plan.ballot(index, plan.options)), in: decision, as: "person:" + person.uuidString, receipt: nil,
                now: start.addingTimeInterval(Double(rules.deliberationDays + 1) * day))
        }
        _ = try await store.close(decision, statement: plan.statement, now: start.addingTimeInterval(Double(rules.deliberationDays + 4) * day))
    }
}
