import Testing
@testable import TerreauCore

@Suite("Importing départements again: what changes, what communities keep")
struct TerritoryUpdateTests {
    static func merger(_ before: String, into after: String, on date: String = "2024-01-01") -> CommuneMovement {
        CommuneMovement(modification: "32", effectiveDate: date, kindBefore: "COM", codeBefore: before, nameBefore: "Ancienne",
                        kindAfter: "COM", codeAfter: after, nameAfter: "Nouvelle")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var before: Set<String>
        var after: Set<String>
        var movements: [CommuneMovement]
        var uses: [String]
        var added: [String], removed: [String], mapped: [String: String], orphaned: [String]
        var testDescription: String { name }
    }

    @Test("plans", arguments: [
        Case(name: "same files again: nothing changes", before: ["38185", "38151"], after: ["38185", "38151"], movements: [], uses: ["38185"],
             added: [], removed: [], mapped: [:], orphaned: []),
        Case(name: "a new commune", before: ["38185"], after: ["38185", "38999"], movements: [], uses: ["38185"],
             added: ["38999"], removed: [], mapped: [:], orphaned: []),
        Case(name: "a used commune merged: the perimeter follows", before: ["38001", "38002"], after: ["38002"],
             movements: [merger("38001", into: "38002")], uses: ["38001"], added: [], removed: ["38001"], mapped: ["38001": "38002"], orphaned: []),
        Case(name: "merged twice: followed to the commune that exists now", before: ["38001", "38002", "38003"], after: ["38003"],
             movements: [merger("38001", into: "38002", on: "2019-01-01"), merger("38002", into: "38003", on: "2024-01-01")], uses: ["38001"],
             added: [], removed: ["38001", "38002"], mapped: ["38001": "38003"], orphaned: []),
        Case(name: "a used commune gone without history: refused", before: ["38001", "38002"], after: ["38002"], movements: [], uses: ["38001", "38002"],
             added: [], removed: ["38001"], mapped: [:], orphaned: ["38001"]),
        Case(name: "an unused commune gone: no refusal", before: ["38001", "38002"], after: ["38002"], movements: [], uses: ["38002"],
             added: [], removed: ["38001"], mapped: [:], orphaned: []),
        Case(name: "first import of a département", before: [], after: ["93001", "93005"], movements: [], uses: [],
             added: ["93001", "93005"], removed: [], mapped: [:], orphaned: []),
    ])
    func plans(_ test: Case) {
        let plan = TerritoryUpdate.plan(before: test.before, after: test.after, movements: test.movements,
                                        uses: test.uses.map { TerritoryUpdate.Use(community: "Trièves", code: $0) })
        #expect(plan.added == test.added)
        #expect(plan.removed == test.removed)
        #expect(Dictionary(uniqueKeysWithValues: plan.mapped.map { ($0.use.code, $0.currentCode) }) == test.mapped)
        #expect(plan.orphaned.map(\.code) == test.orphaned)
        #expect(plan.isDestructive == !test.orphaned.isEmpty)
    }
}
