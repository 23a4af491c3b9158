import Fluent
import Foundation
import SQLKit
import TerreauCore
import Vapor

/// The community charter's versions: the one in force, a new one adopted.
struct CharterStore {
    let database: any Database

    static let defaultText = """
        Nous, habitantes et habitants, associations, entreprises, élues et élus, agents publics, nous réunissons \
        pour connaître ensemble ce que notre territoire sait faire et pour le mettre en commun. \
        Chacune et chacun est une ressource : nous respectons la parole de toutes et tous, nous ne partageons \
        une information personnelle qu'avec l'accord de la personne, nous débattons avant de décider, \
        et nous publions ce que nous apprenons pour que tout le monde puisse s'en servir.
        """

    func all(of community: CommunityRecord) async throws -> [CharterVersionRecord] {
        let versions = try await CharterVersionRecord.query(on: database).filter(\.$community.$id == community.id!).with(\.$author)
            .sort(\.$version, .descending).all()
        if versions.isEmpty {
            try await add(to: community.id!, text: Self.defaultText, author: nil, now: community.createdAt)
            return try await all(of: community)
        }
        return versions
    }

    func current(of community: CommunityRecord) async throws -> CharterVersionRecord {
        try await all(of: community)[0]
    }

    /// Versions are never edited: each change is a new row, added by the rule-change decision
    /// that adopted it (the first one comes with the community).
    func add(to community: UUID, text: String, author: UUID?, decision: UUID? = nil, now: Date) async throws {
        let latest = try await CharterVersionRecord.query(on: database).filter(\.$community.$id == community).max(\.$version) ?? 0
        let version = CharterVersionRecord()
        version.$community.id = community
        version.$decision.id = decision
        version.version = latest + 1
        version.text = text
        version.$author.id = author
        version.createdAt = now
        try await version.create(on: database)
    }
}
