import Fluent
import Foundation
import TerreauCore
import Vapor

/// Interviews brought in from a KoboToolbox or ODK Central CSV export of Terreau's XLSForm:
/// every row checked first (consent, interviewer and their assignment in the campaign on the
/// interview's day, answers, commune), then all written in one transaction or none. A row
/// already imported, or already sent over OpenRosa, is the same interview (its instance id).
struct FieldworkImport {
    struct Created {
        var line: Int
        var instanceID: String
        var claimCode: String
    }

    struct Report {
        var created: [Created] = []
        var alreadyThere = 0
        /// Consent refused: the form ended there, nothing to keep.
        var declined = 0
    }

    let application: Application
    var catalog: MessageCatalog { application.localization[.fr] }

    func run(_ text: String, community slug: String, campaign name: String, version number: Int?, now: Date) async throws -> Report {
        let database = application.db
        guard let community = try await CommunityStore(database: database).find(slug: slug) else {
            throw CommandFailure("communauté « \(slug) » inconnue.")
        }
        let store = FieldworkStore(database: database)
        let campaigns = try await store.campaigns(of: community.id!)
        guard let campaign = campaigns.first(where: { $0.name == name }) else {
            throw CommandFailure("campagne « \(name) » inconnue ici ; campagnes : " + campaigns.map { "« \($0.name) »" }.joined(separator: ", ") + ".")
        }
        guard let version = try await store.published(number, of: community.id!) else {
            throw CommandFailure("version \(number.map(String.init) ?? "en vigueur") du questionnaire introuvable.")
        }
        let rows: [ODKExport.Row]
        do { rows = try ODKExport.rows(text) } catch { throw CommandFailure(Self.describe(error)) }

        let places = try await CommunityPlaces.load(community, on: database)
        let form = OpenRosa.form(version, community: community, places: places, catalog: catalog)
        let intake = FieldAppIntake(community: community, places: places, catalog: catalog)
        var ready: [(row: ODKExport.Row, interview: FieldworkStore.NewInterview)] = []
        var problems: [String] = []
        var report = Report()
        for row in rows {
            let moment = row.moment ?? now
            guard let person = try await interviewer(named: row.interviewer, in: community) else {
                problems.append("ligne \(row.line) : enquêteur ou enquêtrice « \(row.interviewer) » inconnu dans cette communauté (colonne enqueteur).")
                continue
            }
            let assignments = try await store.runningAssignments(of: person, in: community.id!, at: moment).filter { $0.$campaign.id == campaign.id }
            let labels = try await FieldAppIntake.skillLabels(row.values, form: form, community: community.id!, on: database)
            let answers = form.answers(row.values, formID: form.formID, version: version.number, instanceID: row.instanceID, skillLabel: { labels[$0] })
            switch intake.check(answers, version: version, interviewer: person, assignments: assignments, campaign: campaign.id,
                                mayInterviewUnassigned: false, claimCode: ClaimCode.normalise(ClaimCode.generate())!, language: Language.fr.rawValue) {
            case .declined: report.declined += 1
            case .refused(let messages): problems.append("ligne \(row.line) : " + messages.joined(separator: " ; "))
            case .ready(let interview): ready.append((row, interview))
            }
        }
        guard problems.isEmpty else {
            let shown = problems.prefix(20).joined(separator: "\n")
            throw CommandFailure("fichier refusé, rien n'est enregistré.\n" + shown + (problems.count > 20 ? "\n… et \(problems.count - 20) autre(s) ligne(s)." : ""))
        }
        let summary = catalog.text("odk.summary"), toWrite = ready
        let outcomes = try await database.writing { database in
            var outcomes: [(created: Bool, row: ODKExport.Row, code: String)] = []
            for (row, interview) in toWrite {
                let recorded = try await FieldAppIntake.record(interview, summary: summary, now: row.moment ?? now, on: database)
                if case .created = recorded { outcomes.append((true, row, interview.claimCode)) } else { outcomes.append((false, row, "")) }
            }
            return outcomes
        }
        for outcome in outcomes {
            if outcome.created {
                report.created.append(Created(line: outcome.row.line, instanceID: outcome.row.instanceID, claimCode: ClaimCode.format(outcome.code)))
            } else {
                report.alreadyThere += 1
            }
        }
        return report
    }

    /// The person a row names: an app password's user name, else an account's e-mail address —
    /// registered as an interviewer here.
    func interviewer(named name: String, in community: CommunityRecord) async throws -> UUID? {
        let database = application.db
        guard !name.isEmpty else { return nil }
        var person = try await AppPasswordStore(database: database).any(username: name).flatMap { $0.$community.id == community.id ? $0.$person.id : nil }
        if person == nil { person = try await AccountRecord.query(on: database).filter(\.$email == name.lowercased()).first()?.$person.id }
        guard let person, try await FieldworkStore(database: database).interviewer(person, in: community.id!) != nil else { return nil }
        return person
    }

    static func describe(_ problem: ODKExport.Problem) -> String {
        switch problem {
        case .empty: return "le fichier ne contient aucune ligne de réponses."
        case .unreadable(.unterminatedQuote(let line)): return "ligne \(line) : un guillemet ouvert n'est jamais fermé."
        case .unreadable(.strayQuote(let line)): return "ligne \(line) : un guillemet est suivi d'autre chose qu'un séparateur."
        case .noInstanceColumn: return "aucune colonne d'identifiant d'envoi (meta-instanceID, meta/instanceID, KEY ou _uuid) : est-ce bien un export Kobo ou ODK Central ?"
        case .missingInstanceID(let line): return "ligne \(line) : identifiant d'envoi absent ou illisible."
        case .duplicate(let line, let first): return "ligne \(line) : même identifiant d'envoi qu'à la ligne \(first)."
        case .badMoment(let line, let value): return "ligne \(line) : date « \(value.prefix(40)) » illisible (attendu : 2026-11-03T10:12:00+01:00)."
        case .wrongWidth(let line): return "ligne \(line) : le nombre de colonnes ne correspond pas à l'en-tête."
        }
    }
}

struct FieldworkCommandGroup: AsyncCommandGroup {
    var help: String { "Enquête de terrain : importer des entretiens saisis dans KoboToolbox ou ODK Central." }
    var commands: [String: any AnyAsyncCommand] { ["import": FieldworkImportCommand()] }
}

struct FieldworkImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Export CSV (Kobo ou ODK Central) d'un formulaire fait depuis l'XLSForm de Terreau.")
        var file: String
        @Option(name: "community", help: "Adresse courte de la communauté (grenoble-alpes).")
        var community: String?
        @Option(name: "campaign", help: "Nom de la campagne où ranger les entretiens.")
        var campaign: String?
        @Option(name: "version", help: "Version du questionnaire remplie (par défaut, celle en vigueur).")
        var version: Int?
    }

    var help: String { "Importe un export CSV de KoboToolbox ou d'ODK Central : tout ou rien, erreurs numérotées par ligne, sans doublon." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let slug = signature.community else { throw CommandFailure("option --community manquante.") }
        guard let campaign = signature.campaign else { throw CommandFailure("option --campaign manquante.") }
        if signature.file.lowercased().hasSuffix(".xlsx") {
            throw CommandFailure("« \(signature.file) » : exportez le formulaire en CSV depuis Kobo ou ODK Central (le format XLSX n'est pas lu).")
        }
        guard let data = FileManager.default.contents(atPath: signature.file) else { throw CommandFailure("fichier « \(signature.file) » illisible.") }
        guard let text = String(validating: data, as: UTF8.self) else { throw CommandFailure("« \(signature.file) » n'est pas en UTF-8.") }
        let report = try await FieldworkImport(application: context.application).run(text, community: slug, campaign: campaign,
                                                                                        version: signature.version, now: Date())
        context.console.print("\(report.created.count) entretien(s) importé(s), \(report.alreadyThere) déjà présent(s), \(report.declined) refus (rien d'enregistré).")
        if !report.created.isEmpty { context.console.print("Codes à remettre aux personnes (par l'enquêteur ou l'enquêtrice) :") }
        for created in report.created { context.console.print("ligne \(created.line)\t\(created.instanceID)\t\(created.claimCode)") }
    }
}
