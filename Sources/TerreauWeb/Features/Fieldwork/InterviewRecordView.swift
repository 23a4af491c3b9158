import Fluent
import Foundation
import TerreauCore
import Vapor

/// What an interview recorded, as the staff's page and the resident's own page show it: the
/// portrait's fields, the survey answers in words, the consents with their channel and text.
struct InterviewRecordView: Encodable {
    var portrait: [Fact]
    var survey: [Fact]
    var consents: [Fact]

    static func load(person: UUID, portrait item: InventoryItemRecord?, interviews: [InterviewRecord], community: CommunityRecord,
                     _ request: Request) async throws -> InterviewRecordView {
        let catalog = request.catalog, language = request.language
        let places = try await CommunityPlaces.load(community, on: request.db)
        let text = InventoryText(catalog: catalog, places: places)
        let values = item.map { InventoryStore.decode($0.fields) } ?? [:]
        var survey: [Fact] = []
        for interview in interviews {
            let version = try await QuestionnaireVersionRecord.query(on: request.db).filter(\.$community.$id == community.id!)
                .filter(\.$number == interview.questionnaireVersion).first()
            let answers = FieldworkStore.decode(interview.answers)
            survey += (version?.questionnaire.questions ?? []).compactMap { question in
                answers[question.key].map { Fact(label: question.label, value: surveyText(question, $0, places, catalog)) }
            }
        }
        let consents = try await ConsentRecord.query(on: request.db).filter(\.$person.$id == person).sort(\.$givenAt).all()
        return InterviewRecordView(
            portrait: InventoryKind.portrait.fields.compactMap { field in
                let value = values[field.rawValue] ?? ""
                return value.isEmpty ? nil : Fact(label: catalog.text(field.labelKey), value: text.display(field, value))
            },
            survey: survey,
            consents: consents.map { Fact(label: catalog.text("consent.purpose." + $0.purpose),
                value: catalog.text("interview.consentLine", [language.formatDate($0.givenAt), catalog.text("consent.channel." + $0.channel), $0.textVersion])) })
    }

    /// A survey answer in words: choices by their labels.
    static func surveyText(_ question: Question, _ answer: String, _ places: CommunityPlaces, _ catalog: MessageCatalog) -> String {
        let labels = Dictionary(QuestionText.optionLabels(question, places, catalog).map { ($0.value, $0.label) }, uniquingKeysWith: { first, _ in first })
        guard !labels.isEmpty else { return answer }
        return answer.split(separator: "\n").map { labels[String($0)] ?? String($0) }.joined(separator: ", ")
    }
}
