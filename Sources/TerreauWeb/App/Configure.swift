import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import TerreauCore
import Vapor

/// The one way to boot Terreau, used by the executable and by every test.
public func configure(_ app: Application, _ config: TerreauConfig) async throws {
    app.terreauConfig = config
    app.directory = DirectoryConfiguration(workingDirectory: config.resourcesDirectory)

    switch config.storage {
    case .sqlite(let path):
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Requests queue for the connection rather than fail: longer than a writer's busy wait.
        app.databases.use(.sqlite(.file(path), connectionPoolTimeout: ConcurrentWrites.poolTimeout, sqlLogLevel: config.sqlLogLevel), as: .sqlite)
        // WAL is a property of the file (it persists); foreign keys are enabled on every
        // connection by the driver; the default `synchronous=FULL` makes commits durable.
        try await (app.db as! any SQLDatabase).raw("PRAGMA journal_mode=WAL").run()
        try await ConcurrentWrites.configure(app)
    case .postgres(let url):
        app.databases.use(try .postgres(url: url, connectionPoolTimeout: ConcurrentWrites.poolTimeout, sqlLogLevel: config.sqlLogLevel), as: .psql)
    }
    for migration in TerreauMigrations.all { app.migrations.add(migration) }

    app.localization = try Localization(directory: URL(fileURLWithPath: app.directory.resourcesDirectory + "Localization"))

    let commonPasswords = try String(contentsOfFile: app.directory.resourcesDirectory + "Security/common-passwords.txt", encoding: .utf8)
    app.passwordPolicy = PasswordPolicy(commonPasswords: Set(commonPasswords.split(separator: "\n").map(String.init)))
    app.passwords.use(.bcrypt(cost: config.bcryptCost))

    app.inventoryCache = InventoryCache()
    app.matchingCache = MatchingCache()
    app.clock = TerreauClock()
    app.views.use(.leaf)
    app.leaf.cache.isEnabled = app.environment.isRelease
    app.leaf.tags["t"] = TranslateTag()
    app.leaf.tags["jsonld"] = JSONLDTag()
    // Raw HTML in templates is never allowed (architecture principle 4).
    app.leaf.tags["unsafeHTML"] = nil

    app.sessions.use(.fluent)
    app.sessions.configuration = SessionsConfiguration(cookieName: "terreau_session") { id in
        HTTPCookies.Value(
            string: id.string, maxAge: config.sessionAbsoluteHours * 3600, path: "/",
            isSecure: config.servesOverTLS, isHTTPOnly: true, sameSite: .lax)
    }

    app.detachedWork = DetachedWork()
    app.lifecycle.use(app.detachedWork)
    app.middleware = Middlewares()
    let draining = DrainingMiddleware()
    app.draining = draining
    app.middleware.use(draining)
    app.lifecycle.use(draining)
    app.metrics = MetricsMiddleware()
    app.middleware.use(app.metrics)
    app.middleware.use(SecurityHeadersMiddleware(hsts: config.servesOverTLS))
    app.middleware.use(ErrorPageMiddleware(environment: app.environment))
    app.middleware.use(PathLimitMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(LanguageMiddleware())
    app.middleware.use(ReadOnlyApiMiddleware())
    app.middleware.use(app.sessions.middleware)
    app.bodyLimit = BodyLimitMiddleware()
    app.middleware.use(app.bodyLimit)
    app.middleware.use(CSRFMiddleware(allowedOrigins: config.publicURL.map { [CSRFMiddleware.origin(of: $0)] } ?? []))
    app.middleware.use(TextGateMiddleware())

    registerRoutes(app)
    registerCommands(app)

    if config.backgroundWork { app.lifecycle.use(MailWorker()) }
    if config.autoMigrate { try await app.autoMigrate() }
}

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = TerreauConfig }
    private struct LocalizationKey: StorageKey { typealias Value = Localization }

    var terreauConfig: TerreauConfig {
        get { storage[ConfigKey.self]! }
        set { storage[ConfigKey.self] = newValue }
    }

    var localization: Localization {
        get { storage[LocalizationKey.self]! }
        set { storage[LocalizationKey.self] = newValue }
    }
}
