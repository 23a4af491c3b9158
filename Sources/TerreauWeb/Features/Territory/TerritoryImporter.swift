import Crypto
import Fluent
import Foundation
import TerreauCore

/// Reads the territory files from disk, validates them (pure), then stores them in one
/// transaction. Shared by `terreau territory import` and `terreau demo`.
struct TerritoryImporter {
    struct Paths {
        var regions: String
        var departements: String
        var communes: String
        var movements: String
        var populations: String
        var boundaries: String?

        /// The layout of the official files as published (`cog/…`, as in shared/data).
        static func standard(in directory: String, boundaries: String?) -> Paths {
            let cog = directory.hasSuffix("/") ? directory + "cog/" : directory + "/cog/"
            return Paths(
                regions: cog + "regions.csv", departements: cog + "departements.csv", communes: cog + "communes.csv",
                movements: cog + "mouvements-communes.csv", populations: cog + "donnees_communes.csv", boundaries: boundaries)
        }

        /// The Isère subset shipped for the demo (Resources/Demo/territory, see its SOURCES.md).
        static func demo(resources: String) -> Paths {
            let directory = resources + "Demo/territory/"
            return Paths(
                regions: directory + "regions.csv", departements: directory + "departements.csv",
                communes: directory + "communes-38.csv", movements: directory + "mouvements-38.csv",
                populations: directory + "populations-38.csv", boundaries: directory + "communes-38-isere.geojson")
        }
    }

    let database: any Database

    /// Fails with an `ImportFailure` naming the file (and line) when anything is wrong, or with
    /// `TerritoryStore.Refusal` when communities would lose communes; in both cases nothing has
    /// been written.
    func run(_ paths: Paths, scope: Set<String>?, force: Bool = false, dryRun: Bool = false, operatorName: String, now: Date,
             progress: @escaping TerritoryStore.Progress = { _, _, _ in }) async throws -> (dataset: TerritoryDataset, update: TerritoryUpdate)
    {
        var files: [(name: String, sha256: String)] = []
        func read(_ path: String, option: String) throws(ImportFailure) -> SourceFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ImportFailure(issues: [ImportIssue(file: path, message: "fichier introuvable ou illisible (option --\(option)).")])
            }
            files.append(((path as NSString).lastPathComponent, HashChain.hex(SHA256.hash(data: data))))
            return SourceFile(name: (path as NSString).lastPathComponent, data: data)
        }
        let sources = TerritorySources(
            regions: try read(paths.regions, option: "regions"),
            departements: try read(paths.departements, option: "departements"),
            communes: try read(paths.communes, option: "communes"),
            movements: try read(paths.movements, option: "mouvements"),
            populations: try read(paths.populations, option: "populations"),
            boundaries: try paths.boundaries.map { path throws(ImportFailure) in try read(path, option: "contours") })
        let dataset = try TerritoryParser.parse(sources, only: scope)
        let update = try await TerritoryStore(database: database).update(
            with: dataset, scope: scope, force: force, dryRun: dryRun, source: .init(operatorName: operatorName, files: files), at: now, progress: progress)
        return (dataset, update)
    }

    /// The summary an operator reads after an import.
    static func report(_ dataset: TerritoryDataset) -> [String] {
        let fr = Language.fr
        let report = dataset.boundaryReport
        var lines = [
            "Import terminé.",
            "  régions : \(fr.format(dataset.regions.count)) ; départements : \(fr.format(dataset.departements.count))",
            "  communes actuelles : \(fr.format(dataset.currentCommunes.count)) ; anciennes communes et arrondissements : \(fr.format(dataset.communes.count - dataset.currentCommunes.count))",
            "  lignes d'historique : \(fr.format(dataset.movements.count))",
        ]
        if !dataset.populationsWithoutCommune.isEmpty {
            lines.append("  populations sans commune actuelle (millésime différent) : \(dataset.populationsWithoutCommune.count) — \(dataset.populationsWithoutCommune.prefix(10).joined(separator: ", "))")
        }
        if report.matchedDirectly + report.mappedThroughHistory.count + report.unmatched.count > 0 {
            lines.append("  contours : \(fr.format(report.matchedDirectly)) rapprochés directement, \(report.mappedThroughHistory.count) par l'historique des fusions, \(report.unmatched.count) non rapprochés")
            for mapping in report.mappedThroughHistory {
                lines.append("    fusion : \(mapping.oldCode) \(mapping.oldName) → \(mapping.currentCode)")
            }
            for unmatched in report.unmatched {
                lines.append("    non rapproché : \(unmatched.code) \(unmatched.name)")
            }
            if !report.communesWithoutBoundary.isEmpty {
                lines.append("  communes actuelles sans contour : \(report.communesWithoutBoundary.count) — \(report.communesWithoutBoundary.prefix(20).joined(separator: ", "))")
            }
        }
        return lines
    }
}
