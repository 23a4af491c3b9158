import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// Storage of proposals, their versions, status timeline, co-authors, needs, backings,
/// followers, and their debate with its moderation. The rules — which status may follow which,
/// when a contribution is hidden, who may back what — are `TerreauCore`'s
/// (`ProposalLifecycle`, `Moderation`, `Backing`); this type reads and writes rows around them.
struct ProposalStore {
    let database: any Database

    /// A proposal by id, only inside this community.
    func proposal(_ id: UUID, in community: UUID) async throws -> ProposalRecord? {
        try await ProposalRecord.query(on: database).filter(\.$id == id).filter(\.$community.$id == community).first()
    }

    /// What waits for an elected official, for the menu entry every page shows them: the
    /// proposals addressed to them in a community where they hold the role, and how many are
    /// overdue (issue 22: the dashboard was linked from one page only).
    struct OfficialDesk: Sendable {
        var url: String
        var waiting: Int
        var overdue: Int
    }

    /// The desk of `person` in `community` (the path's), or in the first community where they
    /// are an elected official; nil for anyone else.
    func officialDesk(of person: UUID, in community: UUID?, now: Date) async throws -> OfficialDesk? {
        var memberships = try await MembershipRecord.query(on: database).filter(\.$person.$id == person).with(\.$community).all()
            .filter { Role.parse($0.roles).contains(.elected) }
        if let community, let here = memberships.first(where: { $0.$community.id == community }) { memberships = [here] }
        guard let membership = memberships.first else { return nil }
        let delay = try await DecisionStore(database: database).governance(of: membership.$community.id).answerDelayDays
        let entries = try await RegisterEntryRecord.query(on: database).filter(\.$official.$id == person).with(\.$proposal).all()
            .filter { $0.proposal.$community.id == membership.$community.id }
        let open = entries.filter { [.deposee, .transmise, .etude].contains(RegisterStatus(rawValue: $0.status) ?? .deposee) }
        return OfficialDesk(url: SiteRoute.officialDashboard(slug: membership.community.slug).path, waiting: open.count,
            overdue: open.filter { Register.isOverdue(RegisterStatus(rawValue: $0.status) ?? .deposee, depositedAt: $0.depositedAt, delayDays: delay, now: now) }.count)
    }

    struct Draft {
        var title: String
        var summary: String
        var themes: [String]
        var communeCode: String?
        var organisation: UUID?
        var coauthors: [UUID]
        /// One line per resource needed; each becomes a `need` of the inventory.
        var needs: [String]
    }

    /// Publishes a proposal in debate: version 1, its first dated status, its co-authors, its
    /// needs as inventory items (so matching finds who can help), its author following it.
    func create(_ draft: Draft, community: UUID, author: UUID, status: ProposalStatus = .debate, now: Date) async throws -> ProposalRecord {
        let proposal = ProposalRecord()
        try await database.writing { database in
            proposal.$community.id = community
            proposal.title = draft.title
            proposal.summary = draft.summary
            proposal.themes = draft.themes.joined(separator: " ")
            proposal.communeCode = draft.communeCode
            proposal.status = status.rawValue
            proposal.$author.id = author
            proposal.$organisation.id = draft.organisation
            proposal.version = 1
            proposal.createdAt = now
            proposal.updatedAt = now
            try await proposal.create(on: database)
            try await Self.version(of: proposal, by: author, afterBacking: false, now: now).create(on: database)
            try await Self.event(proposal.id!, status, note: "", person: author, decision: nil, now: now).create(on: database)
            for person in Set(draft.coauthors).subtracting([author]) {
                let coauthor = ProposalCoauthorRecord()
                coauthor.$proposal.id = proposal.id!
                coauthor.$person.id = person
                try await coauthor.create(on: database)
            }
            let inventory = InventoryStore(database: database)
            for need in draft.needs {
                var values = ["title": need, "description": "« \(draft.title) »", "visibility": Visibility.public.rawValue,
                              "need_type": "other", "urgency": "normal", "themes": draft.themes.joined(separator: " ")]
                if let commune = draft.communeCode { values["commune"] = commune }
                let item = try await inventory.create(.init(kind: .need, values: values, terms: [], organisation: draft.organisation),
                    community: community, author: author, summary: "Besoin de la proposition « \(draft.title) »", now: now)
                let link = ProposalNeedRecord()
                link.$proposal.id = proposal.id!
                link.$item.id = item.id!
                try await link.create(on: database)
            }
            try await follow(proposal.id!, person: author, now: now, on: database)
            try await JournalStore(database: database).append(community: community, .published, .proposal, id: proposal.id, summary: draft.title, now: now)
        }
        return proposal
    }

    static func version(of proposal: ProposalRecord, by person: UUID?, afterBacking: Bool, now: Date) -> ProposalVersionRecord {
        let version = ProposalVersionRecord()
        version.$proposal.id = proposal.id!
        version.version = proposal.version
        version.title = proposal.title
        version.summary = proposal.summary
        version.$editedBy.id = person
        version.editedAt = now
        version.afterBacking = afterBacking
        return version
    }

    static func event(_ proposal: UUID, _ status: ProposalStatus, note: String, person: UUID?, decision: UUID?, now: Date) -> ProposalEventRecord {
        let event = ProposalEventRecord()
        event.$proposal.id = proposal
        event.status = status.rawValue
        event.note = note
        event.$person.id = person
        event.$decision.id = decision
        event.at = now
        return event
    }

    struct Conflict: Error { var currentVersion: Int }

    /// A new version of the text. `expectedVersion` is the one the form was opened at: when
    /// someone saved in between, nothing is written (R9). Every version is kept and shown;
    /// those written after an organisation backed it are marked as such.
    func edit(_ proposal: ProposalRecord, title: String, summary: String, expectedVersion: Int, by person: UUID, now: Date) async throws {
        guard proposal.version == expectedVersion else { throw Conflict(currentVersion: proposal.version) }
        let backed = try await ProposalBackingRecord.query(on: database).filter(\.$proposal.$id == proposal.id!).count() > 0
        try await database.writing { database in
            proposal.title = title
            proposal.summary = summary
            proposal.version += 1
            proposal.updatedAt = now
            try await proposal.update(on: database)
            try await Self.version(of: proposal, by: person, afterBacking: backed, now: now).create(on: database)
            try await JournalStore(database: database).append(community: proposal.$community.id, .edited, .proposal, id: proposal.id, summary: title, now: now)
        }
    }

    /// Moves a proposal on by `event`, dated, or returns nil when the step makes no sense.
    @discardableResult
    func move(_ proposal: ProposalRecord, _ event: ProposalEvent, note: String, person: UUID?, decision: UUID?, now: Date,
              on database: (any Database)? = nil) async throws -> ProposalStatus? {
        guard let status = ProposalStatus(rawValue: proposal.status), let next = ProposalLifecycle.next(from: status, event) else { return nil }
        let database = database ?? self.database
        proposal.status = next.rawValue
        proposal.updatedAt = now
        try await proposal.update(on: database)
        try await Self.event(proposal.id!, next, note: note, person: person, decision: decision, now: now).create(on: database)
        try await JournalStore(database: database).append(community: proposal.$community.id, .statusChanged, .proposal, id: proposal.id,
                                                          summary: proposal.title, now: now)
        return next
    }

    func follow(_ proposal: UUID, person: UUID, now: Date, on database: (any Database)? = nil) async throws {
        let database = database ?? self.database
        guard try await ProposalFollowerRecord.query(on: database).filter(\.$proposal.$id == proposal).filter(\.$person.$id == person).first() == nil else { return }
        let follower = ProposalFollowerRecord()
        follower.$proposal.id = proposal
        follower.$person.id = person
        follower.createdAt = now
        try await follower.create(on: database)
    }

    func unfollow(_ proposal: UUID, person: UUID) async throws {
        try await ProposalFollowerRecord.query(on: database).filter(\.$proposal.$id == proposal).filter(\.$person.$id == person).delete()
    }

    func followers(of proposal: UUID) async throws -> [UUID] {
        try await ProposalFollowerRecord.query(on: database).filter(\.$proposal.$id == proposal).all().map(\.$person.id)
    }

    func backers(of proposal: UUID) async throws -> [ProposalBackingRecord] {
        try await ProposalBackingRecord.query(on: database).filter(\.$proposal.$id == proposal).with(\.$organisation).sort(\.$createdAt).all()
    }

    /// An organisation backs the proposal (the caller checked its admin); a unique constraint
    /// keeps one backing per organisation even when two admins click at once.
    func back(_ proposal: ProposalRecord, organisation: UUID, by person: UUID, now: Date) async throws(Backing.Refusal) {
        let backers = Set(((try? await backers(of: proposal.id!)) ?? []).map(\.$organisation.id))
        try Backing.check(organisation: organisation, carriedBy: proposal.$organisation.id, backers: backers,
                          status: ProposalStatus(rawValue: proposal.status) ?? .debate)
        let backing = ProposalBackingRecord()
        backing.$proposal.id = proposal.id!
        backing.$organisation.id = organisation
        backing.$backedBy.id = person
        backing.createdAt = now
        do { try await backing.create(on: database) } catch { throw .alreadyBacked }
    }

    // MARK: Debate

    /// Who is tied to each application's project (conflicts of interest), by application id.
    func ties(of applications: [CallApplicationRecord]) async throws -> [UUID: PeerEvaluation.ProjectTies] {
        let proposals = applications.map(\.$proposal.id)
        guard !proposals.isEmpty else { return [:] }
        let records = try await ProposalRecord.query(on: database).filter(\.$id ~~ proposals).all()
        let coauthors = try await ProposalCoauthorRecord.query(on: database).filter(\.$proposal.$id ~~ proposals).all()
        let backings = try await ProposalBackingRecord.query(on: database).filter(\.$proposal.$id ~~ proposals).all()
        return Dictionary(uniqueKeysWithValues: applications.map { application in
            let proposal = records.first { $0.id == application.$proposal.id }
            let id = application.$proposal.id
            return (application.id!, PeerEvaluation.ProjectTies(
                author: proposal?.$author.id, coauthors: Set(coauthors.filter { $0.$proposal.id == id }.map(\.$person.id)),
                carriers: Set([application.$organisation.id] + [proposal?.$organisation.id].compactMap { $0 }),
                backers: Set(backings.filter { $0.$proposal.id == id }.map(\.$organisation.id))))
        })
    }

    /// The tie that keeps `person` from grading, scoring or voting on each application's
    /// project, among the links the community's rules count, by application id (absent: free).
    /// Every organisation the person belongs to counts, whichever one they act for.
    func conflicts(of person: UUID, in applications: [CallApplicationRecord], community: UUID) async throws -> [UUID: ConflictLink] {
        let ties = try await ties(of: applications)
        let belongs = try await OrganisationStore(database: database).organisations(of: person)
        let counted = try await DecisionStore(database: database).governance(of: community).conflictLinks
        return ties.compactMapValues { PeerEvaluation.conflict(person: person, organisations: belongs, evaluator: nil, project: $0, counted: counted) }
    }

    func comments(of proposal: UUID) async throws -> [CommentRecord] {
        try await CommentRecord.query(on: database).filter(\.$proposal.$id == proposal).with(\.$author).sort(\.$createdAt).all()
    }

    /// Arguments shown, by stance (hidden ones are not counted).
    func stanceCount(of proposal: UUID) async throws -> StanceCount {
        let shown = try await CommentRecord.query(on: database).filter(\.$proposal.$id == proposal).filter(\.$hidden == nil).all()
        return StanceCount(shown.compactMap { Stance(rawValue: $0.stance) })
    }

    func addComment(to proposal: UUID, parent: UUID?, author: UUID, stance: Stance, body: String, now: Date) async throws -> CommentRecord {
        let comment = CommentRecord()
        comment.$proposal.id = proposal
        comment.$parent.id = parent
        comment.$author.id = author
        comment.stance = stance.rawValue
        comment.body = body
        comment.createdAt = now
        comment.reports = 0
        comment.appeal = ModerationState.Appeal.none.rawValue
        try await comment.create(on: database)
        return comment
    }

    static func state(of comment: CommentRecord) -> ModerationState {
        ModerationState(hidden: comment.hidden.flatMap(ModerationState.Hidden.init(rawValue:)), reports: comment.reports,
                        appeal: ModerationState.Appeal(rawValue: comment.appeal) ?? .none)
    }

    /// Applies a moderation event under a lock on the row, logs it, and returns the state
    /// before and after (nil when the event was refused).
    func moderate(_ comment: CommentRecord, _ event: ModerationEvent, action: String, reason: String, person: UUID?, now: Date,
                  report: CommentReportRecord? = nil) async throws -> (before: ModerationState, after: ModerationState)? {
        try await database.writing { database in
            if let report {
                // Once per person: the unique constraint refuses a second report.
                let existing = try await CommentReportRecord.query(on: database).filter(\.$comment.$id == comment.id!)
                    .filter(\.$person.$id == report.$person.id).first()
                guard existing == nil else { return nil }
                try await report.create(on: database)
            }
            guard let fresh = try await CommentRecord.find(comment.id, on: database) else { return nil }
            let before = Self.state(of: fresh)
            guard let after = try? Moderation.next(before, event) else { return nil }
            if (before.hidden == nil) != (after.hidden == nil), let proposal = try await ProposalRecord.find(fresh.$proposal.id, on: database) {
                try await JournalStore(database: database).append(community: proposal.$community.id, .moderated, .comment, id: fresh.id,
                    summary: after.hidden == nil ? "restored" : "hidden", now: now)
            }
            fresh.hidden = after.hidden?.rawValue
            fresh.reports = after.reports
            fresh.appeal = after.appeal.rawValue
            if event == .appeal { fresh.appealText = reason }
            try await fresh.update(on: database)
            comment.hidden = fresh.hidden
            comment.reports = fresh.reports
            comment.appeal = fresh.appeal
            comment.appealText = fresh.appealText
            let loggedAction = (event != .hide && before.hidden == nil && after.hidden == .byReports) ? "hidden-by-reports" : action
            if report == nil || loggedAction == "hidden-by-reports" {
                let log = ModerationLogRecord()
                log.$comment.id = comment.id!
                log.action = loggedAction
                log.reason = report == nil ? reason : ""
                log.$person.id = report == nil ? person : nil
                log.at = now
                try await log.create(on: database)
            }
            return (before, after)
        }
    }

    func moderationLog(of comments: [UUID]) async throws -> [ModerationLogRecord] {
        guard !comments.isEmpty else { return [] }
        return try await ModerationLogRecord.query(on: database).filter(\.$comment.$id ~~ comments).sort(\.$at).all()
    }
}
