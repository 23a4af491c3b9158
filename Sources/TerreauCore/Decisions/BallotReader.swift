import Foundation

/// Stored ballots are the JSON items `terreau tally` reads. Counting a million of them goes
/// through this reader: it walks the bytes once and feeds the counter with indices, without
/// building JSON values — the difference between seconds and minutes.
extension ElectionCounter {
    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    public mutating func add(json: String) throws {
        var text = json
        try text.withUTF8 { bytes in try add(bytes: bytes) }
    }

    /// A ballot's JSON as bytes (as the database hands them over, without making a String).
    public mutating func add(bytes: UnsafeBufferPointer<UInt8>) throws {
        var reader = JSONBytes(bytes: bytes)
        try add(&reader)
    }

    /// A majority-judgment ballot, `{"name": "grade", …}`, read in one loop straight into the
    /// counts: no array per ballot, no closure. Stored ballots list names in the same order one
    /// after another, so the name met at each place last time is tried first. A candidate left
    /// ungraded gets the worst grade, as in `MajorityJudgmentTally.add`; one graded `null` is recused.
    mutating func addJudgment(_ reader: inout JSONBytes) throws {
        let count = election.candidates.count
        guard count <= 64 else { throw Unreadable(description: "plus de 64 options") }
        var graded: UInt64 = 0, place = 0
        try reader.expect(UInt8(ascii: "{"))
        if reader.peek() == UInt8(ascii: "}") {
            reader.position += 1
        } else {
            while true {
                let name = try reader.span()
                try reader.expect(UInt8(ascii: ":"))
                // `null`: the judge recuses themself from this candidate (not counted for it).
                let recused = reader.peek() == UInt8(ascii: "n")
                let grade = recused ? nil : try reader.span()
                if recused { try reader.literal("null") }
                let position: Int
                if place < namesMet.count, name.equals(nameBytes[namesMet[place]]) {
                    position = namesMet[place]
                } else {
                    guard let found = try name.match(nameBytes, from: 0) ?? index[name.text()] else {
                        throw Unreadable(description: "candidat inconnu « \((try? name.text()) ?? "") »")
                    }
                    position = found
                    if place < namesMet.count { namesMet[place] = found } else { namesMet.append(found) }
                }
                if let grade {
                    guard let level = try grade.match(gradeBytes, from: 0) ?? gradeIndex[grade.text()] else {
                        throw Unreadable(description: "mention inconnue « \((try? grade.text()) ?? "") »")
                    }
                    judgment.count(position, level)
                }
                graded |= 1 << UInt64(position)
                place += 1
                if reader.peek() == UInt8(ascii: ",") { reader.position += 1; continue }
                try reader.expect(UInt8(ascii: "}"))
                break
            }
        }
        if graded.nonzeroBitCount < count {
            for position in 0..<count where graded & (1 << UInt64(position)) == 0 { judgment.count(position, 0) }
        }
        judgment.ballots += 1
        ballots += 1
    }

    mutating func add(_ reader: inout JSONBytes) throws {
        // Stored ballots name candidates in the same order ballot after ballot: try the one after
        // the last match first, comparing bytes, before any lookup.
        var hint = 0
        let names = nameBytes, index = self.index
        func candidate(_ span: JSONBytes.Span) throws -> Int {
            if let found = span.match(names, from: hint) { hint = found + 1; return found }
            let name = try span.text()
            guard let position = index[name] else { throw Unreadable(description: "candidat inconnu « \(name) »") }
            return position
        }
        func candidate(_ name: String) throws -> Int {
            guard let position = index[name] else { throw Unreadable(description: "candidat inconnu « \(name) »") }
            return position
        }
        let count = election.candidates.count
        switch election.method {
        case .majority, .qualifiedMajority, .consensus:
            let word = try reader.string()
            guard let choice = BallotChoice(rawValue: word) else { throw Unreadable(description: "choix inconnu « \(word) »") }
            add(choice: choice)
        case .approval:
            var approved: [Int] = []
            try reader.array { reader in approved.append(try candidate(try reader.span())) }
            add(approved: approved)
        case .score, .dotVoting:
            var values = [Double?](repeating: nil, count: count)
            try reader.object { name, reader in values[try candidate(name)] = try reader.number() }
            if election.method == .score { add(scores: values) } else { add(dots: values.map { Int($0 ?? 0) }) }
        case .majorityJudgment:
            try addJudgment(&reader)
        case .schulze, .instantRunoff:
            var ranking: RankedBallot = []
            try reader.array { reader in
                if reader.peek() == UInt8(ascii: "[") {
                    var group: [Int] = []
                    try reader.array { reader in group.append(try candidate(try reader.span())) }
                    ranking.append(group)
                } else {
                    ranking.append([try candidate(try reader.span())])
                }
            }
            add(ranking: ranking)
        case .consent:
            throw Unreadable(description: "le consentement se compte par tours, pas bulletin par bulletin")
        }
    }
}

/// A minimal reader of the JSON the platform writes itself (strings, numbers, arrays, objects).
struct JSONBytes {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func skipSpaces() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func peek() -> UInt8? {
        skipSpaces()
        return position < bytes.count ? bytes[position] : nil
    }

    mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else { throw ElectionCounter.Unreadable(description: "bulletin illisible (position \(position))") }
        position += 1
    }

    /// A bare word such as `null`.
    mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
              memcmp(bytes.baseAddress! + position, word.utf8Start, count) == 0 else {
            throw ElectionCounter.Unreadable(description: "bulletin illisible (position \(position))")
        }
        position += count
    }

    /// A string's bytes as they stand between the quotes.
    struct Span {
        var raw: UnsafeBufferPointer<UInt8>
        var escaped: Bool

        /// The first of `names` (from `start`, wrapping round) with exactly these bytes.
        func match(_ names: [[UInt8]], from start: Int) -> Int? {
            guard !escaped, !names.isEmpty else { return nil }
            for offset in 0..<names.count {
                let index = (start + offset) % names.count
                if equals(names[index]) { return index }
            }
            return nil
        }

        /// Whether the (unescaped) bytes are exactly `name`'s.
        func equals(_ name: [UInt8]) -> Bool {
            guard !escaped, name.count == raw.count else { return false }
            guard !raw.isEmpty else { return true }
            return name.withUnsafeBufferPointer { memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 }
        }

        func text() throws -> String {
            let text = String(decoding: raw, as: UTF8.self)
            // Escapes are rare (a name with a quote): let Foundation read those exactly.
            guard escaped else { return text }
            guard let decoded = try? JSONDecoder().decode(String.self, from: Data(("\"" + text + "\"").utf8)) else {
                throw ElectionCounter.Unreadable(description: "chaîne illisible")
            }
            return decoded
        }
    }

    mutating func span() throws -> Span {
        try expect(UInt8(ascii: "\""))
        let start = position
        var escaped = false
        while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
            if bytes[position] == UInt8(ascii: "\\") { escaped = true; position += 1 }
            position += 1
        }
        guard position < bytes.count else { throw ElectionCounter.Unreadable(description: "chaîne non terminée") }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
        position += 1
        return Span(raw: raw, escaped: escaped)
    }

    mutating func string() throws -> String { try span().text() }

    mutating func number() throws -> Double {
        skipSpaces()
        let start = position
        scan: while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"): position += 1
            default: break scan
            }
        }
        guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)) else {
            throw ElectionCounter.Unreadable(description: "nombre illisible")
        }
        return value
    }

    mutating func array(_ element: (inout JSONBytes) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        if peek() == UInt8(ascii: "]") { position += 1; return }
        while true {
            try element(&self)
            if peek() == UInt8(ascii: ",") { position += 1; continue }
            try expect(UInt8(ascii: "]"))
            return
        }
    }

    mutating func object(_ member: (String, inout JSONBytes) throws -> Void) throws {
        try members { key, reader in try member(try key.text(), &reader) }
    }

    /// An object's members, keys left as bytes.
    mutating func members(_ member: (Span, inout JSONBytes) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if peek() == UInt8(ascii: "}") { position += 1; return }
        while true {
            let key = try span()
            try expect(UInt8(ascii: ":"))
            try member(key, &self)
            if peek() == UInt8(ascii: ",") { position += 1; continue }
            try expect(UInt8(ascii: "}"))
            return
        }
    }
}
