import Foundation

/// One record of a delimited text file, with the physical line it starts on (1-based) so that
/// every import error can name its line.
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

public enum CSVError: Error, Equatable, Sendable {
    /// A quote opened on `line` is never closed.
    case unterminatedQuote(line: Int)
    /// A quoted field is followed by something other than a separator or a line end.
    case strayQuote(line: Int)
}

/// RFC 4180 reader over already-decoded text: quoted fields, doubled quotes, separators and line
/// breaks inside quotes (ESCO puts several synonyms in one field, one per line), CRLF or LF endings.
/// The separator is a parameter because French public data mixes `,` (COG) and `;` (census, RNA).
public struct CSVReader: Sendable {
    public var separator: UInt8

    public init(separator: Character) {
        precondition(separator.isASCII, "separator must be ASCII")
        self.separator = separator.asciiValue!
    }

    public func records(in text: String) throws(CSVError) -> [CSVRecord] {
        var result: [CSVRecord] = []
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // byte-order mark
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var index = 0
        var inQuotes = false, fieldWasQuoted = false, atRecordStart = true

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            result.append(CSVRecord(line: recordLine, fields: fields))
            fields.removeAll(keepingCapacity: true)
            atRecordStart = true
        }

        while index < bytes.count {
            let byte = bytes[index]
            if atRecordStart {
                recordLine = line
                atRecordStart = false
            }
            if inQuotes {
                if byte == quote {
                    if index + 1 < bytes.count, bytes[index + 1] == quote {
                        field.append(quote)
                        index += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    if byte == lf { line += 1 }
                    field.append(byte)
                }
                index += 1
                continue
            }
            switch byte {
            case quote:
                guard field.isEmpty, !fieldWasQuoted else { throw .strayQuote(line: line) }
                inQuotes = true
                fieldWasQuoted = true
            case separator:
                endField()
            case cr where index + 1 < bytes.count && bytes[index + 1] == lf:
                break  // the LF that follows ends the record
            case lf:
                endRecord()
                line += 1
            default:
                if fieldWasQuoted { throw .strayQuote(line: line) }
                field.append(byte)
            }
            index += 1
        }
        if inQuotes { throw .unterminatedQuote(line: recordLine) }
        if !atRecordStart { endRecord() }
        return result
    }
}
