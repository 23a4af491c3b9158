import Foundation
import Testing
@testable import TerreauCore

@Suite("Equivalent words in search")
struct QueryExpansionTests {
    /// The shipped vocabulary, as the web application reads it from the database.
    static let shipped: QueryExpansion = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Resources/Vocabulary")
        func load(_ name: String) -> SourceFile { SourceFile(name: name, data: try! Data(contentsOf: directory.appendingPathComponent(name))) }
        let esco = try! VocabularyParser.esco(skills: load("skills_fr.csv"), groups: load("skillGroups_fr.csv"), broader: load("broaderRelationsSkillPillar.csv"))
        let everyday = try! VocabularyParser.everyday(load("everyday-fr.csv"), esco: esco)
        return QueryExpansion((esco + everyday).map { [$0.label] + $0.synonyms })
    }()

    static func stem(_ word: String) -> String { SearchText.terms(word)[0] }

    @Test("with the shipped vocabulary, a word finds its equivalents both ways", arguments: [
        ("vélo", "bicyclette"), ("bicyclettes", "vélos"), ("vélos", "bicyclette"),
    ])
    func shippedEquivalents(word: String, equivalent: String) {
        let groups = Self.shipped.groups(word)
        #expect(groups.count == 1)
        #expect(groups[0].first == Self.stem(word))
        #expect(groups[0].contains(Self.stem(equivalent)), "\(groups)")
    }

    @Test("topic words of one everyday skill are not synonyms: « atelier » does not find « réunion »")
    func topicsAreNotSynonyms() {
        #expect(!(Self.shipped.equivalents[Self.stem("atelier")] ?? []).contains(Self.stem("réunion")))
    }

    @Test("a query keeps its words in order, each followed by its equivalents; stop words are dropped")
    func queryGroups() {
        let groups = Self.shipped.groups("réparer des vélos")
        #expect(groups.count == 2)
        #expect(groups[0][0] == Self.stem("réparer"))
        #expect(groups[1][0] == Self.stem("vélos") && groups[1].contains(Self.stem("bicyclette")))
    }

    @Test("how equivalences are read", arguments: [
        // One skill's wordings one word apart are not enough…
        ([["réparer des bicyclettes", "réparer des vélos"]], "velo", []),
        ([["vélo", "bicyclette", "réparer un vélo"]], "velo", []),
        // …two skills are, whether the words stand alone or in a phrase.
        ([["réparer des bicyclettes", "réparer des vélos"], ["laver des bicyclettes", "laver des vélos"]], "velo", ["bicyclett"]),
        ([["vélo", "bicyclette", "réparer un vélo"], ["laver des bicyclettes", "laver des vélos"]], "velo", ["bicyclett"]),
        // Wordings two words apart say nothing.
        ([["réparer des bicyclettes", "entretenir des vélos"], ["réparer des bicyclettes", "entretenir des vélos"]], "velo", []),
        // The same skill saying it twice counts once.
        ([["laver des bicyclettes", "laver des vélos", "laver les vélos"]], "velo", []),
    ] as [([[String]], String, [String])])
    func rules(concepts: [[String]], word: String, expected: [String]) {
        let expansion = QueryExpansion(concepts)
        #expect(expansion.equivalents[word] ?? [] == expected)
    }

    @Test("a word with too many equivalents is left alone")
    func tooVague() {
        let words = (0...QueryExpansion.maximumAlternatives).map { "mot\(UnicodeScalar(UInt8(97 + $0)))x" }
        let expansion = QueryExpansion([["aide"] + words, ["aide"] + words])
        #expect(expansion.equivalents["aid"] == nil)
        #expect(expansion.groups("aide") == [["aid"]])
    }
}
