import Fluent
import TerreauCore
import Vapor

/// Sessions live in the database so that several instances behind a load balancer share them.
struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await SessionRecord.migration.prepare(on: database).get()
    }

    func revert(on database: any Database) async throws {
        try await SessionRecord.migration.revert(on: database).get()
    }
}
