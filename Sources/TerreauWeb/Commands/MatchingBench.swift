import Foundation
import TerreauCore
import Vapor

/// `terreau bench matching`: the target — 20,000 needs against 100,000 portraits and
/// 10,000 organisations (plus 2,000 places and 2,000 pieces of equipment), the real vocabulary
/// (ESCO + everyday list, with its hierarchy) and a 10 × 10 grid of communes, generated from a
/// fixed seed. Prints the index build, the full recomputation on one core, one new need's
/// latency (p50/p99), peak memory, and the ratio against scoring the same needs by scanning every
/// candidate (the reference, measured in the same run).
struct MatchingBenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "portraits", help: "Nombre de portraits (100 000 par défaut).") var portraits: Int?
        @Option(name: "organisations", help: "Nombre d'organisations (10 000 par défaut).") var organisations: Int?
        @Option(name: "needs", help: "Nombre de besoins (20 000 par défaut).") var needs: Int?
    }

    var help: String { "Mesure la mise en correspondance des besoins et des ressources sur un grand inventaire généré." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        let portraits = signature.portraits ?? 100_000, organisations = signature.organisations ?? 10_000, needCount = signature.needs ?? 20_000
        let vocabulary = try VocabularyStore.shipped(resources: context.application.directory.resourcesDirectory)
        let skills = SkillGraph(vocabulary.map(SkillTerm.init))
        let (records, neighbours) = Self.generate(vocabulary: vocabulary, portraits: portraits, organisations: organisations, needs: needCount)
        let viewer = Viewer(signedIn: true, roles: [.member])
        console.print("Vocabulaire : \(skills.terms.count) termes ; inventaire généré (graine fixe) : \(portraits) portraits, \(organisations) organisations, 4 000 lieux et matériels, \(needCount) besoins.")
        console.print(String(format: "Mémoire avant l'index : %.0f Mio", Self.peakMemoryMiB()))

        let clock = ContinuousClock()
        var matcher: Matcher!
        let build = clock.measure { matcher = Matcher(records: records, skills: skills, neighbours: neighbours) }
        console.print(String(format: "Construction de l'index : %.2f s", Self.seconds(build)))

        var suggested = 0
        let full = clock.measure { suggested = matcher.matchAll(viewer: viewer).reduce(0) { $0 + $1.suggestions.count } }
        console.print(String(format: "Recalcul complet (un cœur) : %.2f s pour %d besoins, %d suggestions (cible ≤ 10 s)", Self.seconds(full), matcher.needs.count, suggested))

        // A new need each time: copies of generated needs with a fresh identity, one at a time.
        var scratch = matcher.makeScratch()
        let needs = matcher.needs.prefix(1_000).map { records[$0] }
        var latencies: [Double] = []
        for var need in needs {
            need.id = UUID()
            let elapsed = clock.measure { _ = matcher.suggestions(for: need, viewer: viewer, scratch: &scratch) }
            latencies.append(Self.seconds(elapsed) * 1000)
        }
        let p50 = InventoryBenchCommand.percentile(latencies, 0.5), p99 = InventoryBenchCommand.percentile(latencies, 0.99)
        console.print(String(format: "Un nouveau besoin : p50 %.2f ms, p99 %.2f ms, max %.2f ms (cible ≤ 50 ms)", p50, p99, latencies.max() ?? 0))

        // Reference: the same needs answered by looking at every candidate's skills in turn.
        let sample = Array(needs.prefix(50))
        let candidates = records.filter { $0.kind != .need }
        var found = 0
        let scan = clock.measure {
            for need in sample {
                let wanted = Set(need.skills)
                for candidate in candidates where candidate.skills.contains(where: wanted.contains) { found += 1 }
            }
        }
        let scanPerNeed = Self.seconds(scan) * 1000 / Double(sample.count)
        console.print(String(format: "Référence, parcours de tous les candidats (compétence exacte seulement) : %.2f ms par besoin ; rapport index / parcours : %.3f", scanPerNeed, p50 / max(scanPerNeed, 1e-9)))
        console.print(String(format: "Mémoire maximale du processus : %.0f Mio (cible ≤ 1 024 Mio)", Self.peakMemoryMiB()))
    }

    static func seconds(_ duration: Duration) -> Double { InventoryBenchCommand.milliseconds(duration) / 1000 }

    static func peakMemoryMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // kibibytes on Linux
    }

    /// Skills drawn unevenly (a few are common, most are rare) from 3,000 vocabulary terms, so
    /// that the inverted lists look like a real territory's rather than a uniform spread.
    static func generate(vocabulary: [VocabularyEntry], portraits: Int, organisations: Int, needs: Int)
        -> (records: [MatchRecord], neighbours: [String: Set<String>]) {
        var random = SeededRandom(seed: 2026)
        let skills = vocabulary.filter { $0.conceptType != "group" }
        let pool = (0..<3_000).map { _ in skills[Int(random.next() % UInt64(skills.count))].key } + vocabulary.filter { $0.source == .everyday }.map(\.key)
        func skill() -> String {
            let u = Double(random.next() % 1_000_000) / 1_000_000
            return pool[min(pool.count - 1, Int(u * u * Double(pool.count)))]
        }
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        let communes = (0..<100).map { String(format: "38%03d", $0 + 1) }
        var neighbours: [String: Set<String>] = [:]
        for index in 0..<100 {
            let (row, column) = (index / 10, index % 10)
            neighbours[communes[index]] = Set([(row - 1, column), (row + 1, column), (row, column - 1), (row, column + 1)]
                .filter { (0..<10).contains($0.0) && (0..<10).contains($0.1) }.map { communes[$0.0 * 10 + $0.1] })
        }
        let areas = (0..<300).map { "quartier-\($0)" }
        let words = ["cuisine", "jardinage", "réparation de vélos", "aide aux devoirs", "chorale", "informatique", "couture", "accompagnement des aînés",
                     "traduction", "comptabilité", "photographie", "randonnée", "bricolage", "théâtre", "musique"]
        let visibilities: [Visibility] = [.public, .members, .members, .members, .coordinators, .statistics]
        var records: [MatchRecord] = []
        records.reserveCapacity(portraits + organisations + needs + 4_000)
        func located(_ kind: InventoryKind, _ subtype: String, visibility: Visibility) -> MatchRecord {
            MatchRecord(id: UUID(), kind: kind, subtype: subtype, visibility: visibility, commune: pick(communes),
                neighbourhood: random.next() % 10 < 7 ? pick(areas) : nil)
        }
        for _ in 0..<portraits {
            var record = located(.portrait, "", visibility: pick(visibilities))
            record.title = "Portrait"
            record.text = "J'aime \(pick(words)) et je peux aider en \(pick(words))."
            record.skills = (0..<Int(1 + random.next() % 4)).map { _ in skill() }
            record.availability = random.next() % 4 == 0 ? Availability.occasionally : (0..<3).map { _ in pick(Availability.slots) }.joined(separator: " ")
            record.person = UUID()
            records.append(record)
        }
        for _ in 0..<organisations {
            var record = located(.organisation, "", visibility: .public)
            record.title = "Association \(pick(words))"
            record.text = "Agir ensemble autour de \(pick(words)) et \(pick(words))."
            record.themes = [pick(Themes.all), pick(Themes.all)]
            record.organisation = UUID()
            records.append(record)
        }
        for index in 0..<4_000 {
            var record = index < 2_000 ? located(.place, "room", visibility: .public) : located(.equipment, "tools", visibility: .public)
            record.title = index < 2_000 ? "Salle" : "Matériel"
            record.themes = [pick(Themes.all)]
            records.append(record)
        }
        for index in 0..<needs {
            let type = index % 10 < 7 ? pick(["volunteers", "expertise"]) : pick(["place", "equipment", "volunteers"])
            var record = located(.need, type, visibility: .public)
            record.title = "Besoin : \(pick(words))"
            record.text = "Nous cherchons de l'aide pour \(pick(words))."
            record.skills = type == "place" || type == "equipment" || index % 10 == 9 ? [] : (0..<Int(1 + random.next() % 3)).map { _ in skill() }
            record.themes = [pick(Themes.all)]
            record.availability = (0..<2).map { _ in pick(Availability.slots) }.joined(separator: " ")
            record.creator = UUID()
            records.append(record)
        }
        return (records, neighbours)
    }
}
