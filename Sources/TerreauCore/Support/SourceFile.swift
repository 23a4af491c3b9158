import Foundation

/// The bytes of an input file and the name to show in messages.
public struct SourceFile: Sendable {
    public var name: String
    public var data: Data

    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }
}

/// A delimited file whose header has been checked: access fields by column name, errors by line.
struct Table {
    let file: String
    let columns: [String: Int]
    let rows: [CSVRecord]

    /// Decodes, splits and checks the header; a file with the wrong separator or encoding fails here
    /// with a message that names it, before any row is looked at.
    /// - Parameter latin1Fallback: read a file that is not valid UTF-8 as Latin-1 (ISO 8859-1,
    ///   where every byte is a character) instead of refusing it — for registers known to ship
    ///   in both encodings.
    init(_ source: SourceFile, separator: Character, required: [String], latin1Fallback: Bool = false) throws(ImportFailure) {
        file = source.name
        let text: String
        if latin1Fallback, String(validating: source.data, as: UTF8.self) == nil {
            text = String(decoding: source.data.map { UInt16($0) }, as: UTF16.self)
        } else { do { text = try TextDecoding.utf8(source.data) } catch {
            throw ImportFailure(issues: [ImportIssue(
                file: source.name, line: error.line,
                message: "encodage invalide : le fichier doit être en UTF-8 (il semble être en Latin-1 ou Windows-1252 ; convertissez-le, par exemple avec « iconv -f latin1 -t utf-8 »).")])
        } }
        let records: [CSVRecord]
        do { records = try CSVReader(separator: separator).records(in: text) } catch {
            switch error {
            case .unterminatedQuote(let line):
                throw ImportFailure(issues: [ImportIssue(file: source.name, line: line, message: "guillemet ouvert jamais refermé.")])
            case .strayQuote(let line):
                throw ImportFailure(issues: [ImportIssue(file: source.name, line: line, message: "guillemet mal placé dans un champ.")])
            }
        }
        guard let header = records.first, !(header.fields.count == 1 && header.fields[0].isEmpty) else {
            throw ImportFailure(issues: [ImportIssue(file: source.name, line: 1, message: "le fichier est vide ; une ligne d'en-tête est attendue.")])
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var columns: [String: Int] = [:]
        for (index, name) in names.enumerated() where columns[name] == nil { columns[name] = index }
        let missing = required.filter { columns[$0] == nil }
        if !missing.isEmpty {
            let expected = String(separator)
            let other = [",", ";", "\t"].first { $0 != expected && header.fields.joined().contains($0) }
            let message: String
            if names.count == 1, let other {
                message = "séparateur inattendu : « \(other == "\t" ? "tabulation" : other) » trouvé, « \(expected) » attendu."
            } else {
                message = "colonnes manquantes dans l'en-tête : \(missing.joined(separator: ", "))."
            }
            throw ImportFailure(issues: [ImportIssue(file: source.name, line: header.line, message: message)])
        }
        self.columns = columns
        rows = Array(records.dropFirst()).filter { !($0.fields.count == 1 && $0.fields[0].isEmpty) }
    }

    func has(_ column: String) -> Bool { columns[column] != nil }

    func value(_ row: CSVRecord, _ column: String) -> String {
        guard let index = columns[column], index < row.fields.count else { return "" }
        return row.fields[index].trimmingCharacters(in: .whitespaces)
    }

    /// A row shorter than the header usually means a wrong separator or a truncated line.
    func isComplete(_ row: CSVRecord) -> Bool { row.fields.count > (columns.values.max() ?? 0) }
}
