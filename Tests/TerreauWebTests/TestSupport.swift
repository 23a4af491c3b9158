import Fluent
import NIOConcurrencyHelpers
import FluentPostgresDriver
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import TerreauWeb

/// The storage engines every storage-touching test runs on: SQLite always, PostgreSQL when
/// TERREAU_TEST_POSTGRES_URL points at a server (`.ci/run` starts one).
enum Engine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static let postgresURL = ProcessInfo.processInfo.environment["TERREAU_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static var available: [Engine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
    var testDescription: String { rawValue }
}

enum TestApp {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Boots the real application (the same `configure` as production) on a fresh, empty database
    /// of the given engine, runs the body, then throws the database away.
    static func with<T>(_ engine: Engine, database: String? = nil, configure adjust: (inout TerreauConfig) -> Void = { _ in }, _ body: (Application) async throws -> T) async throws -> T {
        let name = "terreau_test_\(UUID().uuidString.prefix(8).lowercased())"
        let storage: TerreauConfig.Storage
        var cleanup: @Sendable () async throws -> Void = {}
        switch engine {
        case .sqlite where database != nil:
            storage = .sqlite(path: database!)
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
            storage = .sqlite(path: directory + "/terreau.sqlite")
            cleanup = { try? FileManager.default.removeItem(atPath: directory) }
        case .postgres:
            let admin = try #require(Engine.postgresURL)
            try await postgresAdmin(admin, "CREATE DATABASE \(name)")
            var components = try #require(URLComponents(string: admin))
            components.path = "/" + name
            storage = .postgres(url: try #require(components.string))
            cleanup = { try await postgresAdmin(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        }
        // bcrypt at its lowest cost keeps the suite fast; production uses 12.
        var config = TerreauConfig(storage: storage, autoMigrate: true, resourcesDirectory: root + "/", bcryptCost: 4)
        adjust(&config)
        LogCapture.install()
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config)
            let result = try await body(app)
            try await app.asyncShutdown()
            try await cleanup()
            return result
        } catch {
            try? await app.asyncShutdown()
            try? await cleanup()
            throw error
        }
    }

    private static func postgresAdmin(_ url: String, _ statement: String) async throws {
        let app = try await Application.make(.testing)
        app.databases.use(try .postgres(url: url), as: .psql)
        do {
            try await (app.db as! any SQLDatabase).raw(SQLQueryString(statement)).run()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

extension Application {
    /// The Isère subset and the two demo communities, exactly as `terreau demo` creates them.
    func seedDemo() async throws {
        try await DemoSeed.ensure(on: db, resources: directory.resourcesDirectory, logger: logger)
        try await DemoPeople.ensure(on: db, resources: directory.resourcesDirectory, hash: { try Bcrypt.hash($0, cost: 4) }, now: clock.now())
    }

    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await testing().sendRequest(.GET, path, headers: headers)
    }
}

extension TestingHTTPResponse {
    var text: String { body.string }
}

@Suite("Storage engines")
struct EngineTests {
    @Test("storage tests also run on PostgreSQL", .enabled(if: Engine.postgresURL != nil, "no PostgreSQL: set TERREAU_TEST_POSTGRES_URL to run the storage tests on it too"))
    func postgresIsTested() {
        #expect(Engine.available.contains(.postgres))
    }
}

/// A browser for tests: keeps cookies, reads the CSRF token from the last form it saw, and
/// does not follow redirects (tests assert them).
final class Browser: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var csrf: String?
    var address: String
    /// Sent with every request (an `Accept` for the JSON answers of the offline mode).
    var extraHeaders: HTTPHeaders = [:]

    init(_ app: Application, address: String = "192.0.2.10") {
        self.app = app
        self.address = address
    }

    var sessionID: String? { cookies["terreau_session"] }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, body: nil)
    }

    /// Posts a form, with the session's CSRF token unless the test passes its own `_csrf`.
    @discardableResult
    func post(_ path: String, _ form: [(String, String)] = [], csrf token: Bool = true) async throws -> TestingHTTPResponse {
        var fields = form
        if token, !fields.contains(where: { $0.0 == "_csrf" }) {
            if csrf == nil { try await get("/connexion") }
            fields.append(("_csrf", csrf ?? ""))
        }
        let body = fields.map { "\(Browser.encode($0.0))=\(Browser.encode($0.1))" }.joined(separator: "&")
        return try await send(.POST, path, body: body)
    }

    /// Posts a multipart form with one file, as a browser sends an upload.
    @discardableResult
    func upload(_ path: String, _ form: [(String, String)], file: (field: String, name: String, type: String, bytes: [UInt8])) async throws -> TestingHTTPResponse {
        if csrf == nil { try await get("/connexion") }
        let boundary = "terreau-test-" + UUID().uuidString
        var body = ByteBuffer()
        for (name, value) in form + [("_csrf", csrf ?? "")] {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n")
        body.writeBytes(file.bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        // As the upload form does: the token in the address too, checked before the body is read.
        let withToken = path + (path.contains("?") ? "&" : "?") + "_csrf=" + Browser.encode(csrf ?? "")
        return try await send(.POST, withToken, body: body, contentType: HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary]))
    }

    func send(_ method: HTTPMethod, _ path: String, body: String?) async throws -> TestingHTTPResponse {
        try await send(method, path, body: body.map { ByteBuffer(string: $0) }, contentType: body == nil ? nil : .urlEncodedForm)
    }

    func send(_ method: HTTPMethod, _ path: String, body: ByteBuffer?, contentType: HTTPMediaType?) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["X-Forwarded-For": address]
        headers.add(contentsOf: extraHeaders)
        if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if let contentType { headers.contentType = contentType }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard pair.count == 2 else { continue }
            if header.contains("Max-Age=0") || header.contains("Expires=Thu, 01 Jan 1970") || pair[1].isEmpty { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        if let range = response.body.string.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) {
            csrf = String(response.body.string[range].dropFirst(#"name="_csrf" value=""#.count).dropLast())
        }
        return response
    }

    /// Signs in with a demo account (all share `DemoPeople.password`).
    func signIn(_ email: String, password: String = DemoPeople.password) async throws {
        try await get("/connexion")
        let response = try await post("/connexion", [("email", email), ("password", password)])
        #expect(response.status == .seeOther, "sign-in of \(email) answered \(response.status): \(response.body.string.prefix(300))")
    }

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }
}

extension TestingHTTPResponse {
    var location: String? { headers.first(name: .location) }
}

extension Application {
    /// The newest outbox message to an address, and the first site link in it.
    func lastMail(to address: String) async throws -> (subject: String, body: String, link: String?)? {
        // Some mail is written after the answer (a reset link): wait for it.
        await detachedWork.settle()
        guard let mail = try await OutboxRecord.query(on: db).filter(\.$toAddress == address).sort(\.$createdAt, .descending).first() else { return nil }
        let link = mail.body.range(of: #"https?://[^\s]+"#, options: .regularExpression).map { String(mail.body[$0]) }
        return (mail.subject, mail.body, link.flatMap { URL(string: $0)?.path })
    }

    func count(_ table: String) async throws -> Int {
        try await (db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()!.decode(column: "n", as: Int.self)
    }
}

/// Every log line written while tests run (quality S15 checks what never appears in them).
enum LogCapture {
    static let lines = NIOLockedValueBox<[String]>([])
    static let statements = NIOLockedValueBox<[String]>([])
    private static let installed = NIOLockedValueBox(false)

    static func install() {
        let first = installed.withLockedValue { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler = CapturingLogHandler(label: label)
            // The level production runs at. Debug and trace print database queries with their
            // values; `terreau` warns when started with them (see main.swift).
            handler.logLevel = .info
            return handler
        }
    }

    static func contains(_ text: String) -> Bool {
        lines.withLockedValue { lines in
            let found = lines.filter { $0.localizedCaseInsensitiveContains(text) }
            return !found.isEmpty
        }
    }
}

struct CapturingLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let all = self.metadata.merging(extra ?? [:]) { $1 }
        // Terreau never logs at critical: only the statement-counting test raises the database's
        // statements to it, and those lines (they carry values) are kept apart from the log S15 reads.
        let target = level == .critical ? LogCapture.statements : LogCapture.lines
        target.withLockedValue { $0.append("\(level) \(label) \(message) \(all)") }
    }
}
