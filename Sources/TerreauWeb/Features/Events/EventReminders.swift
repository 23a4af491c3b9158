import Fluent
import Foundation
import TerreauCore
import Vapor

/// A job of the background worker (`MailWorker`), not a page: events' reminders.
enum EventReminders {
    /// The day before an event, its confirmed participants are reminded through the
    /// notification centre (their preferences decide between mail now, digest or nothing); once.
    static func send(_ app: Application) async throws -> Int {
        let now = app.clock.now()
        let due = try await EventRecord.query(on: app.db).filter(\.$remindedAt == nil).filter(\.$cancelled == false)
            .filter(\.$startsAt > now).filter(\.$startsAt <= now.addingTimeInterval(86_400)).with(\.$community).all()
        var sent = 0
        for event in due {
            let seats = try await EventRegistrationRecord.query(on: app.db).filter(\.$event.$id == event.id!).filter(\.$status == SeatStatus.confirmed.rawValue).all()
            let link = SiteRoute.event(slug: event.community.slug, event: event.id!.uuidString).path
            for seat in seats {
                try await Notifier(app).notify(seat.$person.id, kind: .event, community: event.community.id, key: "notification.eventReminder",
                                               arguments: [event.title, Language.formatHour(event.startsAt)], link: link)
                sent += 1
            }
            event.remindedAt = now
            try await event.update(on: app.db)
        }
        return sent
    }
}
