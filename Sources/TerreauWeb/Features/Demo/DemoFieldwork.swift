import Fluent
import Foundation
import TerreauCore

/// The demo's fieldwork in Grenoble-Alpes: the questionnaire in two published versions (the
/// second adds a question, so the method page shows what changed) with its debate, a global
/// campaign with targets and the continuous welcome, Karim registered as a trained interviewer
/// and assigned to Échirolles, three interviews he recorded. One resident's claim code is
/// known (`TERR-EA00-DEM0-2026`) so that anyone can try the claim pages.
enum DemoFieldwork {
    static let knownClaimCode = "TERR-EA00-DEM0-2026"
    /// Karim's app password for ODK Collect (user name `karim.benali`), named in the README.
    static let karimAppPassword = "demo-odk-2026"

    static func ensure(on database: any Database, catalog: MessageCatalog, now: Date) async throws {
        guard let community = try await CommunityStore(database: database).find(slug: "grenoble-alpes"),
            try await QuestionnaireVersionRecord.query(on: database).filter(\.$community.$id == community.id!).count() == 0,
            let camille = try await AccountRecord.query(on: database).filter(\.$email == "camille@demo.terreau.invalid").first()?.$person.id,
            let karim = try await AccountRecord.query(on: database).filter(\.$email == "karim@demo.terreau.invalid").first()?.$person.id
        else { return }
        let day = 86_400.0
        let store = FieldworkStore(database: database)

        // Version 1 at the launch, version 2 after the first interviews.
        let first = try await store.draft(of: community.id!, starter: StarterQuestionnaire.make(catalog), by: camille, now: now - 60 * day)
        try await store.publish(first, note: "Première version, présentée et amendée lors du lancement du diagnostic.",
            debateTitle: catalog.text("method.debate.title"), debateText: catalog.text("method.debate.text", ["1", "Première version."]),
            by: camille, now: now - 60 * day)
        let second = try await store.draft(of: community.id!, starter: StarterQuestionnaire.make(catalog), by: camille, now: now - 20 * day)
        var questionnaire = second.questionnaire
        let since = Question(key: "depuis-quand", section: questionnaire.questions[0].section, label: "Depuis combien de temps habitez-vous ici ?",
            kind: .singleChoice, options: ["Moins d'un an", "De 1 à 5 ans", "Plus de 5 ans"])
        questionnaire.questions.insert(since, at: 3)
        if let index = questionnaire.questions.firstIndex(where: { $0.key == "idea" }) {
            questionnaire.questions[index].label = "Une idée, un projet pour votre quartier ou votre commune ?"
        }
        second.content = QuestionnaireVersionRecord.encode(questionnaire)
        try await second.update(on: database)
        try await store.publish(second, note: "Ajout de l'ancienneté dans le quartier, demandée dans le débat pour repérer les nouveaux arrivants ; question sur les idées élargie à la commune.",
            debateTitle: catalog.text("method.debate.title"), debateText: catalog.text("method.debate.text", ["2", "Ancienneté ajoutée."]),
            by: camille, now: now - 20 * day)
        if let debate = second.$debate.id {
            _ = try await ProposalStore(database: database).addComment(to: debate, parent: nil, author: karim, stance: .nuance,
                body: "La question sur l'ancienneté aide à repérer les nouveaux arrivants, mais elle rallonge l'entretien : gardons-la facultative.", now: now - 18 * day)
        }

        // Campaigns: the global one running, and the continuous welcome.
        let global = CampaignRecord()
        global.$community.id = community.id!
        global.kind = CampaignKind.global.rawValue
        global.name = "Diagnostic 2026 : tous ressource"
        global.firstDay = CalendarDay.paris.startOfDay(for: now - 30 * day)
        global.lastDay = CalendarDay.paris.startOfDay(for: now + 60 * day)
        global.censusYear = 2022
        global.$createdBy.id = camille
        global.createdAt = now - 35 * day
        let villeneuve = try await CommunityStore(database: database).neighbourhoods(of: community.id!).first { $0.name == "Villeneuve" }?.slug
        var targets = ["38185": 150, "38151": 60, "38421": 30]
        if let villeneuve { targets[villeneuve] = 20 }
        try await store.createCampaign(global, targets: targets)
        let welcome = CampaignRecord()
        welcome.$community.id = community.id!
        welcome.kind = CampaignKind.welcome.rawValue
        welcome.name = "Accueil des nouveaux arrivants"
        welcome.firstDay = CalendarDay.paris.startOfDay(for: now - 60 * day)
        welcome.censusYear = 2022
        welcome.$createdBy.id = camille
        welcome.createdAt = now - 60 * day
        try await store.createCampaign(welcome, targets: [:])

        // Karim, trained at the launch, interviews in Échirolles for the whole campaign.
        let interviewer = InterviewerRecord()
        interviewer.$community.id = community.id!
        interviewer.$person.id = karim
        interviewer.trainedOn = CalendarDay.paris.startOfDay(for: now - 50 * day)
        interviewer.trainer = "Collectif des jardins de la Villeneuve"
        interviewer.charterVersion = FieldworkPolicy.interviewerCharterVersion
        interviewer.charterAcceptedAt = now - 50 * day
        interviewer.$registeredBy.id = camille
        interviewer.registeredAt = now - 50 * day
        try await interviewer.create(on: database)
        let assignment = AssignmentRecord()
        assignment.$interviewer.id = interviewer.id!
        assignment.$campaign.id = global.id!
        assignment.communeCode = "38151"
        assignment.firstDay = global.firstDay
        assignment.lastDay = global.lastDay!
        assignment.$assignedBy.id = camille
        assignment.assignedAt = now - 30 * day
        try await assignment.create(on: database)
        // His phone: ODK Collect pointed at the demo with this app password (README).
        _ = try await AppPasswordStore(database: database).create(person: karim, community: community.id!,
            password: Self.karimAppPassword, realm: OpenRosa.realm, now: now - 30 * day)

        let residents: [(name: String, visibility: Visibility, skills: String, enjoys: String, since: String, code: String)] = [
            ("Fatou", .members, "", "Cuisiner pour les fêtes de quartier, coudre", "Plus de 5 ans", knownClaimCode),
            ("Bernard", .public, "", "Réparer les vélos, le jardinage", "Plus de 5 ans", ClaimCode.generate()),
            ("Inès", .statistics, "", "Le théâtre, aider aux devoirs", "Moins d'un an", ClaimCode.generate()),
        ]
        for (offset, resident) in residents.enumerated() {
            let values = ["title": resident.name, "commune": "38151", "visibility": resident.visibility.rawValue, "enjoys": resident.enjoys,
                          "contact_preference": "through-coordinator"]
            _ = try await store.record(.init(
                community: community.id!, campaign: global.id, assignment: assignment.id, interviewer: karim, version: second.number,
                channel: offset == 2 ? .paper : .interviewer, formNumber: offset == 2 ? PaperForm.number(version: second.number, sheet: 1) : nil,
                idempotencyKey: "demo-interview-\(offset)", displayName: resident.name, language: "fr",
                portrait: .init(kind: .portrait, values: values, terms: []),
                survey: ["depuis-quand": resident.since, "associations": offset == 0 ? "yes" : "no", "ties": String(3 + offset % 3)],
                contactConsent: offset != 1, claimCode: ClaimCode.normalise(resident.code)!),
                summary: catalog.text("interview.summary"), now: now - Double(10 - offset * 3) * day)
        }
    }
}
