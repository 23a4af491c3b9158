import Foundation

/// Strict UTF-8 decoding that can say where a file stops being UTF-8, so that a Latin-1 export
/// (the RNA's historical encoding) is refused with a line number instead of turning into mojibake.
public enum TextDecoding {
    public struct InvalidUTF8: Error, Equatable, Sendable {
        public var line: Int
    }

    public static func utf8(_ data: Data) throws(InvalidUTF8) -> String {
        if let text = String(validating: data, as: UTF8.self) { return text }
        throw InvalidUTF8(line: firstInvalidLine(data))
    }

    static func firstInvalidLine(_ data: Data) -> Int {
        var line = 1
        var lineStart = data.startIndex
        for index in data.indices where data[index] == UInt8(ascii: "\n") {
            if String(validating: data[lineStart..<index], as: UTF8.self) == nil { return line }
            line += 1
            lineStart = data.index(after: index)
        }
        return line
    }
}
