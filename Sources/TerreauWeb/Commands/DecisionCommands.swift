import Fluent
import Foundation
import TerreauCore
import Vapor

/// `terreau recount DECISION`: counts a closed decision's ballots afresh and compares the
/// result and the log's head hash with what was stored at the close (R3: the stored tally always
/// equals a recount). Exits with an error when they differ.
struct RecountCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "decision", help: "Identifiant de la décision (dans son adresse).") var decision: String
    }

    var help: String { "Recompte une décision close à partir de ses bulletins et compare avec le résultat enregistré." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = DecisionStore(database: context.application.db)
        guard let id = UUID(uuidString: signature.decision), let decision = try await DecisionRecord.find(id, on: context.application.db) else {
            throw CommandFailure("décision « \(signature.decision) » introuvable.")
        }
        guard let stored = decision.result.flatMap({ try? JSONDecoder().decode(TallyReport.self, from: Data($0.utf8)) }) else {
            throw CommandFailure("« \(decision.title) » n'est pas close : rien à recompter.")
        }
        let (fresh, _, head) = try await store.count(decision)
        context.console.print("« \(decision.title) » : \(fresh.ballots) bulletin(s) ; classement \(fresh.ranking.map { $0.joined(separator: " = ") }.joined(separator: " > "))")
        guard fresh == stored, head == decision.headHash else {
            throw CommandFailure("le recomptage diffère du résultat enregistré (empreinte enregistrée \(decision.headHash ?? "—"), recalculée \(head)).")
        }
        context.console.print("Identique au résultat enregistré ; empreinte du journal \(head).")
    }
}

/// `terreau verify [DECISION]`: walks the hash chain of one decision's ballot log, or of every
/// decision's, and names the first row that was edited, removed or reordered (R6).
struct VerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "decision", help: "Identifiant d'une décision ; toutes si « toutes ».") var decision: String
    }

    var help: String { "Vérifie la chaîne d'empreintes des journaux de bulletins (toutes les décisions avec « toutes »)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let database = context.application.db
        var decisions = try await DecisionRecord.query(on: database).sort(\.$createdAt).all()
        if signature.decision != "toutes" {
            guard let id = UUID(uuidString: signature.decision) else { throw CommandFailure("« \(signature.decision) » n'est pas un identifiant de décision.") }
            decisions = decisions.filter { $0.id == id }
            if decisions.isEmpty { throw CommandFailure("décision « \(signature.decision) » introuvable.") }
        }
        var broken = 0
        for decision in decisions {
            let log = try await DecisionStore(database: database).log(of: decision.id!)
            if let row = DecisionStore.firstBroken(log) {
                broken += 1
                context.console.print("ALTÉRÉ « \(decision.title) » (\(decision.id!.uuidString)) : la ligne \(row + 1) du journal ne suit plus la précédente.")
            } else if let head = decision.headHash, head != (log.last?.hash ?? HashChain.genesis) {
                broken += 1
                context.console.print("ALTÉRÉ « \(decision.title) » : l'empreinte publiée ne correspond plus à la fin du journal.")
            } else {
                context.console.print("intact « \(decision.title) » : \(log.count) ligne(s).")
            }
        }
        if broken > 0 { throw CommandFailure("\(broken) journal(aux) altéré(s).") }
    }
}
