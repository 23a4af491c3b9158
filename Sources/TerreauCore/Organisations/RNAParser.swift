import Foundation

/// One active association read from a Répertoire National des Associations file.
public struct RNAAssociation: Equatable, Sendable {
    public var rna: String
    public var name: String
    public var object: String
    public var themes: [String]
    public var socialObjectCodes: [String]
    public var createdOn: String?
    public var postcode: String
    public var communeCode: String
    public var communeName: String
    public var website: String?
    public var line: Int
}

/// Reads both layouts of the register (« waldec », 41 columns, and « import », 26 columns):
/// `;`-separated, `"`-quoted, UTF-8 or Latin-1. Only `position` `A` (active) rows are kept;
/// every other row is counted. Any bad row makes the whole file refused (quality R1).
public enum RNAParser {
    public enum Layout: String, Sendable { case waldec, `import` }

    public struct Result: Sendable {
        public var layout: Layout
        public var associations: [RNAAssociation]
        public var skippedInactive: Int
    }

    static let required = ["id", "titre", "objet", "objet_social1", "objet_social2", "position", "date_creat"]

    public static func parse(_ file: SourceFile) throws(ImportFailure) -> Result {
        let table = try Table(file, separator: ";", required: required, latin1Fallback: true)
        let layout: Layout = table.has("adrs_libcommune") ? .waldec : .import
        var issues = IssueCollector()
        var associations: [RNAAssociation] = []
        var seen: [String: Int] = [:]
        var skipped = 0
        for row in table.rows {
            let position = table.value(row, "position").trimmingCharacters(in: .whitespaces).uppercased()
            guard ["A", "D", "S", "R"].contains(position) else {
                issues.add(file: file.name, line: row.line, column: "position", "valeur « \(table.value(row, "position")) » inconnue (A, D, S ou R attendu)")
                continue
            }
            guard position == "A" else { skipped += 1; continue }
            let idColumn = layout == .waldec ? "id" : "rup_mi"
            // The import layout's own ids (`751P00085568`) are not RNA numbers; its W number is in
            // `rup_mi`, and in some extracts one column earlier, in `observation`.
            var rawID = table.value(row, idColumn)
            if layout == .import, rawID.isEmpty, table.has("observation") { rawID = table.value(row, "observation") }
            guard let rna = OrganisationIdentifier.rna(rawID) else {
                issues.add(file: file.name, line: row.line, column: idColumn, "numéro RNA « \(rawID) » invalide (W suivi de 9 chiffres attendu)")
                continue
            }
            if let first = seen[rna] {
                issues.add(file: file.name, line: row.line, column: idColumn, "numéro \(rna) déjà présent ligne \(first)")
                continue
            }
            let name = table.value(row, "titre").trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else {
                issues.add(file: file.name, line: row.line, column: "titre", "titre vide")
                continue
            }
            var codes: [String] = []
            for column in ["objet_social1", "objet_social2"] {
                let code = table.value(row, column).trimmingCharacters(in: .whitespaces)
                guard code.isEmpty || (code.count == 6 && code.allSatisfy(\.isASCIIDigit)) else {
                    issues.add(file: file.name, line: row.line, column: column, "code « \(code) » invalide (6 chiffres attendus)")
                    continue
                }
                if SocialObjectTheme.theme(forCode: code) != nil, !codes.contains(code) { codes.append(code) }
            }
            let created = table.value(row, "date_creat").trimmingCharacters(in: .whitespaces)
            var createdOn: String?
            if !created.isEmpty, created != "0001-01-01" {
                guard isISODate(created) else {
                    issues.add(file: file.name, line: row.line, column: "date_creat", "date « \(created) » invalide (AAAA-MM-JJ attendu)")
                    continue
                }
                createdOn = created
            }
            let communeCode = table.value(row, "adrs_codeinsee").trimmingCharacters(in: .whitespaces)
            guard communeCode.isEmpty || CommuneCode.isCommune(communeCode) else {
                issues.add(file: file.name, line: row.line, column: "adrs_codeinsee", "code commune « \(communeCode) » invalide")
                continue
            }
            let website = table.value(row, "siteweb").trimmingCharacters(in: .whitespaces)
            seen[rna] = row.line
            var themes: [String] = []
            for code in codes { if let theme = SocialObjectTheme.theme(forCode: code), !themes.contains(theme) { themes.append(theme) } }
            associations.append(RNAAssociation(
                rna: rna, name: name, object: table.value(row, "objet").trimmingCharacters(in: .whitespaces), themes: themes,
                socialObjectCodes: codes, createdOn: createdOn,
                postcode: table.value(row, "adrs_codepostal").trimmingCharacters(in: .whitespaces), communeCode: communeCode,
                communeName: table.value(row, layout == .waldec ? "adrs_libcommune" : "libcom").trimmingCharacters(in: .whitespaces),
                website: website.isEmpty ? nil : website, line: row.line))
        }
        try issues.throwIfAny()
        return Result(layout: layout, associations: associations, skippedInactive: skipped)
    }

    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let month = Int(parts[1]), let day = Int(parts[2]), parts[0].allSatisfy(\.isASCIIDigit)
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
