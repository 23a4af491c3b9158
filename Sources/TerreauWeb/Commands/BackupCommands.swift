import Crypto
import Fluent
import Foundation
import SQLKit
import SQLiteNIO
import TerreauCore
import Vapor

/// A consistent copy of an instance, taken while it runs: the database (SQLite through
/// `VACUUM INTO`, a transactional snapshot written by SQLite itself, never a copy of a file being
/// written; PostgreSQL through `pg_dump -Fc`), the uploaded files, and a manifest naming the
/// migrations applied and every file's SHA-256. Restored only into an empty database, after the
/// manifest is checked.
public enum Backup {
    struct Manifest: Codable {
        var format = 1
        var engine: String
        var createdAt: Date
        var migrations: [String]
        /// Path inside the backup → SHA-256.
        var files: [String: String]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let prefix = "terreau-"

    /// Writes `terreau-<UTC time>/` under `folder` (first as `….partiel`, renamed when complete)
    /// and returns its path; keeps the newest `keep` backups when given.
    static func run(_ app: Application, to folder: String, keep: Int? = nil, now: Date = Date()) async throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let name = prefix + formatter.string(from: now)
        let final = folder + "/" + name, partial = final + ".partiel"
        try? fm.removeItem(atPath: partial)
        try fm.createDirectory(atPath: partial, withIntermediateDirectories: true)
        let sql = app.db as! any SQLDatabase
        // The migrations first: a write that lands meanwhile is in the database copy or not,
        // and the schema cannot change under a running server.
        let migrations = try await sql.raw("SELECT name FROM _fluent_migrations ORDER BY batch, created_at, name").all()
            .map { try $0.decode(column: "name", as: String.self) }
        let engine: String
        switch app.terreauConfig.storage {
        case .sqlite:
            engine = "sqlite"
            try await sql.raw("VACUUM INTO \(bind: partial + "/database.sqlite")").run()
        case .postgres(let url):
            engine = "postgresql"
            try run("pg_dump", ["--format=custom", "--no-owner", "--file=" + partial + "/database.dump", url])
        }
        if fm.fileExists(atPath: app.terreauConfig.filesDirectory) {
            try fm.copyItem(atPath: app.terreauConfig.filesDirectory, toPath: partial + "/fichiers")
        }
        let manifest = Manifest(engine: engine, createdAt: now, migrations: migrations, files: try checksums(in: partial))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: partial + "/manifest.json"))
        try fm.moveItem(atPath: partial, toPath: final)
        if let keep {
            let all = try fm.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(prefix) && !$0.hasSuffix(".partiel") }.sorted()
            for old in all.dropLast(max(keep, 1)) { try fm.removeItem(atPath: folder + "/" + old) }
        }
        return final
    }

    /// Every regular file under `folder`, by its relative path, with its SHA-256.
    static func checksums(in folder: String) throws -> [String: String] {
        var result: [String: String] = [:]
        let fm = FileManager.default
        for case let relative as String in fm.enumerator(atPath: folder) ?? FileManager.DirectoryEnumerator() {
            var isDirectory: ObjCBool = false
            guard relative != "manifest.json", fm.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            result[relative] = try sha256(of: folder + "/" + relative)
        }
        return result
    }

    static func sha256(of path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(description: "fichier illisible : \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return HashChain.hex(hasher.finalize())
    }

    /// Runs a PostgreSQL client tool; its error output becomes the refusal.
    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(tool) a échoué (\(process.terminationStatus)) : \(message.prefix(500))")
        }
    }

    /// Restores the backup in `folder` into the configured database, which must be empty, and its
    /// files into the files folder. Refuses a corrupt backup or one taken by a newer version,
    /// naming the file or the migrations, before anything is written.
    public static func restore(_ folder: String, config: TerreauConfig) async throws -> String {
        guard let data = FileManager.default.contents(atPath: folder + "/manifest.json") else {
            throw Failure(description: "« \(folder) » n'est pas une sauvegarde de Terreau : manifest.json introuvable.")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let manifest = try? decoder.decode(Manifest.self, from: data) else {
            throw Failure(description: "manifest.json illisible dans « \(folder) » : la sauvegarde est abîmée.")
        }
        let known = Set(TerreauMigrations.all.map(\.name))
        let unknown = manifest.migrations.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw Failure(description: "sauvegarde faite par une version plus récente de Terreau (migrations inconnues : \(unknown.joined(separator: ", "))). Restaurez-la avec cette version-là, puis mettez à jour.")
        }
        for (relative, expected) in manifest.files.sorted(by: { $0.key < $1.key }) {
            guard FileManager.default.fileExists(atPath: folder + "/" + relative) else { throw Failure(description: "fichier manquant dans la sauvegarde : \(relative).") }
            guard try sha256(of: folder + "/" + relative) == expected else {
                throw Failure(description: "fichier abîmé dans la sauvegarde : \(relative) (son empreinte SHA-256 ne correspond plus au manifeste). Rien n'a été restauré.")
            }
        }
        switch (manifest.engine, config.storage) {
        case ("sqlite", .sqlite(let path)):
            try await requireEmptySQLite(path)
            let fm = FileManager.default
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
            try fm.copyItem(atPath: folder + "/database.sqlite", toPath: path)
        case ("postgresql", .postgres(let url)):
            let process = Process(), output = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["psql", url, "-tAc", "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"]
            process.standardOutput = output
            try process.run()
            let tables = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            process.waitUntilExit()
            guard tables == "0" else { throw Failure(description: "la base cible n'est pas vide (\(tables) tables) : restaurez dans une base neuve.") }
            try run("pg_restore", ["--no-owner", "--exit-on-error", "--dbname=" + url, folder + "/database.dump"])
        default:
            throw Failure(description: "sauvegarde \(manifest.engine), base configurée \(config.storage.engineName) : restaurez avec le même moteur.")
        }
        if FileManager.default.fileExists(atPath: folder + "/fichiers") {
            let fm = FileManager.default
            try fm.createDirectory(atPath: config.filesDirectory, withIntermediateDirectories: true)
            for name in try fm.contentsOfDirectory(atPath: folder + "/fichiers") where !fm.fileExists(atPath: config.filesDirectory + "/" + name) {
                try fm.copyItem(atPath: folder + "/fichiers/" + name, toPath: config.filesDirectory + "/" + name)
            }
        }
        return "Sauvegarde du \(ISO8601DateFormatter().string(from: manifest.createdAt)) restaurée (\(manifest.migrations.count) migrations, \(manifest.files.count) fichiers vérifiés). Vérifiez les chaînes : terreau verify toutes."
    }

    /// A SQLite file that does not exist yet, or holds no table.
    static func requireEmptySQLite(_ path: String) async throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let group = MultiThreadedEventLoopGroup.singleton
        let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, logger: Logger(label: "restore"), on: group.any())
        let rows = try await connection.query("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'")
        try await connection.close()
        let tables = rows.first?.column("n")?.integer ?? 0
        guard tables == 0 else { throw Failure(description: "la base cible « \(path) » n'est pas vide (\(tables) tables) : restaurez dans un fichier neuf.") }
    }
}

extension TerreauConfig.Storage {
    var engineName: String {
        switch self {
        case .sqlite: return "sqlite"
        case .postgres: return "postgresql"
        }
    }
}

/// `terreau backup [--to DIR] [--keep N]`.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "to", help: "Dossier des sauvegardes (par défaut, « sauvegardes » à côté des données).") var to: String?
        @Option(name: "keep", help: "Ne garder que les N sauvegardes les plus récentes.") var keep: Int?
    }

    var help: String { "Sauvegarde cohérente de l'instance (base, fichiers, manifeste), pendant qu'elle tourne." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let folder = signature.to ?? URL(fileURLWithPath: app.terreauConfig.filesDirectory).deletingLastPathComponent().appendingPathComponent("sauvegardes").path
        do {
            context.console.print("Sauvegarde écrite : " + (try await Backup.run(app, to: folder, keep: signature.keep)))
        } catch let failure as Backup.Failure {
            throw CommandFailure(failure.description)
        }
    }
}
