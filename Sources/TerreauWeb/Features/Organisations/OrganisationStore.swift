import Fluent
import SQLKit
import TerreauCore
import Vapor

struct OrganisationStore {
    let database: any Database

    /// The community's organisations (collectives included), by name.
    func organisations(in community: UUID) async throws -> [OrganisationRecord] {
        try await OrganisationRecord.query(on: database).filter(\.$community.$id == community).sort(\.$name).all()
    }

    /// The organisations of the community among `ids`, by name.
    func organisations(_ ids: [UUID], in community: UUID) async throws -> [OrganisationRecord] {
        ids.isEmpty ? [] : try await OrganisationRecord.query(on: database).filter(\.$community.$id == community).filter(\.$id ~~ ids).sort(\.$name).all()
    }

    /// An organisation by id, only inside this community.
    func organisation(_ id: UUID, in community: UUID) async throws -> OrganisationRecord? {
        try await OrganisationRecord.query(on: database).filter(\.$id == id).filter(\.$community.$id == community).first()
    }

    func isAdmin(_ person: UUID, of organisation: UUID) async throws -> Bool {
        try await OrganisationMemberRecord.query(on: database).filter(\.$person.$id == person).filter(\.$organisation.$id == organisation)
            .filter(\.$status == "approved").filter(\.$role == OrganisationRole.admin.rawValue).count() > 0
    }

    /// Whoever adds an organisation is its first admin, approved at once.
    func addAdmin(_ person: UUID, to organisation: UUID, now: Date) async throws {
        let admin = OrganisationMemberRecord()
        admin.$organisation.id = organisation
        admin.$person.id = person
        admin.role = OrganisationRole.admin.rawValue
        admin.status = "approved"
        admin.message = ""
        admin.requestedAt = now
        admin.decidedAt = now
        try await admin.create(on: database)
    }

    /// Tells an organisation's admins, or the community's coordinators while it has none.
    func tellAdmins(of organisation: OrganisationRecord, in community: CommunityRecord, notifier: Notifier, key: String, arguments: [String], link: String) async throws {
        let admins = try await OrganisationMemberRecord.query(on: database).filter(\.$organisation.$id == organisation.id!)
            .filter(\.$status == "approved").filter(\.$role == OrganisationRole.admin.rawValue).all()
        if admins.isEmpty {
            try await MembershipStore(database: database).tellCoordinators(of: community, notifier: notifier, key: key, arguments: arguments, link: link)
        }
        for admin in admins {
            try await notifier.notify(admin.$person.id, kind: .organisationClaim, community: community.id, key: key, arguments: arguments, link: link)
        }
    }

    /// Every organisation the person belongs to, as member or admin.
    func organisations(of person: UUID) async throws -> Set<UUID> {
        Set(try await OrganisationMemberRecord.query(on: database).filter(\.$person.$id == person).filter(\.$status == "approved").all()
            .map(\.$organisation.id))
    }

    func adminOrganisations(of person: UUID) async throws -> [OrganisationRecord] {
        try await OrganisationMemberRecord.query(on: database).filter(\.$person.$id == person).filter(\.$status == "approved")
            .filter(\.$role == OrganisationRole.admin.rawValue).with(\.$organisation).all().map(\.organisation)
    }

    struct ImportSummary: Equatable {
        var created = 0
        var updated = 0
        var skippedInactive = 0
        /// Attached although their commune is not on the territory (`--hors-territoire`).
        var outsideTerritory = 0
    }

    /// Stores the register's active associations in one transaction: an RNA number already
    /// known in the community is updated, never duplicated, so a rerun changes nothing twice.
    /// The same transaction writes the import to the community's public journal: who, which
    /// file (name and SHA-256), what changed.
    func importRNA(_ result: RNAParser.Result, into community: CommunityRecord, outsideTerritory: Int, source: ImportSource,
                   now: Date) async throws -> ImportSummary {
        try await database.writing { database in
            var summary = ImportSummary(skippedInactive: result.skippedInactive, outsideTerritory: outsideTerritory)
            let existing = try await OrganisationRecord.query(on: database).filter(\.$community.$id == community.id!).filter(\.$rna != nil).all()
            var byRNA: [String: OrganisationRecord] = [:]
            for organisation in existing { if let rna = organisation.rna { byRNA[rna] = organisation } }
            for association in result.associations {
                let record = byRNA[association.rna] ?? OrganisationRecord()
                let isNew = record.id == nil
                if isNew {
                    record.$community.id = community.id!
                    record.kind = OrganisationKind.association.rawValue
                    record.rna = association.rna
                    record.source = "rna"
                    record.createdAt = now
                }
                record.name = association.name
                record.object = association.object
                record.themes = association.themes.joined(separator: " ")
                record.communeCode = association.communeCode.isEmpty ? nil : association.communeCode
                record.website = association.website
                record.updatedAt = now
                try await record.save(on: database)
                if isNew { summary.created += 1 } else { summary.updated += 1 }
            }
            let record = ImportRecord(source: "rna", file: source.name, sha256: source.sha256, operatorName: source.operatorName,
                                      created: summary.created, updated: summary.updated, skipped: summary.skippedInactive, outside: outsideTerritory)
            try await JournalStore(database: database).append(community: community.id!, .imported, .organisation, id: nil,
                                                              summary: String(decoding: try JSONEncoder().encode(record), as: UTF8.self), now: now)
            return summary
        }
    }
}

/// A file a command imported, as the journal names it.
struct ImportSource {
    var name: String
    var sha256: String
    var operatorName: String
}
