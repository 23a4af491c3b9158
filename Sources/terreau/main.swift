import Foundation
import TerreauCore
import TerreauWeb
import Vapor

// `terreau tally` counts a file of ballots: no database, no configuration, nothing written.
if CommandLine.arguments.dropFirst().first == "tally" {
    exit(TallyCommandLine.run(Array(CommandLine.arguments.dropFirst(2))))
}

// Templates, catalogues and static files: the folder above the binary when it holds them (an
// installed package: /opt/terreau/bin/terreau beside /opt/terreau/Resources, whatever the working
// directory), then the working directory, otherwise the source tree this binary was built from
// (`swift run` from anywhere).
let workingDirectory = FileManager.default.currentDirectoryPath
let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let installRoot = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    .map { URL(fileURLWithPath: $0).deletingLastPathComponent().deletingLastPathComponent().path }
let resourcesRoot = [installRoot, workingDirectory, sourceRoot].compactMap { $0 }
    .first { FileManager.default.fileExists(atPath: $0 + "/Resources/Views") } ?? sourceRoot

// `terreau --version`: the version, and the commit the package was built from.
if ["--version", "version"].contains(CommandLine.arguments.dropFirst().first) {
    let text = try? String(contentsOfFile: resourcesRoot + "/BUILD-INFO", encoding: .utf8)
    print((text.map(BuildInfo.init(buildInfoText:)) ?? BuildInfo()).line)
    exit(0)
}

var environment = try Environment.detect()
try LoggingSystem.bootstrap(from: &environment)

// `terreau demo` keeps its own SQLite file, so trying the demo never touches a real instance;
// other commands reach it with TERREAU_DEMO=1 (`TERREAU_DEMO=1 terreau account confirm …`).
let isDemo = environment.arguments.dropFirst().first == "demo" || ProcessInfo.processInfo.environment["TERREAU_DEMO"] == "1"
// Mail and digests are sent by the server itself (`serve`, the default command, and `demo`),
// unless TERREAU_BACKGROUND=0 leaves them to `terreau mail deliver` from cron.
let command = environment.arguments.dropFirst().first ?? "serve"
let serves = ["serve", "demo"].contains(command) || command.hasPrefix("-")
var config: TerreauConfig
do {
    var variables = ProcessInfo.processInfo.environment
    if variables["TERREAU_RESOURCES_DIR"] == nil { variables["TERREAU_RESOURCES_DIR"] = resourcesRoot }
    config = try TerreauConfig.load(
        environment: variables, workingDirectory: resourcesRoot,
        defaultDatabaseFile: isDemo ? "demo.sqlite" : "terreau.sqlite")
    config.backgroundWork = serves && ProcessInfo.processInfo.environment["TERREAU_BACKGROUND"] != "0"
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}

// `terreau restore BACKUP` writes the database before anything opens it.
if command == "restore" {
    guard let folder = environment.arguments.dropFirst(2).first else {
        FileHandle.standardError.write(Data("Erreur : indiquez le dossier de la sauvegarde (terreau restore DOSSIER).\n".utf8))
        exit(2)
    }
    do {
        print(try await Backup.restore(folder, config: config))
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("Erreur : \(error)\n".utf8))
        exit(1)
    }
}

let app = try await Application.make(environment)
if app.logger.logLevel < .info {
    // Quality S15 holds at info and above: below it, Fluent prints queries with their values.
    app.logger.warning("LOG_LEVEL \(app.logger.logLevel) : les requêtes SQL et leurs valeurs (adresses, données personnelles) seront journalisées ; à réserver au débogage.")
}
do {
    try await configure(app, config)
    // The address `serve`/`demo` will listen on, known before they start, for the links in mail.
    let arguments = environment.arguments
    func option(_ names: Set<String>) -> String? {
        arguments.indices.dropLast().first { names.contains(arguments[$0]) }.map { arguments[$0 + 1] }
    }
    if serves {
        app.http.server.configuration.hostname = option(["--hostname", "-H"]) ?? "127.0.0.1"
        app.http.server.configuration.port = option(["--port", "-p"]).flatMap(Int.init) ?? 8080
    }
    // `serve` never runs on a database older than the binary: it says what to run instead.
    if command == "serve" || command.hasPrefix("-"), !config.autoMigrate, let refusal = try await Migrations.refusal(app) {
        FileHandle.standardError.write(Data((refusal + "\n").utf8))
        try? await app.asyncShutdown()
        exit(2)
    }
    try await app.execute()
    try await app.asyncShutdown()
} catch {
    // `execute` has already reported the error through the logger.
    try? await app.asyncShutdown()
    exit(1)
}
