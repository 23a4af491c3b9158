import Fluent
import SQLKit
import TerreauCore
import Vapor

/// Which tables hold rows about a person, read from the database schema itself: every foreign
/// key to `people` (or to `accounts`, which belongs to one person). A table added later is
/// found the same way, so "download my data" and erasure cannot forget it (quality S13, S14).
struct PersonalDataMap {
    struct Link: Hashable, Comparable {
        var table: String
        var column: String
        /// `people` or `accounts`.
        var target: String
        static func < (a: Link, b: Link) -> Bool { (a.table, a.column) < (b.table, b.column) }
    }

    let database: any SQLDatabase

    func tables() async throws -> [String] {
        if database.dialect.name == "sqlite" {
            return try await database.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .all().map { try $0.decode(column: "name", as: String.self) }
        }
        return try await database.raw("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
            .all().map { try $0.decode(column: "name", as: String.self) }
    }

    func links() async throws -> [Link] {
        var links: [Link] = []
        if database.dialect.name == "sqlite" {
            for table in try await tables() {
                for row in try await database.raw("SELECT * FROM pragma_foreign_key_list(\(bind: table))").all() {
                    let target = try row.decode(column: "table", as: String.self)
                    if [PersonRecord.schema, AccountRecord.schema].contains(target) {
                        links.append(Link(table: table, column: try row.decode(column: "from", as: String.self), target: target))
                    }
                }
            }
        } else {
            let rows = try await database.raw("""
                SELECT tc.table_name AS source, kcu.column_name AS source_column, ccu.table_name AS target
                FROM information_schema.table_constraints tc
                JOIN information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema
                JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema
                WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()
                """).all()
            for row in rows {
                let target = try row.decode(column: "target", as: String.self)
                if [PersonRecord.schema, AccountRecord.schema].contains(target) {
                    links.append(Link(table: try row.decode(column: "source", as: String.self), column: try row.decode(column: "source_column", as: String.self), target: target))
                }
            }
        }
        return Array(Set(links)).sorted()
    }

    /// Every row linked to the person, table by table, as text (secrets masked).
    func export(person: UUID, account: UUID?) async throws -> [String: [[String: String?]]] {
        var result: [String: [[String: String?]]] = [:]
        result[PersonRecord.schema] = try await rows(PersonRecord.schema, column: "id", id: person)
        for link in try await links() {
            guard let id = link.target == PersonRecord.schema ? person : account else { continue }
            let rows = try await rows(link.table, column: link.column, id: id)
            result[link.table, default: []].append(contentsOf: rows)
        }
        return result
    }

    static let masked: Set<String> = ["password_hash", "token_hash"]

    private func rows(_ table: String, column: String, id: UUID) async throws -> [[String: String?]] {
        try await database.raw("SELECT * FROM \(ident: table) WHERE \(ident: column) = \(bind: id)").all().map { row in
            var values: [String: String?] = [:]
            for name in row.allColumns {
                values[name] = Self.masked.contains(name) ? "(masqué)" : Self.text(row, name)
            }
            return values
        }
    }

    /// Any column as text, whatever its storage type on either engine.
    static func text(_ row: any SQLRow, _ column: String) -> String? {
        if (try? row.decodeNil(column: column)) == true { return nil }
        if let value = try? row.decode(column: column, as: UUID.self) { return value.uuidString }
        if let value = try? row.decode(column: column, as: Date.self) { return ISO8601DateFormatter().string(from: value) }
        if let value = try? row.decode(column: column, as: String.self) { return value }
        if let value = try? row.decode(column: column, as: Int.self) { return String(value) }
        if let value = try? row.decode(column: column, as: Double.self) { return String(value) }
        if let value = try? row.decode(column: column, as: Bool.self) { return String(value) }
        return nil
    }
}

/// Quality S14: one transaction erases the person's personal fields, their account, tokens,
/// sessions, memberships, consents, mail and notifications; what they contributed stays,
/// attributed to « participant supprimé ».
struct Erasure {
    let database: any Database

    func erase(person personID: UUID, email: String, now: Date) async throws {
        try await database.writing { database in
            let sql = database as! any SQLDatabase
            let map = PersonalDataMap(database: sql)
            for link in try await map.links() where link.target == PersonRecord.schema {
                if Self.reattributed.contains(link.table + "." + link.column) {
                    continue
                }
                try await sql.raw("DELETE FROM \(ident: link.table) WHERE \(ident: link.column) = \(bind: personID)").run()
            }
            try await AccountRecord.query(on: database).filter(\.$person.$id == personID).delete()
            // Sessions hold the person's id in their data; throttle counters only hashes.
            try await sql.raw("DELETE FROM _fluent_sessions WHERE CAST(data AS TEXT) LIKE \(bind: "%" + personID.uuidString + "%")").run()
            guard let person = try await PersonRecord.find(personID, on: database) else { return }
            person.displayName = ""
            person.bio = ""
            person.profileVisibility = Visibility.statistics.rawValue
            person.erasedAt = now
            try await person.update(on: database)
        }
    }

    /// Authorship links kept (pointing at the anonymised person) instead of deleting the work.
    /// A debate keeps its arguments, shown as by « participant supprimé »: deleting one would
    /// take the replies of others with it.
    static let reattributed: Set<String> = [
        "charter_versions.author_id", "organisations.created_by", "organisation_members.decided_by", "consents.recorded_by",
        "proposals.author_id", "proposal_versions.edited_by", "proposal_events.person_id", "proposal_backings.backed_by",
        "comments.author_id", "moderation_log.person_id", "register_entries.deposited_by", "register_events.person_id",
        "register_entries.official_id", "calls.created_by", "peer_grades.graded_by", "events.created_by", "studies.uploaded_by",
        "study_requests.requested_by", "questionnaire_versions.edited_by", "questionnaire_versions.published_by", "campaigns.created_by",
        "interviewers.registered_by", "interviewer_assignments.assigned_by", "interviews.interviewer_id", "staff_reads.reader_id",
        "funding_entries.entered_by", "funding_revisions.author_id", "diagnostic_editions.published_by",
    ]
}
