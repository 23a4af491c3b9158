import Fluent
import Foundation
import TerreauCore
import Vapor

/// The demo's members: one of every actor kind in Grenoble-Alpes (with every role), a
/// coordinator in Trièves, the register's sample associations and one organisation of each
/// other kind. All demo accounts share one password, printed in the README. Camille also
/// administers the instance.
enum DemoPeople {
    static let password = "terreau démo 2026"

    struct Plan {
        var name: String
        var email: String
        var community: String
        var kind: ActorKind
        var roles: Set<Role>
        var bio: String
        /// Administers the instance too (reads its outbox, names coordinators).
        var instanceAdmin = false
        var publicProfile = false
    }

    static let people: [Plan] = [
        Plan(name: "Camille Roux", email: "camille@demo.terreau.invalid", community: "grenoble-alpes", kind: .resident, roles: [.member, .coordinator],
            bio: "Habitante de la Villeneuve, je coordonne le diagnostic avec l'équipe d'animation.", instanceAdmin: true),
        Plan(name: "Karim Benali", email: "karim@demo.terreau.invalid", community: "grenoble-alpes", kind: .association, roles: [.member, .interviewer],
            bio: "Bénévole d'une compagnie de théâtre amateur ; enquêteur formé.", publicProfile: true),
        Plan(name: "Sophie Martin", email: "sophie@demo.terreau.invalid", community: "grenoble-alpes", kind: .company, roles: [.member],
            bio: "Gérante d'un atelier de réparation de vélos en coopérative."),
        Plan(name: "Service vie associative", email: "vie-associative@demo.terreau.invalid", community: "grenoble-alpes", kind: .publicBody, roles: [.member],
            bio: "Le service de la Ville qui accompagne les associations.", publicProfile: true),
        Plan(name: "Élise Fabre", email: "elise@demo.terreau.invalid", community: "grenoble-alpes", kind: .elected, roles: [.member, .elected],
            bio: "Conseillère municipale déléguée à la vie des quartiers.", publicProfile: true),
        Plan(name: "Lucas Girard", email: "lucas@demo.terreau.invalid", community: "grenoble-alpes", kind: .agent, roles: [.member, .agent],
            bio: "Agent de développement local à la mairie."),
        Plan(name: "Nadia Haddad", email: "nadia@demo.terreau.invalid", community: "grenoble-alpes", kind: .communityWorker, roles: [.member, .moderator],
            bio: "Animatrice à la maison des habitants ; je modère les échanges.", publicProfile: true),
        Plan(name: "Paul Chabert", email: "paul@demo.terreau.invalid", community: "trieves", kind: .resident, roles: [.member, .coordinator],
            bio: "Coordinateur du diagnostic dans le Trièves."),
    ]

    /// Idempotent: people whose address already has an account are left as they are.
    static func ensure(on database: any Database, resources: String, hash: @Sendable (String) throws -> String, now: Date) async throws {
        let communities = CommunityStore(database: database)
        var created: [String: UUID] = [:]
        for plan in people {
            guard try await AccountRecord.query(on: database).filter(\.$email == plan.email).first() == nil,
                let community = try await communities.find(slug: plan.community)
            else { continue }
            let person = PersonRecord(displayName: plan.name, language: "fr", createdAt: now)
            person.bio = plan.bio
            // Officials, the town's service and two active members show a public profile, so that
            // the published diagnostic names its co-authors; the others stay members-only.
            person.profileVisibility = (plan.publicProfile ? Visibility.public : Visibility.members).rawValue
            try await person.create(on: database)
            let account = AccountRecord(personID: person.id!, email: plan.email, passwordHash: try hash(password), createdAt: now)
            account.confirmedAt = now
            account.instanceAdmin = plan.instanceAdmin
            try await account.create(on: database)
            let charter = try await CharterStore(database: database).current(of: community)
            try await MembershipStore(database: database).join(
                person: person.id!, community: community, kind: plan.kind, charterVersion: charter.version, contactConsent: true, channel: .self,
                recordedBy: nil, now: now, roles: plan.roles)
            if plan.roles.contains(.elected) {
                try await MembershipRecord.query(on: database).filter(\.$person.$id == person.id!).set(\.$electedVerifiedAt, to: now).update()
            }
            created[plan.email] = person.id!
        }
        guard let grenoble = try await communities.find(slug: "grenoble-alpes"), !created.isEmpty else { return }
        for file in ["rna_sample_waldec.csv", "rna_sample_import.csv"] {
            // The register's samples are associations of the Rhône: attached « hors territoire ».
            _ = try await RNAImport.run(file: resources + "Demo/rna/" + file, into: grenoble, database: database, now: now,
                                        outsideTerritory: true, operatorName: "démo")
        }
        let organisations: [(OrganisationKind, String, String?, String?, String, String?)] = [
            (.company, "Atelier Vélo Solidaire (SCOP)", nil, "812345676", "Réparation et réemploi de vélos ; ateliers d'autoréparation.", "sophie@demo.terreau.invalid"),
            (.publicBody, "Ville de Grenoble", "38185", nil, "La commune : salles municipales, service vie associative.", "vie-associative@demo.terreau.invalid"),
            (.collective, "Collectif des jardins de la Villeneuve", nil, nil, "Jardins partagés au pied des immeubles.", "camille@demo.terreau.invalid"),
        ]
        var byName: [String: UUID] = [:]
        for (kind, name, cog, siren, object, adminEmail) in organisations {
            let organisation = OrganisationRecord()
            organisation.$community.id = grenoble.id!
            organisation.kind = kind.rawValue
            organisation.name = name
            organisation.cogCode = cog
            organisation.siren = siren
            organisation.object = object
            organisation.themes = ""
            organisation.source = "member"
            organisation.createdAt = now
            organisation.updatedAt = now
            try await organisation.create(on: database)
            if let adminEmail, let admin = created[adminEmail] {
                try await OrganisationStore(database: database).addAdmin(admin, to: organisation.id!, now: now)
            }
            byName[name] = organisation.id!
        }
        try await ensureCollective(in: grenoble, organisations: byName, admin: created["sophie@demo.terreau.invalid"], database: database, now: now)
    }

    /// A collective started by the cycling cooperative: the city joined, the gardens' collective
    /// is still invited (its admin, Camille, can answer from the collective's page).
    static func ensureCollective(in community: CommunityRecord, organisations: [String: UUID], admin: UUID?, database: any Database, now: Date) async throws {
        guard let founder = organisations["Atelier Vélo Solidaire (SCOP)"], let city = organisations["Ville de Grenoble"],
            let gardens = organisations["Collectif des jardins de la Villeneuve"], let admin
        else { return }
        let collective = OrganisationRecord()
        collective.$community.id = community.id!
        collective.kind = OrganisationKind.collective.rawValue
        collective.name = "Collectif mobilités douces du sud grenoblois"
        collective.object = "Réparer, prêter et faire connaître le vélo et la marche dans les quartiers sud : bourses aux vélos, ateliers, itinéraires."
        collective.themes = "mobilite"
        collective.source = "member"
        collective.$createdBy.id = admin
        collective.createdAt = now
        collective.updatedAt = now
        try await collective.create(on: database)
        try await OrganisationStore(database: database).addAdmin(admin, to: collective.id!, now: now)
        let details = CollectiveRecord()
        details.$organisation.id = collective.id!
        details.$founder.id = founder
        details.duration = CollectiveDuration.permanent.rawValue
        try await details.create(on: database)
        for (organisation, joined) in [(founder, true), (city, true), (gardens, false)] {
            let row = CollectiveViews.membership(collective.id!, organisation, invitedBy: admin, now: now)
            if joined {
                row.status = CollectiveStatus.joined.rawValue
                row.joinedAt = now
                row.answeredAt = now
            }
            try await row.create(on: database)
        }
    }
}
