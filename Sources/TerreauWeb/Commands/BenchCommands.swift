import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

struct BenchCommandGroup: AsyncCommandGroup {
    var help: String { "Mesures de performance sur des données générées (graine fixe), comparées à une référence mesurée dans la même exécution." }
    var commands: [String: any AnyAsyncCommand] { ["inventory": InventoryBenchCommand(), "matching": MatchingBenchCommand(), "tally": TallyBenchCommand(), "export": ExportBenchCommand()] }
}

/// `terreau bench inventory`: generates a large inventory in a fresh SQLite database (100,000
/// portraits, 10,000 organisations, 20,000 needs by default), then reports
/// - search latency (the browse page's whole query: words, visibility, facets, one page),
///   p50/p99, against a primary-key read measured in the same run;
/// - the browse page's throughput under `wrk` on loopback (quality P1), against `/healthz` on the
///   same server and, when nginx is installed, against nginx serving the same page as a file.
struct InventoryBenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "portraits", help: "Nombre de portraits (100 000 par défaut).") var portraits: Int?
        @Option(name: "organisations", help: "Nombre d'organisations (10 000 par défaut).") var organisations: Int?
        @Option(name: "needs", help: "Nombre de besoins (20 000 par défaut).") var needs: Int?
        @Option(name: "queries", help: "Nombre de recherches mesurées (400 par défaut).") var queries: Int?
        @Option(name: "seconds", help: "Durée de chaque mesure wrk (10 s par défaut).") var seconds: Int?
        @Option(name: "database", help: "Fichier SQLite à garder (réutilisé s'il contient déjà l'inventaire) au lieu d'une base temporaire.") var database: String?
    }

    var help: String { "Mesure la recherche et la page d'inventaire sur un grand inventaire généré (P1)." }

    static let queries = [
        "vélo", "jardin", "cuisine", "bénévoles", "salle", "réparer", "numérique", "papiers", "musique", "enfants", "français",
        "atelier", "prêt", "stage", "comptabilité", "personnes âgées", "sono", "photo", "couture", "randonnée",
    ]

    func run(using context: CommandContext, signature: Signature) async throws {
        let parent = context.application
        let file = signature.database ?? NSTemporaryDirectory() + "terreau-bench-\(UUID().uuidString.prefix(8)).sqlite"
        var config = parent.terreauConfig
        config.storage = .sqlite(path: file)
        config.backgroundWork = false
        let app = try await Application.make(.production)
        defer { if signature.database == nil { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) } } }
        do {
            try await configure(app, config)
            try await measure(app, signature: signature, console: context.console,
                database: signature.database.map { "Base SQLite \($0)" } ?? "Base SQLite temporaire")
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    func measure(_ app: Application, signature: Signature, console: any Console, database description: String) async throws {
        let portraits = signature.portraits ?? 100_000, organisations = signature.organisations ?? 10_000, needs = signature.needs ?? 20_000
        func say(_ text: String) { console.print(text) }
        say("\(description) ; génération (graine fixe, sautée si l'inventaire y est déjà) : \(portraits) portraits, \(organisations) organisations, \(needs) besoins…")
        let started = Date()
        try await app.autoMigrate()
        try await DemoSeed.ensure(on: app.db, resources: app.directory.resourcesDirectory, logger: app.logger)
        try await DemoInventory.ensureVocabulary(on: app.db, resources: app.directory.resourcesDirectory, now: Date())
        guard let community = try await CommunityStore(database: app.db).find(slug: "grenoble-alpes") else { throw CommandFailure("communauté de démonstration absente.") }
        // In slices, so memory stays flat whatever the size.
        var remaining = (portraits: portraits, organisations: organisations, needs: needs)
        var seed: UInt64 = 1
        if try await InventoryItemRecord.query(on: app.db).count() > 0 { remaining = (0, 0, 0) }
        while remaining.portraits + remaining.organisations + remaining.needs > 0 {
            let slice = (min(remaining.portraits, 10_000), min(remaining.organisations, 1_000), min(remaining.needs, 2_000))
            try await DemoInventory.generate(.init(slug: community.slug, seed: seed, portraits: slice.0, organisations: slice.1,
                resources: [(.need, slice.2)]), community: community, author: nil, database: app.db, now: Date())
            remaining = (remaining.portraits - slice.0, remaining.organisations - slice.1, remaining.needs - slice.2)
            seed += 1
        }
        let sql = app.db as! any SQLDatabase
        try await sql.raw("ANALYZE").run()
        let rows = try await sql.raw("SELECT COUNT(*) AS n FROM inventory_items").first()?.decode(column: "n", as: Int.self) ?? 0
        say(String(format: "Généré : %d fiches en %.1f s.", rows, Date().timeIntervalSince(started)))

        // The index, loaded once per change of the inventory.
        var clock = ContinuousClock.now
        let index = try await InventoryCache.load(community: community.id!, database: sql)
        say(String(format: "Index de l'inventaire chargé en mémoire : %d fiches en %.0f ms (une fois par modification de l'inventaire).",
            index.count, Self.milliseconds(ContinuousClock.now - clock)))

        // Search latency, every query computed afresh (no remembered results), against a primary-key read.
        let viewer = Viewer(signedIn: true, roles: [.member])
        let search = InventorySearch(database: sql, community: community.id!, viewer: viewer, me: nil, cache: InventoryCache(limit: 0))
        let sample = try await sql.raw("SELECT id FROM inventory_items LIMIT 1").first()!.decode(column: "id", as: UUID.self)
        let count = signature.queries ?? 400
        var searchTimes: [Double] = [], lookupTimes: [Double] = []
        for index in 0..<count {
            var query = InventoryQuery()
            query.text = Self.queries[index % Self.queries.count]
            query.sort = .relevance
            if index % 3 == 1 { query.kind = .need }
            if index % 4 == 2 { query.text = ""; query.sort = .recent; query.theme = "environnement" }
            if index % 5 == 3 { query.page = 3 }
            clock = ContinuousClock.now
            _ = try await search.run(query)
            searchTimes.append(Self.milliseconds(ContinuousClock.now - clock))
            clock = ContinuousClock.now
            _ = try await sql.raw("SELECT \(InventorySearch.columns) FROM inventory_items i WHERE i.id = \(bind: sample)").first()
            lookupTimes.append(Self.milliseconds(ContinuousClock.now - clock))
        }
        let (p50, p99) = (Self.percentile(searchTimes, 0.5), Self.percentile(searchTimes, 0.99))
        let (r50, r99) = (Self.percentile(lookupTimes, 0.5), Self.percentile(lookupTimes, 0.99))
        say(String(format: "Recherche (mots + visibilité + filtres + 6 facettes + tri + page), %d requêtes, sans résultats mémorisés : p50 %.2f ms, p99 %.2f ms (cible p99 ≤ 50 ms) — %@",
            count, p50, p99, p99 <= 50 ? "tenu" : "NON TENU"))
        say(String(format: "Référence, lecture par clé primaire : p50 %.3f ms, p99 %.3f ms ; rapport p50 recherche / référence : %.0f×", r50, r99, p50 / max(r50, 0.001)))

        // Throughput under wrk.
        guard let wrk = Self.executable("wrk") else {
            say("wrk absent : débit non mesuré (apt-get install wrk).")
            return
        }
        // The server's own index, loaded before measuring, as it is after the first search.
        _ = try await InventorySearch(database: sql, community: community.id!, viewer: .anonymous, me: nil, cache: app.inventoryCache).run(InventoryQuery())
        let port = 18_000 + Int.random(in: 0..<1_000)
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = port
        try await app.server.start()
        defer { Task { await app.server.shutdown() } }
        let seconds = signature.seconds ?? 10
        let page = "http://127.0.0.1:\(port)\(SiteRoute.inventory(slug: community.slug).path)"
        let health = "http://127.0.0.1:\(port)\(SiteRoute.health.path)"
        let full = try Self.wrk(wrk, page, connections: 16, seconds: seconds)
        // Half the load: wrk's own rate limit is not available, so fewer connections stand in for it.
        let light = try Self.wrk(wrk, page, connections: 2, seconds: seconds)
        let words = try Self.wrk(wrk, page + "?q=jardin", connections: 16, seconds: seconds)
        let uncached = try Self.wrk(wrk, page, connections: 16, seconds: seconds, script: Self.everyPage)
        let reference = try Self.wrk(wrk, health, connections: 16, seconds: seconds)
        say(String(format: "Page d'inventaire (\(rows) fiches), 16 connexions : %.0f req/s, p99 %@, erreurs %d (cible ≥ 500 req/s) — %@",
            full.rate, full.p99, full.errors, full.rate >= 500 && full.errors == 0 ? "tenu" : "NON TENU"))
        say(String(format: "Même page, 2 connexions (charge réduite) : %.0f req/s, p99 %@ (cible p99 ≤ 50 ms)", light.rate, light.p99))
        say(String(format: "Même page avec une recherche (« jardin »), 16 connexions : %.0f req/s, p99 %@, erreurs %d", words.rate, words.p99, words.errors))
        say(String(format: "Même page, chaque requête différente (pages 1 à 2 000 tour à tour : ni page ni résultat mémorisés), 16 connexions : %.0f req/s, p99 %@, erreurs %d",
            uncached.rate, uncached.p99, uncached.errors))
        say(String(format: "Référence /healthz, 16 connexions : %.0f req/s ; rapport page / healthz : %.2f", reference.rate, full.rate / max(reference.rate, 1)))
        if let nginx = Self.executable("nginx") {
            let ceiling = try await Self.nginxCeiling(nginx, wrk: wrk, page: page, seconds: seconds)
            say(String(format: "Plafond : la même page en fichier statique servi par nginx : %.0f req/s ; rapport Terreau / nginx : %.2f", ceiling, full.rate / max(ceiling, 1)))
        } else {
            say("nginx absent : plafond statique non mesuré (apt-get install nginx).")
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }

    static func executable(_ name: String) -> String? {
        ["/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct WrkResult { var rate: Double; var p99: String; var errors: Int }

    /// A wrk script asking for a different page each time, so that nothing remembered answers.
    static let everyPage = """
        counter = 0
        request = function()
          counter = counter + 1
          return wrk.format("GET", wrk.path .. "?page=" .. (counter % 2000 + 1))
        end
        """

    /// Runs wrk and reads its summary (requests per second, the 99th percentile, non-2xx answers).
    static func wrk(_ wrk: String, _ url: String, connections: Int, seconds: Int, script: String? = nil) throws -> WrkResult {
        var arguments = ["-t2", "-c\(connections)", "-d\(seconds)s", "--latency"]
        let scriptFile = NSTemporaryDirectory() + "terreau-wrk-\(UUID().uuidString.prefix(8)).lua"
        if let script {
            try script.write(toFile: scriptFile, atomically: true, encoding: .utf8)
            arguments += ["-s", scriptFile]
        }
        defer { try? FileManager.default.removeItem(atPath: scriptFile) }
        let output = try run(wrk, arguments + [url])
        var result = WrkResult(rate: 0, p99: "?", errors: 0)
        for line in output.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), let value = parts.last.flatMap({ Double($0) }) { result.rate = value }
            if line.hasPrefix("99%"), let value = parts.last { result.p99 = String(value) }
            if line.hasPrefix("Non-2xx"), let value = parts.last.flatMap({ Int($0) }) { result.errors += value }
            if line.hasPrefix("Socket errors") { result.errors += line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.reduce(0, +) }
        }
        return result
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = NSTemporaryDirectory() + "terreau-bench-\(UUID().uuidString.prefix(8)).txt"
        FileManager.default.createFile(atPath: output, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        while process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        try handle.close()
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// nginx on another loopback port, serving the page Terreau rendered, as a plain file.
    static func nginxCeiling(_ nginx: String, wrk tool: String, page: String, seconds: Int) async throws -> Double {
        let directory = NSTemporaryDirectory() + "terreau-nginx-\(UUID().uuidString.prefix(8))/"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard let curl = executable("curl") else { return 0 }
        try run(curl, ["-s", page]).write(toFile: directory + "page.html", atomically: true, encoding: .utf8)
        let port = 19_000 + Int.random(in: 0..<1_000)
        let conf = """
            worker_processes 2; daemon off; pid \(directory)nginx.pid; error_log \(directory)error.log;
            events { worker_connections 256; }
            http { access_log off; client_body_temp_path \(directory); proxy_temp_path \(directory); fastcgi_temp_path \(directory);
              uwsgi_temp_path \(directory); scgi_temp_path \(directory);
              server { listen 127.0.0.1:\(port); root \(directory); location / { default_type text/html; } } }
            """
        try conf.write(toFile: directory + "nginx.conf", atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: nginx)
        server.arguments = ["-c", directory + "nginx.conf", "-p", directory]
        try server.run()
        defer { server.terminate() }
        try await Task.sleep(for: .milliseconds(500))
        return try wrk(tool, "http://127.0.0.1:\(port)/page.html", connections: 16, seconds: seconds).rate
    }
}
