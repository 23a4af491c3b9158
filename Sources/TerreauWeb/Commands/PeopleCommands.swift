import Fluent
import Foundation
import TerreauCore
import Vapor

struct ImportCommandGroup: AsyncCommandGroup {
    var help: String { "Imports de registres publics dans une communauté." }
    var commands: [String: any AnyAsyncCommand] { ["rna": RNAImportCommand()] }
}

/// `terreau import rna FILE --community SLUG`: the Répertoire National des Associations, either
/// layout, all or nothing, idempotent.
struct RNAImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Fichier RNA (« waldec » ou « import », séparateur « ; », UTF-8 ou Latin-1).")
        var file: String
        @Option(name: "community", help: "Identifiant de la communauté (voir « terreau community list »).")
        var community: String?
        @Flag(name: "hors-territoire", help: "Rattacher aussi les associations dont la commune est hors du territoire (ou absente), marquées « hors territoire ».")
        var outsideTerritory: Bool
    }

    var help: String { "Importe les associations actives du RNA dans une communauté (tout ou rien ; relancer met à jour)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let slug = signature.community else { throw CommandFailure("option --community manquante.") }
        let app = context.application
        guard let community = try await CommunityStore(database: app.db).find(slug: slug) else {
            throw CommandFailure("communauté « \(slug) » inconnue (voir « terreau community list »).")
        }
        let bar = TerminalProgress()
        let summary: OrganisationStore.ImportSummary
        do {
            summary = try await RNAImport.run(file: signature.file, into: community, database: app.db, now: Date(),
                                              outsideTerritory: signature.outsideTerritory, operatorName: OperatorName.current, progress: bar.update)
            bar.finish()
        } catch let failure as ImportFailure {
            bar.finish()
            throw CommandFailure("import refusé, rien n'a été enregistré.\n" + failure.description
                + (failure.issues.contains { $0.message.contains("territoire") } ? "\nPour rattacher ces associations « hors territoire », relancez avec --hors-territoire." : ""))
        }
        context.console.print("Associations : \(summary.created) ajoutées, \(summary.updated) mises à jour, \(summary.skippedInactive) ignorées (dissoutes, supprimées ou reprises)"
            + (summary.outsideTerritory > 0 ? ", dont \(summary.outsideTerritory) hors territoire" : "") + ". L'import est inscrit au journal public.")
    }
}

enum RNAImport {
    /// Reads, checks against the community's territory (refusing rows elsewhere unless
    /// `outsideTerritory`), stores in one transaction, and records the import in the journal.
    static func run(file: String, into community: CommunityRecord, database: any Database, now: Date, outsideTerritory: Bool = false,
        operatorName: String, progress: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in }) async throws -> OrganisationStore.ImportSummary
    {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ImportFailure(issues: [ImportIssue(file: file, message: "fichier introuvable ou illisible.")])
        }
        progress("lecture", 0, 2)
        let name = (file as NSString).lastPathComponent
        let result = try RNAParser.parse(SourceFile(name: name, data: data))
        let territory = try await CommunityStore(database: database).territoryCodes(of: community.id!)
        let outside = RNATerritory.outside(result.associations, territory: territory, file: name)
        if !outside.isEmpty, !outsideTerritory {
            throw ImportFailure(issues: Array(outside.prefix(ImportFailure.maximumReported)), truncated: outside.count > ImportFailure.maximumReported)
        }
        progress("enregistrement", 1, 2)
        let source = ImportSource(name: name, sha256: HashChain.hex(SHA256.hash(data: data)), operatorName: operatorName)
        let summary = try await OrganisationStore(database: database).importRNA(result, into: community, outsideTerritory: outside.count,
                                                                                source: source, now: now)
        progress("terminé", 2, 2)
        return summary
    }
}

struct MailCommandGroup: AsyncCommandGroup {
    var help: String { "Courriels : envoi de la file d'attente et des résumés quotidiens." }
    var commands: [String: any AnyAsyncCommand] { ["deliver": MailDeliverCommand()] }
}

/// For instances that run the mail work from cron instead of inside the server.
struct MailDeliverCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "digests", help: "Prépare aussi les résumés quotidiens dus.")
        var digests: Bool
    }

    var help: String { "Envoie les courriels en attente (et, avec --digests, les résumés quotidiens)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if signature.digests {
            let digests = try await Notifier(app).sendDigests()
            context.console.print("Résumés préparés : \(digests)")
        }
        let sent = try await MailDelivery.deliverDue(app)
        let failed = try await OutboxRecord.query(on: app.db).filter(\.$status == "failed").count()
        let pending = try await OutboxRecord.query(on: app.db).filter(\.$status == "pending").count()
        context.console.print("Envoyés : \(sent) ; en attente : \(pending) ; abandonnés : \(failed)")
    }
}

struct SkillsCommandGroup: AsyncCommandGroup {
    var help: String { "Vocabulaire des compétences." }
    var commands: [String: any AnyAsyncCommand] { ["import": SkillsImportCommand()] }
}

/// `terreau skills import [--esco DIR] [--everyday FILE]`: the ESCO French export and the
/// everyday list (those shipped in Resources/Vocabulary by default); adds the terms not stored yet.
struct SkillsImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "esco", help: "Dossier contenant skills_fr.csv, skillGroups_fr.csv et broaderRelationsSkillPillar.csv.") var esco: String?
        @Option(name: "everyday", help: "Liste de la vie quotidienne (label;synonymes;esco).") var everyday: String?
    }

    var help: String { "Importe le vocabulaire des compétences (ESCO en français et liste de la vie quotidienne)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let shipped = app.directory.resourcesDirectory + "Vocabulary/"
        let everydayPath = signature.everyday ?? shipped + "everyday-fr.csv"
        guard let everyday = FileManager.default.contents(atPath: everydayPath) else {
            throw CommandFailure("\(everydayPath) : fichier introuvable ou illisible.")
        }
        let entries: [VocabularyEntry]
        do {
            entries = try VocabularyStore.entries(escoDirectory: signature.esco ?? shipped,
                everyday: SourceFile(name: (everydayPath as NSString).lastPathComponent, data: everyday))
        } catch let failure as ImportFailure {
            throw CommandFailure("import refusé, rien n'a été enregistré.\n" + failure.description)
        }
        let added = try await VocabularyStore(database: app.db).importShared(entries, now: Date())
        context.console.print("Vocabulaire : \(added) termes ajoutés (\(entries.count - added) déjà présents).")
    }
}
