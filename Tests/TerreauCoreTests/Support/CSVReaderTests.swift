import Foundation
import Testing
@testable import TerreauCore

@Suite("CSV reader (RFC 4180)")
struct CSVReaderTests {
    @Test("records, fields and the line each record starts on", arguments: [
        ("a,b\n1,2\n", ",", [[1], [2]].map { $0[0] }, [["a", "b"], ["1", "2"]]),
        ("a;b\r\n1;2\r\n", ";", [1, 2], [["a", "b"], ["1", "2"]]),
        ("\u{FEFF}code,nom\n38185,Grenoble", ",", [1, 2], [["code", "nom"], ["38185", "Grenoble"]]),
        ("a,\"b, c\"\n\"x\"\"y\",z\n", ",", [1, 2], [["a", "b, c"], ["x\"y", "z"]]),
        ("id,labels\n1,\"vélo\nbicyclette\"\n2,x\n", ",", [1, 2, 4], [["id", "labels"], ["1", "vélo\nbicyclette"], ["2", "x"]]),
        ("01001,,\n", ",", [1], [["01001", "", ""]]),
    ] as [(String, Character, [Int], [[String]])])
    func reads(text: String, separator: Character, lines: [Int], fields: [[String]]) throws {
        let records = try CSVReader(separator: separator).records(in: text)
        #expect(records.map(\.line) == lines)
        #expect(records.map(\.fields) == fields)
    }

    @Test("broken quoting is reported with its line")
    func brokenQuotes() {
        #expect(throws: CSVError.unterminatedQuote(line: 2)) { try CSVReader(separator: ",").records(in: "a,b\n\"open,x\n") }
        #expect(throws: CSVError.strayQuote(line: 2)) { try CSVReader(separator: ",").records(in: "a,b\nab\"c\",d\n") }
    }

    @Test("invalid UTF-8 names the first bad line")
    func latin1() {
        var data = Data("code;nom\n38185;Grenoble\n".utf8)
        data.append(contentsOf: [0x33, 0x38, 0x3B, 0xC9, 0x63, 0x68, 0x0A])  // "38;Éch" in Latin-1
        #expect(throws: TextDecoding.InvalidUTF8(line: 3)) { try TextDecoding.utf8(data) }
        #expect((try? TextDecoding.utf8(Data("Échirolles".utf8))) == "Échirolles")
    }
}

@Suite("Small helpers")
struct SupportTests {
    @Test("slugs are readable and URL-safe", arguments: [
        ("Saint-Martin-d'Hères", "saint-martin-d-heres"),
        ("Grenoble-Alpes en commun", "grenoble-alpes-en-commun"),
        ("  Cœur de ville !  ", "coeur-de-ville"),
        ("Échirolles", "echirolles"),
        ("\"><script>", "script"),
    ])
    func slugs(name: String, slug: String) {
        #expect(Slug.make(from: name) == slug)
        #expect(Slug.isValid(slug))
    }

    @Test("invalid slugs", arguments: ["", "Majuscule", "-tiret", "tiret-", "avec espace", "é", String(repeating: "a", count: 61)])
    func invalidSlugs(slug: String) {
        #expect(!Slug.isValid(slug))
    }

    @Test("progress bar line")
    func progress() {
        #expect(ProgressBar.line(label: "communes", done: 18_748, total: 37_496, width: 10)
            == "communes       [#####-----]  50 %  (18\u{202F}748/37\u{202F}496)")
        #expect(ProgressBar.line(label: "x", done: 0, total: 0, width: 4).contains("[####] 100 %"))
    }
}
