import Fluent
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
    static func with<T>(_ engine: Engine, _ body: (Application) async throws -> T) async throws -> T {
        let name = "terreau_test_\(UUID().uuidString.prefix(8).lowercased())"
        let storage: TerreauConfig.Storage
        var cleanup: @Sendable () async throws -> Void = {}
        switch engine {
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
        let config = TerreauConfig(storage: storage, autoMigrate: true, resourcesDirectory: root + "/")
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
    @Test("storage tests also run on PostgreSQL", .enabled(if: Engine.postgresURL != nil, "skipped: no PostgreSQL (set TERREAU_TEST_POSTGRES_URL)"))
    func postgresIsTested() {
        #expect(Engine.available.contains(.postgres))
    }
}
