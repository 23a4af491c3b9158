import Fluent
import Foundation
import NIOConcurrencyHelpers
import TerreauCore
import Vapor

/// Every e-mail is first a row in the outbox (so nothing is lost when the relay is down), then
/// delivered by `MailDelivery`, retried with back-off, and left visible when it finally fails.
struct Mailer {
    let database: any Database
    let now: Date

    func enqueue(_ kind: MailKind, to address: String, person: UUID?, community: UUID? = nil, subject: String, body: String) async throws {
        let record = OutboxRecord()
        record.$person.id = person
        record.$community.id = community
        record.kind = kind.rawValue
        record.toAddress = address
        record.subject = subject
        record.body = body
        record.status = "pending"
        record.attempts = 0
        record.nextAttemptAt = now
        record.createdAt = now
        try await record.create(on: database)
    }
}

enum MailDelivery {
    /// Sends what is due; returns how many were sent. One instance runs the worker
    /// (`TERREAU_BACKGROUND=0` on the others), so a row is never sent twice.
    @discardableResult
    static func deliverDue(_ app: Application) async throws -> Int {
        let now = app.clock.now()
        let due = try await OutboxRecord.query(on: app.db).filter(\.$status == "pending").filter(\.$nextAttemptAt <= now)
            .sort(\.$createdAt).limit(50).all()
        var sent = 0
        for record in due {
            record.attempts += 1
            do {
                try await transmit(record, app: app)
                record.status = "sent"
                record.sentAt = app.clock.now()
                record.lastError = nil
                sent += 1
            } catch {
                record.lastError = String(describing: error).prefix(500).description
                if MailRetry.givesUp(afterAttempt: record.attempts) {
                    record.status = "failed"
                    app.logger.error("mail given up", metadata: ["outbox": "\(record.id!)", "attempts": "\(record.attempts)"])
                } else {
                    record.nextAttemptAt = now.addingTimeInterval(MailRetry.delay(afterAttempt: record.attempts))
                    app.logger.warning("mail delivery failed, will retry", metadata: ["outbox": "\(record.id!)", "attempts": "\(record.attempts)"])
                }
            }
            try await record.update(on: app.db)
        }
        return sent
    }

    private static func transmit(_ record: OutboxRecord, app: Application) async throws {
        let config = app.terreauConfig
        switch config.mail {
        case .log:
            // Development: the message stays readable on the outbox page; the log names it
            // without its address or content (quality S15).
            app.logger.info("mail kept in the outbox (no SMTP server configured)", metadata: ["outbox": "\(record.id!)"])
        case .smtp(let settings):
            let message = MailMessage(
                from: config.mailFrom, fromName: "Terreau", to: record.toAddress, subject: record.subject, body: record.body,
                date: app.clock.now(), messageID: "\(record.id!.uuidString.lowercased())@\(settings.heloName)")
            try await SMTPClient.send(message, settings: settings, group: app.eventLoopGroup)
        }
    }
}

/// Tells people about what concerns them: always in the notification centre, and by e-mail
/// according to their preference for that kind (immediately, in the daily digest, or never).
struct Notifier {
    let database: any Database
    let localization: Localization
    /// What links in mail start with: the public address, or the address this server listens on.
    let siteBase: String
    let now: Date

    init(_ request: Request) {
        database = request.db
        localization = request.application.localization
        siteBase = Self.siteBase(request.application)
        now = request.now
    }

    init(_ app: Application) {
        database = app.db
        localization = app.localization
        siteBase = Self.siteBase(app)
        now = app.clock.now()
    }

    /// `TERREAU_PUBLIC_URL` when set; otherwise the host and port the server listens on, as
    /// `serve`/`demo` were told (main.swift copies them into the server configuration; finding
    /// F11: links said 127.0.0.1:8080 whatever `--port`), a wildcard address read as loopback.
    /// Never the request's Host header, which the sender of a reset request chooses.
    static func siteBase(_ app: Application) -> String {
        if let url = app.terreauConfig.publicURL { return url.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
        let configuration = app.http.server.configuration
        var host = configuration.hostname
        if host == "0.0.0.0" || host == "::" || host.isEmpty { host = "127.0.0.1" }
        if host.contains(":") { host = "[\(host)]" }
        return "http://\(host):\(configuration.port)"
    }

    func notify(_ personID: UUID, kind: NotificationKind, community: UUID?, key: String, arguments: [String], link: String) async throws {
        let record = NotificationRecord()
        record.$person.id = personID
        record.$community.id = community
        record.kind = kind.rawValue
        record.messageKey = key
        record.argumentsJSON = String(decoding: try JSONEncoder().encode(arguments), as: UTF8.self)
        record.link = link
        record.createdAt = now
        try await record.create(on: database)
        guard try await frequency(of: personID, for: kind) == .immediately,
            let (person, address) = try await recipient(personID)
        else { return }
        let catalog = localization[Language(rawValue: person.language) ?? .fr]
        let text = catalog.text(key, arguments)
        try await Mailer(database: database, now: now).enqueue(
            .notification, to: address, person: personID, community: community, subject: catalog.text("mail.notification.subject", [text]),
            body: catalog.text("mail.notification.body", [text, absolute(link)]))
        record.emailedAt = now
        try await record.update(on: database)
    }

    func frequency(of personID: UUID, for kind: NotificationKind) async throws -> NotificationFrequency {
        let stored = try await NotificationPreferenceRecord.query(on: database).filter(\.$person.$id == personID)
            .filter(\.$kind == kind.rawValue).first()
        return stored.flatMap { NotificationFrequency(rawValue: $0.frequency) } ?? .default
    }

    /// One e-mail per person whose last digest is a day old, listing what they have not been
    /// sent yet; never-kinds are skipped and marked so they are not counted again.
    @discardableResult
    func sendDigests() async throws -> Int {
        let pending = try await NotificationRecord.query(on: database).filter(\.$emailedAt == nil).sort(\.$createdAt).all()
        var sent = 0
        for (personID, items) in Dictionary(grouping: pending, by: { $0.$person.id }) {
            guard let (person, address) = try await recipient(personID) else { continue }
            if let last = person.lastDigestAt, now.timeIntervalSince(last) < 23 * 3600 { continue }
            var lines: [String] = []
            let catalog = localization[Language(rawValue: person.language) ?? .fr]
            for item in items {
                let kind = NotificationKind(rawValue: item.kind) ?? .event
                if try await frequency(of: personID, for: kind) == .digest {
                    lines.append("• " + catalog.text(item.messageKey, item.arguments) + "\n  " + absolute(item.link))
                }
                item.emailedAt = now
                try await item.update(on: database)
            }
            person.lastDigestAt = now
            try await person.update(on: database)
            guard !lines.isEmpty else { continue }
            try await Mailer(database: database, now: now).enqueue(
                .digest, to: address, person: personID, subject: catalog.text("mail.digest.subject", count: lines.count),
                body: catalog.text("mail.digest.body", [lines.joined(separator: "\n\n"), absolute(SiteRoute.notifications.path)]))
            sent += 1
        }
        return sent
    }

    /// Mail goes only to confirmed addresses of people who have not withdrawn e-mail consent.
    private func recipient(_ personID: UUID) async throws -> (PersonRecord, String)? {
        guard let account = try await AccountRecord.query(on: database).filter(\.$person.$id == personID).with(\.$person).first(),
            account.confirmedAt != nil, account.person.erasedAt == nil
        else { return nil }
        let withdrawn = try await ConsentRecord.query(on: database).filter(\.$person.$id == personID)
            .filter(\.$purpose == ConsentPurpose.email.rawValue).filter(\.$withdrawnAt != nil).count()
        return withdrawn > 0 ? nil : (account.person, account.email)
    }

    func absolute(_ path: String) -> String { siteBase + path }
}

/// The background loop of a running server: mail, events' reminders and overdue answers every 15 seconds,
/// digests once an hour check.
struct MailWorker: LifecycleHandler {
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func didBootAsync(_ app: Application) async throws {
        task.withLockedValue {
            $0 = Task {
                var lastDigestRun = Date.distantPast
                // Not before the tables exist: `demo` migrates first, and the worker's first round
                // used to fail there (finding F11). Waiting is silent; later failures are logged.
                while !Task.isCancelled, (try? await OutboxRecord.query(on: app.db).count()) == nil { try? await Task.sleep(for: .seconds(1)) }
                while !Task.isCancelled {
                    do {
                        _ = try await EventReminders.send(app)
                        _ = try await RegisterReminders.send(app)
                        try await MailDelivery.deliverDue(app)
                        if app.clock.now().timeIntervalSince(lastDigestRun) > 3600 {
                            try await Notifier(app).sendDigests()
                            lastDigestRun = app.clock.now()
                        }
                    } catch {
                        app.logger.error("background mail work failed: \(String(reflecting: type(of: error)))")
                    }
                    try? await Task.sleep(for: .seconds(15))
                }
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        task.withLockedValue { $0?.cancel() }
    }
}
