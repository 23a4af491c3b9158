import TerreauCore

/// A questionnaire's questions as the method, the interview form and the record read them.
enum QuestionText {
    /// The options a question offers, labelled (a mapped question offers its field's).
    static func optionLabels(_ question: Question, _ places: CommunityPlaces, _ catalog: MessageCatalog) -> [(value: String, label: String)] {
        switch question.kind {
        case .yesNo: return [("yes", catalog.text("common.yes")), ("no", catalog.text("common.no"))]
        case .scale: return (1...max(question.scaleMax, 1)).map { (String($0), String($0)) }
        case .availability:
            let text = InventoryText(catalog: catalog, places: places)
            return (Availability.slots + [Availability.occasionally]).map { ($0, text.slot($0)) }
        case .singleChoice, .multipleChoice:
            guard let field = question.mapsTo else { return question.options.map { ($0, $0) } }
            if field == .commune { return places.communes.map { ($0.code, $0.name) } }
            if field == .neighbourhood { return places.neighbourhoods.map { ($0.slug, $0.name) } }
            return (QuestionMapping.fixedOptions(for: field) ?? []).map { ($0, catalog.text("inventory.\(field.rawValue).\($0)")) }
        default: return []
        }
    }
}
