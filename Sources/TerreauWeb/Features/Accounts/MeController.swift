import Fluent
import SQLKit
import TerreauCore
import Vapor

/// The signed-in person's own space: profile, password, communities, consents, their data,
/// notifications, and deleting the account.
enum MeController {
    struct AccountPage: Encodable {
        struct Consent: Encodable {
            var id: String
            var purpose: String
            var version: String
            var channel: String
            var givenAt: String
            var withdrawnAt: String?
            var withdrawURL: String
        }
        struct Organisation: Encodable {
            var id: String
            var name: String
            var selected: Bool
        }
        var layout: PageLayout
        var profile: FormState
        var password: FormState
        var email: String
        var visibilities: [ChoiceOption]
        var memberships: [MembershipSummary]
        var consents: [Consent]
        var organisations: [Organisation]
        var actingAs: String?
        var urls: [String: String]
    }

    @Sendable static func account(_ request: Request) async throws -> Response {
        try await accountPage(request, profile: nil, password: nil)
    }

    static func accountPage(_ request: Request, profile: FormState?, password: FormState?, status: HTTPStatus = .ok) async throws -> Response {
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let language = request.language
        let person = me.person
        let memberships = try await MembershipRecord.query(on: request.db).filter(\.$person.$id == me.personID).with(\.$community).all()
        let consents = try await ConsentRecord.query(on: request.db).filter(\.$person.$id == me.personID).sort(\.$givenAt, .descending).all()
        let organisations = try await OrganisationStore(database: request.db).adminOrganisations(of: me.personID)
        let acting = request.session.data[SessionKeys.actingAs]
        let page = AccountPage(
            layout: PageLayout(request, title: catalog.text("account.title"), current: "account"),
            profile: profile ?? FormState(request, values: ["display_name": person.displayName, "bio": person.bio, "profile_visibility": person.profileVisibility]),
            password: password ?? FormState(request),
            email: me.account.email,
            visibilities: ChoiceOption.list([Visibility.public, .members, .coordinators], labels: "visibility.", catalog) {
                $0.rawValue == person.profileVisibility
            },
            memberships: memberships.map { MembershipSummary($0, catalog) },
            consents: consents.map {
                .init(id: $0.id!.uuidString, purpose: catalog.text("consent.purpose." + $0.purpose), version: $0.textVersion,
                    channel: catalog.text("consent.channel." + $0.channel), givenAt: language.formatDate($0.givenAt),
                    withdrawnAt: $0.withdrawnAt.map(language.formatDate), withdrawURL: SiteRoute.consentWithdraw(consent: $0.id!.uuidString).path)
            },
            organisations: organisations.map { .init(id: $0.id!.uuidString, name: $0.name, selected: $0.id!.uuidString == acting) },
            actingAs: organisations.first { $0.id!.uuidString == acting }?.name,
            urls: [
                "profile": SiteRoute.profileSubmit.path, "password": SiteRoute.passwordChangeSubmit.path,
                "json": SiteRoute.myData(format: "json").path, "csv": SiteRoute.myData(format: "csv").path,
                "delete": SiteRoute.deleteAccount.path, "notifications": SiteRoute.notifications.path,
                "actAs": SiteRoute.actAs.path, "publicProfile": SiteRoute.person(person: me.personID.uuidString).path,
            ])
        return try await request.render("me/account", page, status: status)
    }

    @Sendable static func profileSubmit(_ request: Request) async throws -> Response {
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let name = request.field("display_name")
        let bio = request.field("bio")
        let visibility = request.field("profile_visibility")
        var form = FormState(request, values: ["display_name": name, "bio": bio, "profile_visibility": visibility])
        if name.isEmpty || name.count > 80 { form.fail("display_name", catalog.text("signup.error.name")) }
        if bio.count > 2000 { form.fail("bio", catalog.text("profile.error.bio")) }
        guard let chosen = Visibility(rawValue: visibility), chosen != .statistics else {
            form.fail("profile_visibility", catalog.text("profile.error.visibility"))
            return try await accountPage(request, profile: form, password: nil, status: .unprocessableEntity)
        }
        guard !form.hasErrors else { return try await accountPage(request, profile: form, password: nil, status: .unprocessableEntity) }
        me.person.displayName = name
        me.person.bio = bio
        me.person.profileVisibility = chosen.rawValue
        try await me.person.update(on: request.db)
        request.flash(catalog.text("profile.saved"))
        return request.seeOther(.account)
    }

    @Sendable static func passwordChangeSubmit(_ request: Request) async throws -> Response {
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        var form = FormState(request)
        let current = request.secret("current_password")
        let new = request.secret("new_password")
        if !(try await request.password.async.verify(current, created: me.account.passwordHash)) {
            form.fail("current_password", catalog.text("password.wrongCurrent"))
        }
        if let problem = request.application.passwordPolicy.problem(password: new, email: me.account.email) {
            form.fail("new_password", catalog.text(problem.rawValue))
        }
        guard !form.hasErrors else { return try await accountPage(request, profile: nil, password: form, status: .unprocessableEntity) }
        let hash = try await request.password.async.hash(new)
        try await AccountStore(request).setPassword(me.account, hash: hash)
        // Every other session ends; this one goes on with a fresh id.
        try await request.startSession(for: me.account)
        request.flash(catalog.text("password.changed"))
        return request.seeOther(.account)
    }

    @Sendable static func actAs(_ request: Request) async throws -> Response {
        let me = try await request.requireSignedIn()
        let choice = request.field("organisation")
        if choice.isEmpty {
            request.session.data[SessionKeys.actingAs] = nil
        } else {
            guard let id = UUID(uuidString: choice), try await OrganisationStore(database: request.db).isAdmin(me.personID, of: id) else {
                throw Abort(.forbidden)
            }
            request.session.data[SessionKeys.actingAs] = id.uuidString
        }
        return request.seeOther(.account)
    }

    // MARK: Consent and personal data

    @Sendable static func consentWithdraw(_ request: Request) async throws -> Response {
        let me = try await request.requireSignedIn()
        guard let id = UUID(uuidString: try request.parameter("consent")),
            try await ConsentStore(database: request.db).withdraw(id, of: me.personID, at: request.now)
        else { throw Abort(.notFound) }
        request.flash(request.catalog.text("consent.withdrawn"))
        return request.seeOther(.account)
    }

    /// Quality S13: every row linked to the person, as JSON or as CSV.
    @Sendable static func myData(_ request: Request) async throws -> Response {
        let me = try await request.requireSignedIn()
        let format = try request.parameter("format")
        guard ["json", "csv"].contains(format) else { throw Abort(.notFound) }
        let data = try await PersonalDataMap(database: request.db as! any SQLDatabase).export(person: me.personID, account: me.account.id)
        let response: Response
        if format == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            response = Response(status: .ok, body: .init(data: try encoder.encode(data)))
            response.headers.contentType = .json
        } else {
            response = Response(status: .ok, body: .init(string: CSVExport.personalData(data)))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        }
        response.headers.contentDisposition = .init(.attachment, filename: "terreau-mes-donnees.\(format)")
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    struct DeletePage: Encodable {
        var layout: PageLayout
        var form: FormState
        var action: String
    }

    @Sendable static func deleteAccount(_ request: Request) async throws -> Response {
        _ = try await request.requireSignedIn()
        return try await request.render("me/delete", DeletePage(
            layout: PageLayout(request, title: request.catalog.text("delete.title")), form: FormState(request), action: SiteRoute.deleteAccountSubmit.path))
    }

    @Sendable static func deleteAccountSubmit(_ request: Request) async throws -> Response {
        let me = try await request.requireSignedIn()
        guard try await request.password.async.verify(request.secret("password"), created: me.account.passwordHash) else {
            var form = FormState(request)
            form.fail("password", request.catalog.text("password.wrongCurrent"))
            return try await request.render("me/delete", DeletePage(
                layout: PageLayout(request, title: request.catalog.text("delete.title")), form: form, action: SiteRoute.deleteAccountSubmit.path),
                status: .unprocessableEntity)
        }
        try await Erasure(database: request.db).erase(person: me.personID, email: me.account.email, now: request.now)
        request.logger.info("account erased")
        try await request.endSession()
        return try await request.notice("delete.done", link: .home, linkKey: "layout.home")
    }

    // MARK: Notifications

    struct NotificationsPage: Encodable {
        struct Item: Encodable {
            var text: String
            var link: String
            var date: String
            var unread: Bool
        }
        struct Preference: Encodable {
            var kind: String
            var label: String
            var options: [ChoiceOption]
        }
        var layout: PageLayout
        var items: [Item]
        var unread: Int
        var preferences: [Preference]
        var csrf: String
        var readURL: String
        var preferencesURL: String
    }

    @Sendable static func notifications(_ request: Request) async throws -> Response {
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let records = try await NotificationRecord.query(on: request.db).filter(\.$person.$id == me.personID)
            .sort(\.$createdAt, .descending).limit(100).all()
        let notifier = Notifier(request)
        var preferences: [NotificationsPage.Preference] = []
        for kind in NotificationKind.allCases {
            let current = try await notifier.frequency(of: me.personID, for: kind)
            preferences.append(.init(
                kind: kind.rawValue, label: catalog.text("notification.kind." + kind.rawValue),
                options: ChoiceOption.list(NotificationFrequency.allCases, labels: "notification.frequency.", catalog) { $0 == current }))
        }
        return try await request.render("me/notifications", NotificationsPage(
            layout: PageLayout(request, title: catalog.text("notifications.title"), current: "notifications"),
            items: records.map { .init(text: catalog.text($0.messageKey, $0.arguments), link: $0.link, date: request.language.formatDate($0.createdAt), unread: $0.readAt == nil) },
            unread: records.filter { $0.readAt == nil }.count, preferences: preferences, csrf: request.csrfToken,
            readURL: SiteRoute.notificationsRead.path, preferencesURL: SiteRoute.notificationPreferencesSubmit.path))
    }

    @Sendable static func notificationsRead(_ request: Request) async throws -> Response {
        let me = try await request.requireSignedIn()
        try await NotificationRecord.query(on: request.db).filter(\.$person.$id == me.personID).filter(\.$readAt == nil)
            .set(\.$readAt, to: request.now).update()
        return request.seeOther(.notifications)
    }

    @Sendable static func notificationPreferencesSubmit(_ request: Request) async throws -> Response {
        let me = try await request.requireSignedIn()
        var chosen: [(NotificationKind, NotificationFrequency)] = []
        for kind in NotificationKind.allCases {
            let value = request.field(kind.rawValue)
            guard let frequency = NotificationFrequency(rawValue: value) else {
                if value.isEmpty { continue }
                throw Abort(.badRequest)
            }
            chosen.append((kind, frequency))
        }
        let choices = chosen
        try await request.db.writing { database in
            for (kind, frequency) in choices {
                try await NotificationPreferenceRecord.query(on: database).filter(\.$person.$id == me.personID).filter(\.$kind == kind.rawValue).delete()
                let record = NotificationPreferenceRecord()
                record.$person.id = me.personID
                record.kind = kind.rawValue
                record.frequency = frequency.rawValue
                try await record.create(on: database)
            }
        }
        request.flash(request.catalog.text("notifications.saved"))
        return request.seeOther(.notifications)
    }

    // MARK: Public profile

    struct ProfilePage: Encodable {
        var layout: PageLayout
        var name: String
        var bio: String
        var memberships: [MembershipSummary]
    }

    /// Shows only what the person chose: nothing at all unless their profile's visibility lets
    /// this viewer see it (members: of a community they share).
    @Sendable static func person(_ request: Request) async throws -> Response {
        guard let id = UUID(uuidString: try request.parameter("person")), let person = try await PersonRecord.find(id, on: request.db),
            person.erasedAt == nil, let visibility = Visibility(rawValue: person.profileVisibility)
        else { throw Abort(.notFound) }
        let memberships = try await MembershipRecord.query(on: request.db).filter(\.$person.$id == id).with(\.$community).all()
        var viewerRoles: Set<Role> = []
        let me = try await request.signedIn()
        if let me {
            let shared = try await MembershipRecord.query(on: request.db).filter(\.$person.$id == me.personID)
                .filter(\.$community.$id ~~ memberships.map { $0.$community.id }).all()
            for membership in shared { viewerRoles.formUnion(Role.parse(membership.roles)) }
        }
        guard Policy.canSee(Viewer(signedIn: me != nil, roles: viewerRoles), visibility, isOwner: me?.personID == id) else { throw Abort(.notFound) }
        let catalog = request.catalog
        return try await request.render("people/profile", ProfilePage(
            layout: PageLayout(request, title: person.displayName), name: person.displayName, bio: person.bio,
            memberships: memberships.map { MembershipSummary($0, catalog) }))
    }
}

/// CSV for people: one section per table, values that spreadsheets would run as formulas
/// neutralised (quality R2).
enum CSVExport {
    static func personalData(_ data: [String: [[String: String?]]]) -> String {
        var lines: [String] = ["table,ligne,colonne,valeur"]
        for table in data.keys.sorted() {
            for (index, row) in (data[table] ?? []).enumerated() {
                for column in row.keys.sorted() {
                    lines.append([table, String(index + 1), column, (row[column] ?? nil) ?? ""].map(field).joined(separator: ","))
                }
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            text = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
