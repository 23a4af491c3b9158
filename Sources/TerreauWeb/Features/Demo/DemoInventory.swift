import Fluent
import Foundation
import SQLKit
import TerreauCore

/// The demo's inventory: the shipped skills vocabulary, then for each demo community a generated
/// but believable set of portraits, organisations, places, equipment, offers and needs, from a
/// fixed seed (the same on every machine). Added once, when the community has no record yet.
enum DemoInventory {
    struct Plan {
        var slug: String
        var seed: UInt64
        var portraits: Int
        var organisations: Int
        var resources: [(InventoryKind, Int)]
    }

    static let plans = [
        Plan(slug: "grenoble-alpes", seed: 2026, portraits: 420, organisations: 100,
            resources: [(.place, 60), (.equipment, 40), (.offer, 60), (.need, 90)]),
        Plan(slug: "trieves", seed: 38, portraits: 120, organisations: 30, resources: [(.place, 20), (.equipment, 15), (.offer, 20), (.need, 30)]),
    ]

    /// Demo people who keep a portrait, so that signing in as them shows what the inventory
    /// does with one: Sophie repairs bikes, and the bike needs ask for her.
    static let portraits: [(email: String, community: String, commune: String, skills: [String], shares: String)] = [
        ("sophie@demo.terreau.invalid", "grenoble-alpes", "38185", ["réparer un vélo", "petites réparations à la maison"],
            "Je répare des vélos tous les jours à l'atelier ; je peux en remettre en route pour une association."),
    ]

    static func ensureVocabulary(on database: any Database, resources: String, now: Date) async throws {
        if try await SkillTermRecord.query(on: database).count() == 0 {
            try await VocabularyStore(database: database).importShared(try VocabularyStore.shipped(resources: resources), now: now)
        }
    }

    static func ensure(on database: any Database, resources: String, now: Date) async throws {
        try await ensureVocabulary(on: database, resources: resources, now: now)
        for plan in plans {
            guard let community = try await CommunityStore(database: database).find(slug: plan.slug),
                try await InventoryItemRecord.query(on: database).filter(\.$community.$id == community.id!).count() == 0
            else { continue }
            let author = try await MembershipRecord.query(on: database).filter(\.$community.$id == community.id!).all()
                .first { Role.parse($0.roles).contains(.coordinator) }?.$person.id
            try await generate(plan, community: community, author: author, database: database, now: now)
        }
    }

    /// The skills people in generated records hold: the everyday list only — what a coordinator
    /// would recognise, never a specialist skill drawn from ESCO at random.
    static func skillPool(on database: any Database) async throws -> [SkillTermRecord] {
        try await SkillTermRecord.query(on: database).filter(\.$source == "everyday").sort(\.$label).all()
    }

    static func generate(_ plan: Plan, community: CommunityRecord, author: UUID?, database: any Database, now: Date) async throws {
        let places = try await CommunityPlaces.load(community, on: database)
        let pool = try await skillPool(on: database)
        var generator = InventoryGenerator(seed: plan.seed, communes: places.communes.map(\.code), neighbourhoods: places.neighbourhoodCommunes,
            skillLabels: pool.map(\.label), communeNames: Dictionary(places.communes.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first }))
        let organisations = generator.organisations(plan.organisations)
        var records = organisations.map { organisation in
            let record = OrganisationRecord()
            record.id = UUID()
            record.$community.id = community.id!
            record.kind = OrganisationKind.association.rawValue
            record.name = organisation.name
            record.object = organisation.object
            record.themes = organisation.themes.joined(separator: " ")
            record.communeCode = organisation.commune
            record.source = "demo"
            record.$createdBy.id = author
            record.createdAt = now
            record.updatedAt = now
            return record
        }
        try await records.create(on: database)
        var generated = (0..<plan.portraits).map { _ in generator.portrait() }
        generated += organisations.enumerated().map { generator.profile(of: $0.element, index: $0.offset) }
        for (kind, count) in plan.resources { generated += (0..<count).map { _ in generator.resource(kind, organisations: organisations.count) } }
        let drafts = generated.map { record in
            InventoryStore.Draft(kind: record.kind, values: record.values, terms: record.skills.map { pool[$0] },
                organisation: record.organisation.map { records[$0].id! })
        }
        var people: [InventoryStore.Draft] = []
        for portrait in portraits where portrait.community == plan.slug {
            guard let account = try await AccountRecord.query(on: database).filter(\.$email == portrait.email).with(\.$person).first() else { continue }
            let values = ["title": account.person.displayName, "visibility": Visibility.members.rawValue, "commune": portrait.commune,
                          "skills": portrait.skills.joined(separator: "\n"), "shares": portrait.shares, "availability": "wed-evening sat-morning sat-afternoon",
                          "contact_preference": "platform"]
            people.append(InventoryStore.Draft(kind: .portrait, values: values, terms: pool.filter { portrait.skills.contains($0.label) }, person: account.person.id))
        }
        try await InventoryStore(database: database).insert(drafts + people, community: community.id!, author: author, summary: "Démonstration", now: now)
        records.removeAll()
    }
}
