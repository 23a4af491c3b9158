import Fluent
import Foundation
import TerreauCore
import Vapor

/// A collective as an organisation's page shows it — its members, invitations and requests, who
/// may be invited, the collectives an organisation belongs to — and the membership row every
/// step writes. The organisation's page and the collective's forms both use them (issue 26).
enum CollectiveViews {
    /// An organisation one may invite, closest in field first.
    struct Candidate: Encodable {
        var id: String
        var name: String
        var close: Bool
        var checked: Bool
    }

    /// Whom one may invite: the organisations closest in field as boxes to tick, every other
    /// one by its name typed in a field that suggests names as one types (a `datalist`, no
    /// JavaScript) — a hundred checkboxes made the form unusable (issue 22).
    struct Invitees: Encodable {
        var close: [Candidate]
        var names: [String]
    }

    /// The community's organisations other than `excluded`: those close to `organisation` in
    /// field (the likeliest partners) and any already ticked as boxes, every name for the field.
    static func candidates(around organisation: OrganisationRecord, community: CommunityRecord, excluding excluded: Set<UUID>,
                           invited: Set<String>, request: Request) async throws -> Invitees {
        let profiles = try await MatchingViews.profiles(community: community.id!, on: request.db)
        let close = profiles.firstIndex { $0.id == organisation.id }.map { OrganisationSimilarity(profiles).similar(to: $0, limit: 8).map(\.id) } ?? []
        let open = profiles.filter { !excluded.contains($0.id) }
        let boxes = close.compactMap { id in open.first { $0.id == id } } + open.filter { !close.contains($0.id) && invited.contains($0.id.uuidString) }
        return Invitees(close: boxes.map { Candidate(id: $0.id.uuidString, name: $0.name, close: close.contains($0.id), checked: invited.contains($0.id.uuidString)) },
            names: open.map(\.name).sorted { $0.localizedStandardCompare($1) == .orderedAscending })
    }

    static func membership(_ collective: UUID, _ organisation: UUID, invitedBy person: UUID, now: Date) -> CollectiveMemberRecord {
        let record = CollectiveMemberRecord()
        record.$collective.id = collective
        record.$organisation.id = organisation
        record.status = CollectiveStatus.invited.rawValue
        record.invitedAt = now
        record.$invitedBy.id = person
        return record
    }

    struct Link: Encodable {
        var name: String
        var url: String
        var detail: String
    }

    /// What an admin of an invited or member organisation can do from the collective's page,
    /// or — `asked` — what the collective's admins answer to an organisation asking to join.
    struct Answer: Encodable {
        var organisation: String
        var member: String
        var invited: Bool
        var asked: Bool
    }

    struct Section: Encodable {
        var duration: String
        var founder: Link?
        var members: [Link]
        var invited: [Link]
        var formerly: [Link]
        var answers: [Answer]
        /// The viewer's organisations that may ask to join.
        var askable: [ChoiceOption]
        var inviteURL: String
        var answerURL: String
    }

    /// The collective part of a collective's page (nil for other organisations). Pending and
    /// past invitations are shown to the collective's admins and to the community's coordinators.
    static func section(for collective: OrganisationRecord, community: CommunityRecord, viewer: Viewer, isAdmin: Bool,
                        me: UUID?, request: Request) async throws -> Section? {
        guard let details = try await CollectiveRecord.query(on: request.db).filter(\.$organisation.$id == collective.id!).with(\.$founder).first()
        else { return nil }
        let catalog = request.catalog, language = request.language
        let rows = try await CollectiveMemberRecord.query(on: request.db).filter(\.$collective.$id == collective.id!).with(\.$organisation).all()
            .sorted { $0.organisation.name.localizedStandardCompare($1.organisation.name) == .orderedAscending }
        func link(_ row: CollectiveMemberRecord, _ key: String, _ date: Date?) -> Link {
            Link(name: row.organisation.name, url: SiteRoute.organisation(slug: community.slug, organisation: row.$organisation.id.uuidString).path,
                detail: catalog.text(key, [language.formatDay(date ?? row.invitedAt)]))
        }
        let seesInvitations = isAdmin || viewer.roles.contains(.coordinator)
        let mine = me == nil ? Set<UUID>() : Set(try await OrganisationStore(database: request.db).adminOrganisations(of: me!).compactMap(\.id))
        var duration = catalog.text("collective.duration." + (details.duration))
        if let endsOn = details.endsOn {
            let over = CollectiveMembership.isOver(duration: .oneOff, endsOn: endsOn, at: request.now)
            duration = catalog.text(over ? "collective.endedOn" : "collective.endsOn", [language.formatDay(endsOn)])
        }
        let status = { (row: CollectiveMemberRecord) in CollectiveStatus(rawValue: row.status) }
        return Section(
            duration: duration,
            founder: details.founder.map { Link(name: $0.name, url: SiteRoute.organisation(slug: community.slug, organisation: $0.id!.uuidString).path, detail: "") },
            members: rows.filter { status($0) == .joined }.map { link($0, "collective.joinedOn", $0.joinedAt) },
            invited: seesInvitations ? rows.filter { [.invited, .asked].contains(status($0)) }
                .map { link($0, status($0) == .asked ? "collective.askedOn" : "collective.invitedOn", $0.invitedAt) } : [],
            formerly: seesInvitations ? rows.filter { [.declined, .left].contains(status($0)) }
                .map { link($0, status($0) == .left ? "collective.leftOn" : "collective.declinedOn", $0.answeredAt) } : [],
            answers: rows.filter { mine.contains($0.$organisation.id) && [.invited, .joined].contains(status($0)) && $0.$organisation.id != collective.id }
                .map { Answer(organisation: $0.organisation.name, member: $0.$organisation.id.uuidString, invited: status($0) == .invited, asked: false) }
                + (isAdmin ? rows.filter { status($0) == .asked }.map {
                    Answer(organisation: $0.organisation.name, member: $0.$organisation.id.uuidString, invited: false, asked: true)
                } : []),
            askable: (me == nil ? [] : try await OrganisationStore(database: request.db).adminOrganisations(of: me!))
                .filter { organisation in
                    organisation.$community.id == community.id && organisation.id != collective.id
                        && (rows.first { $0.$organisation.id == organisation.id }.map { [.declined, .left].contains(status($0)) } ?? true)
                }
                .map { ChoiceOption(value: $0.id!.uuidString, label: $0.name, selected: false) },
            inviteURL: SiteRoute.collectiveInvite(slug: community.slug, organisation: collective.id!.uuidString).path,
            answerURL: SiteRoute.collectiveAnswer(slug: community.slug, organisation: collective.id!.uuidString).path)
    }

    /// The organisations a collective's admin may invite: all but those in or invited already.
    static func invitable(to collective: OrganisationRecord, community: CommunityRecord, request: Request) async throws -> Invitees {
        let current = try await CollectiveMemberRecord.query(on: request.db).filter(\.$collective.$id == collective.id!)
            .filter(\.$status ~~ [CollectiveStatus.joined.rawValue, CollectiveStatus.invited.rawValue]).all().map(\.$organisation.id)
        return try await candidates(around: collective, community: community, excluding: Set(current + [collective.id!]), invited: [], request: request)
    }

    /// The collectives an organisation belongs to, for its page; `invited`, the invitations
    /// waiting for its answer (issue 22: an invited organisation was never told).
    static func memberships(of organisation: OrganisationRecord, community: CommunityRecord, request: Request) async throws -> (joined: [Link], invited: [Link]) {
        let rows = try await CollectiveMemberRecord.query(on: request.db).filter(\.$organisation.$id == organisation.id!)
            .filter(\.$status ~~ [CollectiveStatus.joined.rawValue, CollectiveStatus.invited.rawValue]).with(\.$collective).all()
            .sorted { $0.collective.name.localizedStandardCompare($1.collective.name) == .orderedAscending }
        func link(_ row: CollectiveMemberRecord, _ key: String, _ date: Date) -> Link {
            Link(name: row.collective.name, url: SiteRoute.organisation(slug: community.slug, organisation: row.$collective.id.uuidString).path,
                detail: request.catalog.text(key, [request.language.formatDay(date)]))
        }
        return (rows.filter { $0.status == CollectiveStatus.joined.rawValue }.map { link($0, "collective.joinedOn", $0.joinedAt ?? $0.invitedAt) },
                rows.filter { $0.status == CollectiveStatus.invited.rawValue }.map { link($0, "collective.invitedOn", $0.invitedAt) })
    }
}
