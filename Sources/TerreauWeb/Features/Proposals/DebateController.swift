import Fluent
import TerreauCore
import Vapor

/// A proposal's debate: threaded arguments with a stance, seen by date or side by side by
/// stance, with their counts; reporting, the moderators' queue (hide, restore, confirm, always
/// with a reason), the author told of each step, and their appeal.
enum DebateController {
    // MARK: Contributing

    /// A member adds an argument, or replies to one, with a stance. Followers and the author of
    /// the argument answered hear of it.
    @Sendable static func comment(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let proposal = try await request.proposal()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let back = SiteRoute.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: nil)
        guard ProposalLifecycle.isOpenForDebate(ProposalStatus(rawValue: proposal.status) ?? .debate) else {
            request.flash(catalog.text("debate.error.closed"))
            return request.seeOther(back)
        }
        let body = request.field("body")
        var parent: CommentRecord?
        if let parentID = UUID(uuidString: request.field("parent")) {
            parent = try await CommentRecord.query(on: request.db).filter(\.$id == parentID).filter(\.$proposal.$id == proposal.id!).first()
            guard parent != nil else { throw Abort(.badRequest) }
        }
        guard let stance = Stance(rawValue: request.field("stance")) else {
            request.flash(catalog.text("debate.error.stance"))
            return request.seeOther(back)
        }
        guard body.count >= 2, body.count <= 5000 else {
            request.flash(catalog.text("debate.error.body"))
            return request.seeOther(back)
        }
        let comment = try await ProposalStore(database: request.db).addComment(to: proposal.id!, parent: parent?.id, author: me.personID,
                                                                               stance: stance, body: body, now: request.now)
        let link = back.path + "#c-" + comment.id!.uuidString
        let notifier = Notifier(request)
        let followers = try await ProposalStore(database: request.db).followers(of: proposal.id!)
        for follower in followers where follower != me.personID {
            try await notifier.notify(follower, kind: .proposal, community: community.id, key: "notification.comment",
                                      arguments: [me.person.displayName, proposal.title], link: link)
        }
        if let parentAuthor = parent?.$author.id, parentAuthor != me.personID, !followers.contains(parentAuthor) {
            try await notifier.notify(parentAuthor, kind: .proposal, community: community.id, key: "notification.reply",
                                      arguments: [me.person.displayName, proposal.title], link: link)
        }
        request.flash(catalog.text("debate.added"))
        return request.redirect(to: link, redirectType: .normal)
    }

    /// A member reports a contribution, once; at the community's threshold it is hidden pending
    /// review and its author is told.
    @Sendable static func report(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let comment = try await request.comment()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let back = SiteRoute.proposal(slug: community.slug, proposal: comment.$proposal.id.uuidString, view: nil)
        guard comment.$author.id != me.personID else { throw Abort(.badRequest) }
        let reason = String(request.field("reason").prefix(500))
        guard !reason.isEmpty else {
            request.flash(catalog.text("debate.error.reportReason"))
            return request.seeOther(back)
        }
        let threshold = try await DecisionStore(database: request.db).governance(of: community.id!).moderationReports
        let report = CommentReportRecord()
        report.$comment.id = comment.id!
        report.$person.id = me.personID
        report.reason = reason
        report.createdAt = request.now
        let result = try await ProposalStore(database: request.db).moderate(comment, .report(threshold: threshold), action: "report", reason: reason,
                                                                            person: me.personID, now: request.now, report: report)
        if let result, !result.before.isHidden, result.after.isHidden {
            try await tellAuthor(of: comment, key: "notification.hiddenByReports", back: back, request)
        }
        request.flash(catalog.text(result == nil ? "debate.reportedAlready" : "debate.reported"))
        return request.seeOther(back)
    }

    /// The author of a hidden contribution asks the moderators to review it, once.
    @Sendable static func appeal(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let comment = try await request.comment()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        guard comment.$author.id == me.personID else { throw Abort(.forbidden) }
        let back = SiteRoute.proposal(slug: community.slug, proposal: comment.$proposal.id.uuidString, view: nil)
        let text = String(request.field("appeal").prefix(2000))
        guard !text.isEmpty else {
            request.flash(catalog.text("debate.error.appealText"))
            return request.seeOther(back)
        }
        guard try await ProposalStore(database: request.db).moderate(comment, .appeal, action: "appeal", reason: text, person: me.personID, now: request.now) != nil else {
            request.flash(catalog.text("debate.error.appeal"))
            return request.seeOther(back)
        }
        try await MembershipStore(database: request.db).tell(holding: [.moderator, .coordinator], of: community, notifier: Notifier(request),
            kind: .proposal, key: "notification.appeal", arguments: [], link: SiteRoute.moderation(slug: community.slug).path)
        request.flash(catalog.text("debate.appealed"))
        return request.seeOther(back)
    }

    static func tellAuthor(of comment: CommentRecord, key: String, arguments: [String] = [], back: SiteRoute, _ request: Request) async throws {
        guard let author = comment.$author.id else { return }
        let community = try await request.community()
        try await Notifier(request).notify(author, kind: .proposal, community: community.id, key: key, arguments: arguments,
                                           link: back.path + "#c-" + comment.id!.uuidString)
    }

    // MARK: Moderators

    struct QueuePage: Encodable {
        struct Item: Encodable {
            var id: String
            var proposal: String
            var proposalURL: String
            var author: String
            var date: String
            var body: String
            var state: String
            var reports: [String]
            var appeal: String?
            var history: [String]
            var actions: [ChoiceOption]
            var action: String
        }
        var layout: PageLayout
        var items: [Item]
        var threshold: Int
        var form: FormState
    }

    @Sendable static func queue(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog, language = request.language
        let proposals = try await ProposalRecord.query(on: request.db).filter(\.$community.$id == community.id!).all()
        let titles = Dictionary(uniqueKeysWithValues: proposals.map { ($0.id!, $0.title) })
        let comments = proposals.isEmpty ? [] : try await CommentRecord.query(on: request.db).filter(\.$proposal.$id ~~ proposals.compactMap(\.id))
            .with(\.$author).sort(\.$createdAt).all()
        let waiting = comments.filter { Moderation.needsReview(ProposalStore.state(of: $0)) }
        let ids = waiting.compactMap(\.id)
        let reports = ids.isEmpty ? [] : try await CommentReportRecord.query(on: request.db).filter(\.$comment.$id ~~ ids).sort(\.$createdAt).all()
        let log = try await ProposalStore(database: request.db).moderationLog(of: ids)
        let items = waiting.map { comment in
            let state = ProposalStore.state(of: comment)
            let actions = state.appeal == .pending ? ["restore", "confirm"] : ["hide", "restore"]
            return QueuePage.Item(id: comment.id!.uuidString, proposal: titles[comment.$proposal.id] ?? "",
                proposalURL: SiteRoute.proposal(slug: community.slug, proposal: comment.$proposal.id.uuidString, view: nil).path + "#c-" + comment.id!.uuidString,
                author: comment.author?.shownName(catalog) ?? catalog.text("person.erased"), date: language.formatDate(comment.createdAt), body: comment.body,
                state: catalog.text(state.appeal == .pending ? "moderation.state.appeal" : state.isHidden ? "moderation.state.hidden" : "moderation.state.reported",
                                    [language.format(state.reports)]),
                reports: reports.filter { $0.$comment.id == comment.id }.map { $0.reason },
                appeal: state.appeal == .pending ? comment.appealText : nil,
                history: log.filter { $0.$comment.id == comment.id }.map {
                    catalog.text("moderation.log." + $0.action, [language.formatDate($0.at), $0.reason])
                },
                actions: actions.map { ChoiceOption(value: $0, label: catalog.text("moderation.action." + $0), selected: false) },
                action: SiteRoute.moderationDecision(slug: community.slug, comment: comment.id!.uuidString).path)
        }
        let threshold = try await DecisionStore(database: request.db).governance(of: community.id!).moderationReports
        return try await request.render("proposals/moderation", QueuePage(
            layout: PageLayout(request, title: catalog.text("moderation.title"), community: community, current: "proposals"),
            items: items, threshold: threshold, form: FormState(request)))
    }

    /// A moderator hides, restores or (after an appeal) confirms, always with a reason, which
    /// the author is told.
    @Sendable static func decide(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let comment = try await request.comment()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let events: [String: ModerationEvent] = ["hide": .hide, "restore": .restore, "confirm": .confirm]
        let action = request.field("action")
        guard let event = events[action] else { throw Abort(.badRequest) }
        let reason = String(request.field("reason").prefix(1000))
        guard !reason.isEmpty else {
            request.flash(catalog.text("moderation.error.reason"))
            return request.seeOther(.moderation(slug: community.slug))
        }
        guard try await ProposalStore(database: request.db).moderate(comment, event, action: action, reason: reason, person: me.personID, now: request.now) != nil else {
            request.flash(catalog.text("moderation.error.step"))
            return request.seeOther(.moderation(slug: community.slug))
        }
        try await tellAuthor(of: comment, key: "notification.moderation." + action, arguments: [reason],
                             back: .proposal(slug: community.slug, proposal: comment.$proposal.id.uuidString, view: nil), request)
        request.flash(catalog.text("moderation.done." + action))
        return request.seeOther(.moderation(slug: community.slug))
    }
}

extension Request {
    private struct CommentKey: StorageKey { typealias Value = CommentRecord }

    /// The contribution named by `:comment`, only if its proposal is in the path's community.
    func comment() async throws -> CommentRecord {
        if let cached = storage[CommentKey.self] { return cached }
        let community = try await community()
        guard let id = UUID(uuidString: try parameter("comment")), let comment = try await CommentRecord.find(id, on: db),
            try await ProposalRecord.query(on: db).filter(\.$id == comment.$proposal.id).filter(\.$community.$id == community.id!).first() != nil
        else { throw Abort(.notFound) }
        storage[CommentKey.self] = comment
        return comment
    }
}
