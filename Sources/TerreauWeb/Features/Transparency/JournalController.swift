import Fluent
import Foundation
import TerreauCore
import Vapor

/// The public journal of a community: every public act, newest first, filtered by what it is
/// about, what happened and when; acts on records that are not public only as a count. The
/// chain's head hash is shown so that anyone can compare it with `terreau verify`.
enum JournalController {
    static let pageSize = 100

    struct Line: Encodable {
        var position: Int
        var date: String
        var subject: String
        var act: String
        var summary: String
        var url: String?
    }

    struct Page: Encodable {
        var layout: PageLayout
        var lines: [Line]
        var hidden: Int
        var total: Int
        var head: String
        var subjects: [ChoiceOption]
        var acts: [ChoiceOption]
        var from: String
        var to: String
        var fromError: String?
        var toError: String?
        var action: String
        var previousURL: String?
        var nextURL: String?
    }

    /// Where an entry's record lives, when it has a page of its own.
    static func link(_ entry: JournalEntry, slug: String) -> String? {
        guard entry.isPublic, !entry.subjectID.isEmpty else { return nil }
        let id = entry.subjectID
        switch entry.subject {
        case .inventory: return SiteRoute.inventoryItem(slug: slug, item: id).path
        case .organisation: return SiteRoute.organisation(slug: slug, organisation: id).path
        case .proposal: return SiteRoute.proposal(slug: slug, proposal: id, view: nil).path
        case .decision, .rules, .charter: return SiteRoute.decision(slug: slug, decision: id).path
        case .questionnaire: return SiteRoute.method(slug: slug).path
        case .campaign: return SiteRoute.campaign(slug: slug, campaign: id).path
        case .event: return SiteRoute.event(slug: slug, event: id).path
        case .study: return SiteRoute.study(slug: slug, study: id).path
        case .funding: return SiteRoute.funding(slug: slug).path + "#f-" + id
        case .edition: return SiteRoute.diagnostics(slug: slug).path
        case .comment: return nil
        }
    }

    static func summary(_ entry: JournalEntry, _ catalog: MessageCatalog) -> String {
        switch (entry.act, entry.subject) {
        case (.imported, .organisation):
            guard let record = try? JSONDecoder().decode(ImportRecord.self, from: Data(entry.summary.utf8)) else { return entry.summary }
            return catalog.text("journal.importedRegister", [record.operatorName, record.file, String(record.sha256.prefix(16)), String(record.created),
                                                            String(record.updated), String(record.skipped), String(record.outside)])
        case (.imported, _): return catalog.text("journal.imported", count: Int(entry.summary) ?? 0)
        case (.moderated, _): return catalog.text("journal.moderation." + entry.summary)
        case (_, .questionnaire): return catalog.text("journal.version", [String(entry.summary.dropFirst())])
        default: return entry.summary
        }
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog, language = request.language, slug = community.slug
        let subject = (try? request.query.get(String.self, at: "sujet")).flatMap(JournalSubject.init(rawValue:))
        let act = (try? request.query.get(String.self, at: "acte")).flatMap(JournalAct.init(rawValue:))
        let fromText = (try? request.query.get(String.self, at: "du")) ?? "", toText = (try? request.query.get(String.self, at: "au")) ?? ""
        let page = max((try? request.query.get(Int.self, at: "page")) ?? 1, 1)
        let from = CalendarDay.parse(fromText), to = CalendarDay.parse(toText)
        var query = JournalEntryRecord.query(on: request.db).filter(\.$community.$id == community.id!)
        if let subject { query = query.filter(\.$subject == subject.rawValue) }
        if let act { query = query.filter(\.$act == act.rawValue) }
        if let from { query = query.filter(\.$recordedAt >= from) }
        if let to, let end = CalendarDay.paris.date(byAdding: .day, value: 1, to: to) { query = query.filter(\.$recordedAt < end) }
        let hidden = try await query.copy().filter(\.$isPublic == false).count()
        let total = try await query.copy().filter(\.$isPublic == true).count()
        let records = try await query.filter(\.$isPublic == true).sort(\.$position, .descending)
            .range(((page - 1) * pageSize)..<(page * pageSize)).all()
        let head = try await JournalEntryRecord.query(on: request.db).filter(\.$community.$id == community.id!).sort(\.$position, .descending).first()?.hash
        func pageURL(_ number: Int) -> String {
            var items = ["page=\(number)"]
            if let subject { items.append("sujet=" + subject.rawValue) }
            if let act { items.append("acte=" + act.rawValue) }
            if from != nil { items.append("du=" + fromText) }
            if to != nil { items.append("au=" + toText) }
            return SiteRoute.journal(slug: slug).path + "?" + items.joined(separator: "&")
        }
        return try await request.render("transparency/journal", Page(
            layout: PageLayout(request, title: catalog.text("journal.title"), community: community, current: "journal"),
            lines: records.map { record in
                let entry = record.entry
                return Line(position: entry.position, date: language.formatDate(entry.at), subject: catalog.text("journal.subject." + entry.subject.rawValue),
                            act: catalog.text("journal.act." + entry.act.rawValue), summary: summary(entry, catalog), url: link(entry, slug: slug))
            },
            hidden: hidden, total: total, head: head ?? HashChain.genesis,
            subjects: [ChoiceOption(value: "", label: catalog.text("journal.all"), selected: subject == nil)]
                + ChoiceOption.list(JournalSubject.allCases, labels: "journal.subject.", catalog) { $0 == subject },
            acts: [ChoiceOption(value: "", label: catalog.text("journal.all"), selected: act == nil)]
                + ChoiceOption.list(JournalAct.allCases, labels: "journal.act.", catalog) { $0 == act },
            from: fromText, to: toText,
            fromError: !fromText.isEmpty && from == nil ? catalog.text("journal.error.day") : nil,
            toError: !toText.isEmpty && to == nil ? catalog.text("journal.error.day") : nil,
            action: SiteRoute.journal(slug: slug).path,
            previousURL: page > 1 ? pageURL(page - 1) : nil, nextURL: page * pageSize < total ? pageURL(page + 1) : nil))
    }
}
