import Foundation

/// Reads an election from the file `terreau tally` is given, JSON or CSV (formats in
/// docs/data-formats.md). Everything is checked before anything is counted: an unknown
/// candidate, a grade not in the list, a ballot that ranks someone twice, no ballot at all — each
/// is reported in French with the ballot's number (JSON) or line (CSV).
public enum BallotFile {
    public typealias Issue = ImportIssue

    // MARK: JSON

    public static func readJSON(_ data: Data, file: String) throws -> Election {
        guard let root = (try? JSONDecoder().decode(JSONValue.self, from: data))?.object else {
            throw Issue(file: file, message: "ce n'est pas un objet JSON lisible (attendu : {\"method\": …, \"candidates\": […], \"ballots\": […]}).")
        }
        return try election(root, file: file)
    }

    /// - Parameter numbered: a ballot's problem names its number (« bulletin 3 : … »), as a file's
    ///   reader needs; a single ballot (`check(ballot:header:)`) says its problem alone.
    public static func election(_ root: [String: JSONValue], file: String, allowingNoBallots: Bool = false, numbered: Bool = true) throws -> Election {
        func fail(_ message: String) -> Issue { Issue(file: file, message: message) }
        func ballot(_ number: Int) -> String { numbered ? "bulletin \(number) : " : "" }
        guard let name = root["method"]?.string else { throw fail("« method » manque (par exemple \"majority-judgment\").") }
        guard let method = VotingMethod(rawValue: name) else {
            throw fail("méthode inconnue « \(name) » ; méthodes possibles : \(VotingMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let candidates: [String]
        if method.decidesOneProposal {
            candidates = ["pour", "contre"]
        } else {
            guard let list = root["candidates"]?.array?.compactMap(\.string), list.count == root["candidates"]?.array?.count, !list.isEmpty else { throw fail("« candidates » manque ou est vide : une liste de noms.") }
            if let duplicate = firstDuplicate(list) { throw fail("le candidat « \(duplicate) » figure deux fois dans « candidates ».") }
            candidates = list
        }
        var election = Election(method: method, candidates: candidates, ballots: .choices([]))
        election.electorate = try integer(root, "electorate", file: file, minimum: 1)
        if let quorum = root["quorum"] {
            guard let share = quorum.number, (0...1).contains(share) else { throw fail("« quorum » : une part du corps électoral entre 0 et 1 (par exemple 0.5).") }
            election.quorum = share
        }
        if let threshold = root["threshold"] {
            guard let fraction = Self.fraction(threshold) else { throw fail("« threshold » : une fraction comme \"2/3\" ou un nombre entre 0 et 1.") }
            election.threshold = fraction
        }
        election.allowedAgainst = try integer(root, "allowed_against", file: file, minimum: 0) ?? 0
        election.maximumRounds = try integer(root, "maximum_rounds", file: file, minimum: 1) ?? 3
        election.amount = try integer(root, "amount", file: file, minimum: 0)
        election.dots = try integer(root, "dots", file: file, minimum: 1)
        if let scale = root["scale"] {
            guard let bounds = scale.array?.compactMap(\.number), bounds.count == 2, scale.array?.count == 2, bounds[0] < bounds[1] else {
                throw fail("« scale » : deux nombres, le minimum puis le maximum (par exemple [0, 10]).")
            }
            election.scale = bounds[0]...bounds[1]
        }
        if method == .majorityJudgment {
            guard let grades = root["grades"]?.array?.compactMap(\.string), grades.count == root["grades"]?.array?.count, grades.count >= 2 else {
                throw fail("« grades » manque : la liste des mentions, de la pire à la meilleure.")
            }
            if let duplicate = firstDuplicate(grades) { throw fail("la mention « \(duplicate) » figure deux fois dans « grades ».") }
            election.grades = grades
        }
        if method == .consent {
            election.ballots = .consent(try consentRounds(root["rounds"], file: file))
            return election
        }
        guard let ballots = root["ballots"]?.array else { throw fail("« ballots » manque : la liste des bulletins.") }
        guard !ballots.isEmpty || allowingNoBallots else { throw fail("aucun bulletin : « ballots » est vide.") }
        let index = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0) })
        func candidate(_ value: JSONValue, _ number: Int) throws -> Int {
            guard let name = value.string else { throw fail("bulletin \(number) : un nom de candidat est attendu, pas « \(value) ».") }
            guard let position = index[name] else { throw fail("bulletin \(number) : candidat inconnu « \(name) » (candidats : \(candidates.joined(separator: ", "))).") }
            return position
        }
        switch method {
        case .majority, .qualifiedMajority, .consensus:
            election.ballots = .choices(try ballots.enumerated().map { offset, value in
                guard let word = value.string, let position = BallotChoice(rawValue: word) else {
                    throw fail("bulletin \(offset + 1) : « pour », « contre » ou « abstention » attendu, pas « \(value) ».")
                }
                return position
            })
        case .approval:
            election.ballots = .approvals(try ballots.enumerated().map { offset, value in
                guard let list = value.array else { throw fail("bulletin \(offset + 1) : la liste des candidats approuvés est attendue.") }
                let approved = try list.map { try candidate($0, offset + 1) }
                if Set(approved).count != approved.count { throw fail("bulletin \(offset + 1) : un candidat y est approuvé deux fois.") }
                return approved
            })
        case .score:
            election.ballots = .scores(try ballots.enumerated().map { offset, value in
                guard let map = value.object else { throw fail("bulletin \(offset + 1) : un objet candidat → note est attendu.") }
                var scores = [Double?](repeating: nil, count: candidates.count)
                for (name, score) in map {
                    let position = try candidate(.string(name), offset + 1)
                    guard let number = score.number, election.scale.contains(number) else {
                        throw fail("bulletin \(offset + 1) : la note de « \(name) » doit être un nombre entre \(format(election.scale.lowerBound)) et \(format(election.scale.upperBound)).")
                    }
                    scores[position] = number
                }
                return scores
            })
        case .majorityJudgment:
            let gradeIndex = Dictionary(uniqueKeysWithValues: election.grades.enumerated().map { ($1, $0) })
            election.ballots = .grades(try ballots.enumerated().map { offset, value in
                guard let map = value.object else { throw fail("bulletin \(offset + 1) : un objet candidat → mention est attendu.") }
                var grades = [Int?](repeating: nil, count: candidates.count)
                for (name, grade) in map {
                    let position = try candidate(.string(name), offset + 1)
                    if case .null = grade { grades[position] = MajorityJudgmentTally.recused; continue }
                    guard let word = grade.string, let level = gradeIndex[word] else {
                        throw fail("bulletin \(offset + 1) : mention inconnue « \(grade) » pour « \(name) » (mentions : \(election.grades.joined(separator: ", "))).")
                    }
                    grades[position] = level
                }
                return grades
            })
        case .schulze, .instantRunoff:
            election.ballots = .rankings(try ballots.enumerated().map { offset, value in
                guard let list = value.array else { throw fail("bulletin \(offset + 1) : un classement est attendu, du préféré au moins aimé.") }
                let ranking: RankedBallot = try list.map { item in
                    if let group = item.array { return try group.map { try candidate($0, offset + 1) } }
                    return [try candidate(item, offset + 1)]
                }
                let all = ranking.flatMap { $0 }
                if Set(all).count != all.count { throw fail("bulletin \(offset + 1) : un candidat y est classé deux fois.") }
                if ranking.contains(where: \.isEmpty) { throw fail("bulletin \(offset + 1) : un groupe d'ex aequo est vide.") }
                return ranking
            })
        case .dotVoting:
            guard let allowed = election.dots else { throw fail("« dots » manque : le nombre de gommettes de chaque votant.") }
            election.ballots = .dots(try ballots.enumerated().map { offset, value in
                guard let map = value.object else { throw fail("bulletin \(offset + 1) : un objet candidat → nombre de gommettes est attendu.") }
                var given = [Int](repeating: 0, count: candidates.count)
                for (name, count) in map {
                    let position = try candidate(.string(name), offset + 1)
                    guard let number = count.int, number >= 0 else {
                        throw fail("bulletin \(offset + 1) : le nombre de gommettes pour « \(name) » doit être un entier positif ou nul.")
                    }
                    given[position] = number
                }
                let total = given.reduce(0, +)
                if total > allowed { throw fail("bulletin \(offset + 1) : \(total) gommettes, pour \(allowed) au plus.") }
                return given
            })
        case .consent:
            break
        }
        return election
    }

    /// One ballot checked as a file's ballot would be — names, grades, scale, dots — against its
    /// decision's header (method, candidates, settings); the problem is said without the number a
    /// file's reader gives it (« bulletin 1 : »).
    public static func check(ballot: JSONValue, header: [String: JSONValue]) throws {
        var root = header
        root["ballots"] = .array([ballot])
        do {
            _ = try election(root, file: "bulletin")
        } catch var issue as Issue {
            let numbered = "bulletin 1 : "
            if issue.message.hasPrefix(numbered) { issue.message.removeFirst(numbered.count) }
            throw issue
        }
    }

    static func consentRounds(_ value: JSONValue?, file: String) throws -> [ConsentRound] {
        func fail(_ message: String) -> Issue { Issue(file: file, message: message) }
        guard let rounds = value?.array?.compactMap(\.object), rounds.count == value?.array?.count, !rounds.isEmpty else {
            throw fail("« rounds » manque : les tours de consentement, chacun avec « consents », « stand_asides » et « objections ».")
        }
        return try rounds.enumerated().map { offset, round in
            guard let consents = round["consents"]?.int, consents >= 0 else { throw fail("tour \(offset + 1) : « consents », un entier positif ou nul, manque.") }
            let objections = try (round["objections"]?.array ?? []).enumerated().map { number, objection in
                let reason = (objection["reason"]?.string ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !reason.isEmpty else { throw fail("tour \(offset + 1), objection \(number + 1) : une objection doit être motivée (« reason »).") }
                return ConsentRound.Objection(by: objection["by"]?.string ?? "", reason: reason, lifted: objection["lifted"]?.bool ?? false)
            }
            return ConsentRound(consents: consents, standAsides: round["stand_asides"]?.int ?? 0, objections: objections)
        }
    }

    // MARK: CSV

    /// A spreadsheet of paper ballots: a header naming the candidates (or `vote` for one-proposal
    /// methods), then one line per ballot. Cells: a mention (majority judgment), 1 or empty
    /// (approval), a number (score, dots), a rank 1, 2, … with equal ranks tied and empty for
    /// unranked (Schulze, instant-runoff), pour / contre / abstention (one-proposal methods).
    public static func readCSV(_ text: String, file: String, method: VotingMethod, grades: [String] = []) throws -> Election {
        // French spreadsheets export with « ; », others with « , »: the header line tells which.
        let firstLine = text.prefix { $0 != "\n" }
        let reader = CSVReader(separator: firstLine.contains(";") ? ";" : ",")
        let records: [CSVRecord]
        do { records = try reader.records(in: text) } catch {
            switch error {
            case .unterminatedQuote(let line): throw Issue(file: file, line: line, message: "un guillemet ouvert n'est jamais fermé.")
            case .strayQuote(let line): throw Issue(file: file, line: line, message: "un guillemet est suivi d'autre chose qu'un séparateur.")
            }
        }
        guard let header = records.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }), header.contains(where: { !$0.isEmpty }) else {
            throw Issue(file: file, line: 1, message: "l'en-tête manque : la première ligne nomme les candidats.")
        }
        let lines = records.dropFirst().filter { !$0.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        guard !lines.isEmpty else { throw Issue(file: file, line: 2, message: "aucun bulletin : le fichier n'a que son en-tête.") }
        var root: [String: JSONValue] = ["method": .string(method.rawValue)]
        if !method.decidesOneProposal { root["candidates"] = .array(header.map(JSONValue.string)) }
        if method == .majorityJudgment { root["grades"] = .array(grades.map(JSONValue.string)) }
        var ballots: [JSONValue] = []
        for record in lines {
            let line = record.line, row = record.fields
            guard row.count == header.count else {
                throw Issue(file: file, line: line, message: "\(row.count) cellules pour \(header.count) colonnes dans l'en-tête.")
            }
            let cells = Array(zip(header, row.map { $0.trimmingCharacters(in: .whitespaces) }))
            switch method {
            case .majority, .qualifiedMajority, .consensus, .consent:
                ballots.append(.string(cells[0].1.lowercased()))
            case .approval:
                ballots.append(.array(cells.filter { !$0.1.isEmpty && $0.1 != "0" }.map { .string($0.0) }))
            case .majorityJudgment:
                ballots.append(.object(Dictionary(cells.filter { !$0.1.isEmpty }.map { ($0.0, JSONValue.string($0.1)) }, uniquingKeysWith: { first, _ in first })))
            case .score, .dotVoting:
                var map: [String: JSONValue] = [:]
                for (name, cell) in cells where !cell.isEmpty {
                    guard let number = Double(cell.replacingOccurrences(of: ",", with: ".")) else {
                        throw Issue(file: file, line: line, column: name, message: "« \(cell) » n'est pas un nombre.")
                    }
                    map[name] = method == .dotVoting && number == number.rounded() ? .int(Int(number)) : .double(number)
                }
                ballots.append(.object(map))
            case .schulze, .instantRunoff:
                var byRank: [Int: [String]] = [:]
                for (name, cell) in cells where !cell.isEmpty {
                    guard let rank = Int(cell), rank >= 1 else {
                        throw Issue(file: file, line: line, column: name, message: "« \(cell) » n'est pas un rang (1, 2, 3…).")
                    }
                    byRank[rank, default: []].append(name)
                }
                ballots.append(.array(byRank.keys.sorted().map { .array(byRank[$0]!.map(JSONValue.string)) }))
            }
        }
        root["ballots"] = .array(ballots)
        do {
            return try election(root, file: file)
        } catch let issue as Issue {
            // Ballot n of the JSON form is line n + 1 of the file.
            throw relocated(issue, lines: lines.map(\.line))
        }
    }

    /// Turns « bulletin n » into the CSV line it came from.
    static func relocated(_ issue: Issue, lines: [Int]) -> Issue {
        guard issue.message.hasPrefix("bulletin "), let end = issue.message.firstIndex(of: " ", after: 9),
            let number = Int(issue.message[issue.message.index(issue.message.startIndex, offsetBy: 9)..<end]), number >= 1, number <= lines.count
        else { return issue }
        let rest = issue.message[end...].drop { $0 == " " || $0 == ":" }
        return Issue(file: issue.file, line: lines[number - 1], message: String(rest))
    }

    // MARK: Helpers

    static func integer(_ root: [String: JSONValue], _ key: String, file: String, minimum: Int) throws -> Int? {
        guard let value = root[key] else { return nil }
        guard let number = value.int, number >= minimum else {
            throw Issue(file: file, message: "« \(key) » : un entier \(minimum == 0 ? "positif ou nul" : "d'au moins \(minimum)") est attendu.")
        }
        return number
    }

    public static func fraction(_ value: JSONValue) -> (Int, Int)? {
        if let text = value.string {
            let parts = text.split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let numerator = parts[0], let denominator = parts[1], denominator > 0, numerator > 0, numerator <= denominator else { return nil }
            return (numerator, denominator)
        }
        guard let number = value.number, number > 0, number <= 1 else { return nil }
        return (Int((number * 1_000_000).rounded()), 1_000_000)
    }

    static func firstDuplicate(_ list: [String]) -> String? {
        var seen: Set<String> = []
        return list.first { !seen.insert($0).inserted }
    }

    public static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(number)
    }
}

private extension String {
    func firstIndex(of character: Character, after offset: Int) -> String.Index? {
        guard offset < count else { return nil }
        return self[index(startIndex, offsetBy: offset)...].firstIndex(of: character)
    }
}
