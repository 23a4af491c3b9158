import Fluent
import Foundation
import TerreauCore
import Vapor

/// The public ledger of the community's means: subsidies, sponsorship, professional and
/// volunteer time — who gave what and when — with the statement that funding confers no
/// ownership of the diagnostic. Coordinators enter and correct lines; every version is kept and
/// shown; each line is in the journal and in the open data (`financements`).
enum FundingController {
    struct Version: Encodable {
        var number: Int
        var date: String
        var author: String
        var reason: String
        var line: String
    }

    struct Line: Encodable {
        var id: String
        var kind: String
        var contributor: String
        var organisationURL: String?
        var amount: String
        var hours: String
        var description: String
        var day: String
        var editURL: String?
        var versions: [Version]
        var versionCount: Int { versions.count }

        enum CodingKeys: String, CodingKey { case id, kind, contributor, organisationURL, amount, hours, description, day, editURL, versions, versionCount }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(kind, forKey: .kind)
            try container.encode(contributor, forKey: .contributor)
            try container.encodeIfPresent(organisationURL, forKey: .organisationURL)
            try container.encode(amount, forKey: .amount)
            try container.encode(hours, forKey: .hours)
            try container.encode(description, forKey: .description)
            try container.encode(day, forKey: .day)
            try container.encodeIfPresent(editURL, forKey: .editURL)
            try container.encode(versions, forKey: .versions)
            try container.encode(versionCount, forKey: .versionCount)
        }
    }

    struct Total: Encodable {
        var kind: String
        var amount: String
        var hours: String
    }

    struct Page: Encodable {
        var layout: PageLayout
        var lines: [Line]
        var totals: [Total]
        var grandAmount: String
        var grandHours: String
        var canEdit: Bool
        var form: FormState
        var kinds: [ChoiceOption]
        var organisations: [ChoiceOption]
        var action: String
        var openDataURL: String
    }

    static func hours(_ value: Double?, _ language: Language) -> String {
        guard let value else { return "—" }
        let text = value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
        return language == .fr ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    static func euros(_ value: Int?, _ language: Language) -> String {
        value.map { language.format($0) + " €" } ?? "—"
    }

    static func describe(_ entry: FundingEntryRecord, _ catalog: MessageCatalog, _ language: Language) -> String {
        [catalog.text("funding.kind." + entry.kind), entry.contributor, euros(entry.amount, language), hours(entry.hours, language) + " h",
         language.formatDay(entry.receivedOn), entry.description].filter { !$0.isEmpty && $0 != "— h" && $0 != "—" }.joined(separator: " · ")
    }

    @Sendable static func ledger(_ request: Request) async throws -> Response {
        try await page(request, form: FormState(request, values: ["received_on": CalendarDay.format(request.now)]))
    }

    static func page(_ request: Request, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog, language = request.language, slug = community.slug
        let entries = try await FundingEntryRecord.query(on: request.db).filter(\.$community.$id == community.id!)
            .sort(\.$receivedOn, .descending).all()
        let revisions = Dictionary(grouping: try await FundingRevisionRecord.query(on: request.db).filter(\.$entry.$id ~~ entries.compactMap(\.id))
            .with(\.$author).sort(\.$version).all(), by: { $0.$entry.id })
        let canEdit = Policy.allows(viewer, .curate)
        let totals = FundingKind.allCases.compactMap { kind -> Total? in
            let lines = entries.filter { $0.kind == kind.rawValue }
            guard !lines.isEmpty else { return nil }
            let amount = lines.compactMap(\.amount).reduce(0, +), time = lines.compactMap(\.hours).reduce(0, +)
            return Total(kind: catalog.text("funding.kind." + kind.rawValue), amount: amount > 0 ? euros(amount, language) : "—",
                         hours: time > 0 ? hours(time, language) : "—")
        }
        let (kinds, organisations) = try await choices(request, community, form)
        let grandAmount = entries.compactMap(\.amount).reduce(0, +), grandHours = entries.compactMap(\.hours).reduce(0, +)
        return try await request.render("transparency/funding", Page(
            layout: PageLayout(request, title: catalog.text("funding.title"), community: community, current: "funding"),
            lines: entries.map { entry in
                Line(id: entry.id!.uuidString, kind: catalog.text("funding.kind." + entry.kind), contributor: entry.contributor,
                     organisationURL: entry.$organisation.id.map { SiteRoute.organisation(slug: slug, organisation: $0.uuidString).path },
                     amount: euros(entry.amount, language), hours: hours(entry.hours, language), description: entry.description,
                     day: language.formatDay(entry.receivedOn),
                     editURL: canEdit ? SiteRoute.fundingEdit(slug: slug, entry: entry.id!.uuidString).path : nil,
                     versions: entry.version > 1 ? (revisions[entry.id!] ?? []).map { revision in
                        Version(number: revision.version, date: language.formatDate(revision.createdAt),
                                author: revision.author?.shownName(catalog) ?? catalog.text("person.erased"), reason: revision.reason,
                                line: snapshotLine(revision.snapshot, catalog, language))
                     } : [])
            },
            totals: totals, grandAmount: euros(grandAmount, language), grandHours: hours(grandHours, language), canEdit: canEdit, form: form,
            kinds: kinds, organisations: organisations, action: SiteRoute.fundingCreate(slug: slug).path, openDataURL: SiteRoute.openDataFile(slug: slug, file: "financements.csv").path), status: status)
    }

    // MARK: Entering and correcting

    /// The form's lists: kinds of contribution, and the community's organisations (or none).
    static func choices(_ request: Request, _ community: CommunityRecord, _ form: FormState) async throws -> (kinds: [ChoiceOption], organisations: [ChoiceOption]) {
        let catalog = request.catalog
        let organisations = try await OrganisationRecord.query(on: request.db).filter(\.$community.$id == community.id!).sort(\.$name).all()
        return (ChoiceOption.list(FundingKind.allCases, labels: "funding.kind.", catalog) { form.values["kind"] == $0.rawValue },
                [ChoiceOption(value: "", label: catalog.text("funding.organisation.none"), selected: (form.values["organisation"] ?? "").isEmpty)]
                    + organisations.map { ChoiceOption(value: $0.id!.uuidString, label: $0.name, selected: form.values["organisation"] == $0.id!.uuidString) })
    }

    static let fields = ["kind", "contributor", "organisation", "amount", "hours", "received_on", "description", "reason"]

    /// The submitted line checked into `entry`; false (with messages in `form`) when refused.
    static func apply(_ request: Request, to entry: FundingEntryRecord, form: inout FormState, community: CommunityRecord) async throws -> Bool {
        let catalog = request.catalog
        for name in fields { form.values[name] = request.field(name) }
        let checked = FundingRules.check(kind: form.values["kind"]!, contributor: form.values["contributor"]!, day: form.values["received_on"]!,
            amount: form.values["amount"]!, hours: form.values["hours"]!, description: form.values["description"]!, today: request.now)
        for problem in checked.problems {
            switch problem {
            case .badKind: form.fail("kind", catalog.text("funding.error.kind"))
            case .missingContributor: form.fail("contributor", catalog.text("funding.error.contributor"))
            case .badDay: form.fail("received_on", catalog.text("funding.error.day"))
            case .futureDay: form.fail("received_on", catalog.text("funding.error.future"))
            case .noAmountNorHours: form.fail("amount", catalog.text("funding.error.nothing"))
            case .badAmount: form.fail("amount", catalog.text("funding.error.amount"))
            case .badHours: form.fail("hours", catalog.text("funding.error.hours"))
            case .tooLong: form.fail("description", catalog.text("funding.error.description"))
            }
        }
        var organisation: UUID?
        if let id = UUID(uuidString: form.values["organisation"]!) {
            if try await OrganisationRecord.query(on: request.db).filter(\.$id == id).filter(\.$community.$id == community.id!).first() != nil {
                organisation = id
            } else { form.fail("organisation", catalog.text("funding.error.organisation")) }
        }
        guard let kind = checked.kind, let day = checked.day, !form.hasErrors else { return false }
        entry.kind = kind.rawValue
        entry.contributor = form.values["contributor"]!
        entry.$organisation.id = organisation
        entry.amount = checked.amount
        entry.hours = checked.hours
        entry.description = form.values["description"]!
        entry.receivedOn = day
        return true
    }

    static func snapshotLine(_ snapshot: String, _ catalog: MessageCatalog, _ language: Language) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(snapshot.utf8)) as? [String: Any] else { return "" }
        let entry = FundingEntryRecord()
        entry.kind = object["kind"] as? String ?? ""
        entry.contributor = object["contributor"] as? String ?? ""
        entry.amount = object["amount"] as? Int
        entry.hours = object["hours"] as? Double
        entry.description = object["description"] as? String ?? ""
        entry.receivedOn = CalendarDay.parse(object["received_on"] as? String ?? "") ?? Date(timeIntervalSince1970: 0)
        return describe(entry, catalog, language)
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn().personID
        var form = FormState(request)
        let entry = FundingEntryRecord()
        entry.$community.id = community.id!
        entry.$enteredBy.id = me
        entry.createdAt = request.now
        guard try await apply(request, to: entry, form: &form, community: community) else {
            return try await page(request, form: form, status: .unprocessableEntity)
        }
        try await FundingStore(database: request.db).save(entry, isNew: true, reason: "", by: me, now: request.now)
        request.flash(request.catalog.text("funding.saved"))
        return request.seeOther(.funding(slug: community.slug))
    }

    struct EditPage: Encodable {
        var layout: PageLayout
        var form: FormState
        var kinds: [ChoiceOption]
        var organisations: [ChoiceOption]
        var action: String
        var cancelURL: String
        var version: Int
    }

    static func editPage(_ request: Request, _ entry: FundingEntryRecord, form: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog, slug = community.slug
        let (kinds, organisations) = try await choices(request, community, form)
        return try await request.render("transparency/funding-edit", EditPage(
            layout: PageLayout(request, title: catalog.text("funding.edit.title"), community: community, current: "funding"), form: form,
            kinds: kinds, organisations: organisations,
            action: SiteRoute.fundingUpdate(slug: slug, entry: entry.id!.uuidString).path, cancelURL: SiteRoute.funding(slug: slug).path,
            version: entry.version), status: status)
    }

    @Sendable static func edit(_ request: Request) async throws -> Response {
        let entry: FundingEntryRecord = try await request.scoped("entry", in: \.$community)
        return try await editPage(request, entry, form: FormState(request, values: [
            "kind": entry.kind, "contributor": entry.contributor, "organisation": entry.$organisation.id?.uuidString ?? "",
            "amount": entry.amount.map(String.init) ?? "", "hours": entry.hours.map { hours($0, request.language) } ?? "",
            "received_on": CalendarDay.format(entry.receivedOn), "description": entry.description]))
    }

    /// A correction says why; the earlier versions stay on the ledger's page.
    @Sendable static func update(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn().personID
        let entry: FundingEntryRecord = try await request.scoped("entry", in: \.$community)
        var form = FormState(request)
        let applied = try await apply(request, to: entry, form: &form, community: community)
        let reason = form.values["reason"] ?? ""
        if reason.count < 3 || reason.count > 500 { form.fail("reason", request.catalog.text("funding.error.reason")) }
        guard applied, !form.hasErrors else { return try await editPage(request, entry, form: form, status: .unprocessableEntity) }
        guard Int(request.field("version")) == entry.version else {
            form.fail("reason", request.catalog.text("funding.error.conflict"))
            return try await editPage(request, entry, form: form, status: .conflict)
        }
        try await FundingStore(database: request.db).save(entry, isNew: false, reason: reason, by: me, now: request.now)
        request.flash(request.catalog.text("funding.saved"))
        return request.seeOther(.funding(slug: community.slug))
    }
}
