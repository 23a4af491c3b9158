import Fluent
import SQLKit
import TerreauCore
import Vapor

/// Accounts and their e-mailed tokens.
struct AccountStore {
    let database: any Database
    let application: Application
    let now: Date

    init(_ request: Request, database: (any Database)? = nil) {
        self.init(request.application, database: database ?? request.db, now: request.now)
    }

    /// For commands, which have no request.
    init(_ application: Application, database: (any Database)? = nil, now: Date? = nil) {
        self.application = application
        self.database = database ?? application.db
        self.now = now ?? application.clock.now()
    }

    /// A valid bcrypt hash of a random string: verified against when an address is unknown.
    static let absentHash = (try? Bcrypt.hash(SecretToken.make(), cost: 12)) ?? ""

    func create(name: String, email: String, passwordHash: String, language: String) async throws -> AccountRecord {
        let person = PersonRecord(displayName: name, language: language, createdAt: now)
        try await person.create(on: database)
        let account = AccountRecord(personID: person.id!, email: email, passwordHash: passwordHash, createdAt: now)
        try await account.create(on: database)
        account.$person.value = person
        return account
    }

    /// Issues a token and mails its link.
    func sendToken(_ purpose: TokenPurpose, to account: AccountRecord) async throws {
        let token = try await issue(purpose, for: account)
        switch purpose {
        case .confirmEmail: try await mail(account, key: "mail.confirm", link: .confirmEmail(token: token))
        case .resetPassword: try await mail(account, key: "mail.reset", link: .passwordReset(token: token))
        }
    }

    /// A new token for the account (returned once, stored only as its hash); a newer token voids
    /// the older unused ones of the same purpose (quality S4).
    func issue(_ purpose: TokenPurpose, for account: AccountRecord) async throws -> String {
        try await AccountTokenRecord.query(on: database).filter(\.$account.$id == account.id!).filter(\.$purpose == purpose.rawValue)
            .filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
        let token = SecretToken.make()
        let record = AccountTokenRecord()
        record.$account.id = account.id!
        record.purpose = purpose.rawValue
        record.tokenHash = SecretToken.hash(token)
        record.expiresAt = now.addingTimeInterval(purpose.lifetime)
        record.createdAt = now
        try await record.create(on: database)
        return token
    }

    /// A mail whose subject is `key.subject` and body `key.body` with the link as `{0}`.
    func mail(_ account: AccountRecord, key: String, link: SiteRoute) async throws {
        let person = try await account.$person.get(on: database)
        let catalog = application.localization[Language(rawValue: person.language) ?? .fr]
        let url = Notifier(application).absolute(link.path)
        try await Mailer(database: database, now: now).enqueue(
            .account, to: account.email, person: person.id, subject: catalog.text(key + ".subject"),
            body: catalog.text(key + ".body", [person.displayName, url]))
    }

    func usableToken(_ token: String, _ purpose: TokenPurpose) async throws -> AccountTokenRecord? {
        guard let record = try await AccountTokenRecord.query(on: database).filter(\.$tokenHash == SecretToken.hash(token))
            .filter(\.$purpose == purpose.rawValue).first()
        else { return nil }
        return TokenVerdict.of(usedAt: record.usedAt, expiresAt: record.expiresAt, now: now) == .usable ? record : nil
    }

    /// Marks a token used, once (finding F8): of concurrent submissions of one link, only the
    /// first finds it unused; the others are told the link no longer works.
    func consume(_ token: AccountTokenRecord) async throws -> Bool {
        let rows = try await (database as! any SQLDatabase).raw("""
            UPDATE \(ident: AccountTokenRecord.schema) SET used_at = \(bind: now) WHERE id = \(bind: token.id!) AND used_at IS NULL RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// A new password ends every session of the account and voids pending reset links.
    func setPassword(_ account: AccountRecord, hash: String) async throws {
        account.passwordHash = hash
        account.sessionEpoch += 1
        try await account.update(on: database)
        try await AccountTokenRecord.query(on: database).filter(\.$account.$id == account.id!)
            .filter(\.$purpose == TokenPurpose.resetPassword.rawValue).filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
    }
}

/// Consent records (quality S12): purpose, text version, time, channel, and who recorded it.
struct ConsentStore {
    let database: any Database

    func record(person: UUID, purpose: ConsentPurpose, version: String, channel: ConsentChannel, community: UUID?, recordedBy: UUID?, at now: Date) async throws {
        let consent = ConsentRecord()
        consent.$person.id = person
        consent.$community.id = community
        consent.purpose = purpose.rawValue
        consent.textVersion = version
        consent.channel = channel.rawValue
        consent.$recordedBy.id = recordedBy
        consent.givenAt = now
        try await consent.create(on: database)
    }

    /// Withdrawing is one click and only ever touches the person's own records.
    func withdraw(_ id: UUID, of person: UUID, at now: Date) async throws -> Bool {
        guard let consent = try await ConsentRecord.query(on: database).filter(\.$id == id).filter(\.$person.$id == person)
            .filter(\.$withdrawnAt == nil).first()
        else { return false }
        consent.withdrawnAt = now
        try await consent.update(on: database)
        return true
    }
}
