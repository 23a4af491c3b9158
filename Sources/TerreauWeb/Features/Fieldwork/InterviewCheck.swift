import TerreauCore

/// An interview's answers checked the one way, whether keyed in the web form, sent from a
/// field app (OpenRosa) or imported from a Kobo or ODK Central export: the answers against the
/// questionnaire version asked, the visibility chosen, then the portrait they make as the
/// portrait form would check it.
struct InterviewCheck {
    var checked: CheckedAnswers
    /// A message per question key.
    var errors: [String: String]
    var visibilityError: String?
    /// The portrait's values, by field key, ready to store.
    var portrait: [String: String]

    var isValid: Bool { errors.isEmpty && visibilityError == nil }

    init(_ questionnaire: Questionnaire, typed: [String: [String]], visibility chosen: String, places: CommunityPlaces, catalog: MessageCatalog) {
        checked = questionnaire.check(typed, communes: Set(places.communes.map(\.code)), neighbourhoods: Set(places.neighbourhoods.map(\.slug)))
        errors = checked.errors.mapValues { error -> String in
            switch error {
            case .required: return catalog.text("interview.error.required")
            case .notAChoice: return catalog.text("interview.error.choice")
            case .tooLong(let max): return catalog.text("interview.error.tooLong", [String(max)])
            }
        }
        let visibility = Visibility(rawValue: chosen).flatMap { [.public, .members, .statistics].contains($0) ? $0 : nil }
        visibilityError = visibility == nil ? catalog.text("interview.error.visibility") : nil
        var values = Dictionary(uniqueKeysWithValues: checked.portrait.map { ($0.key.rawValue, $0.value) })
        if values[InventoryField.title.rawValue, default: ""].isEmpty { values[InventoryField.title.rawValue] = catalog.text("interview.anonymous") }
        values[InventoryField.visibility.rawValue] = (visibility ?? .statistics).rawValue
        values[InventoryField.contactPreference.rawValue] = "through-coordinator"
        let outcome = places.form(.portrait).check(values)
        for (field, _) in outcome.errors where field != .skills {
            if let question = questionnaire.questions.first(where: { $0.mapsTo == field }) { errors[question.key] = catalog.text("interview.error.choice") }
        }
        portrait = Dictionary(uniqueKeysWithValues: outcome.values.map { ($0.key.rawValue, $0.value) })
    }

    /// Every problem in one line each: « Question : message ».
    func messages(_ questionnaire: Questionnaire, _ catalog: MessageCatalog) -> [String] {
        [visibilityError].compactMap { $0 } + errors.keys.sorted().map { key in
            questionnaire.question(key).map { catalog.text("interview.error.question", [$0.label, errors[key]!]) } ?? errors[key]!
        }
    }
}
