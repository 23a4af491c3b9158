/// An association from the register belongs to a community when its commune is one of the
/// community's (or a former or delegated commune of one). A row elsewhere, or with no commune, is
/// refused line by line; `--hors-territoire` attaches such rows anyway, shown « hors territoire »
/// (integrity issue: the import used to attach them silently, commune left blank).
public enum RNATerritory {
    /// The rows that are not on the territory, as issues naming file, line and commune.
    public static func outside(_ associations: [RNAAssociation], territory: Set<String>, file: String) -> [ImportIssue] {
        associations.compactMap { association in
            if association.communeCode.isEmpty {
                return ImportIssue(file: file, line: association.line, column: "adrs_codeinsee",
                                   message: "« \(association.name) » n'a pas de commune : rien ne la situe sur le territoire")
            }
            guard !territory.contains(association.communeCode) else { return nil }
            return ImportIssue(file: file, line: association.line, column: "adrs_codeinsee",
                               message: "« \(association.name) » est à la commune \(association.communeCode), hors du territoire de la communauté")
        }
    }
}

/// What the public journal records of a register import (who, which file, what changed), as
/// the summary of its entry: a JSON object, read back for display in the reader's language.
public struct ImportRecord: Codable, Equatable, Sendable {
    public var source: String
    public var file: String
    public var sha256: String
    public var operatorName: String
    public var created: Int
    public var updated: Int
    public var skipped: Int
    public var outside: Int

    public init(source: String, file: String, sha256: String, operatorName: String, created: Int, updated: Int, skipped: Int, outside: Int) {
        self.source = source
        self.file = file
        self.sha256 = sha256
        self.operatorName = operatorName
        self.created = created
        self.updated = updated
        self.skipped = skipped
        self.outside = outside
    }
}
