import Foundation

/// The six files of a territory import. Boundaries are optional: a territory without a map is
/// still a territory.
public struct TerritorySources: Sendable {
    public var regions: SourceFile
    public var departements: SourceFile
    public var communes: SourceFile
    public var movements: SourceFile
    public var populations: SourceFile
    public var boundaries: SourceFile?

    public init(regions: SourceFile, departements: SourceFile, communes: SourceFile, movements: SourceFile, populations: SourceFile, boundaries: SourceFile?) {
        self.regions = regions
        self.departements = departements
        self.communes = communes
        self.movements = movements
        self.populations = populations
        self.boundaries = boundaries
    }
}

/// Turns the official files into a validated `TerritoryDataset`, or fails with every problem found.
/// Pure: no database, no clock; the web layer stores the result in one transaction.
public enum TerritoryParser {
    /// - Parameter only: restrict communes, populations, history and boundaries to these
    ///   départements (régions and départements are always imported whole: they are small).
    public static func parse(_ sources: TerritorySources, only scope: Set<String>? = nil) throws(ImportFailure) -> TerritoryDataset {
        let regions = try parseRegions(sources.regions)
        let departements = try parseDepartements(sources.departements, regions: Set(regions.map(\.code)))
        let regionOf = Dictionary(departements.map { ($0.code, $0.regionCode) }, uniquingKeysWith: { first, _ in first })
        let known = Set(regionOf.keys)
        if let scope {
            let unknown = scope.subtracting(known).sorted()
            if !unknown.isEmpty {
                throw ImportFailure(issues: [ImportIssue(
                    file: sources.departements.name,
                    message: "département inconnu : \(unknown.joined(separator: ", ")) (absent du fichier des départements).")])
            }
        }
        func inScope(_ departement: String) -> Bool { scope?.contains(departement) ?? true }

        var communes = try parseCommunes(sources.communes, regionOf: regionOf).filter { inScope($0.departementCode) }
        let populationResult = try parsePopulations(sources.populations, departements: known)
        var populationsWithoutCommune: [String] = []
        var indexOfCurrent: [String: Int] = [:]
        // The census also counts the municipal arrondissements of Paris, Lyon and Marseille.
        var indexOfArrondissement: [String: Int] = [:]
        for (index, commune) in communes.enumerated() {
            if commune.kind == .commune { indexOfCurrent[commune.code] = index }
            if commune.kind == .arrondissement { indexOfArrondissement[commune.code] = index }
        }
        for (code, population) in populationResult.sorted(by: { $0.key < $1.key }) where inScope(CommuneCode.departement(of: code)) {
            if let index = indexOfCurrent[code] ?? indexOfArrondissement[code] {
                communes[index].population = population.municipal
                communes[index].totalPopulation = population.total
            } else {
                populationsWithoutCommune.append(code)
            }
        }

        let movements = try parseMovements(sources.movements).filter {
            inScope(CommuneCode.departement(of: $0.codeBefore)) || inScope(CommuneCode.departement(of: $0.codeAfter))
        }
        var boundaries: [CommuneBoundary] = []
        var report = BoundaryMatchReport()
        if let file = sources.boundaries {
            (boundaries, report) = try parseBoundaries(
                file, current: Set(indexOfCurrent.keys), history: MergerHistory(movements: movements),
                departements: known, inScope: inScope)
            let covered = Set(boundaries.map(\.communeCode))
            report.communesWithoutBoundary = indexOfCurrent.keys.filter { !covered.contains($0) }.sorted()
        }
        return TerritoryDataset(
            regions: regions, departements: departements, communes: communes, movements: movements,
            boundaries: boundaries, boundaryReport: report, populationsWithoutCommune: populationsWithoutCommune)
    }

    static func parseRegions(_ source: SourceFile) throws(ImportFailure) -> [Region] {
        let table = try Table(source, separator: ",", required: ["REG", "LIBELLE"])
        var issues = IssueCollector()
        var result: [Region] = []
        for row in table.rows {
            guard table.isComplete(row) else { issues.add(incomplete(table, row)); continue }
            let code = table.value(row, "REG"), name = table.value(row, "LIBELLE")
            guard !code.isEmpty, code.allSatisfy(\.isNumber) else {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "REG", message: "code de région invalide : « \(code) »."))
                continue
            }
            result.append(Region(code: code, name: name))
        }
        try issues.throwIfAny()
        return result
    }

    static func parseDepartements(_ source: SourceFile, regions: Set<String>) throws(ImportFailure) -> [Departement] {
        let table = try Table(source, separator: ",", required: ["DEP", "REG", "CHEFLIEU", "LIBELLE"])
        var issues = IssueCollector()
        var result: [Departement] = []
        for row in table.rows {
            guard table.isComplete(row) else { issues.add(incomplete(table, row)); continue }
            let code = table.value(row, "DEP"), region = table.value(row, "REG")
            guard CommuneCode.isDepartement(code) else {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "DEP", message: "code de département invalide : « \(code) »."))
                continue
            }
            guard regions.contains(region) else {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "REG", message: "région inconnue : « \(region) »."))
                continue
            }
            result.append(Departement(code: code, regionCode: region, name: table.value(row, "LIBELLE"), chefLieu: table.value(row, "CHEFLIEU")))
        }
        try issues.throwIfAny()
        return result
    }

    static func parseCommunes(_ source: SourceFile, regionOf: [String: String]) throws(ImportFailure) -> [Commune] {
        let table = try Table(source, separator: ",", required: ["TYPECOM", "COM", "REG", "DEP", "LIBELLE", "COMPARENT"])
        var issues = IssueCollector()
        var result: [Commune] = []
        result.reserveCapacity(table.rows.count)
        var seen: [String: Int] = [:]
        for row in table.rows {
            guard table.isComplete(row) else { issues.add(incomplete(table, row)); continue }
            let kindText = table.value(row, "TYPECOM"), code = table.value(row, "COM")
            guard let kind = CommuneKind(rawValue: kindText) else {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "TYPECOM", message: "type inconnu : « \(kindText) » (COM, COMD, COMA ou ARM attendu)."))
                continue
            }
            guard CommuneCode.isCommune(code) else {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "COM", message: "code commune invalide : « \(code) » (5 caractères, par exemple 38185 ou 2A004)."))
                continue
            }
            let key = Commune.key(kind, code)
            if let first = seen[key] {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "COM", message: "\(kindText) \(code) figure déjà ligne \(first)."))
                continue
            }
            seen[key] = row.line
            let parent = table.value(row, "COMPARENT")
            // Delegated and associated communes leave DEP and REG empty: they take their parent's.
            let departement = table.value(row, "DEP").isEmpty && kind != .commune ? CommuneCode.departement(of: parent.isEmpty ? code : parent) : table.value(row, "DEP")
            guard let region = regionOf[departement] else {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "DEP", message: "département inconnu : « \(departement) »."))
                continue
            }
            result.append(Commune(
                kind: kind, code: code, name: table.value(row, "LIBELLE"), departementCode: departement,
                regionCode: region, parentCode: parent.isEmpty || parent == code && kind == .commune ? nil : parent))
        }
        try issues.throwIfAny()
        return result
    }

    static func parsePopulations(_ source: SourceFile, departements: Set<String>) throws(ImportFailure) -> [String: (municipal: Int, total: Int)] {
        let table = try Table(source, separator: ";", required: ["DEP", "COM", "PMUN", "PTOT"])
        var issues = IssueCollector()
        var result: [String: (municipal: Int, total: Int)] = [:]
        for row in table.rows {
            guard table.isComplete(row) else { issues.add(incomplete(table, row)); continue }
            let code = table.value(row, "COM"), departement = table.value(row, "DEP")
            guard departements.contains(departement) else {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "DEP", message: "département inconnu : « \(departement) »."))
                continue
            }
            guard CommuneCode.isCommune(code) else {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "COM", message: "code commune invalide : « \(code) »."))
                continue
            }
            guard let municipal = Int(table.value(row, "PMUN")), municipal >= 0 else {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "PMUN", message: "population invalide : « \(table.value(row, "PMUN")) » (nombre entier attendu)."))
                continue
            }
            guard let total = Int(table.value(row, "PTOT")), total >= municipal else {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "PTOT", message: "population totale invalide : « \(table.value(row, "PTOT")) » (entier au moins égal à PMUN attendu)."))
                continue
            }
            result[code] = (municipal, total)
        }
        try issues.throwIfAny()
        return result
    }

    static func parseMovements(_ source: SourceFile) throws(ImportFailure) -> [CommuneMovement] {
        let columns = ["MOD", "DATE_EFF", "TYPECOM_AV", "COM_AV", "LIBELLE_AV", "TYPECOM_AP", "COM_AP", "LIBELLE_AP"]
        let table = try Table(source, separator: ",", required: columns)
        var issues = IssueCollector()
        var result: [CommuneMovement] = []
        result.reserveCapacity(table.rows.count)
        for row in table.rows {
            guard table.isComplete(row) else { issues.add(incomplete(table, row)); continue }
            let date = table.value(row, "DATE_EFF")
            guard date.count == 10, date.split(separator: "-").count == 3 else {
                issues.add(ImportIssue(file: table.file, line: row.line, column: "DATE_EFF", message: "date invalide : « \(date) » (AAAA-MM-JJ attendu)."))
                continue
            }
            // A creation (MOD 20) has no "before" side: both its kind and code are empty.
            for (kindColumn, column) in [("TYPECOM_AV", "COM_AV"), ("TYPECOM_AP", "COM_AP")] {
                let code = table.value(row, column)
                if code.isEmpty && table.value(row, kindColumn).isEmpty { continue }
                if !CommuneCode.isCommune(code) {
                    issues.add(ImportIssue(file: table.file, line: row.line, column: column, message: "code commune invalide : « \(code) »."))
                }
            }
            result.append(CommuneMovement(
                modification: table.value(row, "MOD"), effectiveDate: date,
                kindBefore: table.value(row, "TYPECOM_AV"), codeBefore: table.value(row, "COM_AV"), nameBefore: table.value(row, "LIBELLE_AV"),
                kindAfter: table.value(row, "TYPECOM_AP"), codeAfter: table.value(row, "COM_AP"), nameAfter: table.value(row, "LIBELLE_AP")))
        }
        try issues.throwIfAny()
        return result
    }

    static func parseBoundaries(
        _ source: SourceFile, current: Set<String>, history: MergerHistory, departements: Set<String>, inScope: (String) -> Bool
    ) throws(ImportFailure) -> ([CommuneBoundary], BoundaryMatchReport) {
        let features: [GeoJSON.Feature]
        do { features = try GeoJSON.features(from: source.data) } catch {
            let message: String
            switch error {
            case .invalidJSON: message = "JSON invalide (un fichier GeoJSON est attendu)."
            case .notAFeatureCollection: message = "une FeatureCollection GeoJSON est attendue."
            case .badGeometry(let index, let reason): message = "objet n° \(index) : \(reason)."
            }
            throw ImportFailure(issues: [ImportIssue(file: source.name, message: message)])
        }
        var issues = IssueCollector()
        var report = BoundaryMatchReport()
        var byCommune: [String: CommuneBoundary] = [:]
        for (offset, feature) in features.enumerated() {
            let number = offset + 1
            guard let code = feature.properties["code"], CommuneCode.isCommune(code) else {
                issues.add(ImportIssue(file: source.name, column: "code", message: "objet n° \(number) : propriété « code » absente ou invalide."))
                continue
            }
            let departement = CommuneCode.departement(of: code)
            guard departements.contains(departement) else {
                issues.add(ImportIssue(file: source.name, column: "code", message: "objet n° \(number) (\(code)) : département inconnu « \(departement) »."))
                continue
            }
            guard inScope(departement) else { continue }
            let name = feature.properties["nom"] ?? ""
            let target: String
            if current.contains(code) {
                target = code
                report.matchedDirectly += 1
            } else if let successor = history.currentCode(for: code, current: current) {
                target = successor
                report.mappedThroughHistory.append((code, name, successor))
            } else {
                report.unmatched.append((code, name))
                continue
            }
            if var existing = byCommune[target] {
                existing.geometry.polygons += feature.geometry.polygons
                existing.sourceCodes.append(code)
                byCommune[target] = existing
            } else {
                byCommune[target] = CommuneBoundary(communeCode: target, geometry: feature.geometry, sourceCodes: [code])
            }
        }
        try issues.throwIfAny()
        return (byCommune.values.sorted { $0.communeCode < $1.communeCode }, report)
    }

    private static func incomplete(_ table: Table, _ row: CSVRecord) -> ImportIssue {
        ImportIssue(file: table.file, line: row.line, message: "\(row.fields.count) champ(s) au lieu de \(table.columns.count) : séparateur ou ligne tronquée ?")
    }
}

/// Follows the COG history from a retired code to the current commune it became part of.
struct MergerHistory {
    /// For each code, the later current-commune codes it moved into, newest first.
    private var successors: [String: [String]] = [:]

    init(movements: [CommuneMovement]) {
        for movement in movements.sorted(by: { $0.effectiveDate > $1.effectiveDate })
        where movement.kindBefore == CommuneKind.commune.rawValue && movement.kindAfter == CommuneKind.commune.rawValue
            && movement.codeBefore != movement.codeAfter {
            successors[movement.codeBefore, default: []].append(movement.codeAfter)
        }
    }

    func currentCode(for code: String, current: Set<String>) -> String? {
        var visited: Set<String> = [code]
        var frontier = [code]
        while !frontier.isEmpty {
            var next: [String] = []
            for candidate in frontier {
                for successor in successors[candidate] ?? [] where visited.insert(successor).inserted {
                    if current.contains(successor) { return successor }
                    next.append(successor)
                }
            }
            frontier = next
        }
        return nil
    }
}

/// Official geographic codes are strings: leading zeros, Corsica's 2A/2B, overseas 97x.
public enum CommuneCode {
    public static func isCommune(_ code: String) -> Bool {
        let chars = Array(code.utf8)
        guard chars.count == 5 else { return false }
        let digits = chars.allSatisfy { $0 >= 48 && $0 <= 57 }
        let corsica = chars[0] == UInt8(ascii: "2") && (chars[1] == UInt8(ascii: "A") || chars[1] == UInt8(ascii: "B"))
            && chars[2...].allSatisfy { $0 >= 48 && $0 <= 57 }
        return digits || corsica
    }

    public static func isDepartement(_ code: String) -> Bool {
        let chars = Array(code)
        if chars.count == 3 { return code.hasPrefix("97") && chars.allSatisfy(\.isNumber) }
        return chars.count == 2 && (chars.allSatisfy(\.isNumber) || code == "2A" || code == "2B")
    }

    /// The département a commune code belongs to: 3 characters overseas (97x), otherwise 2.
    public static func departement(of code: String) -> String {
        String(code.prefix(code.hasPrefix("97") ? 3 : 2))
    }
}
