import Foundation

/// Text typed by people, checked and normalised once, at the door (quality S-input): what is
/// stored, shown and hashed into the journal is then the same string. A NUL byte, say, was
/// stored whole but shown cut short, so the journal's proof of an honest row failed forever.
public enum UserText {
    /// Why a submitted value is refused.
    public enum Problem: Equatable, Sendable {
        /// A control character other than tab and line breaks (C0 or DEL): code point value.
        case control(UInt32)
        /// Bytes that are not UTF-8 (or a malformed percent-escape).
        case notUTF8
    }

    /// The first character that makes `text` unacceptable, or nil.
    public static func problem(in text: String) -> Problem? {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || value == 0x7F { return .control(value) }
        }
        return nil
    }

    /// Line breaks as `\n` (browsers send `\r\n` from text areas), directional controls removed,
    /// Unicode canonical composition (NFC), so « é » typed two ways is one string.
    public static func normalized(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar.value == 0x0D {
                scalars.append("\n")
                previousWasCR = true
                continue
            }
            defer { previousWasCR = false }
            if scalar.value == 0x0A, previousWasCR { continue }
            if isBidiControl(scalar) { continue }
            scalars.append(scalar)
        }
        return String(scalars).precomposedStringWithCanonicalMapping
    }

    /// Directional overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make a name read
    /// backwards (« fdp.exe » shown as « exe.pdf ») and have no place in names and titles.
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// `application/x-www-form-urlencoded` decoding of one name or value (`+` is a space), or
    /// nil when an escape is malformed or the bytes are not UTF-8.
    public static func formDecoded(_ encoded: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.utf8.count)
        var iterator = encoded.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The first field of a urlencoded form body that is refused, with why; nil when every name
    /// and value is acceptable text.
    public static func firstProblem(inForm body: Substring) -> (field: String, problem: Problem)? {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = formDecoded(parts[0]) else { return ("?", .notUTF8) }
            guard let value = parts.count > 1 ? formDecoded(parts[1]) : "" else { return (name, .notUTF8) }
            if let problem = problem(in: name) ?? problem(in: value) { return (name, problem) }
        }
        return nil
    }
}
