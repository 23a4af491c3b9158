import Fluent
import Foundation
import TerreauCore
import Vapor

/// The communes and areas of a community by code and slug, for forms, filters and labels.
struct CommunityPlaces {
    var communes: [(code: String, name: String)]
    var neighbourhoods: [(slug: String, name: String)]
    /// Each neighbourhood's communes, by slug: a record's neighbourhood must cover its commune.
    var neighbourhoodCommunes: [String: Set<String>]

    static func load(_ community: CommunityRecord, on database: any Database) async throws -> CommunityPlaces {
        let id = try community.requireID()
        let codes = try await CommunityStore(database: database).communeCodes(of: id)
        let records = try await TerritoryStore(database: database).currentCommunes(codes: codes)
        let french = Locale(identifier: "fr_FR")
        let communes = records.map { ($0.code, $0.name) }
            .sorted { $0.1.compare($1.1, options: [.caseInsensitive, .diacriticInsensitive], locale: french) == .orderedAscending }
        let areas = try await CommunityStore(database: database).neighbourhoods(of: id)
        let covered = try await CommunityStore(database: database).neighbourhoodCommunes(of: id)
        return CommunityPlaces(communes: communes, neighbourhoods: areas.map { ($0.slug, $0.name) },
                               neighbourhoodCommunes: Dictionary(areas.map { ($0.slug, Set(covered[$0.id!] ?? [])) }, uniquingKeysWith: { $1 }))
    }

    /// The record form, checked against this community's places.
    func form(_ kind: InventoryKind) -> InventoryForm {
        InventoryForm(kind: kind, communes: Set(communes.map(\.code)), neighbourhoods: Set(neighbourhoods.map(\.slug)),
                      neighbourhoodCommunes: neighbourhoodCommunes)
    }

    func communeName(_ code: String?) -> String? { code.flatMap { code in communes.first { $0.code == code }?.name } }
    func neighbourhoodName(_ slug: String?) -> String? { slug.flatMap { slug in neighbourhoods.first { $0.slug == slug }?.name } }

    /// « Échirolles · Villeneuve », or nil when neither is set.
    func label(commune: String?, neighbourhood: String?) -> String? {
        let parts = [communeName(commune), neighbourhoodName(neighbourhood)].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }
}

/// How field values read on a page, in the reader's language.
struct InventoryText {
    let catalog: MessageCatalog
    let places: CommunityPlaces

    func kind(_ kind: InventoryKind) -> String { catalog.text("inventory.kind." + kind.rawValue) }
    func theme(_ key: String) -> String { catalog.text("theme." + key) }
    func slot(_ slot: String) -> String {
        if slot == Availability.occasionally { return catalog.text("availability.occasionally") }
        let parts = slot.split(separator: "-").map(String.init)
        guard parts.count == 2 else { return slot }
        return catalog.text("availability.day." + parts[0]) + " " + catalog.text("availability.part." + parts[1])
    }

    /// A stored value as readers see it ("" stays "").
    func display(_ field: InventoryField, _ value: String) -> String {
        guard !value.isEmpty else { return "" }
        let words = value.split(separator: " ").map(String.init)
        switch field {
        case .themes: return words.map(theme).joined(separator: ", ")
        case .publics: return words.map { catalog.text("public." + $0) }.joined(separator: ", ")
        case .availability: return words.map(slot).joined(separator: ", ")
        case .commune: return places.communeName(value) ?? value
        case .neighbourhood: return places.neighbourhoodName(value) ?? value
        case .skills: return value.split(separator: "\n").joined(separator: ", ")
        default:
            switch field.input {
            case .choice: return catalog.text("inventory.\(field.rawValue).\(value)")
            case .yesNo: return catalog.text(value == "yes" ? "common.yes" : "common.no")
            default: return value
            }
        }
    }

    func label(_ field: String) -> String {
        InventoryField(rawValue: field).map { catalog.text($0.labelKey) } ?? field
    }

    func error(_ field: InventoryField, _ error: InventoryFieldError) -> String {
        let label = catalog.text(field.labelKey)
        switch error {
        case .required: return catalog.text("inventory.error.required", [label])
        case .tooLong(let max): return catalog.text("inventory.error.tooLong", [label, catalog.language.format(max)])
        case .notAChoice: return catalog.text("inventory.error.choice", [label])
        case .notANumber(let range):
            return catalog.text("inventory.error.number", [label, catalog.language.format(range.lowerBound), catalog.language.format(range.upperBound)])
        case .unknownPlace: return catalog.text("inventory.error.place", [label])
        case .outsideCommune: return catalog.text("inventory.error.outsideCommune", [label])
        case .unknownSkills(let labels): return catalog.text("inventory.error.skills", [labels.map { "« \($0) »" }.joined(separator: ", ")])
        }
    }
}

/// One field of an inventory form, ready for the template.
struct FieldView: Encodable {
    struct Slot: Encodable {
        var value: String
        var label: String
        var checked: Bool
    }
    struct DayRow: Encodable {
        var day: String
        var slots: [Slot]
    }

    var name: String
    var label: String
    var hint: String?
    /// line, text, choice, multi, place, skills, number, yesno, availability
    var type: String
    var value: String
    var error: String?
    var required: Bool
    var maxLength: Int?
    var options: [ChoiceOption] = []
    var days: [DayRow] = []
    var occasionally = false
    var parts: [String] = []
    /// For skills not found in the vocabulary: terms that look alike.
    var suggestions: [String] = []

    static func build(_ kind: InventoryKind, values: [String: String], errors: [InventoryField: String], text: InventoryText,
                      suggestions: [String] = []) -> [FieldView] {
        let catalog = text.catalog
        return kind.fields.map { field in
            let value = values[field.rawValue] ?? (field == .visibility ? kind.defaultVisibility.rawValue : "")
            let hintKey = "inventory.hint." + field.rawValue
            var view = FieldView(
                name: field.rawValue, label: catalog.text(field.labelKey),
                hint: catalog.messages[hintKey] != nil ? catalog.text(hintKey) : nil,
                type: "", value: value, error: errors[field], required: field.isRequired)
            let chosen = Set(value.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
            switch field.input {
            case .line(let max): view.type = "line"; view.maxLength = max
            case .text(let max): view.type = "text"; view.maxLength = max
            case .skills: view.type = "skills"; view.suggestions = suggestions
            case .number: view.type = "number"
            case .yesNo:
                view.type = "choice"
                view.options = [ChoiceOption(value: "", label: catalog.text("common.unspecified"), selected: value.isEmpty)]
                    + ["yes", "no"].map { ChoiceOption(value: $0, label: catalog.text("common." + $0), selected: value == $0) }
            case .choice(let keys):
                view.type = "choice"
                let labelled = keys.map { ChoiceOption(value: $0, label: text.display(field, $0), selected: value == $0) }
                view.options = (field.isRequired ? [] : [ChoiceOption(value: "", label: catalog.text("common.unspecified"), selected: value.isEmpty)]) + labelled
            case .multiChoice(let keys):
                view.type = "multi"
                view.options = keys.map { ChoiceOption(value: $0, label: text.display(field, $0), selected: chosen.contains($0)) }
                    .sorted { $0.label.compare($1.label, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedAscending }
            case .place:
                view.type = "choice"
                let known = field == .commune ? text.places.communes.map { ($0.code, $0.name) } : text.places.neighbourhoods.map { ($0.slug, $0.name) }
                view.options = [ChoiceOption(value: "", label: catalog.text("common.unspecified"), selected: value.isEmpty)]
                    + known.map { ChoiceOption(value: $0.0, label: $0.1, selected: value == $0.0) }
            case .availability:
                view.type = "availability"
                view.parts = Availability.parts.map { catalog.text("availability.part." + $0) }
                view.days = Availability.days.map { day in
                    DayRow(day: catalog.text("availability.day." + day), slots: Availability.parts.map { part in
                        let slot = day + "-" + part
                        return Slot(value: slot, label: text.slot(slot), checked: chosen.contains(slot))
                    })
                }
                view.occasionally = chosen.contains(Availability.occasionally)
            }
            return view
        }
    }
}

extension Request {
    /// The submitted values of an inventory form: repeated fields (checkboxes) joined by spaces.
    func inventoryValues(_ fields: [InventoryField]) -> [String: String] {
        var values: [String: String] = [:]
        for field in fields {
            switch field.input {
            case .multiChoice, .availability: values[field.rawValue] = self.fields(field.rawValue).joined(separator: " ")
            default: values[field.rawValue] = UserText.normalized((try? content.get(String.self, at: field.rawValue)) ?? "")
            }
        }
        return values
    }
}
