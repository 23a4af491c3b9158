import TerreauCore
import Vapor

/// Registers one handler per route kind. The switch is exhaustive: adding a case to
/// `SiteRoute.Kind` does not compile until it has a handler, and every handler runs behind the
/// permission policy for the kind's action.
func registerRoutes(_ app: Application) {
    for kind in SiteRoute.Kind.allCases {
        let handler: @Sendable (Request) async throws -> Response
        switch kind {
        case .home: handler = HomeController.home
        case .health: handler = HomeController.health
        case .ready: handler = HomeController.ready
        case .metrics: handler = MetricsController.metrics
        case .language: handler = HomeController.chooseLanguage
        case .community: handler = CommunityController.show
        case .territory: handler = CommunityController.territory
        case .neighbourhood: handler = CommunityController.neighbourhood
        case .commune: handler = CommunityController.commune
        case .signUp: handler = AccountsController.signUp
        case .signUpSubmit: handler = AccountsController.signUpSubmit
        case .confirmEmail: handler = AccountsController.confirmEmail
        case .confirmEmailSubmit: handler = AccountsController.confirmEmailSubmit
        case .signIn: handler = AccountsController.signIn
        case .signInSubmit: handler = AccountsController.signInSubmit
        case .signOut: handler = AccountsController.signOut
        case .passwordForgot: handler = AccountsController.passwordForgot
        case .passwordForgotSubmit: handler = AccountsController.passwordForgotSubmit
        case .passwordReset: handler = AccountsController.passwordReset
        case .passwordResetSubmit: handler = AccountsController.passwordResetSubmit
        case .account: handler = MeController.account
        case .profileSubmit: handler = MeController.profileSubmit
        case .passwordChangeSubmit: handler = MeController.passwordChangeSubmit
        case .myData: handler = MeController.myData
        case .deleteAccount: handler = MeController.deleteAccount
        case .deleteAccountSubmit: handler = MeController.deleteAccountSubmit
        case .consentWithdraw: handler = MeController.consentWithdraw
        case .notifications: handler = MeController.notifications
        case .notificationsRead: handler = MeController.notificationsRead
        case .notificationPreferencesSubmit: handler = MeController.notificationPreferencesSubmit
        case .actAs: handler = MeController.actAs
        case .person: handler = MeController.person
        case .outbox: handler = MailController.outbox
        case .communityMail: handler = MailController.community
        case .admin: handler = AdministrationController.page
        case .adminCommunityCreate: handler = AdministrationController.createCommunity
        case .adminRoleGrant: handler = AdministrationController.grantRole
        case .join: handler = MembershipController.join
        case .joinSubmit: handler = MembershipController.joinSubmit
        case .leave: handler = MembershipController.leave
        case .members: handler = MembershipController.members
        case .memberRolesSubmit: handler = MembershipController.memberRolesSubmit
        case .charter: handler = MembershipController.charter
        case .organisations: handler = OrganisationController.list
        case .organisationNew: handler = OrganisationController.new
        case .organisationCreate: handler = OrganisationController.create
        case .organisation: handler = OrganisationController.show
        case .organisationClaim: handler = OrganisationController.claim
        case .organisationClaimDecision: handler = OrganisationController.decide
        case .collectiveNew: handler = CollectiveController.new
        case .collectiveCreate: handler = CollectiveController.create
        case .collectiveInvite: handler = CollectiveController.invite
        case .collectiveAnswer: handler = CollectiveController.answer
        case .inventory: handler = InventoryController.browse
        case .inventoryNew: handler = InventoryController.new
        case .inventoryCreate: handler = InventoryController.create
        case .inventoryItem: handler = InventoryController.show
        case .inventoryEdit: handler = InventoryController.edit
        case .inventoryUpdate: handler = InventoryController.update
        case .inventoryHistory: handler = InventoryController.history
        case .inventoryRevert: handler = InventoryController.revert
        case .skills: handler = SkillsController.list
        case .skillPropose: handler = SkillsController.propose
        case .skill: handler = SkillsController.show
        case .skillMerge: handler = SkillsController.merge
        case .welcome: handler = WelcomeController.start
        case .welcomeSubmit: handler = WelcomeController.submit
        case .welcomeCard: handler = WelcomeController.card
        case .connectionRequest: handler = ConnectionsController.request
        case .helpOffer: handler = ConnectionsController.offerHelp
        case .connections: handler = ConnectionsController.list
        case .connectionDecision: handler = ConnectionsController.decide
        case .organisationNetwork: handler = MatchingController.network
        case .gaps: handler = MatchingController.gaps
        case .young: handler = MatchingController.young
        case .decisions: handler = DecisionsController.list
        case .decisionNew: handler = DecisionsController.new
        case .decisionCreate: handler = DecisionsController.create
        case .decision: handler = DecisionsController.show
        case .decisionStep: handler = DecisionsController.step
        case .ballot: handler = DecisionsController.ballot
        case .ballotReceipt: handler = DecisionsController.checkReceipt
        case .decisionContribution: handler = DecisionsController.contribute
        case .governance: handler = DecisionsController.governance
        case .proposals: handler = ProposalsController.list
        case .proposalNew: handler = ProposalsController.new
        case .proposalCreate: handler = ProposalsController.create
        case .proposal: handler = ProposalsController.show
        case .proposalEdit: handler = ProposalsController.edit
        case .proposalUpdate: handler = ProposalsController.update
        case .proposalStatus: handler = ProposalsController.status
        case .proposalBack: handler = ProposalsController.back
        case .proposalFollow: handler = ProposalsController.follow
        case .commentCreate: handler = DebateController.comment
        case .commentReport: handler = DebateController.report
        case .commentAppeal: handler = DebateController.appeal
        case .moderation: handler = DebateController.queue
        case .moderationDecision: handler = DebateController.decide
        case .register: handler = RegisterController.list
        case .registerDeposit: handler = RegisterController.deposit
        case .registerStep: handler = RegisterController.step
        case .officialDashboard: handler = RegisterController.dashboard
        case .calls: handler = CallsController.list
        case .callNew: handler = CallsController.new
        case .callCreate: handler = CallsController.create
        case .call: handler = CallsController.show
        case .callApply: handler = CallsController.apply
        case .callEvaluate: handler = CallsController.evaluate
        case .callStep: handler = CallsController.step
        case .recognitions: handler = RecognitionController.show
        case .recognitionSubmit: handler = RecognitionController.submit
        case .commitmentCreate: handler = RecognitionController.commit
        case .commitmentStatus: handler = RecognitionController.follow
        case .agenda: handler = EventsController.agenda
        case .agendaFeed: handler = EventsController.feed
        case .eventNew: handler = EventsController.new
        case .eventCreate: handler = EventsController.create
        case .event: handler = EventsController.show
        case .eventCalendar: handler = EventsController.calendar
        case .eventRegister: handler = EventsController.register
        case .eventReport: handler = EventsController.report
        case .festival: handler = EventsController.festival
        case .festivalCreate: handler = EventsController.createFestival
        case .studies: handler = StudiesController.list
        case .studyNew: handler = StudiesController.new
        case .studyCreate: handler = StudiesController.create
        case .study: handler = StudiesController.show
        case .studyFile: handler = StudiesController.file
        case .studyRequestCreate: handler = StudiesController.ask
        case .studyRequestAnswer: handler = StudiesController.answer
        case .fieldwork: handler = FieldworkController.home
        case .method: handler = MethodController.show
        case .methodDraft: handler = MethodController.draft
        case .methodDraftSave: handler = MethodController.save
        case .methodPublish: handler = MethodController.publish
        case .campaignNew: handler = FieldworkController.newCampaign
        case .campaignCreate: handler = FieldworkController.createCampaign
        case .campaign: handler = FieldworkController.campaign
        case .interviewers: handler = FieldworkController.interviewers
        case .interviewerCreate: handler = FieldworkController.registerInterviewer
        case .assignmentCreate: handler = FieldworkController.assign
        case .interviewNew: handler = InterviewController.new
        case .paperEntry: handler = InterviewController.paperEntry
        case .interviewCreate: handler = InterviewController.create
        case .interview: handler = InterviewController.show
        case .paperForms: handler = InterviewController.paperForms
        case .fieldworkWorker: handler = InterviewController.worker
        case .staffReads: handler = FieldworkController.staffReads
        case .xlsForm: handler = FieldAppsController.xlsForm
        case .appPasswordCreate: handler = FieldAppsController.createPassword
        case .appPasswordRevoke: handler = FieldAppsController.revokePassword
        case .openRosaFormList: handler = FieldAppsController.formList
        case .openRosaForm: handler = FieldAppsController.xform
        case .openRosaManifest: handler = FieldAppsController.manifest
        case .openRosaMedia: handler = FieldAppsController.media
        case .openRosaSubmissionCheck: handler = FieldAppsController.submissionCheck
        case .openRosaSubmission: handler = FieldAppsController.submission
        case .claim: handler = ClaimController.entry
        case .claimSubmit: handler = ClaimController.submit
        case .claimedPortrait: handler = ClaimController.show
        case .claimEdit: handler = ClaimController.edit
        case .claimUpdate: handler = ClaimController.update
        case .claimDelete: handler = ClaimController.delete
        case .claimTakeOver: handler = ClaimController.takeOver
        case .claimHelp: handler = ClaimController.help
        case .journal: handler = JournalController.list
        case .openData: handler = OpenDataController.list
        case .openDataFile: handler = OpenDataController.file
        case .apiDocument: handler = ApiController.document
        case .apiCommunities: handler = ApiController.communities
        case .apiDataset: handler = ApiController.dataset
        case .funding: handler = FundingController.ledger
        case .fundingCreate: handler = FundingController.create
        case .fundingEdit: handler = FundingController.edit
        case .fundingUpdate: handler = FundingController.update
        case .diagnostics: handler = DiagnosticController.list
        case .diagnosticPublish: handler = DiagnosticController.publish
        case .diagnostic: handler = DiagnosticController.report
        case .indicators: handler = IndicatorsController.dashboard
        case .indicatorDefinitions: handler = IndicatorsController.definitions
        }
        let routes: any RoutesBuilder = kind.isThrottled ? app.grouped(AuthThrottleMiddleware()) : app
        // Bodies are read (within their limits) by `BodyLimitMiddleware`, before the CSRF check.
        let body: HTTPBodyStreamStrategy = .collect(maxSize: ByteCount(value: kind.bodyLimit))
        routes.on(HTTPMethod(rawValue: kind.method.rawValue), kind.pattern.map(PathComponent.init(stringLiteral:)), body: body) { request in
            request.routeKind = kind
            try await Access.authorize(kind, request)
            return try await handler(request)
        }
    }
}

extension Request {
    /// A path parameter declared by the route pattern (absent only on a programming error).
    func parameter(_ name: String) throws -> String {
        guard let value = parameters.get(name) else { throw Abort(.notFound) }
        return value
    }
}
