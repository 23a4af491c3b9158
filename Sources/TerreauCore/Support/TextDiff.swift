/// A word-level difference between two texts, for people to read what an amendment changed:
/// the longest common run of words is kept, the rest shown as removed then added. Whitespace
/// separates words and is kept with the word before it, so the pieces join back into the texts.
public enum TextDiff {
    public enum Kind: String, Equatable, Sendable, Codable { case same, removed, added }

    public struct Piece: Equatable, Sendable, Codable {
        public var kind: Kind
        public var text: String

        public init(_ kind: Kind, _ text: String) {
            self.kind = kind
            self.text = text
        }
    }

    public static func words(_ old: String, _ new: String) -> [Piece] {
        let a = tokens(old), b = tokens(new)
        // Longest common subsequence over words (texts of a few thousand words at most).
        var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var pieces: [Piece] = []
        func add(_ kind: Kind, _ text: String) {
            if let last = pieces.last, last.kind == kind { pieces[pieces.count - 1].text += text } else { pieces.append(Piece(kind, text)) }
        }
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                add(.same, a[i]); i += 1; j += 1
            } else if j < b.count, i == a.count || lengths[i][j + 1] >= lengths[i + 1][j] {
                add(.added, b[j]); j += 1
            } else {
                add(.removed, a[i]); i += 1
            }
        }
        // Removed before added inside each change, as people read an amendment.
        var ordered: [Piece] = []
        var index = 0
        while index < pieces.count {
            if index + 1 < pieces.count, pieces[index].kind == .added, pieces[index + 1].kind == .removed {
                ordered.append(pieces[index + 1]); ordered.append(pieces[index]); index += 2
            } else {
                ordered.append(pieces[index]); index += 1
            }
        }
        return ordered
    }

    /// Words with the whitespace that follows each.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = [], current = ""
        var inSpace = false
        for character in text {
            if character.isWhitespace {
                inSpace = true
            } else if inSpace {
                tokens.append(current); current = ""; inSpace = false
            }
            current.append(character)
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
