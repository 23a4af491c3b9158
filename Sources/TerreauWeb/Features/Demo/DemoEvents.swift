import Fluent
import Foundation
import TerreauCore
import Vapor

/// The demo's agenda and library in Grenoble-Alpes: the diagnostic's launch (past, with its
/// minutes and the organisations present), an interviewing training this month (full, with a
/// waiting list), a public meeting and a festive evening inside the « Fête de la démocratie »
/// programme (`/fete/fete-democratie-grenoble`); a study with its PDF (its text extracted when
/// pdftotext is installed) and two requests for studies, one answered.
enum DemoEvents {
    static func ensure(on database: any Database, filesDirectory: String, now: Date) async throws {
        guard let community = try await CommunityStore(database: database).find(slug: "grenoble-alpes"),
            try await EventRecord.query(on: database).filter(\.$community.$id == community.id!).count() == 0
        else { return }
        var people: [String: UUID] = [:]
        for name in ["camille", "karim", "sophie", "elise", "lucas", "nadia", "vie-associative"] {
            guard let account = try await AccountRecord.query(on: database).filter(\.$email == name + "@demo.terreau.invalid").first() else { return }
            people[name] = account.$person.id
        }
        let organisations = Dictionary(try await OrganisationRecord.query(on: database).filter(\.$community.$id == community.id!).all().map { ($0.name, $0.id!) },
                                       uniquingKeysWith: { first, _ in first })
        let place = try await InventoryItemRecord.query(on: database).filter(\.$community.$id == community.id!).filter(\.$kind == InventoryKind.place.rawValue)
            .filter(\.$visibility == Visibility.public.rawValue).sort(\.$title).first()
        let day = 86_400.0
        func at(_ days: Double, _ hour: Int, _ minute: Int = 0) -> Date {
            let date = CalendarDay.paris.startOfDay(for: now.addingTimeInterval(days * day))
            return CalendarDay.paris.date(bySettingHour: hour, minute: minute, second: 0, of: date) ?? date
        }
        struct Plan {
            var kind: EventKind
            var topic: TrainingTopic?
            var title: String
            var description: String
            var start: Date
            var hours: Double
            var capacity: Int?
            var organisers: [String]
            var seats: [String]
        }
        let plans = [
            Plan(kind: .diagnosticLaunch, topic: nil, title: "Lancement du diagnostic contributif",
                 description: "Présentation de la démarche « Tous ressource, tous racine ! », du questionnaire et du calendrier ; premiers portraits.",
                 start: at(-45, 18, 30), hours: 2, capacity: nil, organisers: ["Ville de Grenoble", "Collectif des jardins de la Villeneuve"],
                 seats: ["karim", "sophie", "nadia", "lucas"]),
            Plan(kind: .training, topic: .interviewing, title: "Se former à l'entretien : recueillir un portrait",
                 description: "Deux heures pour apprendre à conduire un entretien bienveillant, recueillir le consentement et remplir le questionnaire.",
                 start: at(9, 18), hours: 2, capacity: 3, organisers: ["Collectif des jardins de la Villeneuve"],
                 seats: ["karim", "nadia", "lucas", "sophie", "elise"]),
            Plan(kind: .publicMeeting, topic: nil, title: "Réunion publique : les besoins non couverts du quartier",
                 description: "Ce que le diagnostic montre des besoins sans réponse, et ce que nous pouvons faire ensemble.",
                 start: at(16, 18, 30), hours: 2, capacity: nil, organisers: ["Ville de Grenoble"], seats: ["camille"]),
            Plan(kind: .festive, topic: nil, title: "Bal des ressources",
                 description: "Un bal ouvert à toutes et tous pour fêter la fin du diagnostic, avec l'atelier vélo et la cuisine partagée.",
                 start: at(18, 19), hours: 4, capacity: 200, organisers: ["Atelier Vélo Solidaire (SCOP)"], seats: ["sophie", "karim"]),
        ]
        for (index, plan) in plans.enumerated() {
            let event = EventRecord()
            event.$community.id = community.id!
            event.kind = plan.kind.rawValue
            event.topic = plan.topic?.rawValue
            event.title = plan.title
            event.description = plan.description
            event.startsAt = plan.start
            event.endsAt = plan.start.addingTimeInterval(plan.hours * 3600)
            event.$place.id = index == 0 ? nil : place?.id
            event.address = index == 0 ? "Maison des habitants du Patio, 97 galerie de l'Arlequin, Grenoble" : ""
            event.capacity = plan.capacity
            event.cancelled = false
            event.$createdBy.id = people["camille"]
            event.createdAt = now.addingTimeInterval(-60 * day)
            if plan.start < now {
                event.minutes = "Quarante personnes, cinq associations. Le questionnaire est adopté ; douze volontaires se forment à l'entretien."
                event.attendance = 40
            }
            try await event.create(on: database)
            for name in plan.organisers { if let id = organisations[name] { try await EventOrganiserRecord(event, id, role: "organiser").create(on: database) } }
            if plan.start < now {
                for name in ["Ville de Grenoble", "Collectif des jardins de la Villeneuve", "Atelier Vélo Solidaire (SCOP)"] {
                    if let id = organisations[name] { try await EventOrganiserRecord(event, id, role: "present").create(on: database) }
                }
            }
            var confirmed = 0
            for (rank, name) in plan.seats.enumerated() {
                let seat = EventRegistrationRecord()
                seat.$event.id = event.id!
                seat.$person.id = people[name]!
                let status = EventSeats.register(capacity: plan.capacity, confirmed: confirmed)
                if status == .confirmed { confirmed += 1 }
                seat.status = status.rawValue
                seat.registeredAt = event.createdAt.addingTimeInterval(Double(rank) * 3600)
                seat.rank = rank + 1
                seat.attended = plan.start < now
                try await seat.create(on: database)
            }
        }
        let festival = FestivalRecord()
        festival.$community.id = community.id!
        festival.slug = "fete-democratie-grenoble"
        festival.title = "Fête de la démocratie 2026"
        festival.description = "Deux semaines de rencontres, de débats et de fêtes autour du diagnostic, comme le Mois de l'ESS."
        festival.firstDay = CalendarDay.paris.startOfDay(for: now.addingTimeInterval(14 * day))
        festival.lastDay = CalendarDay.paris.startOfDay(for: now.addingTimeInterval(28 * day))
        try await festival.create(on: database)

        // The library: one study, its PDF written here; two requests.
        try FileManager.default.createDirectory(atPath: filesDirectory, withIntermediateDirectories: true)
        let stored = StudyUpload.storedName()
        let lines = ["Évaluation du contrat de ville de la Villeneuve (2019-2024)", "Commande : Grenoble-Alpes Métropole.",
                     "Les associations du quartier portent l'essentiel de l'accompagnement : ressourcerie, jardins partagés, soutien scolaire.",
                     "Recommandation : associer les habitants au suivi des actions."]
        let bytes = SimplePDF.document(lines: lines)
        FileManager.default.createFile(atPath: filesDirectory + "/" + stored, contents: Data(bytes))
        let (text, extraction) = await TextExtraction.pdf(at: filesDirectory + "/" + stored)
        let study = StudyRecord()
        study.$community.id = community.id!
        study.title = "Évaluation du contrat de ville de la Villeneuve (2019-2024)"
        study.commissionedBy = "Grenoble-Alpes Métropole"
        study.author = "Cabinet Territoires & Co"
        study.year = 2024
        study.amount = 38_500
        study.territory = "Villeneuve, Grenoble et Échirolles"
        study.themes = "logement-hebergement"
        study.licence = StudyLicence.licenceOuverte.rawValue
        study.storedName = stored
        study.originalName = "evaluation-contrat-de-ville.pdf"
        study.size = bytes.count
        study.searchText = SearchText.terms(text).joined(separator: " ")
        study.extraction = extraction
        study.$uploadedBy.id = people["lucas"]
        study.createdAt = now.addingTimeInterval(-20 * day)
        try await study.create(on: database)
        for (title, details, answered) in [("Diagnostic mobilité du sud grenoblois (2022)", "Cité au conseil de quartier de mars.", true),
                                           ("Audit de la piscine Jean-Bron", "Le montant n'a jamais été rendu public.", false)] {
            let request = StudyRequestRecord()
            request.$community.id = community.id!
            request.title = title
            request.details = details
            request.$requestedBy.id = people["karim"]
            request.status = answered ? StudyRequestStatus.unavailable.rawValue : StudyRequestStatus.open.rawValue
            request.answer = answered ? "Étude interne de la Métropole, non diffusée ; nous avons demandé sa communication (CADA)." : ""
            request.createdAt = now.addingTimeInterval(-15 * day)
            request.answeredAt = answered ? now.addingTimeInterval(-5 * day) : nil
            try await request.create(on: database)
        }
    }
}
