import Foundation
import Testing
@testable import TerreauCore

@Suite("Ballot files for terreau tally")
struct BallotFileTests {
    static let grades = #"["à rejeter","insuffisant","passable","assez bien","bien","très bien","excellent"]"#

    static func json(_ text: String) throws -> Election { try BallotFile.readJSON(Data(text.utf8), file: "bulletins.json") }

    @Test("the issue's example reads and ranks, best first, ties grouped")
    func example() throws {
        let election = try Self.json(#"{"method": "majority-judgment", "candidates": ["A","B","C"], "grades": \#(Self.grades), "ballots": [{"A":"bien","B":"passable","C":"excellent"}, {"A":"bien","B":"passable","C":"excellent"}]}"#)
        let report = election.tally()
        #expect(report.ranking == [["C"], ["A"], ["B"]])
        #expect(report.medians == ["A": "bien", "B": "passable", "C": "excellent"])
    }

    @Test("every ballot form of the issue", arguments: [
        (#"{"method":"approval","candidates":["A","B","C"],"ballots":[["A","B"],["B"],[]]}"#, [["B"], ["A"], ["C"]]),
        (#"{"method":"schulze","candidates":["A","B","C"],"ballots":[["A",["B","C"]],["B","A"],[["A","B"],"C"]]}"#, [["A", "B"], ["C"]]),
        (#"{"method":"instant-runoff","candidates":["A","B","C"],"ballots":[["A","B"],["B","A"],["C","B"],["B"]]}"#, [["B"], ["A", "C"]]),
        (#"{"method":"score","candidates":["A","B"],"scale":[0,5],"ballots":[{"A":5,"B":2.5},{"A":0}]}"#, [["A"], ["B"]]),
        (#"{"method":"majority","ballots":["pour","contre","pour","abstention"]}"#, [["pour"], ["contre"]]),
        (#"{"method":"dot-voting","candidates":["A","B"],"dots":3,"amount":90,"ballots":[{"A":2,"B":1},{"B":3}]}"#, [["B"], ["A"]]),
        (#"{"method":"consent","rounds":[{"consents":5,"objections":[{"by":"Nadia","reason":"Trop tôt.","lifted":true}]}]}"#, [["adopté"]]),
    ] as [(String, [[String]])])
    func forms(text: String, ranking: [[String]]) throws {
        #expect(try Self.json(text).tally().ranking == ranking)
    }

    @Test("a malformed file is refused with a French message naming the ballot", arguments: [
        (#"{"method":"approval","candidates":["A","B"],"ballots":[["A"],["Z"]]}"#, "bulletin 2 : candidat inconnu « Z » (candidats : A, B)."),
        (#"{"method":"majority-judgment","candidates":["A"],"grades":\#(grades),"ballots":[{"A":"génial"}]}"#, "bulletin 1 : mention inconnue « génial » pour « A »"),
        (#"{"method":"schulze","candidates":["A","B"],"ballots":[]}"#, "aucun bulletin : « ballots » est vide."),
        (#"{"method":"schulze","candidates":["A","B"],"ballots":[["A",["B","A"]]]}"#, "bulletin 1 : un candidat y est classé deux fois."),
        (#"{"method":"vote-secret","candidates":["A"],"ballots":[[]]}"#, "méthode inconnue « vote-secret »"),
        (#"{"method":"score","candidates":["A"],"scale":[0,10],"ballots":[{"A":11}]}"#, "la note de « A » doit être un nombre entre 0 et 10."),
        (#"{"method":"score","candidates":["A"],"ballots":[{"A":true}]}"#, "la note de « A » doit être un nombre"),
        (#"{"method":"dot-voting","candidates":["A","B"],"dots":2,"ballots":[{"A":2,"B":1}]}"#, "bulletin 1 : 3 gommettes, pour 2 au plus."),
        (#"{"method":"consent","rounds":[{"consents":3,"objections":[{"by":"Karim"}]}]}"#, "une objection doit être motivée"),
        (#"{"method":"majority","ballots":["oui"]}"#, "bulletin 1 : « pour », « contre » ou « abstention » attendu, pas « oui »."),
        (#"{"method":"approval","candidates":["A","A"],"ballots":[["A"]]}"#, "le candidat « A » figure deux fois"),
        ("pas du JSON", "ce n'est pas un objet JSON lisible"),
    ] as [(String, String)])
    func refusals(text: String, message: String) {
        #expect(throws: ImportIssue.self) { try Self.json(text) }
        do { _ = try Self.json(text) } catch {
            #expect("\(error)".hasPrefix("bulletins.json : "))
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test("CSV: one line per paper ballot, errors by line and column")
    func csv() throws {
        let ranks = "A;B;C\n1;2;\n2;1;1\n\n;;1\n"
        let election = try BallotFile.readCSV(ranks, file: "urne.csv", method: .schulze)
        #expect(election.ballots == .rankings([[[0], [1]], [[1, 2], [0]], [[2]]]))
        let grades = try BallotFile.readCSV("A,B\nbien,passable\n", file: "urne.csv", method: .majorityJudgment, grades: ["passable", "bien"])
        #expect(grades.tally().ranking == [["A"], ["B"]])
        let approvals = try BallotFile.readCSV("A,B,C\n1,,1\n0,1,\n", file: "urne.csv", method: .approval)
        #expect(approvals.ballots == .approvals([[0, 2], [1]]))
        let votes = try BallotFile.readCSV("vote\npour\nContre\nabstention\n", file: "urne.csv", method: .majority)
        #expect(votes.tally().choices == ChoiceCount(pour: 1, contre: 1, abstention: 1))

        #expect(throws: ImportIssue(file: "urne.csv", line: 3, column: "B", message: "« premier » n'est pas un rang (1, 2, 3…).")) {
            try BallotFile.readCSV("A;B\n1;2\n2;premier\n", file: "urne.csv", method: .schulze)
        }
        #expect(throws: ImportIssue(file: "urne.csv", line: 4, message: "mention inconnue « génial » pour « B » (mentions : passable, bien).")) {
            try BallotFile.readCSV("A,B\nbien,bien\n\nbien,génial\n", file: "urne.csv", method: .majorityJudgment, grades: ["passable", "bien"])
        }
        #expect(throws: ImportIssue(file: "urne.csv", line: 2, message: "aucun bulletin : le fichier n'a que son en-tête.")) {
            try BallotFile.readCSV("A,B\n", file: "urne.csv", method: .approval)
        }
        #expect(throws: ImportIssue(file: "urne.csv", line: 2, message: "1 cellules pour 2 colonnes dans l'en-tête.")) {
            try BallotFile.readCSV("A,B\n1\n", file: "urne.csv", method: .approval)
        }
    }
}

@Suite("Result pictures")
struct ResultPictureTests {
    static func picture(_ json: String) throws -> String {
        let election = try BallotFile.readJSON(Data(json.utf8), file: "f.json")
        return ResultPicture.svg(election.tally(), election)
    }

    @Test("majority judgment: one merit profile per candidate, best first, the 50 % line and a legend of grades")
    func merit() throws {
        let svg = try Self.picture(#"{"method":"majority-judgment","candidates":["A","<script>alert(1)</script>"],"grades":["mauvais","passable","bien"],"ballots":[{"A":"bien","<script>alert(1)</script>":"mauvais"},{"A":"passable","<script>alert(1)</script>":"bien"}]}"#)
        #expect(svg.hasPrefix("<svg "))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("<title id=\"result-title\">Profils de mérite (jugement majoritaire)</title>"))
        #expect(svg.contains("A — passable"))
        #expect(svg.contains("class=\"majority-line\""))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!svg.contains("<script>"))
        // Bars: A has two grades (passable, bien), the other candidate two (mauvais, bien), each an outline; the legend three.
        #expect(svg.components(separatedBy: "<rect ").count - 1 == 4 + 2 + 3)
    }

    @Test("Schulze: the duel matrix marks won and lost duels in text as well as colour")
    func duels() throws {
        let svg = try Self.picture(#"{"method":"schulze","candidates":["A","B"],"ballots":[["A","B"],["A","B"],["B","A"]]}"#)
        #expect(svg.contains(">2 ✓</text>"))
        #expect(svg.contains(">1 ✗</text>"))
        #expect(svg.contains("class=\"duel-self\""))
    }

    @Test("instant-runoff: a column per round, the eliminated crossed")
    func rounds() throws {
        let svg = try Self.picture(#"{"method":"instant-runoff","candidates":["A","B","C"],"ballots":[["A"],["A"],["B","A"],["C","B"],["C","B"]]}"#)
        #expect(svg.contains(">Tour 1</text>"))
        #expect(svg.contains(">Tour 2</text>"))
        #expect(svg.contains(">1 ✗</text>"))
        #expect(svg.contains("tour 1 : éliminé(s) B"))
    }
}

@Suite("Counting stored ballots one by one")
struct CounterTests {
    @Test("the byte reader counts exactly as the file reader", arguments: [
        #"{"method":"approval","candidates":["A","B","C"],"ballots":[["A","B"],["B"],[]]}"#,
        #"{"method":"schulze","candidates":["A","B","C"],"ballots":[["A",["B","C"]],["B","A"],[["A","B"],"C"]]}"#,
        #"{"method":"instant-runoff","candidates":["A","B","C"],"ballots":[["A","B"],["B","A"],["C","B"],["B"]]}"#,
        #"{"method":"score","candidates":["A","B"],"scale":[0,5],"ballots":[{"A":5,"B":2.5},{"A":0}]}"#,
        #"{"method":"majority","ballots":["pour","contre","pour","abstention"]}"#,
        #"{"method":"dot-voting","candidates":["A","B"],"dots":3,"amount":90,"ballots":[{"A":2,"B":1},{"B":3}]}"#,
        #"{"method":"majority-judgment","candidates":["Vélo \"solidaire\"","B"],"grades":["mal","bien"],"ballots":[{"Vélo \"solidaire\"":"bien","B":"mal"},{"B":"bien"}]}"#,
        // A recused judge (`null`): not counted for that candidate, by either reader.
        #"{"method":"majority-judgment","candidates":["A","B"],"grades":["mal","bien"],"ballots":[{"A":null,"B":"mal"},{"A":"bien","B":"bien"},{"B": null ,"A":"mal"}]}"#,
    ])
    func sameCount(text: String) throws {
        let election = try BallotFile.readJSON(Data(text.utf8), file: "f.json")
        let root = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        var counter = ElectionCounter(election)
        let encoder = JSONEncoder()
        for item in root["ballots"]?.array ?? [] { try counter.add(json: String(decoding: try encoder.encode(item), as: UTF8.self)) }
        #expect(counter.report() == election.tally())
    }

    @Test("an unreadable stored ballot is refused, not guessed")
    func unreadable() throws {
        let election = try BallotFile.readJSON(Data(#"{"method":"approval","candidates":["A"],"ballots":[["A"]]}"#.utf8), file: "f.json")
        var counter = ElectionCounter(election)
        #expect(throws: ElectionCounter.Unreadable.self) { try counter.add(json: #"["Z"]"#) }
        #expect(throws: ElectionCounter.Unreadable.self) { try counter.add(json: #"["A""#) }
    }

    @Test("one ballot checked against its decision's header: its problem said without a ballot number", arguments: [
        (JSONValue.object(["A": .string("bien"), "B": .string("passable")]), nil as String?),
        (.object(["A": .string("génial")]), "mention inconnue « génial » pour « A » (mentions : passable, bien, très bien)."),
        (.object(["Z": .string("bien")]), "candidat inconnu « Z » (candidats : A, B)."),
        (.string("pour"), "un objet candidat → mention est attendu."),
    ])
    func singleBallot(ballot: JSONValue, problem: String?) {
        let header: [String: JSONValue] = ["method": .string("majority-judgment"), "candidates": .array([.string("A"), .string("B")]),
                                           "grades": .array([.string("passable"), .string("bien"), .string("très bien")])]
        do {
            try BallotFile.check(ballot: ballot, header: header)
            #expect(problem == nil)
        } catch let issue as ImportIssue {
            #expect(issue.message == problem)
            #expect(!issue.message.contains("bulletin"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
