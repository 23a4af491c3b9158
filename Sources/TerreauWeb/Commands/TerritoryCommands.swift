import Foundation
import TerreauCore
import Vapor

struct TerritoryCommandGroup: AsyncCommandGroup {
    var help: String { "Données de référence du territoire (code officiel géographique, populations, contours)." }
    var commands: [String: any AnyAsyncCommand] { ["import": TerritoryImportCommand()] }
}

/// Who ran a command, as the journal and the import records name them: the account that used
/// sudo, otherwise the shell's user.
enum OperatorName {
    static var current: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["SUDO_USER"] ?? environment["USER"] ?? "inconnu"
    }
}

struct TerritoryImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "from", help: "Dossier contenant cog/regions.csv, cog/departements.csv, cog/communes.csv, cog/mouvements-communes.csv et cog/donnees_communes.csv.")
        var from: String?
        @Option(name: "regions", help: "Fichier des régions (COG, séparateur « , »).")
        var regions: String?
        @Option(name: "departements", help: "Fichier des départements (COG, séparateur « , »).")
        var departements: String?
        @Option(name: "communes", help: "Fichier des communes (COG, séparateur « , »).")
        var communes: String?
        @Option(name: "mouvements", help: "Historique des communes (COG, séparateur « , »).")
        var movements: String?
        @Option(name: "populations", help: "Populations légales (INSEE, séparateur « ; »).")
        var populations: String?
        @Option(name: "contours", help: "Contours des communes (GeoJSON, propriétés code et nom).")
        var boundaries: String?
        @Option(name: "departement", help: "Limiter aux départements indiqués (par exemple 38 ou 38,73) ; les autres restent tels quels.")
        var departement: String?
        @Flag(name: "dry-run", help: "Dire ce qui changerait, sans rien enregistrer.")
        var dryRun: Bool
        @Flag(name: "force", help: "Importer même si des communes utilisées par des communautés disparaissent sans commune d'accueil.")
        var force: Bool
    }

    var help: String { "Importe le territoire de référence par département, en une seule transaction : tout ou rien ; les autres départements restent tels quels." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let base = signature.from.map { TerritoryImporter.Paths.standard(in: $0, boundaries: nil) }
        func path(_ value: String?, _ fallback: String?, option: String) throws -> String {
            guard let path = value ?? fallback else {
                throw CommandFailure("option --\(option) manquante (ou indiquez --from DOSSIER).")
            }
            return path
        }
        let paths = TerritoryImporter.Paths(
            regions: try path(signature.regions, base?.regions, option: "regions"),
            departements: try path(signature.departements, base?.departements, option: "departements"),
            communes: try path(signature.communes, base?.communes, option: "communes"),
            movements: try path(signature.movements, base?.movements, option: "mouvements"),
            populations: try path(signature.populations, base?.populations, option: "populations"),
            boundaries: signature.boundaries)
        let scope = signature.departement.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }) }
        let app = context.application
        let bar = TerminalProgress()
        let operatorName = OperatorName.current
        do {
            let (dataset, update) = try await TerritoryImporter(database: app.db).run(
                paths, scope: scope, force: signature.force, dryRun: signature.dryRun, operatorName: operatorName, now: Date(), progress: bar.update)
            bar.finish()
            if signature.dryRun {
                context.console.print("Essai (--dry-run) : rien n'a été enregistré. L'import changerait :")
                for line in update.report { context.console.print(line) }
                return
            }
            for line in TerritoryImporter.report(dataset) + update.report { context.console.print(line) }
        } catch let failure as ImportFailure {
            bar.finish()
            throw CommandFailure("import refusé, rien n'a été enregistré.\n" + failure.description)
        } catch let refusal as TerritoryStore.Refusal {
            bar.finish()
            throw CommandFailure(refusal.description)
        }
    }
}

/// A command error shown to the operator as is, in French.
struct CommandFailure: Error, CustomStringConvertible, LocalizedError {
    var description: String
    init(_ description: String) { self.description = "Erreur : " + description }
    var errorDescription: String? { description }
}

/// A progress bar on standard error, drawn only when it is a terminal (logs and CI stay clean).
final class TerminalProgress: @unchecked Sendable {
    private let enabled = isatty(STDERR_FILENO) != 0
    private let lock = NSLock()
    private var lastDrawn = ""

    func update(_ step: String, _ done: Int, _ total: Int) {
        guard enabled else { return }
        lock.withLock {
            let line = ProgressBar.line(label: step, done: done, total: total)
            guard line != lastDrawn else { return }
            lastDrawn = line
            FileHandle.standardError.write(Data(("\r" + line).utf8))
        }
    }

    func finish() {
        guard enabled else { return }
        lock.withLock {
            if !lastDrawn.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
            lastDrawn = ""
        }
    }
}
