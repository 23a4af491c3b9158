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

/// `terreau verify DECISION|journal|toutes`: walks the hash chain of one decision's ballot log,
/// of every community's public journal (`journal`), or of all of them (`toutes`), and names the
/// every row that was edited, removed or reordered (R6).
struct VerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "Identifiant d'une décision, « journal » pour les journaux publics, « toutes » pour tout.") var what: String
    }

    var help: String { "Vérifie les chaînes d'empreintes : bulletins d'une décision, journaux publics (« journal ») ou tout (« toutes »)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let database = context.application.db
        var broken = 0
        if signature.what == "journal" || signature.what == "toutes" {
            for community in try await CommunityRecord.query(on: database).sort(\.$slug).all() {
                let chain = try await JournalStore(database: database).chain(of: community.id!)
                let rows = JournalChain.brokenRows(chain)
                if !rows.isEmpty {
                    broken += 1
                    for row in rows { context.console.print("ALTÉRÉ journal de « \(community.name) » : la ligne \(row) ne suit plus la précédente.") }
                } else {
                    context.console.print("intact journal de « \(community.name) » : \(chain.count) ligne(s), empreinte \(chain.last?.hash ?? HashChain.genesis).")
                }
            }
        }
        if signature.what != "journal" {
            var decisions = try await DecisionRecord.query(on: database).sort(\.$createdAt).all()
            if signature.what != "toutes" {
                guard let id = UUID(uuidString: signature.what) else { throw CommandFailure("« \(signature.what) » n'est ni un identifiant de décision, ni « journal », ni « toutes ».") }
                decisions = decisions.filter { $0.id == id }
                if decisions.isEmpty { throw CommandFailure("décision « \(signature.what) » introuvable.") }
            }
            for decision in decisions {
                let log = try await DecisionStore(database: database).log(of: decision.id!)
                let rows = DecisionStore.brokenRows(log)
                if !rows.isEmpty {
                    broken += 1
                    for row in rows {
                        context.console.print("ALTÉRÉ « \(decision.title) » (\(decision.id!.uuidString)) : la ligne \(row + 1) du journal ne suit plus la précédente.")
                    }
                } else if let head = decision.headHash, head != (log.last?.hash ?? HashChain.genesis) {
                    broken += 1
                    context.console.print("ALTÉRÉ « \(decision.title) » : l'empreinte publiée ne correspond plus à la fin du journal.")
                } else {
                    context.console.print("intact « \(decision.title) » : \(log.count) ligne(s).")
                }
            }
        }
        if broken > 0 { throw CommandFailure("\(broken) journal(aux) altéré(s).") }
    }
}
