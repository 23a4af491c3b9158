import TerreauCore

/// The questionnaire a community starts from, in the coordinator's language.
enum StarterQuestionnaire {
    /// The first draft: a questionnaire in the coordinator's language, to adapt.
    static func make(_ catalog: MessageCatalog) -> Questionnaire {
        func q(_ key: String, _ section: String, _ kind: QuestionKind, _ field: InventoryField?, required: Bool = false, options: [String] = []) -> Question {
            Question(key: key, section: catalog.text("fieldwork.starter.section." + section), label: catalog.text("fieldwork.starter." + key),
                     kind: kind, options: options, required: required, mapsTo: field)
        }
        let themes = (1...5).map { catalog.text("fieldwork.starter.topic\($0)") }
        return Questionnaire(questions: [
            q("name", "you", .shortText, .title, required: true),
            q("commune", "you", .singleChoice, .commune, required: true),
            q("neighbourhood", "you", .singleChoice, .neighbourhood),
            q("age", "you", .singleChoice, .ageBand),
            q("skills", "bring", .skills, .skills),
            q("knowhow", "bring", .longText, .skillsFree),
            q("enjoys", "bring", .longText, .enjoys),
            q("shares", "bring", .longText, .shares),
            q("availability", "bring", .availability, .availability),
            q("languages", "bring", .shortText, .languages),
            q("associations", "territory", .yesNo, nil),
            q("topics", "territory", .multipleChoice, nil, options: themes),
            Question(key: "ties", section: catalog.text("fieldwork.starter.section.territory"), label: catalog.text("fieldwork.starter.ties"), kind: .scale, scaleMax: 5),
            q("idea", "territory", .longText, nil),
        ], consentText: catalog.text("fieldwork.starter.consent"))
    }
}
