import Foundation
import Testing
@testable import TerreauCore

@Suite("Inventory index: facets (each ignoring its own filter), S6, order and pages")
struct InventoryIndexTests {
    static let alice = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!
    static let bob = UUID(uuidString: "00000000-0000-0000-0000-00000000000B")!

    /// Six records of one community.
    static let index = InventoryIndex([
        IndexedRecord(rowid: 1, kind: .portrait, visibility: .public, title: "Jardinière du dimanche", commune: "38185", neighbourhood: "villeneuve",
            availability: "sat-evening sun-morning", themes: ["culture", "sports"], updatedAt: 10),
        IndexedRecord(rowid: 2, kind: .portrait, visibility: .members, title: "Cuisinier", commune: "38185", availability: "occasionally", themes: ["culture"], updatedAt: 20),
        IndexedRecord(rowid: 3, kind: .portrait, visibility: .coordinators, title: "Électricien", commune: "38151", availability: "mon-morning", person: alice, updatedAt: 30),
        IndexedRecord(rowid: 4, kind: .portrait, visibility: .statistics, commune: "38151", availability: "tue-afternoon", creator: alice, updatedAt: 40),
        IndexedRecord(rowid: 5, kind: .offer, visibility: .public, title: "Stage au jardin partagé", commune: "38151", young: true, themes: ["education"], updatedAt: 50),
        IndexedRecord(rowid: 6, kind: .need, visibility: .public, title: "Bénévoles pour le repair café", commune: "38185", neighbourhood: "villeneuve", availability: "sat-morning",
            themes: ["culture"], updatedAt: 60),
    ])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var query: InventoryQuery
        var viewer: Viewer
        var me: UUID? = nil
        var matched: [Int64]? = nil
        var total: Int
        /// The page, in order (nil: not checked).
        var page: [Int64]? = nil
        var facets: [InventoryQuery.Dimension: [FacetCount]]
        var testDescription: String { name }
    }

    static func query(_ change: (inout InventoryQuery) -> Void) -> InventoryQuery {
        var query = InventoryQuery()
        change(&query)
        return query
    }

    static let member = Viewer(signedIn: true, roles: [.member])
    static let coordinator = Viewer(signedIn: true, roles: [.coordinator])

    static let cases: [Case] = [
        Case(name: "anonymous: public records only, most recent first", query: InventoryQuery(), viewer: .anonymous, total: 3, page: [6, 5, 1], facets: [
            .kind: [FacetCount("need", 1), FacetCount("offer", 1), FacetCount("portrait", 1)],
            .commune: [FacetCount("38185", 2), FacetCount("38151", 1)],
            .theme: [FacetCount("culture", 2), FacetCount("education", 1), FacetCount("sports", 1)],
            .young: [FacetCount("yes", 1)],
            .availability: [FacetCount("sat", 2), FacetCount("sun", 1), FacetCount("morning", 2), FacetCount("evening", 1)],
        ]),
        Case(name: "member: adds members-only; « occasionally » counts for every day and part", query: InventoryQuery(), viewer: member,
            total: 4, facets: [
                .kind: [FacetCount("portrait", 2), FacetCount("need", 1), FacetCount("offer", 1)],
                .availability: [
                    FacetCount("mon", 1), FacetCount("tue", 1), FacetCount("wed", 1), FacetCount("thu", 1), FacetCount("fri", 1),
                    FacetCount("sat", 3), FacetCount("sun", 2), FacetCount("morning", 3), FacetCount("afternoon", 1), FacetCount("evening", 2),
                ],
            ]),
        Case(name: "coordinator: adds coordinators-only, never statistics-only", query: InventoryQuery(), viewer: coordinator, total: 5,
            facets: [.kind: [FacetCount("portrait", 3), FacetCount("need", 1), FacetCount("offer", 1)]]),
        Case(name: "member who is the portrait's person and another's creator sees both", query: InventoryQuery(), viewer: member, me: alice,
            total: 6, facets: [.kind: [FacetCount("portrait", 4), FacetCount("need", 1), FacetCount("offer", 1)]]),
        Case(name: "someone else's own records are not counted", query: InventoryQuery(), viewer: member, me: bob, total: 4, facets: [:]),
        Case(name: "a kind filter narrows the total and the other facets, not the kind facet",
            query: query { $0.kind = .portrait }, viewer: .anonymous, total: 1, facets: [
                .kind: [FacetCount("need", 1), FacetCount("offer", 1), FacetCount("portrait", 1)],
                .commune: [FacetCount("38185", 1)],
                .theme: [FacetCount("culture", 1), FacetCount("sports", 1)],
                .young: [],
            ]),
        Case(name: "two filters: a record failing both counts nowhere", query: query { $0.kind = .offer; $0.commune = "38185" },
            viewer: .anonymous, total: 0, facets: [
                .kind: [FacetCount("need", 1), FacetCount("portrait", 1)],
                .commune: [FacetCount("38151", 1)],
            ]),
        Case(name: "a theme filter on a multi-valued theme", query: query { $0.theme = "culture" }, viewer: .anonymous, total: 2, facets: [
            .theme: [FacetCount("culture", 2), FacetCount("education", 1), FacetCount("sports", 1)],
            .neighbourhood: [FacetCount("villeneuve", 2)],
        ]),
        Case(name: "an availability filter keeps that day's slots", query: query { $0.availability = "sat" }, viewer: member, total: 3,
            facets: [.kind: [FacetCount("portrait", 2), FacetCount("need", 1)], .young: []]),
        Case(name: "a part-of-day filter", query: query { $0.availability = "evening" }, viewer: .anonymous, total: 1,
            facets: [.kind: [FacetCount("portrait", 1)]]),
        Case(name: "the young filter", query: query { $0.forYoung = true }, viewer: .anonymous, total: 1,
            facets: [.young: [FacetCount("yes", 1)], .kind: [FacetCount("offer", 1)]]),
        Case(name: "a commune nobody is in filters everything out", query: query { $0.commune = "38001" }, viewer: .anonymous, total: 0,
            facets: [.commune: [FacetCount("38185", 2), FacetCount("38151", 1)], .kind: []]),
        Case(name: "words: only the matched records, another community's rows ignored", query: query { $0.text = "jardin"; $0.sort = .recent },
            viewer: .anonymous, matched: [1, 3, 6, 99], total: 2, page: [6, 1], facets: [.kind: [FacetCount("need", 1), FacetCount("portrait", 1)]]),
        Case(name: "relevance: titles holding the words first, then the most recent", query: query { $0.text = "jardin" },
            viewer: .anonymous, matched: [1, 5, 6], total: 3, page: [5, 1, 6], facets: [:]),
        Case(name: "relevance: a title holding both words before one holding one", query: query { $0.text = "jardin dimanche" },
            viewer: .anonymous, matched: [1, 5], total: 2, page: [1, 5], facets: [:]),
        Case(name: "title order ignores accents and case", query: query { $0.sort = .title }, viewer: coordinator, total: 5,
            page: [6, 2, 3, 1, 5], facets: [:]),
    ]

    @Test(arguments: cases)
    func counts(_ example: Case) {
        let result = Self.index.search(example.query, viewer: example.viewer, me: example.me, matched: example.matched)
        #expect(result.total == example.total)
        if let page = example.page { #expect(result.page == page) }
        for (dimension, expected) in example.facets {
            #expect(result.facets[dimension] == expected, "\(dimension)")
        }
    }

    @Test("pages of twenty, in order, the last one short; past the end, empty")
    func pages() {
        let index = InventoryIndex((1...45).map { IndexedRecord(rowid: Int64($0), kind: .need, visibility: .public, updatedAt: Double($0)) })
        for (page, expected) in [(1, Array((26...45).reversed())), (2, Array((6...25).reversed())), (3, Array((1...5).reversed())), (4, [])] {
            var query = InventoryQuery()
            query.page = page
            let result = index.search(query, viewer: .anonymous, me: nil)
            #expect(result.page == expected.map(Int64.init), "page \(page)")
            #expect(result.total == 45)
        }
    }

    @Test func availabilityBits() {
        let keys = Availability.filters
        func bits(_ names: [String]) -> UInt16 { names.reduce(0) { $0 | 1 << UInt16(keys.firstIndex(of: $1)!) } }
        #expect(InventoryIndex.availabilityBits("") == 0)
        #expect(InventoryIndex.availabilityBits("sat-evening") == bits(["sat", "evening"]))
        #expect(InventoryIndex.availabilityBits("mon-morning sun-morning") == bits(["mon", "sun", "morning"]))
        #expect(InventoryIndex.availabilityBits("occasionally") == bits(keys))
    }
}
