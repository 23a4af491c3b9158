import Fluent
import Foundation
import TerreauCore
import Vapor

/// The demo's proposals in Grenoble-Alpes, made through the store with past dates: a project
/// with its needs in the inventory, backed by two organisations and debated (one argument hidden
/// after reports, its author's appeal waiting in the moderators' queue); a project carried by
/// the cycling cooperative, rewritten after it was backed; one withdrawn by its author.
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
    }
}
