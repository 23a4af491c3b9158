import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLiteNIO
import Vapor

/// Writers at once (finding F5), SQLite first. Each event loop holds one connection; in WAL mode two
/// of them may both want to write. Two rules make concurrent writers wait instead of failing
/// with « database is locked »:
///
/// 1. every connection waits up to `busyTimeoutMilliseconds` for the write lock (`PRAGMA busy_timeout`),
///    which is all a single statement needs;
/// 2. a transaction that read before writing cannot wait — another writer may have committed
///    since its snapshot, and SQLite answers `SQLITE_BUSY` at once — so `Database.writing`
///    runs it again from the start. It rolled back whole, so nothing is written twice.
///
/// PostgreSQL's row locks wait by themselves; a deadlock it breaks (one transaction of the two is
/// cancelled) is run again the same way.
enum ConcurrentWrites {
    static let busyTimeoutMilliseconds = 10_000
    /// How long a request waits for a pooled connection before failing: longer than the busy
    /// wait, so a burst queues (F3 found five 500s from the pool's default ten seconds).
    static let poolTimeout = TimeAmount.seconds(30)

    /// Sets the busy timeout on the one connection of every event loop's pool (they are kept
    /// open for the life of the process).
    static func configure(_ app: Application) async throws {
        for loop in app.eventLoopGroup.makeIterator() {
            guard let database = app.databases.database(.sqlite, logger: app.logger, on: loop) as? any SQLDatabase else { continue }
            try await database.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyTimeoutMilliseconds))").run()
        }
    }

    /// A write that lost a race and may simply run again: SQLite's busy answers, PostgreSQL's
    /// deadlock and serialization failures (SQLSTATE 40P01, 40001).
    static func isTransient(_ error: any Error) -> Bool {
        if let error = error as? SQLiteError {
            switch error.reason {
            case .busy, .busyInRecovery, .busyInSnapshot, .busyTimeout, .locked: return true
            default: return false
            }
        }
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] { return state == "40P01" || state == "40001" }
        return false
    }
}

extension Database {
    /// A transaction that writes: run again (after a short random pause) when another
    /// connection's write got in between; at most `attempts` times, then the error stands.
    func writing<T: Sendable>(attempts: Int = 40, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        // Inside a transaction already, the outer `writing` runs everything again.
        guard !inTransaction else { return try await transaction(body) }
        var attempt = 1
        while true {
            do {
                return try await transaction(body)
            } catch where attempt < attempts && ConcurrentWrites.isTransient(error) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 2...(10 * min(attempt, 10)))))
            }
        }
    }
}
