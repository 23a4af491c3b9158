import Fluent
import Foundation
import TerreauCore
import Vapor

/// The organisations of a community, their public offers (as services) and public places (as
/// locations), in Open Referral HSDS 3.0: one JSON array of organization objects. The mapping
/// is `HSDS` (pure); this reads the records under the open data's visibility rule.
enum HSDSExport {
    static let file = "hsds-organizations.json"

    static func organizations(_ community: CommunityRecord, _ request: Request) async throws -> [[String: Any]] {
        let id = community.id!, slug = community.slug, catalog = request.catalog
        let places = try await CommunityPlaces.load(community, on: request.db)
        let names = Dictionary(places.communes.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let labels = HSDS.Labels(theme: { catalog.text("theme." + $0) }, kind: { catalog.text("organisation.kind." + $0) },
                                 commune: { names[$0] }, accessible: catalog.text("hsds.accessible"),
                                 taxonomy: catalog.text("hsds.taxonomy"))
        let items = try await InventoryItemRecord.query(on: request.db).filter(\.$community.$id == id).filter(\.$visibility == Visibility.public.rawValue)
            .filter(\.$kind ~~ [InventoryKind.offer.rawValue, InventoryKind.place.rawValue]).filter(\.$organisation.$id != nil).sort(\.$title).all()
        let themes = Dictionary(grouping: try await InventoryItemThemeRecord.query(on: request.db).filter(\.$item.$id ~~ items.compactMap(\.id)).all(),
                                by: { $0.$item.id }).mapValues { $0.map(\.theme).sorted() }
        let records = Dictionary(grouping: items, by: { $0.$organisation.id! }).mapValues { items in
            items.map { item in
                let fields = (try? JSONDecoder().decode([String: String].self, from: Data(item.fields.utf8))) ?? [:]
                return (kind: item.kind, record: HSDS.Record(id: item.id!, organisation: item.$organisation.id!, title: item.title,
                    description: fields[InventoryField.description.rawValue] ?? "", themes: themes[item.id!] ?? [], communeCode: item.communeCode,
                    page: request.address(of: .inventoryItem(slug: slug, item: item.id!.uuidString)),
                    wheelchairAccess: fields[InventoryField.wheelchairAccess.rawValue].map { $0 == "yes" }))
            }
        }
        return try await OrganisationRecord.query(on: request.db).filter(\.$community.$id == id).sort(\.$name).all().map { organisation in
            let own = records[organisation.id!] ?? []
            return HSDS.organization(
                HSDS.Organisation(id: organisation.id!, name: organisation.name, object: organisation.object, kind: organisation.kind,
                    rna: organisation.rna, siren: organisation.siren, website: organisation.website,
                    themes: organisation.themes.split(separator: " ").map(String.init), communeCode: organisation.communeCode,
                    page: request.address(of: .organisation(slug: slug, organisation: organisation.id!.uuidString))),
                services: own.filter { $0.kind == InventoryKind.offer.rawValue }.map(\.record),
                places: own.filter { $0.kind == InventoryKind.place.rawValue }.map(\.record), labels: labels)
        }
    }
}
