import Foundation

/// One shape of a picture: the site draws it with a template (no raw HTML), `terreau tally
/// --svg` serialises it.
public struct PictureShape: Equatable, Sendable, Encodable {
    /// `rect`, `text` or `line`.
    public var kind: String
    public var x: String, y: String
    public var width = "0", height = "0", x2 = "0", y2 = "0"
    public var style = ""
    /// Text content, or a rectangle's tooltip.
    public var text = ""
    public var anchor = "start"
}

/// A picture: its size, its title and description (every figure in words), its shapes.
public struct ResultDrawing: Equatable, Sendable, Encodable {
    public var width: String
    public var height: String
    public var title: String
    public var description: String
    public var shapes: [PictureShape]
}

/// A count's picture, the one each method is read with: merit profiles for majority judgment,
/// the duel matrix for Schulze, rounds for instant-runoff, bars for totals. Every figure is also
/// written as text in the picture (and the report gives the table), so the colours never carry
/// meaning alone.
public enum ResultPicture {
    static let width = 640.0
    static let labelWidth = 250.0
    static let row = 28.0

    /// The words of a picture: French for `terreau tally`, the catalogue's on the site.
    public struct Labels: Sendable {
        public var merit = "Profils de mérite (jugement majoritaire)"
        /// « {0} : mention majoritaire {1} »
        public var median = "{0} : mention majoritaire {1}"
        public var duels = "Duels entre candidats (Condorcet–Schulze)"
        public var duelsDescription = "Chaque case : nombre de bulletins préférant le candidat de la ligne à celui de la colonne."
        public var rounds = "Tours du vote à second tour instantané"
        /// « Tour {0} »
        public var round = "Tour {0}"
        /// « tour {0} : éliminé(s) {1} », « tour {0} : fin »
        public var roundEliminated = "tour {0} : éliminé(s) {1}"
        public var roundEnd = "tour {0} : fin"
        public var approvals = "Approbations par candidat"
        public var scores = "Total des notes par candidat"
        public var dots = "Gommettes par option"
        public var choicesTitle = "Bulletins par choix"
        public var choices = ["pour", "contre", "abstention"]
        /// « Consentement : tour {0} »
        public var consent = "Consentement : tour {0}"
        public var remainingObjections = "objections restantes"

        public init() {}
        public static let french = Labels()
    }

    static func fill(_ pattern: String, _ values: String...) -> String {
        values.enumerated().reduce(pattern) { $0.replacingOccurrences(of: "{\($1.offset)}", with: $1.element) }
    }

    /// The picture as standalone SVG (names escaped: a candidate called `<script>` is text).
    public static func svg(_ report: TallyReport, _ election: Election, labels: Labels = .french) -> String {
        let drawing = drawing(report, election, labels: labels)
        let body = drawing.shapes.map { shape -> String in
            switch shape.kind {
            case "rect":
                let tip = shape.text.isEmpty ? "/>" : "><title>\(escape(shape.text))</title></rect>"
                return "<rect x=\"\(shape.x)\" y=\"\(shape.y)\" width=\"\(shape.width)\" height=\"\(shape.height)\" class=\"\(shape.style)\"" + tip
            case "line": return "<line x1=\"\(shape.x)\" y1=\"\(shape.y)\" x2=\"\(shape.x2)\" y2=\"\(shape.y2)\" class=\"\(shape.style)\"/>"
            default: return "<text x=\"\(shape.x)\" y=\"\(shape.y)\" text-anchor=\"\(shape.anchor)\">\(escape(shape.text))</text>"
            }
        }.joined()
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="result-svg" viewBox="0 0 \(drawing.width) \(drawing.height)" role="img" aria-labelledby="result-title result-desc">\
            <title id="result-title">\(escape(drawing.title))</title><desc id="result-desc">\(escape(drawing.description))</desc>\
            <style>\(style)</style>\(body)</svg>
            """
    }

    /// The picture's colours, for standalone files (the site's stylesheet has the same classes).
    public static let style = "text{font:13px sans-serif;fill:#1a1a1a}.grade-0{fill:#b2182b}.grade-1{fill:#ef8a62}.grade-2{fill:#fddbc7}.grade-3{fill:#f7f7f7}"
        + ".grade-4{fill:#d1e5f0}.grade-5{fill:#67a9cf}.grade-6{fill:#2166ac}rect[class^=grade]{stroke:#fff;stroke-width:1}rect.swatch{stroke:#595959}"
        + ".track{fill:none;stroke:#595959}.majority-line{stroke:#1a1a1a;stroke-width:2;stroke-dasharray:4 3}.duel-won{fill:#d9f0d3}"
        + ".duel-lost{fill:#fddbc7}.duel-tie{fill:#f0f0f0}.duel-self{fill:#bdbdbd}rect[class^=duel]{stroke:#fff;stroke-width:2}.bar{fill:#4a5a2a}.bar-out{fill:#9e9e9e}"

    public static func drawing(_ report: TallyReport, _ election: Election, labels: Labels = .french) -> ResultDrawing {
        let order = report.ranking.flatMap { $0 }
        switch report.method {
        case .majorityJudgment:
            return meritProfiles(order: order, counts: report.gradeCounts ?? [:], grades: election.grades, medians: report.medians ?? [:], labels: labels)
        case .schulze:
            return duels(candidates: election.candidates, pairwise: report.pairwise ?? [], labels: labels)
        case .instantRunoff:
            return rounds(candidates: election.candidates, rounds: report.rounds ?? [], order: order, labels: labels)
        case .approval:
            return bars(order.map { ($0, Double(report.approvals?[$0] ?? 0)) }, title: labels.approvals)
        case .score:
            return bars(order.map { ($0, report.scores?[$0] ?? 0) }, title: labels.scores)
        case .dotVoting:
            return bars(order.map { ($0, Double(report.dots?[$0] ?? 0)) }, title: labels.dots)
        case .majority, .qualifiedMajority, .consensus:
            let choices = report.choices ?? ChoiceCount()
            return bars(Array(zip(labels.choices, [choices.pour, choices.contre, choices.abstention].map(Double.init))), title: labels.choicesTitle)
        case .consent:
            let last = report.remainingObjections?.count ?? 0
            return bars([(labels.remainingObjections, Double(last))], title: fill(labels.consent, String(report.consentRound ?? 1)))
        }
    }

    /// One stacked bar per candidate, best first: the share of each grade, worst on the left, with
    /// the majority line at 50 % — the median grade is the one under it.
    static func meritProfiles(order: [String], counts: [String: [Int]], grades: [String], medians: [String: String], labels: Labels) -> ResultDrawing {
        let barWidth = width - labelWidth - 20
        let legendRows = Int((Double(grades.count) / 3).rounded(.up))
        let height = 40 + Double(order.count) * row + 16 + Double(legendRows) * 20
        var body: [PictureShape] = []
        for (index, name) in order.enumerated() {
            let y = 30 + Double(index) * row
            let tally = counts[name] ?? []
            let total = max(1, tally.reduce(0, +))
            var x = labelWidth
            body.append(text(x: labelWidth - 8, y: y + 15, anchor: "end", "\(name) — \(medians[name] ?? "")"))
            for (grade, count) in tally.enumerated() where count > 0 {
                let w = barWidth * Double(count) / Double(total)
                body.append(rect(x, y, w, 20, "grade-\(tone(grade, of: grades.count))", tip: "\(name) : \(count) × \(grades[grade])"))
                x += w
            }
            // An outline, so that pale grades stay visible against the page.
            body.append(rect(labelWidth, y, barWidth, 20, "track"))
        }
        let middle = labelWidth + barWidth / 2
        body.append(PictureShape(kind: "line", x: f(middle), y: "24", x2: f(middle), y2: f(30 + Double(order.count) * row), style: "majority-line"))
        body.append(text(x: middle, y: 18, anchor: "middle", "50 %"))
        let legendTop = 40 + Double(order.count) * row
        for (grade, name) in grades.enumerated() {
            let x = 10 + Double(grade % 3) * 210, y = legendTop + Double(grade / 3) * 20
            body += [rect(x, y, 14, 14, "grade-\(tone(grade, of: grades.count)) swatch"), text(x: x + 20, y: y + 12, anchor: "start", name)]
        }
        return document(height: height, title: labels.merit,
            description: order.map { fill(labels.median, $0, medians[$0] ?? "") }.joined(separator: " ; "), body: body)
    }

    /// The matrix of duels: the row's candidate preferred to the column's by that many ballots;
    /// a won duel is marked « ✓ », a lost one « ✗ », as well as coloured.
    static func duels(candidates: [String], pairwise: [[Int]], labels: Labels) -> ResultDrawing {
        let count = candidates.count
        let cell = min(70.0, (width - labelWidth - 10) / Double(max(1, count)))
        let height = 40 + Double(count + 1) * cell
        var body: [PictureShape] = []
        for (column, name) in candidates.enumerated() {
            body.append(text(x: labelWidth + (Double(column) + 0.5) * cell, y: 30, anchor: "middle", String(name.prefix(8))))
        }
        for (rowIndex, name) in candidates.enumerated() {
            let y = 40 + Double(rowIndex) * cell
            body.append(text(x: labelWidth - 8, y: y + cell / 2 + 5, anchor: "end", name))
            for column in 0..<count {
                let x = labelWidth + Double(column) * cell
                guard rowIndex != column, rowIndex < pairwise.count, column < pairwise[rowIndex].count else {
                    body.append(rect(x, y, cell, cell, "duel-self"))
                    continue
                }
                let mine = pairwise[rowIndex][column], theirs = pairwise[column][rowIndex]
                let (style, mark) = mine > theirs ? ("duel-won", " ✓") : mine < theirs ? ("duel-lost", " ✗") : ("duel-tie", " =")
                body += [rect(x, y, cell, cell, style), text(x: x + cell / 2, y: y + cell / 2 + 5, anchor: "middle", "\(mine)\(mark)")]
            }
        }
        return document(height: height, title: labels.duels, description: labels.duelsDescription, body: body)
    }

    /// One column of bars per round: votes of each candidate still running; eliminated ones crossed.
    static func rounds(candidates: [String], rounds: [TallyReport.RunoffRound], order: [String], labels: Labels) -> ResultDrawing {
        let columns = max(1, rounds.count)
        let columnWidth = (width - labelWidth - 10) / Double(columns)
        let most = Double(rounds.flatMap { $0.votes.values }.max() ?? 1)
        let height = 50 + Double(order.count) * row
        var body: [PictureShape] = []
        for (index, round) in rounds.enumerated() {
            let x = labelWidth + Double(index) * columnWidth
            body.append(text(x: x + 4, y: 20, anchor: "start", fill(labels.round, String(index + 1))))
            for (position, name) in order.enumerated() {
                guard let votes = round.votes[name] else { continue }
                let y = 30 + Double(position) * row
                let w = max(1, (columnWidth - 50) * Double(votes) / max(1, most))
                let out = round.eliminated.contains(name)
                body += [rect(x, y, w, 18, out ? "bar-out" : "bar"), text(x: x + w + 4, y: y + 14, anchor: "start", out ? "\(votes) ✗" : "\(votes)")]
            }
        }
        for (position, name) in order.enumerated() { body.append(text(x: labelWidth - 8, y: 30 + Double(position) * row + 14, anchor: "end", name)) }
        return document(height: height, title: labels.rounds,
            description: rounds.enumerated().map { index, round in
                round.eliminated.isEmpty ? fill(labels.roundEnd, String(index + 1)) : fill(labels.roundEliminated, String(index + 1), round.eliminated.joined(separator: ", "))
            }.joined(separator: " ; "), body: body)
    }

    static func bars(_ values: [(String, Double)], title: String) -> ResultDrawing {
        let most = max(1, values.map(\.1).max() ?? 1)
        let barWidth = width - labelWidth - 80
        var body: [PictureShape] = []
        for (index, (name, value)) in values.enumerated() {
            let y = 20 + Double(index) * row
            let w = max(1, barWidth * value / most)
            body += [text(x: labelWidth - 8, y: y + 14, anchor: "end", name), rect(labelWidth, y, w, 18, "bar"),
                     text(x: labelWidth + w + 4, y: y + 14, anchor: "start", BallotFile.format(value))]
        }
        return document(height: 30 + Double(values.count) * row, title: title,
            description: values.map { "\($0.0) : \(BallotFile.format($0.1))" }.joined(separator: " ; "), body: body)
    }

    // MARK: SVG plumbing

    /// Seven tones from worst to best (a diverging red–blue scale); fewer grades take evenly
    /// spaced ones, so neighbouring grades never share a colour up to seven grades.
    static func tone(_ grade: Int, of count: Int) -> Int {
        count <= 1 ? 6 : Int((Double(grade) * 6 / Double(count - 1)).rounded())
    }

    static func document(height: Double, title: String, description: String, body: [PictureShape]) -> ResultDrawing {
        ResultDrawing(width: f(width), height: f(height), title: title, description: description, shapes: body)
    }

    static func text(x: Double, y: Double, anchor: String, _ content: String) -> PictureShape {
        PictureShape(kind: "text", x: f(x), y: f(y), text: content, anchor: anchor)
    }

    static func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, _ style: String, tip: String = "") -> PictureShape {
        PictureShape(kind: "rect", x: f(x), y: f(y), width: f(width), height: f(height), style: style, text: tip)
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
