import Foundation

/// A count's picture as standalone SVG, the one each method is read with: merit profiles for
/// majority judgment, the duel matrix for Schulze, rounds for instant-runoff, bars for totals.
/// Every figure is also written as text in the picture (and the report gives the table), so the
/// colours never carry meaning alone. Names are escaped: a candidate called `<script>` is text.
public enum ResultPicture {
    static let width = 640.0
    static let labelWidth = 180.0
    static let row = 28.0

    public static func svg(_ report: TallyReport, _ election: Election) -> String {
        let order = report.ranking.flatMap { $0 }
        switch report.method {
        case .majorityJudgment:
            return meritProfiles(order: order, counts: report.gradeCounts ?? [:], grades: election.grades, medians: report.medians ?? [:])
        case .schulze:
            return duels(candidates: election.candidates, pairwise: report.pairwise ?? [])
        case .instantRunoff:
            return rounds(candidates: election.candidates, rounds: report.rounds ?? [], order: order)
        case .approval:
            return bars(order.map { ($0, Double(report.approvals?[$0] ?? 0)) }, title: "Approbations par candidat")
        case .score:
            return bars(order.map { ($0, report.scores?[$0] ?? 0) }, title: "Total des notes par candidat")
        case .dotVoting:
            return bars(order.map { ($0, Double(report.dots?[$0] ?? 0)) }, title: "Gommettes par option")
        case .majority, .qualifiedMajority, .consensus:
            let choices = report.choices ?? ChoiceCount()
            return bars([("pour", Double(choices.pour)), ("contre", Double(choices.contre)), ("abstention", Double(choices.abstention))], title: "Bulletins par choix")
        case .consent:
            let last = report.remainingObjections?.count ?? 0
            return bars([("objections restantes", Double(last))], title: "Consentement : tour \(report.consentRound ?? 1)")
        }
    }

    /// One stacked bar per candidate, best first: the share of each grade, worst on the left, with
    /// the majority line at 50 % — the median grade is the one under it.
    static func meritProfiles(order: [String], counts: [String: [Int]], grades: [String], medians: [String: String]) -> String {
        let barWidth = width - labelWidth - 20
        let legendRows = Int((Double(grades.count) / 3).rounded(.up))
        let height = 40 + Double(order.count) * row + 16 + Double(legendRows) * 20
        var body = ""
        for (index, name) in order.enumerated() {
            let y = 30 + Double(index) * row
            let tally = counts[name] ?? []
            let total = max(1, tally.reduce(0, +))
            var x = labelWidth
            body += text(x: labelWidth - 8, y: y + 15, anchor: "end", "\(name) — \(medians[name] ?? "")")
            for (grade, count) in tally.enumerated() where count > 0 {
                let w = barWidth * Double(count) / Double(total)
                body += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"20\" class=\"grade-\(tone(grade, of: grades.count))\"><title>\(escape(name)) : \(count) × \(escape(grades[grade]))</title></rect>"
                x += w
            }
            // An outline, so that pale grades stay visible against the page.
            body += "<rect x=\"\(f(labelWidth))\" y=\"\(f(y))\" width=\"\(f(barWidth))\" height=\"20\" class=\"track\"/>"
        }
        let middle = labelWidth + barWidth / 2
        body += "<line x1=\"\(f(middle))\" y1=\"24\" x2=\"\(f(middle))\" y2=\"\(f(30 + Double(order.count) * row))\" class=\"majority-line\"/>"
        body += text(x: middle, y: 18, anchor: "middle", "50 %")
        let legendTop = 40 + Double(order.count) * row
        for (grade, name) in grades.enumerated() {
            let x = 10 + Double(grade % 3) * 210, y = legendTop + Double(grade / 3) * 20
            body += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"14\" height=\"14\" class=\"grade-\(tone(grade, of: grades.count)) swatch\"/>" + text(x: x + 20, y: y + 12, anchor: "start", name)
        }
        return document(height: height, title: "Profils de mérite (jugement majoritaire)",
            description: order.map { "\($0) : mention majoritaire \(medians[$0] ?? "")" }.joined(separator: " ; "), body: body)
    }

    /// The matrix of duels: the row's candidate preferred to the column's by that many ballots;
    /// a won duel is marked « ✓ », a lost one « ✗ », as well as coloured.
    static func duels(candidates: [String], pairwise: [[Int]]) -> String {
        let count = candidates.count
        let cell = min(70.0, (width - labelWidth - 10) / Double(max(1, count)))
        let height = 40 + Double(count + 1) * cell
        var body = ""
        for (column, name) in candidates.enumerated() {
            body += text(x: labelWidth + (Double(column) + 0.5) * cell, y: 30, anchor: "middle", String(name.prefix(8)))
        }
        for (rowIndex, name) in candidates.enumerated() {
            let y = 40 + Double(rowIndex) * cell
            body += text(x: labelWidth - 8, y: y + cell / 2 + 5, anchor: "end", name)
            for column in 0..<count {
                let x = labelWidth + Double(column) * cell
                guard rowIndex != column, rowIndex < pairwise.count, column < pairwise[rowIndex].count else {
                    body += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell))\" height=\"\(f(cell))\" class=\"duel-self\"/>"
                    continue
                }
                let mine = pairwise[rowIndex][column], theirs = pairwise[column][rowIndex]
                let (style, mark) = mine > theirs ? ("duel-won", " ✓") : mine < theirs ? ("duel-lost", " ✗") : ("duel-tie", " =")
                body += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell))\" height=\"\(f(cell))\" class=\"\(style)\"/>"
                    + text(x: x + cell / 2, y: y + cell / 2 + 5, anchor: "middle", "\(mine)\(mark)")
            }
        }
        return document(height: height, title: "Duels entre candidats (Condorcet–Schulze)",
            description: "Chaque case : nombre de bulletins préférant le candidat de la ligne à celui de la colonne.", body: body)
    }

    /// One column of bars per round: votes of each candidate still running; eliminated ones crossed.
    static func rounds(candidates: [String], rounds: [TallyReport.RunoffRound], order: [String]) -> String {
        let columns = max(1, rounds.count)
        let columnWidth = (width - labelWidth - 10) / Double(columns)
        let most = Double(rounds.flatMap { $0.votes.values }.max() ?? 1)
        let height = 50 + Double(order.count) * row
        var body = ""
        for (index, round) in rounds.enumerated() {
            let x = labelWidth + Double(index) * columnWidth
            body += text(x: x + 4, y: 20, anchor: "start", "Tour \(index + 1)")
            for (position, name) in order.enumerated() {
                guard let votes = round.votes[name] else { continue }
                let y = 30 + Double(position) * row
                let w = max(1, (columnWidth - 50) * Double(votes) / max(1, most))
                let out = round.eliminated.contains(name)
                body += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"18\" class=\"\(out ? "bar-out" : "bar")\"/>"
                    + text(x: x + w + 4, y: y + 14, anchor: "start", out ? "\(votes) ✗" : "\(votes)")
            }
        }
        for (position, name) in order.enumerated() { body += text(x: labelWidth - 8, y: 30 + Double(position) * row + 14, anchor: "end", name) }
        return document(height: height, title: "Tours du vote à second tour instantané",
            description: rounds.enumerated().map { "tour \($0.offset + 1) : " + ($0.element.eliminated.isEmpty ? "fin" : "éliminé(s) " + $0.element.eliminated.joined(separator: ", ")) }
                .joined(separator: " ; "), body: body)
    }

    static func bars(_ values: [(String, Double)], title: String) -> String {
        let most = max(1, values.map(\.1).max() ?? 1)
        let barWidth = width - labelWidth - 80
        var body = ""
        for (index, (name, value)) in values.enumerated() {
            let y = 20 + Double(index) * row
            let w = max(1, barWidth * value / most)
            body += text(x: labelWidth - 8, y: y + 14, anchor: "end", name)
                + "<rect x=\"\(f(labelWidth))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"18\" class=\"bar\"/>"
                + text(x: labelWidth + w + 4, y: y + 14, anchor: "start", BallotFile.format(value))
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

    static func document(height: Double, title: String, description: String, body: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" class="result-svg" viewBox="0 0 \(f(width)) \(f(height))" role="img" aria-labelledby="result-title result-desc">\
        <title id="result-title">\(escape(title))</title><desc id="result-desc">\(escape(description))</desc>\
        <style>text{font:13px sans-serif;fill:#1a1a1a}.grade-0{fill:#b2182b}.grade-1{fill:#ef8a62}.grade-2{fill:#fddbc7}.grade-3{fill:#f7f7f7}.grade-4{fill:#d1e5f0}\
        .grade-5{fill:#67a9cf}.grade-6{fill:#2166ac}rect[class^=grade]{stroke:#fff;stroke-width:1}rect.swatch{stroke:#595959}.track{fill:none;stroke:#595959}\
        .majority-line{stroke:#1a1a1a;stroke-width:2;stroke-dasharray:4 3}.duel-won{fill:#d9f0d3}.duel-lost{fill:#fddbc7}.duel-tie{fill:#f0f0f0}.duel-self{fill:#bdbdbd}\
        rect[class^=duel]{stroke:#fff;stroke-width:2}.bar{fill:#4a5a2a}.bar-out{fill:#9e9e9e}</style>\
        \(body)</svg>
        """
    }

    static func text(x: Double, y: Double, anchor: String, _ content: String) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\">\(escape(content))</text>"
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
