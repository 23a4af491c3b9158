import Fluent
import Foundation
import TerreauCore
import Vapor

/// A resident interviewed without an account comes back with their claim code: they see their
/// portrait, correct it, delete it, take it over with an account (the code then stops
/// working), or ask a coordinator to act for them. Wrong codes are counted per address
/// (quality S2).
enum ClaimController {
    static func sessionKey(_ community: CommunityRecord) -> String { "claim:" + community.id!.uuidString }

    struct EntryPage: Encodable {
        var layout: PageLayout
        var action: String
        var error: String?
        var notice: String?
        var form: FormState
    }

    @Sendable static func entry(_ request: Request) async throws -> Response {
        try await entryPage(request)
    }

    static func entryPage(_ request: Request, error: String? = nil, notice: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        return try await request.render("fieldwork/claim", EntryPage(
            layout: PageLayout(request, title: request.catalog.text("claim.title"), community: community, current: "fieldwork"),
            action: SiteRoute.claimSubmit(slug: community.slug).path, error: error, notice: notice, form: FormState(request)), status: status)
    }

    @Sendable static func submit(_ request: Request) async throws -> Response {
        let community = try await request.community()
        // Both counters move first, each in one atomic statement, so forty codes sent at once are
        // counted before any is judged (finding F9).
        let throttle = Throttle(database: request.db)
        let byAddress = try await throttle.hit(.claimAttempts, subject: request.clientAddress, now: request.now)
        let code = ClaimCode.normalise(request.field("code"))
        if let code {
            let byCode = try await throttle.hit(.claimCodeAttempts, subject: code, now: request.now)
            if ThrottleRule.claimCodeAttempts.isExceeded(count: byCode.count) { throw Throttle.tooManyRequests(retryAfter: byCode.retryAfter) }
        }
        guard let code,
              let claim = try await FieldworkStore(database: request.db).claimant(code: code),
              try await InterviewRecord.query(on: request.db).filter(\.$person.$id == claim.$person.id).filter(\.$community.$id == community.id!).first() != nil
        else {
            if ThrottleRule.claimAttempts.isExceeded(count: byAddress.count) { throw Throttle.tooManyRequests(retryAfter: byAddress.retryAfter) }
            return try await entryPage(request, error: request.catalog.text("claim.error.code"), status: .unprocessableEntity)
        }
        // A valid code does not use up the address's allowance.
        try await throttle.refund(.claimAttempts, subject: request.clientAddress, now: request.now)
        request.session.data[sessionKey(community)] = claim.$person.id.uuidString
        return request.seeOther(.claimedPortrait(slug: community.slug))
    }

    /// The resident whose code this browser entered, while the code still works.
    static func resident(_ request: Request, _ community: CommunityRecord) async throws -> PersonRecord? {
        guard let id = request.session.data[sessionKey(community)].flatMap(UUID.init(uuidString:)) else { return nil }
        guard try await PortraitClaimRecord.query(on: request.db).filter(\.$person.$id == id).first() != nil,
              let person = try await PersonRecord.find(id, on: request.db) else {
            request.session.data[sessionKey(community)] = nil
            return nil
        }
        return person
    }

    static func portrait(of person: UUID, in community: CommunityRecord, _ request: Request) async throws -> InventoryItemRecord? {
        try await InventoryItemRecord.query(on: request.db).filter(\.$community.$id == community.id!).filter(\.$person.$id == person)
            .filter(\.$kind == InventoryKind.portrait.rawValue).first()
    }

    struct PortraitPage: Encodable {
        var layout: PageLayout
        var title: String
        var record: InterviewRecordView
        var editURL: String
        var deleteAction: String
        var takeOverAction: String
        var helpAction: String
        var signedIn: Bool
        var signInURL: String
        var signUpURL: String
        var form: FormState
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let community = try await request.community()
        guard let resident = try await resident(request, community) else { return request.seeOther(.claim(slug: community.slug)) }
        let catalog = request.catalog, slug = community.slug
        let item = try await portrait(of: resident.id!, in: community, request)
        let interviews = try await InterviewRecord.query(on: request.db).filter(\.$person.$id == resident.id!).all()
        let record = try await InterviewRecordView.load(person: resident.id!, portrait: item, interviews: interviews, community: community, request)
        let here = SiteRoute.claimedPortrait(slug: slug).path
        return try await request.render("fieldwork/claimed", PortraitPage(
            layout: PageLayout(request, title: catalog.text("claim.portrait.title"), community: community, current: "fieldwork"),
            title: item?.title ?? resident.displayName,
            record: record,
            editURL: SiteRoute.claimEdit(slug: slug).path, deleteAction: SiteRoute.claimDelete(slug: slug).path,
            takeOverAction: SiteRoute.claimTakeOver(slug: slug).path, helpAction: SiteRoute.claimHelp(slug: slug).path,
            signedIn: request.resolvedSignedIn != nil, signInURL: SiteRoute.signIn(returnTo: here).path, signUpURL: SiteRoute.signUp.path,
            form: FormState(request)))
    }

    // MARK: Correcting

    struct EditPage: Encodable {
        var layout: PageLayout
        var fields: [FieldView]
        var action: String
        var cancelURL: String
        var version: Int
        var hasErrors: Bool
        var form: FormState
    }

    static func editPage(_ request: Request, _ community: CommunityRecord, item: InventoryItemRecord, values: [String: String],
                         errors: [InventoryField: String], status: HTTPStatus = .ok) async throws -> Response {
        let places = try await CommunityPlaces.load(community, on: request.db)
        let text = InventoryText(catalog: request.catalog, places: places)
        return try await request.render("fieldwork/claim-edit", EditPage(
            layout: PageLayout(request, title: request.catalog.text("claim.edit.title"), community: community, current: "fieldwork"),
            fields: FieldView.build(.portrait, values: values, errors: errors, text: text),
            action: SiteRoute.claimUpdate(slug: community.slug).path, cancelURL: SiteRoute.claimedPortrait(slug: community.slug).path,
            version: item.version, hasErrors: !errors.isEmpty, form: FormState(request)), status: status)
    }

    static func claimed(_ request: Request) async throws -> (CommunityRecord, PersonRecord, InventoryItemRecord) {
        let community = try await request.community()
        guard let resident = try await resident(request, community), let item = try await portrait(of: resident.id!, in: community, request)
        else { throw Abort.redirect(to: SiteRoute.claim(slug: community.slug).path, redirectType: .normal) }
        return (community, resident, item)
    }

    @Sendable static func edit(_ request: Request) async throws -> Response {
        let (community, _, item) = try await claimed(request)
        return try await editPage(request, community, item: item, values: InventoryStore.decode(item.fields), errors: [:])
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let (community, resident, item) = try await claimed(request)
        let places = try await CommunityPlaces.load(community, on: request.db)
        let text = InventoryText(catalog: request.catalog, places: places)
        let submitted = request.inventoryValues(InventoryKind.portrait.fields)
        let outcome = places.form(.portrait)
            .check(submitted)
        let values = Dictionary(uniqueKeysWithValues: outcome.values.map { ($0.key.rawValue, $0.value) })
        let errors = outcome.errors.filter { $0.key != .skills }.reduce(into: [InventoryField: String]()) { $0[$1.key] = text.error($1.key, $1.value) }
        guard errors.isEmpty else { return try await editPage(request, community, item: item, values: values, errors: errors, status: .unprocessableEntity) }
        let (fields, terms) = try await VocabularyStore(database: request.db).portraitSkills(values, community: community.id!)
        var draft = InventoryStore.Draft(kind: .portrait, values: fields, terms: terms)
        draft.person = resident.id
        do {
            try await InventoryStore(database: request.db).update(item, draft: draft, expectedVersion: Int(request.field("version")) ?? item.version,
                author: resident.id, summary: request.catalog.text("claim.edit.summary"), now: request.now)
        } catch is InventoryStore.Conflict {
            return try await editPage(request, community, item: item, values: values, errors: [:], status: .conflict)
        }
        request.flash(request.catalog.text("claim.edit.saved"))
        return request.seeOther(.claimedPortrait(slug: community.slug))
    }

    // MARK: Deleting, taking over, asking for help

    /// The portrait, the answers and the consents go: the person the interview made is erased,
    /// and the code with them.
    @Sendable static func delete(_ request: Request) async throws -> Response {
        let community = try await request.community()
        guard let resident = try await resident(request, community) else { return request.seeOther(.claim(slug: community.slug)) }
        guard request.field("confirm") == "yes" else {
            request.flash(request.catalog.text("claim.delete.confirmMissing"))
            return request.seeOther(.claimedPortrait(slug: community.slug))
        }
        // Erasure also ends the sessions naming the person (this one holds the claim): the
        // confirmation is this page, not a message for the next one.
        request.session.data[sessionKey(community)] = nil
        try await Erasure(database: request.db).erase(person: resident.id!, email: "", now: request.now)
        return try await entryPage(request, notice: request.catalog.text("claim.deleted"))
    }

    @Sendable static func takeOver(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn().personID
        guard let resident = try await resident(request, community) else { return request.seeOther(.claim(slug: community.slug)) }
        if let mine = try await portrait(of: me, in: community, request) {
            request.flash(request.catalog.text("claim.takeOver.already"))
            return request.seeOther(.inventoryItem(slug: community.slug, item: mine.id!.uuidString))
        }
        let item = try await portrait(of: resident.id!, in: community, request)
        try await FieldworkStore(database: request.db).takeOver(from: resident.id!, to: me)
        request.session.data[sessionKey(community)] = nil
        request.flash(request.catalog.text("claim.takenOver"))
        if let item { return request.seeOther(.inventoryItem(slug: community.slug, item: item.id!.uuidString)) }
        return request.seeOther(.account)
    }

    @Sendable static func help(_ request: Request) async throws -> Response {
        let community = try await request.community()
        guard let resident = try await resident(request, community) else { return request.seeOther(.claim(slug: community.slug)) }
        let message = request.field("message")
        guard (3...2000).contains(message.count) else {
            request.flash(request.catalog.text("claim.help.missing"))
            return request.seeOther(.claimedPortrait(slug: community.slug))
        }
        let link = try await portrait(of: resident.id!, in: community, request).map { SiteRoute.inventoryItem(slug: community.slug, item: $0.id!.uuidString).path }
            ?? SiteRoute.fieldwork(slug: community.slug).path
        try await MembershipStore(database: request.db).tellCoordinators(of: community, notifier: Notifier(request), key: "notification.claimHelp",
            arguments: [resident.displayName, message], link: link)
        request.flash(request.catalog.text("claim.help.sent"))
        return request.seeOther(.claimedPortrait(slug: community.slug))
    }
}
