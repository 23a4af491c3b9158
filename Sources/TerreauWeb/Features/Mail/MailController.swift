import Fluent
import TerreauCore
import Vapor

/// Following mail delivery (finding F1). The instance's administrators read the whole outbox —
/// the bodies too when no relay is configured, except account mail, whose personal link only
/// its recipient may see. A community's coordinators follow the delivery of that community's
/// mail: recipient, subject, status, never a body, never another community's.
enum MailController {
    struct OutboxPage: Encodable {
        struct Item: Encodable {
            var to: String
            var subject: String
            var body: String?
            var personal: Bool
            var status: String
            var attempts: Int
            var error: String?
            var date: String
        }
        var layout: PageLayout
        var items: [Item]
        var development: Bool
        var community: String?
    }

    @Sendable static func outbox(_ request: Request) async throws -> Response {
        let development = request.application.terreauConfig.mail == .log
        let records = try await OutboxStore(database: request.db).recent()
        return try await render(request, records, development: development, community: nil)
    }

    @Sendable static func community(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let records = try await OutboxStore(database: request.db).recent(about: community.id!)
        return try await render(request, records, development: false, community: community.name)
    }

    private static func render(_ request: Request, _ records: [OutboxRecord], development: Bool, community: String?) async throws -> Response {
        let catalog = request.catalog
        let title = community.map { catalog.text("outbox.community.title", [$0]) } ?? catalog.text("outbox.title")
        return try await request.render("admin/outbox", OutboxPage(
            layout: PageLayout(request, title: title),
            items: records.map { record in
                let kind = MailKind(rawValue: record.kind) ?? .account
                return .init(to: record.toAddress, subject: record.subject, body: development && kind.bodyShownToAdministrators ? record.body : nil,
                    personal: development && !kind.bodyShownToAdministrators, status: catalog.text("outbox.status." + record.status),
                    attempts: record.attempts, error: record.lastError, date: request.language.formatDate(record.createdAt))
            }, development: development, community: community))
    }
}

/// The outbox as the delivery pages read it.
struct OutboxStore {
    let database: any Database
    static let pageSize = 200

    func recent() async throws -> [OutboxRecord] {
        try await OutboxRecord.query(on: database).sort(\.$createdAt, .descending).limit(Self.pageSize).all()
    }

    func recent(about community: UUID) async throws -> [OutboxRecord] {
        try await OutboxRecord.query(on: database).filter(\.$community.$id == community).sort(\.$createdAt, .descending).limit(Self.pageSize).all()
    }
}
