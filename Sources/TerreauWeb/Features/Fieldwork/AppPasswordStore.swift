import Fluent
import Foundation
import TerreauCore

/// Interviewers' app passwords: made (a new one replaces the previous), revoked, found by user
/// name for the Digest check.
struct AppPasswordStore {
    let database: any Database

    /// The password in use by this person in this community, if any.
    func active(of person: UUID, in community: UUID) async throws -> AppPasswordRecord? {
        try await AppPasswordRecord.query(on: database).filter(\.$person.$id == person).filter(\.$community.$id == community)
            .filter(\.$revokedAt == nil).first()
    }

    func active(username: String) async throws -> AppPasswordRecord? {
        try await AppPasswordRecord.query(on: database).filter(\.$username == username).filter(\.$revokedAt == nil).first()
    }

    /// Any password this user name ever had (an import names the interviewer by it).
    func any(username: String) async throws -> AppPasswordRecord? {
        try await AppPasswordRecord.query(on: database).filter(\.$username == username).first()
    }

    /// A new password for the person here, replacing the previous one (one row per person and
    /// community): the user name is kept (the phone only needs the new password), else made
    /// from their name.
    func create(person: UUID, community: UUID, password: String, realm: String, now: Date) async throws -> AppPasswordRecord {
        try await database.writing { database in
            let record = try await AppPasswordRecord.query(on: database).filter(\.$person.$id == person)
                .filter(\.$community.$id == community).first() ?? AppPasswordRecord()
            if record.id == nil {
                let base = AppPassword.username(displayName: try await PersonRecord.find(person, on: database)?.displayName ?? "")
                var username = base, suffix = 2
                while try await AppPasswordRecord.query(on: database).filter(\.$username == username).first() != nil {
                    username = base + "." + String(suffix)
                    suffix += 1
                }
                record.$community.id = community
                record.$person.id = person
                record.username = username
            }
            record.digestHA1 = DigestAuthentication.ha1(username: record.username, realm: realm, password: password)
            record.createdAt = now
            record.revokedAt = nil
            record.lastUsedAt = nil
            try await record.save(on: database)
            return record
        }
    }

    func revoke(person: UUID, in community: UUID, now: Date) async throws {
        try await AppPasswordRecord.query(on: database).filter(\.$person.$id == person).filter(\.$community.$id == community)
            .filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
    }

    func touch(_ record: AppPasswordRecord, now: Date) async throws {
        record.lastUsedAt = now
        try await record.update(on: database)
    }
}
