import Foundation

/// A small XML reader and writer for the documents Terreau exchanges with field apps (an
/// OpenRosa submission, an XForm): elements, attributes, text, the five named entities and
/// numeric references, comments, CDATA, processing instructions. No DTD is read (a document
/// that declares one is refused, so no entity can expand), namespaces are kept as written
/// (`h:html`), and the depth is bounded. Foundation's XML parser is not part of every
/// platform's Foundation; this one is pure Swift.
public struct XMLNode: Equatable, Sendable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLNode]
    /// The element's own text (its text pieces joined, children's left out).
    public var text: String

    public init(name: String, attributes: [String: String] = [:], children: [XMLNode] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The name without its namespace prefix.
    public var localName: String { name.split(separator: ":").last.map(String.init) ?? name }

    public func child(_ localName: String) -> XMLNode? { children.first { $0.localName == localName } }
    public func children(_ localName: String) -> [XMLNode] { children.filter { $0.localName == localName } }

    /// Every element below this one, depth first.
    public var descendants: [XMLNode] { children.flatMap { [$0] + $0.descendants } }

    // MARK: Reading

    public enum ParseError: Error, Equatable, Sendable {
        case malformed(offset: Int)
        case doctypeRefused
        case tooDeep
        case mismatchedTag(expected: String, found: String)
        case unknownEntity(String)
    }

    public static let maximumDepth = 64

    public static func parse(_ text: String) throws(ParseError) -> XMLNode {
        var reader = Reader(bytes: Array(text.utf8))
        return try reader.document()
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        }

        func at(_ literal: String) -> Bool {
            let pattern = Array(literal.utf8)
            return index + pattern.count <= bytes.count && Array(bytes[index..<(index + pattern.count)]) == pattern
        }

        mutating func skip(past literal: String) throws(ParseError) {
            let pattern = Array(literal.utf8)
            while index + pattern.count <= bytes.count {
                if Array(bytes[index..<(index + pattern.count)]) == pattern { index += pattern.count; return }
                index += 1
            }
            throw .malformed(offset: index)
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// Prolog, comments and processing instructions around the one root element.
        mutating func document() throws(ParseError) -> XMLNode {
            var root: XMLNode?
            while true {
                skipSpace()
                if index >= bytes.count { break }
                if at("<?") { try skip(past: "?>"); continue }
                if at("<!--") { try skip(past: "-->"); continue }
                if at("<!DOCTYPE") || at("<!doctype") { throw .doctypeRefused }
                guard root == nil, at("<") else { throw .malformed(offset: index) }
                root = try element(depth: 1)
            }
            guard let root else { throw .malformed(offset: index) }
            return root
        }

        mutating func name() throws(ParseError) -> String {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if [0x20, 0x09, 0x0A, 0x0D, 0x2F, 0x3E, 0x3D].contains(byte) { break }  // space, /, >, =
                index += 1
            }
            guard index > start else { throw .malformed(offset: index) }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func element(depth: Int) throws(ParseError) -> XMLNode {
            guard depth <= XMLNode.maximumDepth else { throw .tooDeep }
            index += 1  // <
            var node = XMLNode(name: try name())
            while true {
                skipSpace()
                guard index < bytes.count else { throw .malformed(offset: index) }
                if at("/>") { index += 2; return node }
                if bytes[index] == 0x3E { index += 1; break }
                let attribute = try name()
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x3D else { throw .malformed(offset: index) }
                index += 1
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x22 || bytes[index] == 0x27 else { throw .malformed(offset: index) }
                let quote = bytes[index]
                index += 1
                let start = index
                while index < bytes.count, bytes[index] != quote { index += 1 }
                guard index < bytes.count else { throw .malformed(offset: index) }
                node.attributes[attribute] = try Self.decode(bytes[start..<index])
                index += 1
            }
            // Content, up to the matching end tag.
            var text: [UInt8] = []
            while true {
                guard index < bytes.count else { throw .malformed(offset: index) }
                if at("</") {
                    index += 2
                    let closing = try name()
                    skipSpace()
                    guard index < bytes.count, bytes[index] == 0x3E else { throw .malformed(offset: index) }
                    index += 1
                    guard closing == node.name else { throw .mismatchedTag(expected: node.name, found: closing) }
                    node.text = try Self.decode(text[...])
                    return node
                }
                if at("<!--") { try skip(past: "-->"); continue }
                if at("<![CDATA[") {
                    index += 9
                    let start = index
                    try skip(past: "]]>")
                    // Kept verbatim: escaped so that decoding gives it back as it was.
                    for byte in bytes[start..<(index - 3)] {
                        if byte == 0x26 { text.append(contentsOf: Array("&amp;".utf8)) } else { text.append(byte) }
                    }
                    continue
                }
                if at("<?") { try skip(past: "?>"); continue }
                if bytes[index] == 0x3C {
                    node.children.append(try element(depth: depth + 1))
                    continue
                }
                text.append(bytes[index])
                index += 1
            }
        }

        static func decode(_ raw: ArraySlice<UInt8>) throws(ParseError) -> String {
            guard raw.contains(0x26) else { return String(decoding: raw, as: UTF8.self) }
            var out: [UInt8] = []
            var index = raw.startIndex
            while index < raw.endIndex {
                guard raw[index] == 0x26 else { out.append(raw[index]); index += 1; continue }
                guard let end = raw[index...].firstIndex(of: 0x3B) else { throw .malformed(offset: index) }
                let entity = String(decoding: raw[(index + 1)..<end], as: UTF8.self)
                switch entity {
                case "lt": out.append(0x3C)
                case "gt": out.append(0x3E)
                case "amp": out.append(0x26)
                case "quot": out.append(0x22)
                case "apos": out.append(0x27)
                default:
                    let number = entity.hasPrefix("#x") || entity.hasPrefix("#X") ? UInt32(entity.dropFirst(2), radix: 16)
                        : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                    guard let number, let scalar = Unicode.Scalar(number) else { throw .unknownEntity(entity) }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
                index = end + 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    // MARK: Writing

    /// Text or an attribute value escaped; control characters XML 1.0 cannot hold are dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
