import Fluent
import Foundation
import Vapor

/// The schema's state, for `migrate --dry-run`, `/readyz` and `serve`'s refusal to start on a
/// database older than the binary.
public enum Migrations {
    /// The names of the migrations this binary knows that the database has not applied, in order.
    public static func pending(_ app: Application) async throws -> [String] {
        try await app.migrator.setupIfNeeded().get()
        return try await app.migrator.previewPrepareBatch().get().map(\.0.name)
    }

    /// Why `serve` will not start, or nil when the database is up to date.
    public static func refusal(_ app: Application) async throws -> String? {
        let pending = try await pending(app)
        guard !pending.isEmpty else { return nil }
        return "La base de données n'est pas à jour : \(pending.count) migration(s) en attente (\(pending.joined(separator: ", "))). "
            + "Sauvegardez-la, puis lancez « terreau migrate -y », ou démarrez avec TERREAU_AUTO_MIGRATE=1."
    }
}

/// `terreau migrate [--dry-run] [--revert] [-y]`: Fluent's command, in French, with a dry run
/// that lists what would be applied.
struct MigrationCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "dry-run", help: "Lister les migrations en attente, sans rien appliquer.") var dryRun: Bool
        @Flag(name: "revert", help: "Annuler le dernier lot de migrations.") var revert: Bool
    }

    var help: String { "Applique les migrations en attente (-y pour ne pas demander), les liste (--dry-run) ou annule le dernier lot (--revert)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let migrator = context.application.migrator
        try await migrator.setupIfNeeded().get()
        if signature.revert {
            let batch = try await migrator.previewRevertLastBatch().get().map(\.0.name)
            guard !batch.isEmpty else { return context.console.print("Aucune migration à annuler.") }
            context.console.print("Migrations annulées : \(batch.joined(separator: ", "))")
            guard !signature.dryRun, context.console.confirm("Continuer ?") else { return }
            try await migrator.revertLastBatch().get()
            return context.console.print("Annulation faite.")
        }
        let pending = try await Migrations.pending(context.application)
        guard !pending.isEmpty else { return context.console.print("La base est à jour : aucune migration en attente.") }
        context.console.print("Migrations en attente (\(pending.count)) : \(pending.joined(separator: ", "))")
        guard !signature.dryRun else { return }
        guard context.console.confirm("Appliquer ces migrations ?") else { return context.console.print("Rien n'a été appliqué.") }
        try await migrator.prepareBatch().get()
        context.console.print("Migrations appliquées : la base est à jour.")
    }
}
