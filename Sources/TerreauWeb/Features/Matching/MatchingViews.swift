import Fluent
import Foundation
import TerreauCore
import Vapor

/// What other pages show of matching: a need's suggestions, the needs a record could answer,
/// organisations in the same field. Pages of several features use them, so they are not a
/// controller's (issue 26).
enum MatchingViews {
    // MARK: Suggestions on a need's page

    /// The best answers to `item` as the reader may see them, or nil when it is not a need.
    static func suggestions(for item: InventoryItemRecord, _ context: InventoryContext, request: Request) async throws -> [SuggestionView]? {
        guard item.kind == InventoryKind.need.rawValue else { return nil }
        let matcher = try await request.application.matchingCache.matcher(community: context.community.id!, request: request)
        guard let need = matcher.records.first(where: { $0.id == item.id }) else { return [] }
        let found = matcher.suggestions(for: need, viewer: context.viewer, me: context.me)
        let records = Dictionary(uniqueKeysWithValues: matcher.records.map { ($0.id, $0) })
        // Whoever may contribute can ask to be put in touch with a suggestion on the need's behalf.
        let connectable = Policy.allows(context.viewer, .contribute)
        return context.text.suggestions(found, need: need, slug: context.community.slug, records: records, connectable: connectable)
    }

    /// For a portrait, an offer, a place or equipment: the needs it could answer, as the reader
    /// may see them; each links to the need's « Je peux aider ».
    static func answerable(by item: InventoryItemRecord, _ context: InventoryContext, request: Request) async throws -> [SuggestionView]? {
        guard let kind = InventoryKind(rawValue: item.kind), [.portrait, .offer, .place, .equipment].contains(kind) else { return nil }
        let matcher = try await request.application.matchingCache.matcher(community: context.community.id!, request: request)
        let text = context.text, slug = context.community.slug
        return matcher.answerable(by: item.id!, viewer: context.viewer, me: context.me).map { need, suggestion in
            SuggestionView(
                title: need.title, url: SiteRoute.inventoryItem(slug: slug, item: need.id.uuidString).path + "#aider", kind: text.kind(.need),
                place: text.places.label(commune: need.commune, neighbourhood: need.neighbourhood),
                score: text.catalog.language.formatPercent(suggestion.score),
                reasons: suggestion.reasons.map { text.reason($0, needText: need.title + " " + need.text) }, connectURL: nil)
        }
    }

    // MARK: Organisations in the same field

    /// The community's organisations with their purpose and, when their inventory record is
    /// public, its description and activities.
    static func profiles(community: UUID, on database: any Database) async throws -> [OrganisationProfile] {
        let organisations = try await OrganisationRecord.query(on: database).filter(\.$community.$id == community).sort(\.$name).all()
        var words: [UUID: String] = [:]
        for item in try await InventoryItemRecord.query(on: database).filter(\.$community.$id == community)
            .filter(\.$kind == InventoryKind.organisation.rawValue).filter(\.$visibility == Visibility.public.rawValue).all() {
            guard let id = item.$organisation.id else { continue }
            let values = InventoryStore.decode(item.fields)
            words[id, default: ""] += " " + [values["description"], values["activities"]].compactMap { $0 }.joined(separator: " ")
        }
        return organisations.map { record in
            OrganisationProfile(id: record.id!, name: record.name, themes: record.themes.split(separator: " ").map(String.init),
                text: record.object + (words[record.id!] ?? ""))
        }
    }

    struct Neighbour: Encodable {
        var name: String
        var url: String
        var score: String
        var why: String
    }

    /// « Associations proches » of one organisation.
    static func closest(to organisation: UUID, community: CommunityRecord, request: Request) async throws -> [Neighbour] {
        let profiles = try await profiles(community: community.id!, on: request.db)
        guard let index = profiles.firstIndex(where: { $0.id == organisation }) else { return [] }
        return OrganisationSimilarity(profiles).similar(to: index).map { neighbour(profiles[index], $0, community.slug, request.catalog) }
    }

    static func neighbour(_ profile: OrganisationProfile, _ similar: SimilarOrganisation, _ slug: String, _ catalog: MessageCatalog) -> Neighbour {
        var why: [String] = []
        if !similar.sharedThemes.isEmpty { why.append(catalog.text("similar.themes", [similar.sharedThemes.map { catalog.text("theme." + $0) }.joined(separator: ", ")])) }
        if !similar.sharedWords.isEmpty {
            why.append(catalog.text("similar.words", [similar.sharedWords.map { "« \(InventoryText.written($0, in: profile.text)) »" }.joined(separator: ", ")]))
        }
        return Neighbour(name: similar.name, url: SiteRoute.organisation(slug: slug, organisation: similar.id.uuidString).path,
            score: catalog.language.formatPercent(similar.score), why: why.joined(separator: " "))
    }
}
