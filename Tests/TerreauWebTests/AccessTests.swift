import Fluent
import Foundation
import SQLKit
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Access control (S5)")
struct AccessTests {
    /// The people the walk signs in as: one per role, and a coordinator of another community.
    static let identities: [(name: String, email: String?)] = [
        ("anonymous", nil), ("member", "sophie@demo.terreau.invalid"), ("interviewer", "karim@demo.terreau.invalid"),
        ("coordinator", "camille@demo.terreau.invalid"), ("moderator", "nadia@demo.terreau.invalid"),
        ("elected", "elise@demo.terreau.invalid"), ("coordinator elsewhere", "paul@demo.terreau.invalid"),
    ]

    struct Fixture {
        var organisation: String
        var claim: String
        var membership: String
        var person: String
        var otherCommunityOrganisation: String
        var item: String
        var term: String
        var proposal: String
        var comment: String
        var call: String
        var event: String
    }

    static func fixture(_ app: Application) async throws -> Fixture {
        let grenoble = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
        let ariadne = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$rna == "W012000002").first())
        let lucas = try #require(try await AccountRecord.query(on: app.db).filter(\.$email == "lucas@demo.terreau.invalid").first())
        let claim = OrganisationMemberRecord()
        claim.$organisation.id = ariadne.id!
        claim.$person.id = lucas.$person.id
        claim.role = "member"
        claim.status = "pending"
        claim.message = ""
        claim.requestedAt = Date()
        try await claim.create(on: app.db)
        let membership = try #require(try await MembershipRecord.query(on: app.db).filter(\.$person.$id == lucas.$person.id).filter(\.$community.$id == grenoble.id!).first())
        let camille = try #require(try await AccountRecord.query(on: app.db).filter(\.$email == "camille@demo.terreau.invalid").first())
        let need = try await InventoryStore(database: app.db).create(
            .init(kind: .need, values: ["title": "Un besoin public", "need_type": "volunteers", "urgency": "normal", "visibility": "public"], terms: []),
            community: grenoble.id!, author: camille.$person.id, summary: "test", now: Date())
        let term = try await VocabularyStore(database: app.db).propose("un terme proposé", synonyms: [], community: grenoble.id!, by: camille.$person.id, now: Date())
        let proposals = ProposalStore(database: app.db)
        let proposal = try await proposals.create(.init(title: "Une proposition", summary: "Une proposition pour parcourir les routes.", themes: ["mobilite"],
            communeCode: nil, organisation: nil, coauthors: [], needs: []), community: grenoble.id!, author: camille.$person.id, now: Date())
        let comment = try await proposals.addComment(to: proposal.id!, parent: nil, author: camille.$person.id, stance: .pour, body: "Un argument.", now: Date())
        let call = CallRecord()
        call.$community.id = grenoble.id!
        call.title = "Un appel"
        call.description = "Un appel pour parcourir les routes."
        call.criteria = DecisionStore.json(CallCriteria.seed)
        call.grades = DecisionStore.json(["insuffisant", "passable", "bien"])
        call.phase = CallPhase.applications.rawValue
        call.applicationsClose = Date().addingTimeInterval(86_400)
        call.createdAt = Date()
        try await call.create(on: app.db)
        let event = EventRecord()
        event.$community.id = grenoble.id!
        event.kind = EventKind.publicMeeting.rawValue
        event.title = "Une réunion"
        event.description = ""
        event.startsAt = Date().addingTimeInterval(86_400)
        event.endsAt = Date().addingTimeInterval(90_000)
        event.address = "Place Saint-Bruno"
        event.cancelled = false
        event.createdAt = Date()
        try await event.create(on: app.db)
        // Fieldwork: a questionnaire in force and Karim (an interviewer) assigned today, so
        // that the interview routes answer what the policy says rather than « no assignment ».
        let fieldwork = FieldworkStore(database: app.db)
        let catalog = app.localization[.fr]
        let version = try await fieldwork.draft(of: grenoble.id!, starter: StarterQuestionnaire.make(catalog), by: camille.$person.id, now: Date())
        try await fieldwork.publish(version, note: "Première version.", debateTitle: "Méthode", debateText: "La méthode en débat.", by: camille.$person.id, now: Date())
        let campaign = CampaignRecord()
        campaign.$community.id = grenoble.id!
        campaign.kind = CampaignKind.welcome.rawValue
        campaign.name = "Accueil"
        campaign.firstDay = Date().addingTimeInterval(-86_400)
        campaign.censusYear = 2022
        campaign.createdAt = Date()
        try await fieldwork.createCampaign(campaign, targets: [:])
        let karim = try #require(try await AccountRecord.query(on: app.db).filter(\.$email == "karim@demo.terreau.invalid").first())
        let interviewer = InterviewerRecord()
        interviewer.$community.id = grenoble.id!
        interviewer.$person.id = karim.$person.id
        interviewer.trainedOn = Date()
        interviewer.trainer = "Formation"
        interviewer.charterVersion = FieldworkPolicy.interviewerCharterVersion
        interviewer.charterAcceptedAt = Date()
        interviewer.registeredAt = Date()
        try await interviewer.create(on: app.db)
        let assignment = AssignmentRecord()
        assignment.$interviewer.id = interviewer.id!
        assignment.$campaign.id = campaign.id!
        assignment.firstDay = Date().addingTimeInterval(-86_400)
        assignment.lastDay = Date().addingTimeInterval(86_400 * 30)
        assignment.assignedAt = Date()
        try await assignment.create(on: app.db)
        return Fixture(organisation: ariadne.id!.uuidString, claim: claim.id!.uuidString, membership: membership.id!.uuidString,
            person: camille.$person.id.uuidString, otherCommunityOrganisation: ariadne.id!.uuidString, item: need.id!.uuidString,
            term: term.id!.uuidString, proposal: proposal.id!.uuidString, comment: comment.id!.uuidString, call: call.id!.uuidString,
            event: event.id!.uuidString)
    }

    /// One concrete request per route kind; a kind missing here fails the walk.
    static func samples(_ f: Fixture) -> [SiteRoute] {
        let slug = "grenoble-alpes"
        return [
            .home, .health, .ready, .metrics, .language(.en, returnTo: "/"), .community(slug: slug), .territory(slug: slug),
            .neighbourhood(slug: slug, neighbourhood: "grenoble"), .commune(slug: slug, code: "38185"),
            .signUp, .signUpSubmit, .confirmEmail(token: "x"), .confirmEmailSubmit(token: "x"), .signIn(returnTo: nil), .signInSubmit,
            .passwordForgot, .passwordForgotSubmit, .passwordReset(token: "x"), .passwordResetSubmit(token: "x"),
            .account, .profileSubmit, .passwordChangeSubmit, .myData(format: "json"), .deleteAccount, .deleteAccountSubmit,
            .consentWithdraw(consent: UUID().uuidString), .notifications, .notificationsRead, .notificationPreferencesSubmit, .actAs,
            .person(person: f.person), .outbox, .admin, .adminCommunityCreate, .adminRoleGrant, .join(slug: slug), .joinSubmit(slug: slug), .leave(slug: slug), .members(slug: slug),
            .memberRolesSubmit(slug: slug, member: f.membership), .communityMail(slug: slug), .charter(slug: slug),
            .organisations(slug: slug), .organisationNew(slug: slug), .organisationCreate(slug: slug),
            .organisation(slug: slug, organisation: f.organisation), .organisationClaim(slug: slug, organisation: f.organisation),
            .organisationClaimDecision(slug: slug, organisation: f.organisation, request: f.claim),
            .collectiveNew(slug: slug, organisation: f.organisation), .collectiveCreate(slug: slug, organisation: f.organisation),
            .collectiveInvite(slug: slug, organisation: f.organisation), .collectiveAnswer(slug: slug, organisation: f.organisation),
            .inventory(slug: slug), .inventoryNew(slug: slug, kind: .need), .inventoryCreate(slug: slug, kind: .need),
            .inventoryItem(slug: slug, item: f.item), .inventoryEdit(slug: slug, item: f.item), .inventoryUpdate(slug: slug, item: f.item),
            .inventoryHistory(slug: slug, item: f.item), .inventoryRevert(slug: slug, item: f.item, version: 1),
            .skills(slug: slug), .skillPropose(slug: slug), .skill(slug: slug, term: f.term), .skillMerge(slug: slug, term: f.term),
            .welcome(slug: slug), .welcomeSubmit(slug: slug), .welcomeCard(slug: slug),
            .connectionRequest(slug: slug, item: f.item), .helpOffer(slug: slug, item: f.item), .connections, .connectionDecision(connection: UUID().uuidString),
            .organisationNetwork(slug: slug), .gaps(slug: slug), .young(slug: slug),
            .decisions(slug: slug), .decisionNew(slug: slug, kind: nil), .decisionCreate(slug: slug), .governance(slug: slug),
            .decision(slug: slug, decision: UUID().uuidString), .decisionStep(slug: slug, decision: UUID().uuidString),
            .ballot(slug: slug, decision: UUID().uuidString), .ballotReceipt(slug: slug, decision: UUID().uuidString),
            .decisionContribution(slug: slug, decision: UUID().uuidString),
            .proposals(slug: slug), .proposalNew(slug: slug), .proposalCreate(slug: slug), .proposal(slug: slug, proposal: f.proposal, view: "positions"),
            // Record-level rules (its authors, the contribution's author) answer 403 themselves: unknown ids keep the walk on the policy.
            .proposalEdit(slug: slug, proposal: UUID().uuidString), .proposalUpdate(slug: slug, proposal: UUID().uuidString),
            .proposalStatus(slug: slug, proposal: UUID().uuidString), .proposalBack(slug: slug, proposal: f.proposal),
            .proposalFollow(slug: slug, proposal: f.proposal), .commentCreate(slug: slug, proposal: f.proposal),
            .commentReport(slug: slug, comment: f.comment), .commentAppeal(slug: slug, comment: UUID().uuidString),
            .moderation(slug: slug), .moderationDecision(slug: slug, comment: f.comment),
            .register(slug: slug), .registerDeposit(slug: slug, proposal: UUID().uuidString), .registerStep(slug: slug, proposal: UUID().uuidString),
            .officialDashboard(slug: slug), .calls(slug: slug), .callNew(slug: slug), .callCreate(slug: slug), .call(slug: slug, call: f.call),
            .callApply(slug: slug, call: f.call), .callEvaluate(slug: slug, call: f.call), .callStep(slug: slug, call: f.call),
            .recognitions(slug: slug), .recognitionSubmit(slug: slug), .commitmentCreate(slug: slug),
            .commitmentStatus(slug: slug, commitment: UUID().uuidString),
            .agenda(slug: slug), .agendaFeed(slug: slug), .eventNew(slug: slug), .eventCreate(slug: slug), .event(slug: slug, event: f.event),
            .eventCalendar(slug: slug, event: f.event), .eventRegister(slug: slug, event: f.event), .eventReport(slug: slug, event: UUID().uuidString),
            .festival(festival: "inconnue"), .festivalCreate(slug: slug), .studies(slug: slug, query: "contrat"), .studyNew(slug: slug),
            .studyCreate(slug: slug), .study(slug: slug, study: UUID().uuidString), .studyFile(slug: slug, study: UUID().uuidString),
            .studyRequestCreate(slug: slug), .studyRequestAnswer(slug: slug, request: UUID().uuidString),
            .fieldwork(slug: slug), .method(slug: slug, from: 1, to: 1), .methodDraft(slug: slug), .methodDraftSave(slug: slug),
            .methodPublish(slug: slug), .campaignNew(slug: slug), .campaignCreate(slug: slug), .campaign(slug: slug, campaign: UUID().uuidString),
            .interviewers(slug: slug), .interviewerCreate(slug: slug), .assignmentCreate(slug: slug, interviewer: UUID().uuidString),
            .interviewNew(slug: slug), .paperEntry(slug: slug), .interviewCreate(slug: slug), .interview(slug: slug, interview: UUID().uuidString),
            .paperForms(slug: slug), .fieldworkWorker(slug: slug), .staffReads(slug: slug), .claim(slug: slug), .claimSubmit(slug: slug),
            // Field apps: the protocol's routes answer 401 without a Digest answer, whoever asks.
            .xlsForm(slug: slug), .appPasswordCreate(slug: slug), .appPasswordRevoke(slug: slug), .openRosaFormList(slug: slug),
            .openRosaForm(slug: slug, version: 1), .openRosaManifest(slug: slug, version: 1), .openRosaMedia(slug: slug, version: 1, file: "competences.csv"),
            .openRosaSubmissionCheck(slug: slug), .openRosaSubmission(slug: slug),
            .claimedPortrait(slug: slug), .claimEdit(slug: slug), .claimUpdate(slug: slug), .claimDelete(slug: slug),
            .claimTakeOver(slug: slug), .claimHelp(slug: slug), .journal(slug: slug),
            .openData(slug: slug), .openDataFile(slug: slug, file: "organisations.csv"), .apiDocument, .apiCommunities,
            .apiDataset(community: slug, dataset: "besoins"), .funding(slug: slug), .fundingCreate(slug: slug),
            .fundingEdit(slug: slug, entry: UUID().uuidString), .fundingUpdate(slug: slug, entry: UUID().uuidString),
            .diagnostics(slug: slug), .diagnosticPublish(slug: slug), .diagnostic(slug: slug, edition: 1), .indicators(slug: slug), .indicatorDefinitions(slug: slug),
            // Last: it ends the session.
            .signOut,
        ]
    }

    static func viewer(_ email: String?, for kind: SiteRoute.Kind, app: Application) async throws -> Viewer {
        guard let email else { return .anonymous }
        let account = try #require(try await AccountRecord.query(on: app.db).filter(\.$email == email).first())
        var memberships = MembershipRecord.query(on: app.db).filter(\.$person.$id == account.$person.id)
        if kind.pattern.contains(":slug") {
            let grenoble = try #require(try await CommunityStore(database: app.db).find(slug: "grenoble-alpes"))
            memberships = memberships.filter(\.$community.$id == grenoble.id!)
        }
        let roles = try await memberships.all().reduce(into: Set<Role>()) { $0.formUnion(Role.parse($1.roles)) }
        return Viewer(signedIn: true, roles: roles, instanceAdmin: account.instanceAdmin)
    }

    @Test("walking every route as every role gives exactly the declared policy", arguments: Engine.available)
    func walk(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let fixture = try await Self.fixture(app)
            let routes = Self.samples(fixture)
            #expect(Set(routes.map(\.kind)) == Set(SiteRoute.Kind.allCases), "a route kind has no sample in the walk")
            // Every sample's path fills every parameter of its pattern (a case's labels are its
            // pattern's names) and leads back to its own kind.
            for route in routes {
                let path = String(route.path.split(separator: "?", maxSplits: 1)[0])
                #expect(SiteRoute.Kind.matching(method: route.kind.method.rawValue, path: path) == route.kind, "\(route.path)")
            }
            for (name, email) in Self.identities {
                let browser = Browser(app)
                if let email { try await browser.signIn(email) } else { try await browser.get("/connexion") }
                for route in routes {
                    let kind = route.kind
                    let expected = Policy.allows(try await Self.viewer(email, for: kind, app: app), kind.action)
                    let response = kind.method == .get ? try await browser.get(route.path) : try await browser.post(route.path)
                    // « Je peux aider » is open to all and, by design, continues through sign-in.
                    let deniedBySignIn = response.status == .seeOther && (response.location ?? "").hasPrefix("/connexion?retour=") && kind != .helpOffer
                    let denied = response.status == .forbidden || deniedBySignIn
                    #expect(denied == !expected, "\(name) on \(kind.method.rawValue) \(route.path): \(response.status), policy says \(expected ? "allow" : "deny")")
                    #expect(response.status != .internalServerError, "\(name) on \(route.path) failed")
                }
            }
        }
    }

    @Test("changing an id in a URL never reaches another community's data")
    func idsStayInTheirCommunity() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let fixture = try await Self.fixture(app)
            let paul = Browser(app)
            try await paul.signIn("paul@demo.terreau.invalid")
            #expect(try await paul.get("/c/trieves/organisations/\(fixture.otherCommunityOrganisation)").status == .notFound)
            let roles = try await paul.post("/c/trieves/membres/\(fixture.membership)", [("roles[]", "coordinator")])
            #expect(roles.status == .notFound)
            let decision = try await paul.post("/c/trieves/organisations/\(fixture.organisation)/demandes/\(fixture.claim)", [("decision", "approved")])
            #expect(decision.status == .notFound)
            let membership = try #require(try await MembershipRecord.find(UUID(uuidString: fixture.membership), on: app.db))
            #expect(!Role.parse(membership.roles).contains(.coordinator))
            #expect(try await OrganisationMemberRecord.find(UUID(uuidString: fixture.claim), on: app.db)?.status == "pending")
            // Someone else's consent cannot be withdrawn by changing the id.
            let camille = try #require(try await AccountRecord.query(on: app.db).filter(\.$email == "camille@demo.terreau.invalid").first())
            let consent = try #require(try await ConsentRecord.query(on: app.db).filter(\.$person.$id == camille.$person.id).first())
            #expect(try await paul.post("/moi/consentements/\(consent.id!.uuidString)/retrait").status == .notFound)
            #expect(try await ConsentRecord.find(consent.id, on: app.db)?.withdrawnAt == nil)
            // Nor a proposal or a contribution of Grenoble through Trièves's paths.
            #expect(try await paul.get("/c/trieves/propositions/\(fixture.proposal)").status == .notFound)
            #expect(try await paul.post("/c/trieves/contributions/\(fixture.comment)/moderation", [("action", "hide"), ("reason", "x")]).status == .notFound)
            #expect(try await CommentRecord.find(UUID(uuidString: fixture.comment), on: app.db)?.hidden == nil)
        }
    }

    @Test("a coordinator grants roles and verifies an elected official; the person is notified")
    func roles() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let fixture = try await Self.fixture(app)
            let camille = Browser(app)
            try await camille.signIn("camille@demo.terreau.invalid")
            // Lucas joined as an agent: the elected role cannot be given to him.
            #expect(try await camille.post("/c/grenoble-alpes/membres/\(fixture.membership)", [("roles[]", "elected")]).status == .badRequest)
            #expect(try await camille.post("/c/grenoble-alpes/membres/\(fixture.membership)", [("roles[]", "interviewer"), ("roles[]", "agent")]).status == .seeOther)
            let membership = try #require(try await MembershipRecord.find(UUID(uuidString: fixture.membership), on: app.db))
            #expect(Role.parse(membership.roles) == [.member, .interviewer, .agent])
            let notification = try #require(try await NotificationRecord.query(on: app.db).filter(\.$person.$id == membership.$person.id).first())
            #expect(notification.kind == "membership")
            // The default is the daily digest: no e-mail was sent at once.
            #expect(notification.emailedAt == nil)
            #expect(try await app.lastMail(to: "lucas@demo.terreau.invalid") == nil)
            let sent = try await Notifier(app).sendDigests()
            #expect(sent >= 1)
            let digest = try #require(try await app.lastMail(to: "lucas@demo.terreau.invalid"))
            #expect(digest.subject == "Terreau : 1 nouveauté")
            #expect(digest.body.contains("Vos rôles dans Grenoble-Alpes en commun"))
        }
    }
}
