import Foundation
import Testing
@testable import TerreauCore

/// Small files with the real files' layout and quirks.
enum Fixture {
    static let regions = "REG,CHEFLIEU,TNCC,NCC,NCCENR,LIBELLE\n84,69123,1,AUVERGNE RHONE ALPES,Auvergne-Rhône-Alpes,Auvergne-Rhône-Alpes\n94,2A004,4,CORSE,Corse,Corse\n"
    static let departements = "DEP,REG,CHEFLIEU,TNCC,NCC,NCCENR,LIBELLE\n01,84,01053,5,AIN,Ain,Ain\n2A,94,2A004,3,CORSE DU SUD,Corse-du-Sud,Corse-du-Sud\n38,84,38185,5,ISERE,Isère,Isère\n"
    static let communes = """
        TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT
        COM,01001,84,01,01D,012,5,ABERGEMENT CLEMENCIAT,Abergement-Clémenciat,L'Abergement-Clémenciat,0108,
        COM,01015,84,01,01D,011,1,ARBOYS EN BUGEY,Arboys en Bugey,Arboys en Bugey,0101,
        COMD,01015,,,,,1,ARBIGNIEU,Arbignieu,Arbignieu,,01015
        COM,2A004,94,2A,2AD,2A1,0,AJACCIO,Ajaccio,Ajaccio,2A98,
        COM,38185,84,38,38D,381,0,GRENOBLE,Grenoble,Grenoble,3899,
        COM,38395,84,38,38D,381,0,PLATEAU DES PETITES ROCHES,Plateau-des-Petites-Roches,Plateau-des-Petites-Roches,3899,

        """
    static let movements = """
        MOD,DATE_EFF,TYPECOM_AV,COM_AV,TNCC_AV,NCC_AV,NCCENR_AV,LIBELLE_AV,TYPECOM_AP,COM_AP,TNCC_AP,NCC_AP,NCCENR_AP,LIBELLE_AP
        32,2019-01-01,COM,38367,0,SAINT BERNARD,Saint-Bernard,Saint-Bernard,COM,38395,0,PLATEAU DES PETITES ROCHES,Plateau-des-Petites-Roches,Plateau-des-Petites-Roches
        32,2019-01-01,COM,38367,0,SAINT BERNARD,Saint-Bernard,Saint-Bernard,COMD,38367,0,SAINT BERNARD,Saint-Bernard,Saint-Bernard
        20,1946-03-21,,,,,,,COM,97106,0,BOUILLANTE,Bouillante,Bouillante

        """
    static let populations = "REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT\n84;ARA;01;2;08;001;01001;L'Abergement-Clémenciat;860;16;876\n84;ARA;38;1;99;185;38185;Grenoble;156140;2975;159115\n94;Corse;2A;1;98;004;2A004;Ajaccio;75309;1227;76536\n84;ARA;38;1;99;999;38999;Disparue;10;0;10\n"

    static func square(_ code: String, _ name: String, lon: Double, lat: Double) -> String {
        // Clockwise, as some of the real file's rings are.
        #"{"type":"Feature","properties":{"code":"\#(code)","nom":"\#(name)"},"geometry":{"type":"Polygon","coordinates":[[[\#(lon),\#(lat)],[\#(lon),\#(lat + 0.1)],[\#(lon + 0.1),\#(lat + 0.1)],[\#(lon + 0.1),\#(lat)],[\#(lon),\#(lat)]]]}}"#
    }

    static let boundaries = #"{"type":"FeatureCollection","features":["# + [
        square("38185", "Grenoble", lon: 5.7, lat: 45.15),
        square("38395", "Saint-Hilaire", lon: 5.9, lat: 45.3),
        square("38367", "Saint-Bernard", lon: 5.9, lat: 45.4),
        square("38998", "Inconnue", lon: 6.0, lat: 45.0),
    ].joined(separator: ",") + "]}"

    static func sources(
        regions: String = regions, departements: String = departements, communes: String = communes,
        movements: String = movements, populations: String = populations, boundaries: String? = boundaries
    ) -> TerritorySources {
        TerritorySources(
            regions: SourceFile(name: "regions.csv", data: Data(regions.utf8)),
            departements: SourceFile(name: "departements.csv", data: Data(departements.utf8)),
            communes: SourceFile(name: "communes.csv", data: Data(communes.utf8)),
            movements: SourceFile(name: "mouvements-communes.csv", data: Data(movements.utf8)),
            populations: SourceFile(name: "donnees_communes.csv", data: Data(populations.utf8)),
            boundaries: boundaries.map { SourceFile(name: "communes.geojson", data: Data($0.utf8)) })
    }
}

@Suite("Territory import: parsing and validation")
struct TerritoryParserTests {
    @Test("codes stay strings; COM and COMD may share a code; delegated communes take their parent's département")
    func codes() throws {
        let dataset = try TerritoryParser.parse(Fixture.sources())
        #expect(dataset.currentCommunes.map(\.code) == ["01001", "01015", "2A004", "38185", "38395"])
        let shared = dataset.communes.filter { $0.code == "01015" }
        #expect(Set(shared.map(\.kind)) == [.commune, .delegated])
        let delegated = try #require(shared.first { $0.kind == .delegated })
        #expect(delegated.departementCode == "01")
        #expect(delegated.regionCode == "84")
        #expect(delegated.parentCode == "01015")
    }

    @Test("census populations attach to current communes; orphans are reported, not dropped silently")
    func populations() throws {
        let dataset = try TerritoryParser.parse(Fixture.sources())
        let grenoble = try #require(dataset.communes.first { $0.code == "38185" })
        #expect(grenoble.population == 156_140)
        #expect(grenoble.totalPopulation == 159_115)
        #expect(dataset.communes.first { $0.code == "2A004" }?.population == 75_309)
        #expect(dataset.populationsWithoutCommune == ["38999"])
    }

    @Test("boundaries: direct matches, merged communes through the history, unmatched listed")
    func boundaryMatching() throws {
        let dataset = try TerritoryParser.parse(Fixture.sources())
        let report = dataset.boundaryReport
        #expect(report.matchedDirectly == 2)
        #expect(report.mappedThroughHistory.map { "\($0.oldCode)→\($0.currentCode)" } == ["38367→38395"])
        #expect(report.unmatched.map(\.code) == ["38998"])
        #expect(report.communesWithoutBoundary == ["01001", "01015", "2A004"])
        let merged = try #require(dataset.boundaries.first { $0.communeCode == "38395" })
        #expect(merged.sourceCodes == ["38395", "38367"])
        #expect(merged.geometry.polygons.count == 2)
        #expect(merged.geometry.polygons.allSatisfy { Geometry.signedArea($0.exterior) > 0 })
    }

    @Test("a département scope keeps only its communes and boundaries")
    func scope() throws {
        let dataset = try TerritoryParser.parse(Fixture.sources(), only: ["38"])
        #expect(dataset.currentCommunes.map(\.code) == ["38185", "38395"])
        #expect(dataset.departements.count == 3)
        #expect(dataset.boundaryReport.communesWithoutBoundary.isEmpty)
    }

    @Test("bad input names the file, the line and what is wrong", arguments: [
        (Fixture.sources(communes: Fixture.communes.replacingOccurrences(of: ",", with: ";")), "communes.csv, ligne 1 : séparateur inattendu : « ; » trouvé, « , » attendu."),
        (Fixture.sources(communes: Fixture.communes.replacingOccurrences(of: "COM,38185,84,38,", with: "COM,38185,84,99,")), "communes.csv, ligne 6, colonne « DEP » : département inconnu : « 99 »."),
        (Fixture.sources(communes: Fixture.communes.replacingOccurrences(of: "COM,2A004", with: "VIL,2A004")), "communes.csv, ligne 5, colonne « TYPECOM » : type inconnu : « VIL » (COM, COMD, COMA ou ARM attendu)."),
        (Fixture.sources(communes: Fixture.communes.replacingOccurrences(of: "COM,01001", with: "COM,1001")), "communes.csv, ligne 2, colonne « COM » : code commune invalide : « 1001 » (5 caractères, par exemple 38185 ou 2A004)."),
        (Fixture.sources(communes: Fixture.communes + "COM,38185,84,38,38D,381,0,GRENOBLE,Grenoble,Grenoble,3899,\n"), "communes.csv, ligne 8, colonne « COM » : COM 38185 figure déjà ligne 6."),
        (Fixture.sources(populations: Fixture.populations.replacingOccurrences(of: ";156140;", with: ";cent;")), "donnees_communes.csv, ligne 3, colonne « PMUN » : population invalide : « cent » (nombre entier attendu)."),
        (Fixture.sources(populations: Fixture.populations.replacingOccurrences(of: "84;ARA;38;1;99;185", with: "84;ARA;39;1;99;185")), "donnees_communes.csv, ligne 3, colonne « DEP » : département inconnu : « 39 »."),
        (Fixture.sources(departements: Fixture.departements.replacingOccurrences(of: "38,84,", with: "38,85,")), "departements.csv, ligne 4, colonne « REG » : région inconnue : « 85 »."),
        (Fixture.sources(movements: Fixture.movements.replacingOccurrences(of: "2019-01-01,COM,38367", with: "01/01/2019,COM,38367")), "mouvements-communes.csv, ligne 2, colonne « DATE_EFF » : date invalide : « 01/01/2019 » (AAAA-MM-JJ attendu)."),
        (Fixture.sources(movements: Fixture.movements.replacingOccurrences(of: "20,1946-03-21,,,", with: "20,1946-03-21,COM,,")), "mouvements-communes.csv, ligne 4, colonne « COM_AV » : code commune invalide : «  »."),
        (Fixture.sources(regions: "REG,LIBELLE\n84,\"Auvergne\n"), "regions.csv, ligne 2 : guillemet ouvert jamais refermé."),
        (Fixture.sources(regions: ""), "regions.csv, ligne 1 : le fichier est vide ; une ligne d'en-tête est attendue."),
        (Fixture.sources(boundaries: "{\"type\":"), "communes.geojson : JSON invalide (un fichier GeoJSON est attendu)."),
        (Fixture.sources(boundaries: Fixture.boundaries.replacingOccurrences(of: "38998", with: "99001")), "communes.geojson, colonne « code » : objet n° 4 (99001) : département inconnu « 99 »."),
    ])
    func badInput(sources: TerritorySources, message: String) {
        do {
            _ = try TerritoryParser.parse(sources)
            Issue.record("expected the import to be refused")
        } catch {
            #expect(error.issues.first?.description == message)
        }
    }

    @Test("a Latin-1 file is refused with its line, not imported as mojibake")
    func latin1() {
        var sources = Fixture.sources()
        var data = Data("REG,CHEFLIEU,TNCC,NCC,NCCENR,LIBELLE\n".utf8)
        data.append(contentsOf: Array("84,69123,1,AUVERGNE,Auvergne,Auvergne-Rh".utf8) + [0xF4] + Array("ne\n".utf8))
        sources.regions = SourceFile(name: "regions.csv", data: data)
        #expect(throws: ImportFailure.self) { try TerritoryParser.parse(sources) }
        do { _ = try TerritoryParser.parse(sources) } catch {
            #expect(error.issues.first?.file == "regions.csv")
            #expect(error.issues.first?.line == 2)
            #expect(error.issues.first?.message.hasPrefix("encodage invalide") == true)
        }
    }

    @Test("an unknown département in the scope is refused")
    func unknownScope() {
        do {
            _ = try TerritoryParser.parse(Fixture.sources(), only: ["38", "99"])
            Issue.record("expected a refusal")
        } catch {
            #expect(error.issues.first?.message == "département inconnu : 99 (absent du fichier des départements).")
        }
    }

    @Test("every bad row is reported, up to the cap")
    func manyErrors() {
        let rows = (1...80).map { "COM,38\(String(format: "%03d", $0)),84,77,,,0,X,X,X,," }.joined(separator: "\n")
        do {
            _ = try TerritoryParser.parse(Fixture.sources(communes: "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT\n" + rows))
            Issue.record("expected a refusal")
        } catch {
            #expect(error.issues.count == ImportFailure.maximumReported)
            #expect(error.truncated)
            #expect(error.issues.map(\.line) == Array(2...51))
        }
    }

    @Test("the real Isère files shipped for the demo: 512 communes, 9 merged boundaries, none unmatched")
    func realIsere() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Resources/Demo/territory")
        func file(_ name: String) throws -> SourceFile {
            SourceFile(name: name, data: try Data(contentsOf: directory.appendingPathComponent(name)))
        }
        let dataset = try TerritoryParser.parse(TerritorySources(
            regions: try file("regions.csv"), departements: try file("departements.csv"), communes: try file("communes-38.csv"),
            movements: try file("mouvements-38.csv"), populations: try file("populations-38.csv"),
            boundaries: try file("communes-38-isere.geojson")), only: ["38"])
        #expect(dataset.currentCommunes.count == 512)
        #expect(dataset.currentCommunes.allSatisfy { $0.population != nil })
        #expect(dataset.boundaryReport.matchedDirectly == 512)
        #expect(dataset.boundaryReport.unmatched.isEmpty)
        #expect(dataset.boundaryReport.mappedThroughHistory.map(\.oldCode).sorted()
            == ["38016", "38025", "38121", "38274", "38293", "38302", "38306", "38367", "38435"])
        #expect(dataset.boundaries.first { $0.communeCode == "38479" }?.sourceCodes.count == 4)
        #expect(dataset.communes.first { $0.code == "38185" }?.population == 156_140)
    }
}
