import Fluent
import Foundation
import TerreauCore

/// The demo's ledger of means in Grenoble-Alpes: the city's subsidy, a foundation's sponsorship,
/// the cycling cooperative's skills sponsorship, the gardens' volunteer time, and one line
/// corrected with its reason, so the ledger shows a version history. Then the first edition of
/// the published diagnostic, after the adopted decision « Publier le diagnostic de printemps ».
enum DemoFunding {
    static func ensure(on database: any Database, now: Date) async throws {
        guard let community = try await CommunityStore(database: database).find(slug: "grenoble-alpes"),
            try await FundingEntryRecord.query(on: database).filter(\.$community.$id == community.id!).count() == 0,
            let camille = try await AccountRecord.query(on: database).filter(\.$email == "camille@demo.terreau.invalid").first()?.$person.id
        else { return }
        let organisations = Dictionary(try await OrganisationRecord.query(on: database).filter(\.$community.$id == community.id!).all().map { ($0.name, $0.id!) },
                                       uniquingKeysWith: { first, _ in first })
        let day = 86_400.0
        let lines: [(FundingKind, String, String?, Int?, Double?, String, Double)] = [
            (.subsidy, "Ville de Grenoble", "Ville de Grenoble", 12_000, nil, "Subvention de fonctionnement du diagnostic, année 1.", 90),
            (.privateSponsorship, "Fondation des Alpes solidaires", nil, 5_000, nil, "Impression des questionnaires et des cartes d'accueil.", 60),
            (.skillsSponsorship, "Atelier Vélo Solidaire (SCOP)", "Atelier Vélo Solidaire (SCOP)", nil, 24, "Animation de deux ateliers de réparation pendant le lancement.", 45),
            (.volunteerTime, "Bénévoles du collectif des jardins", "Collectif des jardins de la Villeneuve", nil, 160, "Entretiens de voisinage et saisie des formulaires papier.", 20),
        ]
        for (kind, contributor, organisation, amount, hours, description, daysAgo) in lines {
            let entry = FundingEntryRecord()
            entry.$community.id = community.id!
            entry.kind = kind.rawValue
            entry.contributor = contributor
            entry.$organisation.id = organisation.flatMap { organisations[$0] }
            entry.amount = amount
            entry.hours = hours
            entry.description = description
            entry.receivedOn = CalendarDay.paris.startOfDay(for: now - daysAgo * day)
            entry.$enteredBy.id = camille
            entry.createdAt = now - daysAgo * day
            try await FundingStore(database: database).save(entry, isNew: true, reason: "", by: camille, now: now - daysAgo * day)
            if kind == .volunteerTime {
                entry.hours = 184
                try await FundingStore(database: database).save(entry, isNew: false, reason: "Heures de saisie du mois dernier ajoutées.", by: camille,
                                                 now: now - 5 * day)
            }
        }
        if let decision = try await DiagnosticStore(database: database).eligible(community).first {
            _ = try await DiagnosticStore(database: database).publish(community, decision: decision, by: camille, now: now - 2 * day)
        }
    }
}
