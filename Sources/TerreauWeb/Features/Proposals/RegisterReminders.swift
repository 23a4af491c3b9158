import Fluent
import Foundation
import TerreauCore
import Vapor

/// A job of the background worker (`MailWorker`), not a page: overdue answers in the register.
enum RegisterReminders {
    /// The addressed official hears, once, that an answer is overdue — through the notification
    /// centre, their preferences deciding between mail now, digest or nothing.
    static func send(_ app: Application) async throws -> Int {
        let now = app.clock.now()
        let open = try await RegisterEntryRecord.query(on: app.db).filter(\.$overdueRemindedAt == nil).filter(\.$official.$id != nil)
            .filter(\.$status ~~ [RegisterStatus.deposee, .transmise, .etude].map(\.rawValue)).with(\.$proposal).all()
        var delays: [UUID: Int] = [:]
        var sent = 0
        for entry in open {
            let community = entry.proposal.$community.id
            if delays[community] == nil { delays[community] = try await DecisionStore(database: app.db).governance(of: community).answerDelayDays }
            guard let official = entry.$official.id,
                  Register.isOverdue(RegisterStatus(rawValue: entry.status) ?? .deposee, depositedAt: entry.depositedAt, delayDays: delays[community]!, now: now),
                  let slug = try await CommunityRecord.find(community, on: app.db)?.slug else { continue }
            try await Notifier(app).notify(official, kind: .answer, community: community, key: "notification.registerOverdue",
                                           arguments: [entry.proposal.title], link: SiteRoute.officialDashboard(slug: slug).path)
            entry.overdueRemindedAt = now
            try await entry.update(on: app.db)
            sent += 1
        }
        return sent
    }
}
