import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// `terreau bench export`: writes 1,000,000 public needs (by default) into a fresh SQLite
/// database, then exports them as the open data's CSV — the same code as
/// `/c/<slug>/donnees/besoins.csv`, batches read by id and written as they come — and, on the
/// same rows, with the `sqlite3` command-line tool (`-csv`) when it is installed. Prints both
/// times, their ratio (target ≥ 0.15) and how much the resident memory grew during the export
/// (target ≤ 64 MiB).
struct ExportBenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "rows", help: "Nombre de lignes (1 000 000 par défaut).") var rows: Int?
        @Option(name: "database", help: "Fichier SQLite à garder (réutilisé s'il contient déjà les lignes) au lieu d'une base temporaire.") var database: String?
    }

    var help: String { "Mesure l'export des données ouvertes (CSV) sur un million de lignes, comparé à sqlite3 -csv." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let file = signature.database ?? NSTemporaryDirectory() + "terreau-export-\(UUID().uuidString.prefix(8)).sqlite"
        var config = context.application.terreauConfig
        config.storage = .sqlite(path: file)
        config.backgroundWork = false
        let app = try await Application.make(.production)
        defer { if signature.database == nil { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) } } }
        do {
            try await configure(app, config)
            try await measure(app, file: file, rows: signature.rows ?? 1_000_000, console: context.console)
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// The resident set size now, from /proc (Linux).
    static func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib / 1024
    }

    func measure(_ app: Application, file: String, rows: Int, console: any Console) async throws {
        func say(_ text: String) { console.print(text) }
        try await app.autoMigrate()
        try await DemoSeed.ensure(on: app.db, resources: app.directory.resourcesDirectory, logger: app.logger)
        guard let community = try await CommunityStore(database: app.db).find(slug: "grenoble-alpes") else { throw CommandFailure("communauté de démonstration absente") }
        let sql = app.db as! any SQLDatabase
        let present = try await InventoryItemRecord.query(on: app.db).filter(\.$kind == "need").count()
        if present < rows {
            say("Génération de \(rows) besoins publics (une requête SQL, sans les déclencheurs de recherche)…")
            let started = ContinuousClock.now
            for trigger in ["inventory_fts_insert", "inventory_generation_insert"] { try await sql.raw("DROP TRIGGER IF EXISTS \(ident: trigger)").run() }
            try await sql.raw("""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(literal: rows))
                INSERT INTO inventory_items (id, community_id, kind, title, visibility, commune_code, neighbourhood, for_young, availability,
                    version, fields, search_text, search_rowid, created_at, updated_at)
                SELECT upper(printf('%08X-%04X-4%03X-A%03X-%012X', i, i % 65536, i % 4096, i % 4096, i * 7919)), \(bind: community.id!), 'need',
                    'Besoin n° ' || i || ', « bénévoles » pour l''atelier', 'public', '38185', NULL, 0, 'sat-morning',
                    1, json_object('title', 'Besoin n° ' || i, 'description', 'Des bras, des outils, des idées — ' || i, 'need_type', 'volunteers',
                        'urgency', 'normal', 'skills', 'réparer des vélos', 'availability', 'sat-morning', 'themes', 'mobilite', 'visibility', 'public'),
                    '', i, 1800000000.0, 1800000000.0
                FROM n
                """).run()
            say(String(format: "  générés en %.1f s", InventoryBenchCommand.milliseconds(ContinuousClock.now - started) / 1000))
        }
        let catalog = OpenDataCatalog(database: app.db, community: community, catalog: app.localization[.fr])
        guard let dataset = catalog.datasets.first(where: { $0.name == "besoins" }) else { return }
        let places = try await CommunityPlaces.load(community, on: app.db)
        let types = dataset.fields.map(\.type)

        // Terreau's export: batches by id, each turned into CSV lines and handed on at once.
        let before = Self.residentMiB()
        var peak = before, bytes = 0, count = 0, cursor: String?
        let started = ContinuousClock.now
        repeat {
            let batch = try await catalog.rows(of: dataset, after: cursor, places: places)
            var out = ""
            for row in batch.rows { out += CSV.line(row, types: types) }
            bytes += out.utf8.count
            count += batch.rows.count
            cursor = batch.next
            peak = max(peak, Self.residentMiB())
        } while cursor != nil
        let ours = InventoryBenchCommand.milliseconds(ContinuousClock.now - started) / 1000
        say(String(format: "Terreau : %d lignes, %.1f Mo de CSV en %.2f s (%.0f lignes/s) ; mémoire résidente %.0f → %.0f Mio (croissance %.0f Mio, cible ≤ 64)",
                   count, Double(bytes) / 1_000_000, ours, Double(count) / ours, before, peak, peak - before))

        // The reference: the sqlite3 tool writing the same rows as CSV.
        guard let tool = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            say("sqlite3 introuvable (apt-get install sqlite3) : pas de référence, pas de rapport.")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-csv", "-header", file, """
            SELECT id, title, fields, commune_code, neighbourhood, organisation_id, updated_at FROM inventory_items
            WHERE community_id = '\(community.id!.uuidString)' AND kind = 'need' AND visibility = 'public' ORDER BY id
            """]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let reference = ContinuousClock.now
        try process.run()
        process.waitUntilExit()
        let theirs = InventoryBenchCommand.milliseconds(ContinuousClock.now - reference) / 1000
        say(String(format: "sqlite3 -csv : %.2f s (%.0f lignes/s)", theirs, Double(count) / theirs))
        say(String(format: "Rapport de vitesse Terreau / sqlite3 : %.2f (cible ≥ 0,15)", theirs / ours))
    }
}
