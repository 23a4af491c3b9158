import Foundation
import TerreauCore

/// `terreau tally`: counts ballots from a file with the chosen method and prints the result —
/// for paper ballots, and the entry point of the differential suite. It needs no database and no
/// configuration, so it runs before the application starts.
///
///     terreau tally ballots.json [--json] [--svg picture.svg]
///     terreau tally ballots.csv --method majority-judgment --grades "à rejeter,insuffisant,…" [--json]
///     terreau tally --batch < elections.jsonl      (one election per line in, one result per line out)
public enum TallyCommandLine {
    public static let usage = """
        Usage : terreau tally FICHIER [--json] [--svg IMAGE.svg]
                terreau tally FICHIER.csv --method MÉTHODE [--grades "pire,…,meilleure"] [--json] [--svg IMAGE.svg]
                terreau tally --batch   (une élection JSON par ligne sur l'entrée standard)
        Méthodes : \(VotingMethod.allCases.map(\.rawValue).joined(separator: ", "))
        Formats : docs/data-formats.md
        """

    /// Returns the process's exit status: 0 counted, 1 bad file, 2 bad usage.
    public static func run(_ arguments: [String]) -> Int32 {
        var json = false, batch = false, file: String?, method: String?, grades: String?, picture: String?
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--json": json = true
            case "--batch": batch = true
            case "--method": method = remaining.popFirst()
            case "--grades": grades = remaining.popFirst()
            case "--svg": picture = remaining.popFirst()
            case "-h", "--help":
                print(usage)
                return 0
            default:
                guard file == nil, !argument.hasPrefix("--") else { return fail("argument inattendu « \(argument) ».\n" + usage, status: 2) }
                file = argument
            }
        }
        if batch { return runBatch() }
        guard let file else { return fail("indiquez le fichier des bulletins.\n" + usage, status: 2) }
        guard let data = FileManager.default.contents(atPath: file) else { return fail("\(file) : fichier introuvable ou illisible.") }
        do {
            let election: Election
            if file.lowercased().hasSuffix(".csv") {
                guard let name = method, let chosen = VotingMethod(rawValue: name) else {
                    return fail("un fichier CSV demande --method (\(VotingMethod.allCases.map(\.rawValue).joined(separator: ", "))).", status: 2)
                }
                guard let text = String(data: data, encoding: .utf8) else { return fail("\(file) : le fichier n'est pas en UTF-8.") }
                let scale = (grades ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if chosen == .majorityJudgment, scale.count < 2 {
                    return fail("le jugement majoritaire demande --grades, les mentions de la pire à la meilleure, séparées par des virgules.", status: 2)
                }
                election = try BallotFile.readCSV(text, file: file, method: chosen, grades: scale)
            } else {
                election = try BallotFile.readJSON(data, file: file)
            }
            let report = election.tally()
            if let picture {
                // The picture a results page shows, to publish with a paper count.
                guard FileManager.default.createFile(atPath: picture, contents: Data(ResultPicture.svg(report, election).utf8)) else {
                    return fail("\(picture) : impossible d'écrire l'image.")
                }
            }
            print(json ? encode(report) : TallyText.describe(report, election))
            return 0
        } catch {
            return fail("\(error)")
        }
    }

    /// One JSON election per input line; one JSON line out each: the report, or `{"error": …}`.
    static func runBatch() -> Int32 {
        while let line = readLine(strippingNewline: true) {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            do {
                print(encode(try BallotFile.readJSON(Data(line.utf8), file: "entrée").tally()))
            } catch {
                print(encode(["error": "\(error)"]))
            }
        }
        return 0
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func fail(_ message: String, status: Int32 = 1) -> Int32 {
        FileHandle.standardError.write(Data(("terreau tally : " + message + "\n").utf8))
        return status
    }
}

/// The report as a person reads it, in French.
enum TallyText {
    static let methodNames: [VotingMethod: String] = [
        .majority: "majorité simple", .qualifiedMajority: "majorité qualifiée", .approval: "vote par approbation", .score: "vote par notes",
        .majorityJudgment: "jugement majoritaire", .schulze: "méthode de Condorcet–Schulze", .instantRunoff: "vote à second tour instantané",
        .consent: "consentement", .consensus: "consensus", .dotVoting: "vote par gommettes",
    ]

    static let outcomes: [DecisionOutcome: String] = [.adopted: "adoptée", .rejected: "non adoptée", .tie: "non adoptée (égalité)", .noQuorum: "quorum non atteint : rien n'est décidé"]

    static func describe(_ report: TallyReport, _ election: Election) -> String {
        let language = Language.fr
        var lines = ["Méthode : \(methodNames[report.method] ?? report.method.rawValue) — \(language.format(report.ballots)) bulletin\(report.ballots > 1 ? "s" : "")"]
        if let share = report.turnout.share { lines.append("Participation : \(language.formatPercent(share)) de \(language.format(report.turnout.electorate ?? 0)) inscrits") }
        if let outcome = report.outcome { lines.append("Résultat : proposition \(outcomes[outcome] ?? outcome.rawValue)") }
        if let choices = report.choices { lines.append("Pour : \(choices.pour) · Contre : \(choices.contre) · Abstention : \(choices.abstention)") }
        if let round = report.consentRound {
            lines.append("Tour \(round) ; objections restantes : \(report.remainingObjections?.count ?? 0)")
            for objection in report.remainingObjections ?? [] { lines.append("  – \(objection.by.isEmpty ? "objection" : objection.by) : \(objection.reason)") }
        }
        if report.outcome == nil || report.method == .consent {
            lines.append("Classement :")
            for (place, group) in report.ranking.enumerated() {
                let detail = group.map { name in
                    var words = name
                    if let value = report.approvals?[name] { words += " (\(value) approbation\(value > 1 ? "s" : ""))" }
                    if let value = report.scores?[name] { words += " (total \(BallotFile.format(value)))" }
                    if let value = report.medians?[name] { words += " (mention majoritaire : \(value))" }
                    if let value = report.dots?[name] { words += " (\(value) gommette\(value > 1 ? "s" : "")\(report.split?[name].map { ", \(language.format($0))" } ?? ""))" }
                    return words
                }
                lines.append("  \(place + 1). \(detail.joined(separator: ", "))\(group.count > 1 ? " — ex aequo" : "")")
            }
        }
        for (index, round) in (report.rounds ?? []).enumerated() {
            let votes = election.candidates.compactMap { name in round.votes[name].map { "\(name) \($0)" } }.joined(separator: ", ")
            let out = round.eliminated.isEmpty ? "" : " → éliminé\(round.eliminated.count > 1 ? "s" : "") : \(round.eliminated.joined(separator: ", "))"
            lines.append("Tour \(index + 1) : \(votes)\(round.exhausted > 0 ? " ; \(round.exhausted) bulletin(s) épuisé(s)" : "")\(out)")
        }
        if let pairwise = report.pairwise {
            lines.append("Duels (ligne préférée à colonne) :")
            let width = max(6, (election.candidates.map(\.count).max() ?? 0) + 1)
            func pad(_ text: String) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
            lines.append(pad("") + election.candidates.map(pad).joined())
            for (row, name) in election.candidates.enumerated() {
                lines.append(pad(name) + pairwise[row].enumerated().map { pad($0.offset == row ? "—" : String($0.element)) }.joined())
            }
        }
        return lines.joined(separator: "\n")
    }
}
