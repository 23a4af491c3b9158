import Fluent
import Foundation
import TerreauCore
import Vapor

/// The demo's proposals in Grenoble-Alpes, made through the stores with past dates: a project
/// with its needs in the inventory, backed by two organisations and debated (one argument hidden
/// after reports, its author's appeal waiting in the moderators' queue); a project carried by
/// the cycling cooperative, rewritten after it was backed; one withdrawn by its author. Four are
/// in the register of proposals to officials (under study, accepted by the council, refused with
/// its reason, one overdue); a call for support is being evaluated between organisations; the
/// elected official Élise Fabre signed the recognition and follows up two commitments.
enum DemoProposals {
    static let toolbox = "Une boîte à outils partagée dans chaque quartier"

    static func ensure(on database: any Database, now: Date) async throws {
        guard let community = try await CommunityStore(database: database).find(slug: "grenoble-alpes"),
            try await ProposalRecord.query(on: database).filter(\.$community.$id == community.id!).filter(\.$title == toolbox).count() == 0
        else { return }
        var people: [String: UUID] = [:]
        for name in ["camille", "karim", "sophie", "elise", "lucas", "nadia", "vie-associative"] {
            guard let account = try await AccountRecord.query(on: database).filter(\.$email == name + "@demo.terreau.invalid").first() else { return }
            people[name] = account.$person.id
        }
        let organisations = Dictionary(try await OrganisationRecord.query(on: database).filter(\.$community.$id == community.id!).all().map { ($0.name, $0.id!) },
                                       uniquingKeysWith: { first, _ in first })
        guard let cycling = organisations["Atelier Vélo Solidaire (SCOP)"], let city = organisations["Ville de Grenoble"],
            let gardens = organisations["Collectif des jardins de la Villeneuve"]
        else { return }
        let store = ProposalStore(database: database)
        let day = 86_400.0
        let threshold = try await DecisionStore(database: database).governance(of: community.id!).moderationReports

        // 1. The toolbox: needs, co-author, two backings, a debate with a hidden argument.
        var at = now.addingTimeInterval(-40 * day)
        let first = try await store.create(.init(title: toolbox,
            summary: "Dans chaque quartier, une armoire d'outils prêtés gratuitement (perceuse, échelle, scie, matériel de jardin), tenue par des habitants bénévoles et ouverte deux soirs par semaine. Les outils viennent de dons ; un inventaire en ligne dit ce qui est disponible.",
            themes: ["equipement-et-alimentation", "logement-hebergement"], communeCode: "38185", organisation: nil, coauthors: [people["karim"]!],
            needs: ["Un local de 10 m² au rez-de-chaussée", "Des bénévoles pour tenir les permanences du mardi et du jeudi"]),
            community: community.id!, author: people["camille"]!, now: at)
        try await store.back(first, organisation: cycling, by: people["sophie"]!, now: at.addingTimeInterval(2 * day))
        try await store.back(first, organisation: city, by: people["vie-associative"]!, now: at.addingTimeInterval(5 * day))
        for name in ["sophie", "elise", "nadia"] { try await store.follow(first.id!, person: people[name]!, now: at) }
        let arguments: [(String, Stance, String, Int?)] = [
            ("sophie", .pour, "Nous prêtons déjà des outils de vélo : une armoire commune évite que chacun achète une perceuse qui sert dix minutes par an.", nil),
            ("elise", .nuance, "L'idée est bonne, mais qui assure le matériel en cas d'accident ? Il faut une convention avec la Ville avant d'ouvrir.", nil),
            ("lucas", .pour, "Le service des bâtiments a un local libre rue Très-Cloîtres, à étudier.", 1),
            ("nadia", .contre, "Deux soirs par semaine, c'est beaucoup pour des bénévoles : commençons par un samedi par mois.", nil),
            ("karim", .nuance, "On peut commencer par un quartier, mesurer, puis étendre.", 3),
            ("lucas", .contre, "TOUT ÇA C'EST DU VOL ORGANISÉ, les outils vont disparaître en une semaine !!!", nil),
        ]
        var written: [CommentRecord] = []
        for (index, argument) in arguments.enumerated() {
            at = at.addingTimeInterval(day)
            written.append(try await store.addComment(to: first.id!, parent: argument.3.map { written[$0].id! }, author: people[argument.0]!,
                                                      stance: argument.1, body: argument.2, now: at.addingTimeInterval(Double(index) * 3600)))
        }
        // The last one is reported until hidden; its author appeals.
        let shouting = written.last!
        for (index, reporter) in ["camille", "sophie", "karim"].prefix(threshold).enumerated() {
            let report = CommentReportRecord()
            report.$comment.id = shouting.id!
            report.$person.id = people[reporter]!
            report.reason = index == 0 ? "Propos agressif, sans argument." : "Accusation sans fondement."
            report.createdAt = at.addingTimeInterval(Double(index + 1) * 3600)
            _ = try await store.moderate(shouting, .report(threshold: threshold), action: "report", reason: report.reason, person: people[reporter]!,
                                         now: report.createdAt, report: report)
        }
        _ = try await store.moderate(shouting, .appeal, action: "appeal", reason: "Je voulais dire que le vol est un vrai risque ; je reformule volontiers.",
                                     person: people["lucas"]!, now: at.addingTimeInterval(day))

        // 2. Benches and shade, carried by the cycling cooperative, rewritten after the gardens backed it.
        at = now.addingTimeInterval(-25 * day)
        let second = try await store.create(.init(title: "Des bancs et de l'ombre le long de la piste cyclable Chavant–Villeneuve",
            summary: "Installer six bancs et planter des arbres le long de la piste cyclable, pour que les personnes âgées et les familles puissent s'y arrêter.",
            themes: ["mobilite"], communeCode: "38185", organisation: cycling, coauthors: [], needs: ["Des arbres d'essences locales"]),
            community: community.id!, author: people["sophie"]!, now: at)
        try await store.back(second, organisation: gardens, by: people["camille"]!, now: at.addingTimeInterval(3 * day))
        try await store.edit(second, title: second.title,
            summary: "Installer six bancs et planter des arbres le long de la piste cyclable, pour que les personnes âgées et les familles puissent s'y arrêter. Le collectif des jardins propose d'arroser les jeunes arbres les deux premiers étés.",
            expectedVersion: 1, by: people["sophie"]!, now: at.addingTimeInterval(4 * day))
        _ = try await store.addComment(to: second.id!, parent: nil, author: people["elise"]!, stance: .pour,
                                       body: "Le budget participatif de la Ville peut financer les bancs : déposons-le ensemble.", now: at.addingTimeInterval(5 * day))
        _ = try await store.addComment(to: second.id!, parent: nil, author: people["karim"]!, stance: .nuance,
                                       body: "Attention aux bancs trop près de la piste : il faut un mètre de recul.", now: at.addingTimeInterval(6 * day))

        // 3. Withdrawn by its author, with the reason on its timeline.
        at = now.addingTimeInterval(-15 * day)
        let third = try await store.create(.init(title: "Un marché de producteurs le dimanche place Saint-Bruno",
            summary: "Un petit marché de producteurs locaux le dimanche matin, pour compléter le marché de semaine.",
            themes: ["equipement-et-alimentation"], communeCode: "38185", organisation: nil, coauthors: [], needs: []),
            community: community.id!, author: people["karim"]!, now: at)
        try await store.move(third, .withdraw, note: "Un marché du dimanche existe déjà à deux rues : je retire la proposition.", person: people["karim"]!,
                             decision: nil, now: at.addingTimeInterval(3 * day))

        // 4. The register: answers, a refusal with its reason, one overdue.
        let underpass = try await store.create(.init(title: "Éclairer le passage sous la voie ferrée",
            summary: "Le passage piéton sous la voie ferrée est sombre dès 17 heures l'hiver : des habitantes l'évitent. Un éclairage à détection suffirait.",
            themes: ["mobilite"], communeCode: "38185", organisation: nil, coauthors: [], needs: []),
            community: community.id!, author: people["nadia"]!, now: now.addingTimeInterval(-80 * day))
        let fountain = try await store.create(.init(title: "Une fontaine à eau dans chaque parc",
            summary: "Des fontaines d'eau potable dans les parcs du quartier, pour les enfants et les coureurs, l'été surtout.",
            themes: ["sante"], communeCode: "38185", organisation: nil, coauthors: [], needs: []),
            community: community.id!, author: people["karim"]!, now: now.addingTimeInterval(-50 * day))
        let elise = people["elise"]!, camille = people["camille"]!
        // proposal, official or commune council, deposited (days ago), then each step: status, by, note, days ago.
        let entries: [(ProposalRecord, UUID?, String?, Double, [(RegisterStatus, UUID, String, Double)])] = [
            (first, elise, nil, 35, [(.transmise, camille, "", 34), (.etude, elise, "Le service des bâtiments étudie le local de la rue Très-Cloîtres ; réponse après la commission de décembre.", 20)]),
            (second, nil, "38185", 20, [(.transmise, camille, "Transmise au cabinet du maire pour le conseil municipal.", 19),
                                        (.acceptee, camille, "Acceptée au conseil municipal : six bancs et douze arbres inscrits au budget 2027.", 5)]),
            (fountain, elise, nil, 45, [(.transmise, camille, "", 44),
                                        (.refusee, elise, "Les fontaines relèvent de la Métropole, pas de la commune : je la transmets à la vice-présidente à l'eau, à qui il faut l'adresser.", 10)]),
            (underpass, elise, nil, 75, [(.transmise, camille, "", 74)]),
        ]
        for (proposal, official, commune, daysAgo, steps) in entries {
            let entry = RegisterEntryRecord()
            entry.$proposal.id = proposal.id!
            entry.$official.id = official
            if let commune { entry.body = RegisterBody.communeCouncil.rawValue; entry.bodyPlace = commune }
            entry.status = (steps.last?.0 ?? .deposee).rawValue
            entry.depositedAt = now.addingTimeInterval(-daysAgo * day)
            entry.$depositedBy.id = proposal.$author.id
            entry.updatedAt = entry.depositedAt
            try await entry.create(on: database)
            try await RegisterStore.event(entry, .deposee, note: "", person: proposal.$author.id, now: entry.depositedAt).create(on: database)
            for (status, person, note, stepDaysAgo) in steps {
                try await RegisterStore.event(entry, status, note: note, person: person, now: now.addingTimeInterval(-stepDaysAgo * day)).create(on: database)
            }
        }

        // 5. A call for support, being evaluated between organisations.
        guard let mobility = organisations["Collectif mobilités douces du sud grenoblois"] else { return }
        let gardensProject = try await store.create(.init(title: "Jardins au pied des tours",
            summary: "Transformer les pelouses au pied des tours en jardins partagés, avec les habitants des immeubles et l'école.",
            themes: ["equipement-et-alimentation"], communeCode: "38185", organisation: gardens, coauthors: [], needs: ["Des bacs de culture"]),
            community: community.id!, author: people["camille"]!, now: now.addingTimeInterval(-30 * day))
        let bikeSchool = try await store.create(.init(title: "Une vélo-école pour adultes",
            summary: "Apprendre à faire du vélo en ville, pour les adultes qui n'ont jamais appris : douze séances au printemps.",
            themes: ["mobilite"], communeCode: "38185", organisation: mobility, coauthors: [], needs: []),
            community: community.id!, author: people["sophie"]!, now: now.addingTimeInterval(-28 * day))
        let call = CallRecord()
        call.$community.id = community.id!
        call.title = "Appel à soutien 2027 : projets de quartier"
        call.description = "La Ville et la communauté soutiennent trois projets de quartier en 2027. Les organisations présentent les projets qu'elles portent et évaluent ceux des autres."
        call.criteria = DecisionStore.json(CallCriteria.seed + ["Utilité pour les jeunes"])
        call.grades = DecisionStore.json(MajorityJudgmentTally.defaultGrades)
        call.phase = CallPhase.evaluation.rawValue
        call.applicationsClose = now.addingTimeInterval(-3 * day)
        call.$createdBy.id = camille
        call.createdAt = now.addingTimeInterval(-27 * day)
        try await call.create(on: database)
        var applications: [UUID: CallApplicationRecord] = [:]
        for (proposal, carrier) in [(second, cycling), (gardensProject, gardens), (bikeSchool, mobility)] {
            let application = CallApplicationRecord()
            application.$call.id = call.id!
            application.$proposal.id = proposal.id!
            application.$organisation.id = carrier
            application.createdAt = now.addingTimeInterval(-20 * day)
            try await application.create(on: database)
            applications[carrier] = application
        }
        // evaluator → carrier of the project → grades on the four criteria (0 = à rejeter … 6 = excellent).
        let grid: [(UUID, UUID, [Int])] = [
            (city, cycling, [4, 3, 4, 3]), (city, gardens, [5, 4, 5, 4]), (city, mobility, [4, 4, 3, 5]),
            (gardens, cycling, [4, 4, 4, 3]), (gardens, mobility, [5, 4, 4, 5]),
            (cycling, gardens, [5, 5, 5, 4]),
        ]
        for (evaluator, carrier, grades) in grid {
            for (criterion, grade) in grades.enumerated() {
                let record = PeerGradeRecord()
                record.$application.id = applications[carrier]!.id!
                record.$evaluator.id = evaluator
                record.criterion = criterion
                record.grade = grade
                record.$gradedBy.id = evaluator == city ? people["vie-associative"] : evaluator == gardens ? camille : people["sophie"]
                record.gradedAt = now.addingTimeInterval(-2 * day)
                try await record.create(on: database)
            }
        }

        // 6. Élise Fabre's recognition and commitments.
        let recognition = RecognitionRecord()
        recognition.$community.id = community.id!
        recognition.$official.id = elise
        recognition.statement = "Je reconnais le diagnostic contributif de Grenoble-Alpes en commun comme la parole des habitants. Je m'engage à en tenir compte dans mes décisions, y compris pour les projets qui ne sont pas nés dans l'administration."
        recognition.signedAt = now.addingTimeInterval(-60 * day)
        recognition.updatedAt = recognition.signedAt
        try await recognition.create(on: database)
        for (text, statuses) in [("Inclure au budget participatif des projets nés hors de l'administration", [(CommitmentStatus.made, "", 60.0), (.inProgress, "Deux projets du registre sont inscrits à l'étude du budget 2027.", 20)]),
                                 ("Répondre à chaque proposition du registre sous 60 jours", [(CommitmentStatus.made, "", 60.0)])] {
            let commitment = CommitmentRecord()
            commitment.$recognition.id = recognition.id!
            commitment.text = text
            commitment.status = statuses.last!.0.rawValue
            commitment.createdAt = now.addingTimeInterval(-60 * day)
            try await commitment.create(on: database)
            for (status, note, daysAgo) in statuses {
                try await CommitmentEventRecord(commitment, status, note: note, at: now.addingTimeInterval(-daysAgo * day)).create(on: database)
            }
        }
    }
}
