import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// `terreau bench tally`: the issue's target — a million ballots stored in a temporary SQLite
/// database for each of approval (20 options), majority judgment (20 options, 7 grades) and
/// Schulze (10 candidates), generated from a fixed seed with their hash chain. Prints, for each,
/// the count read from the database (each voter's last ballot streamed into the counter) and the
/// chain's verification, then peak memory; and the same profiles' first ballots counted by the
/// Python references of the differential suite, measured in the same run, as a per-ballot ratio.
struct TallyBenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "ballots", help: "Bulletins par méthode (1 000 000 par défaut).") var ballots: Int?
        @Option(name: "reference", help: "Bulletins comptés par la référence Python (20 000 par défaut).") var reference: Int?
        @Option(name: "python", help: "Python avec pref_voting, whalrus, majorityjudgement (par défaut TERREAU_TEST_PYTHON).") var python: String?
    }

    var help: String { "Mesure le dépouillement d'un million de bulletins lus dans la base, comparé aux références Python." }

    struct Profile {
        var method: VotingMethod
        var options: Int
        var target: Double
        var reference: String
    }

    static let profiles = [
        Profile(method: .approval, options: 20, target: 2, reference: "whalrus.RuleApproval"),
        Profile(method: .majorityJudgment, options: 20, target: 2, reference: "majorityjudgement"),
        Profile(method: .schulze, options: 10, target: 5, reference: "pref_voting beat_path"),
    ]

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        let count = signature.ballots ?? 1_000_000, sample = min(count, signature.reference ?? 20_000)
        let file = NSTemporaryDirectory() + "terreau-bench-tally-\(UUID().uuidString.prefix(8)).sqlite"
        var config = context.application.terreauConfig
        config.storage = .sqlite(path: file)
        config.backgroundWork = false
        let app = try await Application.make(.production)
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) } }
        do {
            try await configure(app, config)
            try await app.autoMigrate()
            let community = CommunityRecord(slug: "banc-d-essai", name: "Banc d'essai", description: "", contactEmail: nil, createdAt: Date())
            try await community.create(on: app.db)
            try await DecisionStore.storeFirstRules(.majority, for: community.id!, on: app.db, now: Date())
            let store = DecisionStore(database: app.db)
            let rules = try await store.governance(of: community.id!)
            console.print("Base SQLite temporaire ; \(count) bulletins par méthode (graine fixe), chaînés comme à l'enregistrement.")
            var referenceFiles: [String] = []
            for profile in Self.profiles {
                let options = (1...profile.options).map { "Option \($0)" }
                let decision = try await store.createDraft(.init(kind: .general, method: profile.method, title: "Banc \(profile.method.rawValue)", text: "",
                    options: options, grades: MajorityJudgmentTally.defaultGrades, settings: [:], proposed: nil),
                    community: community.id!, author: nil, rules: rules, now: Date())
                let started = Date()
                let referenceFile = NSTemporaryDirectory() + "terreau-bench-\(profile.method.rawValue)-\(UUID().uuidString.prefix(8)).jsonl"
                try await Self.generate(profile, options: options, count: count, sample: sample, decision: decision.id!, database: app.db, referenceFile: referenceFile)
                referenceFiles.append(referenceFile)
                console.print(String(format: "%@ : %d bulletins générés et enregistrés en %.1f s.", profile.method.rawValue, count, Date().timeIntervalSince(started)))

                let clock = ContinuousClock()
                var report: TallyReport?
                let counting = try await clock.measure { report = try await store.tally(decision).0 }
                let verifying = try await clock.measure { _ = try await store.verifiedHead(of: decision) }
                let seconds = MatchingBenchCommand.seconds(counting)
                console.print(String(format: "  dépouillement (lecture du dernier bulletin de chacun + décompte) : %.2f s (cible ≤ %.0f s) — %@ ; en tête : %@",
                    seconds, profile.target, seconds <= profile.target ? "tenu" : "NON TENU", report?.ranking.first?.joined(separator: " = ") ?? "—"))
                console.print(String(format: "  vérification de la chaîne d'empreintes : %.2f s", MatchingBenchCommand.seconds(verifying)))
                let python = signature.python ?? Environment.get("TERREAU_TEST_PYTHON")
                if let python, let reference = Self.python(python, profile: profile, file: referenceFile, options: options) {
                    let ours = seconds / Double(count), theirs = reference / Double(sample)
                    console.print(String(format: "  référence Python (%@) sur les %d premiers bulletins : %.2f s, soit %.1f µs par bulletin contre %.2f µs ici (%.0f× plus rapide)",
                        profile.reference, sample, reference, theirs * 1e6, ours * 1e6, theirs / max(ours, 1e-12)))
                } else {
                    console.print("  référence Python indisponible (--python ou TERREAU_TEST_PYTHON, avec Tests/differential/requirements.txt installés).")
                }
            }
            for file in referenceFiles { try? FileManager.default.removeItem(atPath: file) }
            console.print(String(format: "Mémoire maximale du processus : %.0f Mio (cible ≤ 256 Mio)", MatchingBenchCommand.peakMemoryMiB()))
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Writes `count` ballots with their chain, 500 rows per statement; the first `sample` also go
    /// to a JSON-lines file for the Python reference.
    static func generate(_ profile: Profile, options: [String], count: Int, sample: Int, decision: UUID, database: any Database,
                         referenceFile: String) async throws {
        var random = SeededRandom(seed: 8 + UInt64(profile.options))
        var previous = HashChain.genesis
        FileManager.default.createFile(atPath: referenceFile, contents: nil)
        let reference = try FileHandle(forWritingTo: URL(fileURLWithPath: referenceFile))
        defer { try? reference.close() }
        let grades = MajorityJudgmentTally.defaultGrades
        func ballot() -> String {
            switch profile.method {
            case .approval:
                return DecisionStore.json(options.filter { _ in random.next() % 10 < 3 })
            case .majorityJudgment:
                // Each option has its own leaning, so the medians differ as in a real vote.
                return DecisionStore.json(Dictionary(uniqueKeysWithValues: options.enumerated().map { index, name in
                    (name, grades[min(6, (index % 5) + Int(random.next() % 3))])
                }))
            default:
                var order = options
                for index in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(index, Int(random.next() % UInt64(index + 1))) }
                return DecisionStore.json(order)
            }
        }
        var position = 0
        while position < count {
            let batch = min(500, count - position)
            var rows: [SQLQueryString] = []
            var lines = ""
            for _ in 0..<batch {
                position += 1
                let content = ballot(), key = "receipt:\(position)"
                previous = HashChain.hash(previous: previous, content: DecisionStore.chained(key: key, content: content))
                rows.append("(\(bind: UUID()), \(bind: decision), \(bind: position), \(bind: key), \(bind: content), \(bind: previous))")
                if position <= sample { lines += content + "\n" }
            }
            let sql = database as! any SQLDatabase
            try await sql.raw("INSERT INTO ballots (id, decision_id, position, ballot_key, content, hash) VALUES \(rows.joined(separator: ", "))").run()
            if !lines.isEmpty { reference.write(Data(lines.utf8)) }
        }
    }

    /// Seconds the Python reference takes on the sample, timed inside Python (interpreter start
    /// and file reading left out), or nil when it cannot run.
    static func python(_ executable: String, profile: Profile, file: String, options: [String]) -> Double? {
        let script: String
        switch profile.method {
        case .approval:
            script = """
                import json, sys, time
                from whalrus import BallotLevels, RuleApproval, ScaleRange
                options = json.loads(sys.argv[2]); ballots = [json.loads(l) for l in open(sys.argv[1])]
                t = time.perf_counter()
                levels = [BallotLevels({c: int(c in b) for c in options}, scale=ScaleRange(0, 1)) for b in ballots]
                RuleApproval(levels, candidates=set(options)).order_
                print(time.perf_counter() - t)
                """
        case .majorityJudgment:
            script = """
                import json, sys, time, importlib.util, pathlib
                sys.path.insert(0, str(pathlib.Path(importlib.util.find_spec("majorityjudgement").origin).parent))
                from grading import MajorityJudgement
                options = json.loads(sys.argv[2]); ballots = [json.loads(l) for l in open(sys.argv[1])]
                grades = ["à rejeter", "insuffisant", "passable", "assez bien", "bien", "très bien", "excellent"]
                t = time.perf_counter()
                tallies = {c: [0] * 7 for c in options}
                for b in ballots:
                    for c, g in b.items(): tallies[c][grades.index(g)] += 1
                sorted(options, key=lambda c: MajorityJudgement(tallies[c]), reverse=True)
                print(time.perf_counter() - t)
                """
        default:
            script = """
                import json, sys, time
                from pref_voting.profiles import Profile
                from pref_voting.voting_methods import beat_path
                options = json.loads(sys.argv[2]); ballots = [json.loads(l) for l in open(sys.argv[1])]
                t = time.perf_counter()
                index = {c: i for i, c in enumerate(options)}
                beat_path(Profile([[index[c] for c in b] for b in ballots]))
                print(time.perf_counter() - t)
                """
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", script, file, DecisionStore.json(options)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Poll: waitUntilExit can hang under Swift's concurrency runtime.
        while process.isRunning { usleep(50_000) }
        guard process.terminationStatus == 0 else { return nil }
        return Double(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
