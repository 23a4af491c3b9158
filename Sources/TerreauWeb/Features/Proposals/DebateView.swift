import Fluent
import TerreauCore
import Vapor

/// A proposal's debate as pages show it — threaded by date or side by side by stance, with
/// counts — on the proposal's page and on the fieldwork method's (issue 26: not a controller's).
enum DebateView {
    enum Order: String { case date, positions }

    struct Entry: Encodable {
        var id: String
        var author: String
        var date: String
        var stance: String
        var stanceKey: String
        /// nil when hidden from this viewer.
        var body: String?
        var hiddenNote: String?
        var depth: Int
        var isReply: Bool
        var canReport: Bool
        var reportURL: String
        var canAppeal: Bool
        var appealPending: Bool
        var appealURL: String
    }

    struct Column: Encodable {
        var title: String
        var stanceKey: String
        var count: Int
        var entries: [Entry]
    }

    struct Page: Encodable {
        var counts: [Column]
        var total: Int
        var order: String
        var dateURL: String
        var positionsURL: String
        var entries: [Entry]
        var columns: [Column]
        var open: Bool
        var canContribute: Bool
        var commentURL: String
        var stances: [ChoiceOption]
        var signInURL: String?
    }

    /// The debate as the viewer may see it: hidden contributions show as such, except to their
    /// author and to moderators.
    static func view(of proposal: ProposalRecord, order: Order, viewer: Viewer, me: UUID?, _ request: Request) async throws -> Page {
        let community = try await request.community()
        let catalog = request.catalog, language = request.language
        let store = ProposalStore(database: request.db)
        let comments = try await store.comments(of: proposal.id!)
        let log = try await store.moderationLog(of: comments.compactMap(\.id))
        let moderator = Policy.allows(viewer, .moderate)
        let slug = community.slug, key = proposal.id!.uuidString
        func entry(_ comment: CommentRecord, depth: Int) -> Entry {
            let mine = me != nil && comment.$author.id == me
            var note: String?
            if comment.hidden != nil {
                let reason = log.last { $0.$comment.id == comment.id && ["hide", "confirm"].contains($0.action) }?.reason
                note = comment.hidden == ModerationState.Hidden.byReports.rawValue
                    ? catalog.text("debate.hidden.reports") : catalog.text("debate.hidden.moderator", [reason ?? ""])
            }
            return Entry(id: comment.id!.uuidString, author: comment.author?.shownName(catalog) ?? catalog.text("person.erased"),
                date: language.formatDate(comment.createdAt), stance: catalog.text("debate.stance." + comment.stance), stanceKey: comment.stance,
                body: comment.hidden == nil || mine || moderator ? comment.body : nil, hiddenNote: note, depth: min(depth, 3), isReply: depth > 0,
                canReport: viewer.isMember && !mine && comment.hidden == nil,
                reportURL: SiteRoute.commentReport(slug: slug, comment: comment.id!.uuidString).path,
                canAppeal: mine && comment.hidden != nil && comment.appeal == ModerationState.Appeal.none.rawValue,
                appealPending: comment.appeal == ModerationState.Appeal.pending.rawValue,
                appealURL: SiteRoute.commentAppeal(slug: slug, comment: comment.id!.uuidString).path)
        }
        // Each argument followed by its replies, depth first, each level by date.
        let children = Dictionary(grouping: comments.filter { $0.$parent.id != nil }) { $0.$parent.id! }
        func thread(_ roots: [CommentRecord]) -> [Entry] {
            var entries: [Entry] = []
            func walk(_ comment: CommentRecord, _ depth: Int) {
                entries.append(entry(comment, depth: depth))
                for child in children[comment.id!] ?? [] { walk(child, depth + 1) }
            }
            for root in roots { walk(root, 0) }
            return entries
        }
        let roots = comments.filter { $0.$parent.id == nil }
        let shown = StanceCount(comments.filter { $0.hidden == nil }.compactMap { Stance(rawValue: $0.stance) })
        let columns = Stance.allCases.map { stance in
            Column(title: catalog.text("debate.stances." + stance.rawValue), stanceKey: stance.rawValue, count: shown[stance],
                   entries: order == .positions ? thread(roots.filter { $0.stance == stance.rawValue }) : [])
        }
        let status = ProposalStatus(rawValue: proposal.status) ?? .debate
        return Page(counts: columns.map { Column(title: $0.title, stanceKey: $0.stanceKey, count: $0.count, entries: []) }, total: shown.total,
            order: order.rawValue,
            dateURL: SiteRoute.proposal(slug: slug, proposal: key, view: Order.date.rawValue).path + "#debat",
            positionsURL: SiteRoute.proposal(slug: slug, proposal: key, view: Order.positions.rawValue).path + "#debat",
            entries: order == .date ? thread(roots) : [], columns: order == .positions ? columns : [],
            open: ProposalLifecycle.isOpenForDebate(status), canContribute: Policy.allows(viewer, .contribute),
            commentURL: SiteRoute.commentCreate(slug: slug, proposal: key).path,
            stances: ChoiceOption.list(Stance.allCases, labels: "debate.stance.", catalog) { _ in false },
            signInURL: viewer.signedIn ? nil : SiteRoute.signIn(returnTo: SiteRoute.proposal(slug: slug, proposal: key, view: nil).path).path)
    }
}
