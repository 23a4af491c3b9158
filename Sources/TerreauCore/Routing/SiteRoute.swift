import Foundation

/// Every page and form target of the site, in one place. Links are built from these values, never
/// by hand; the web layer registers one handler per `Kind` (an exhaustive switch), and each kind
/// names the `Action` the permission policy checks before its handler runs (quality S5).
public enum SiteRoute: Hashable, Sendable {
    case home
    case health
    case ready
    case metrics
    case language(Language, returnTo: String?)
    case community(slug: String)
    case territory(slug: String)
    case neighbourhood(slug: String, neighbourhood: String)
    case commune(slug: String, code: String)

    case signUp, signUpSubmit
    case confirmEmail(token: String), confirmEmailSubmit(token: String)
    case signIn(returnTo: String?), signInSubmit
    case signOut
    case passwordForgot, passwordForgotSubmit
    case passwordReset(token: String), passwordResetSubmit(token: String)

    case account, profileSubmit, passwordChangeSubmit
    case myData(format: String)
    case deleteAccount, deleteAccountSubmit
    case consentWithdraw(consent: String)
    case notifications, notificationsRead, notificationPreferencesSubmit
    case actAs
    case person(id: String)
    case outbox
    case admin, adminCommunityCreate, adminRoleGrant

    case join(slug: String), joinSubmit(slug: String), leave(slug: String)
    case members(slug: String), memberRolesSubmit(slug: String, member: String), communityMail(slug: String)
    case charter(slug: String)
    case organisations(slug: String), organisationNew(slug: String), organisationCreate(slug: String)
    case organisation(slug: String, organisation: String)
    case organisationClaim(slug: String, organisation: String)
    case organisationClaimDecision(slug: String, organisation: String, request: String)
    case collectiveNew(slug: String, organisation: String), collectiveCreate(slug: String, organisation: String)
    case collectiveInvite(slug: String, organisation: String), collectiveAnswer(slug: String, organisation: String)

    case inventory(slug: String)
    case inventoryNew(slug: String, kind: InventoryKind), inventoryCreate(slug: String, kind: InventoryKind)
    case inventoryItem(slug: String, item: String)
    case inventoryEdit(slug: String, item: String), inventoryUpdate(slug: String, item: String)
    case inventoryHistory(slug: String, item: String)
    case inventoryRevert(slug: String, item: String, version: Int)
    case skills(slug: String), skillPropose(slug: String)
    case skill(slug: String, term: String), skillMerge(slug: String, term: String)
    case welcome(slug: String), welcomeSubmit(slug: String), welcomeCard(slug: String)

    case connectionRequest(slug: String, item: String)
    /// « Je peux aider » from someone who cannot send yet: the message is kept through
    /// sign-in, sign-up and joining, and waits on the record's page.
    case helpOffer(slug: String, item: String)
    case connections, connectionDecision(connection: String)
    case organisationNetwork(slug: String), gaps(slug: String), young(slug: String)

    case decisions(slug: String), decisionNew(slug: String, kind: String?, proposal: String? = nil), decisionCreate(slug: String)
    case decision(slug: String, decision: String), decisionStep(slug: String, decision: String), ballot(slug: String, decision: String)
    case ballotReceipt(slug: String, decision: String)
    /// Consent: a clarifying question, the proposer's answer, a member's reaction.
    case decisionContribution(slug: String, decision: String)
    case governance(slug: String)

    case proposals(slug: String), proposalNew(slug: String), proposalCreate(slug: String)
    case proposal(slug: String, proposal: String, view: String?)
    case proposalEdit(slug: String, proposal: String), proposalUpdate(slug: String, proposal: String)
    case proposalStatus(slug: String, proposal: String), proposalBack(slug: String, proposal: String), proposalFollow(slug: String, proposal: String)
    case commentCreate(slug: String, proposal: String)
    case commentReport(slug: String, comment: String), commentAppeal(slug: String, comment: String)
    case moderation(slug: String), moderationDecision(slug: String, comment: String)
    case register(slug: String), registerDeposit(slug: String, proposal: String), registerStep(slug: String, proposal: String)
    case officialDashboard(slug: String)
    case calls(slug: String), callNew(slug: String), callCreate(slug: String), call(slug: String, call: String)
    case callApply(slug: String, call: String), callEvaluate(slug: String, call: String), callStep(slug: String, call: String)
    case recognitions(slug: String), recognitionSubmit(slug: String), commitmentCreate(slug: String)
    case commitmentStatus(slug: String, commitment: String)
    case agenda(slug: String), agendaFeed(slug: String), eventNew(slug: String), eventCreate(slug: String)
    case event(slug: String, event: String), eventCalendar(slug: String, event: String)
    case eventRegister(slug: String, event: String), eventReport(slug: String, event: String)
    case festival(festival: String), festivalCreate(slug: String)
    case studies(slug: String, query: String?), studyNew(slug: String), studyCreate(slug: String)
    case study(slug: String, study: String), studyFile(slug: String, study: String)
    case studyRequestCreate(slug: String), studyRequestAnswer(slug: String, request: String)
    case fieldwork(slug: String)
    case method(slug: String, from: Int? = nil, to: Int? = nil), methodDraft(slug: String), methodDraftSave(slug: String), methodPublish(slug: String)
    case campaignNew(slug: String), campaignCreate(slug: String), campaign(slug: String, campaign: String)
    case interviewers(slug: String), interviewerCreate(slug: String), assignmentCreate(slug: String, interviewer: String)
    case interviewNew(slug: String), paperEntry(slug: String), interviewCreate(slug: String), interview(slug: String, interview: String)
    case paperForms(slug: String), fieldworkWorker(slug: String), staffReads(slug: String)
    /// The questionnaire as an XLSForm (`.xlsx`) for ODK and KoboToolbox; nil: the version in force.
    case xlsForm(slug: String, version: Int? = nil)
    /// An interviewer's password for a field app: made (shown once) or revoked.
    case appPasswordCreate(slug: String), appPasswordRevoke(slug: String)
    /// The OpenRosa server that field apps (ODK Collect, Enketo) speak: the form list and the
    /// submission are authenticated by HTTP Digest with an app password, not by a session;
    /// the form, its manifest and the skills file are the published method, public.
    case openRosaFormList(slug: String), openRosaForm(slug: String, version: Int), openRosaManifest(slug: String, version: Int)
    case openRosaMedia(slug: String, version: Int, file: String), openRosaSubmissionCheck(slug: String), openRosaSubmission(slug: String)
    case claim(slug: String), claimSubmit(slug: String), claimedPortrait(slug: String), claimEdit(slug: String), claimUpdate(slug: String)
    case claimDelete(slug: String), claimTakeOver(slug: String), claimHelp(slug: String)
    case journal(slug: String), openData(slug: String), openDataFile(slug: String, file: String)
    case apiDocument, apiCommunities, apiDataset(community: String, dataset: String)
    case funding(slug: String), fundingCreate(slug: String), fundingEdit(slug: String, entry: String), fundingUpdate(slug: String, entry: String)
    case diagnostics(slug: String), diagnosticPublish(slug: String), diagnostic(slug: String, edition: Int)
    case indicators(slug: String), indicatorDefinitions(slug: String)

    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public enum Kind: String, CaseIterable, Sendable {
        case home, health, ready, metrics, language, community, territory, neighbourhood, commune
        case signUp, signUpSubmit, confirmEmail, confirmEmailSubmit, signIn, signInSubmit, signOut
        case passwordForgot, passwordForgotSubmit, passwordReset, passwordResetSubmit
        case account, profileSubmit, passwordChangeSubmit, myData, deleteAccount, deleteAccountSubmit
        case consentWithdraw, notifications, notificationsRead, notificationPreferencesSubmit, actAs, person, outbox
        case admin, adminCommunityCreate, adminRoleGrant
        case join, joinSubmit, leave, members, memberRolesSubmit, communityMail, charter
        case organisations, organisationNew, organisationCreate, organisation, organisationClaim, organisationClaimDecision
        case collectiveNew, collectiveCreate, collectiveInvite, collectiveAnswer
        case inventory, inventoryNew, inventoryCreate, inventoryItem, inventoryEdit, inventoryUpdate, inventoryHistory, inventoryRevert
        case skills, skillPropose, skill, skillMerge, welcome, welcomeSubmit, welcomeCard
        case connectionRequest, helpOffer, connections, connectionDecision, organisationNetwork, gaps, young
        case decisions, decisionNew, decisionCreate, decision, decisionStep, ballot, ballotReceipt, decisionContribution, governance
        case proposals, proposalNew, proposalCreate, proposal, proposalEdit, proposalUpdate, proposalStatus, proposalBack, proposalFollow
        case commentCreate, commentReport, commentAppeal, moderation, moderationDecision
        case register, registerDeposit, registerStep, officialDashboard
        case calls, callNew, callCreate, call, callApply, callEvaluate, callStep
        case recognitions, recognitionSubmit, commitmentCreate, commitmentStatus
        case agenda, agendaFeed, eventNew, eventCreate, event, eventCalendar, eventRegister, eventReport, festival, festivalCreate
        case studies, studyNew, studyCreate, study, studyFile, studyRequestCreate, studyRequestAnswer
        case fieldwork, method, methodDraft, methodDraftSave, methodPublish, campaignNew, campaignCreate, campaign
        case interviewers, interviewerCreate, assignmentCreate, interviewNew, paperEntry, interviewCreate, interview
        case paperForms, fieldworkWorker, staffReads, xlsForm, appPasswordCreate, appPasswordRevoke
        case openRosaFormList, openRosaForm, openRosaManifest, openRosaMedia, openRosaSubmissionCheck, openRosaSubmission
        case claim, claimSubmit, claimedPortrait, claimEdit, claimUpdate, claimDelete, claimTakeOver, claimHelp
        case journal, openData, openDataFile, apiDocument, apiCommunities, apiDataset
        case funding, fundingCreate, fundingEdit, fundingUpdate, diagnostics, diagnosticPublish, diagnostic
        case indicators, indicatorDefinitions

        /// The path pattern as Vapor reads it (`:name` for a parameter).
        public var pattern: [String] {
            switch self {
            case .home: return []
            case .health: return ["healthz"]
            case .ready: return ["readyz"]
            case .metrics: return ["metrics"]
            case .language: return ["langue", ":language"]
            case .community: return ["c", ":slug"]
            case .territory: return ["c", ":slug", "territoire"]
            case .neighbourhood: return ["c", ":slug", "quartiers", ":neighbourhood"]
            case .commune: return ["c", ":slug", "communes", ":code"]
            case .signUp, .signUpSubmit: return ["inscription"]
            case .confirmEmail, .confirmEmailSubmit: return ["inscription", "confirmer", ":token"]
            case .signIn, .signInSubmit: return ["connexion"]
            case .signOut: return ["deconnexion"]
            case .passwordForgot, .passwordForgotSubmit: return ["mot-de-passe"]
            case .passwordReset, .passwordResetSubmit: return ["mot-de-passe", ":token"]
            case .account: return ["moi"]
            case .profileSubmit: return ["moi", "profil"]
            case .passwordChangeSubmit: return ["moi", "mot-de-passe"]
            case .myData: return ["moi", "donnees", ":format"]
            case .deleteAccount, .deleteAccountSubmit: return ["moi", "suppression"]
            case .consentWithdraw: return ["moi", "consentements", ":consent", "retrait"]
            case .notifications: return ["moi", "notifications"]
            case .notificationsRead: return ["moi", "notifications", "lues"]
            case .notificationPreferencesSubmit: return ["moi", "notifications", "preferences"]
            case .actAs: return ["moi", "agir-au-nom"]
            case .person: return ["personnes", ":person"]
            case .outbox: return ["admin", "courriels"]
            case .admin: return ["admin"]
            case .adminCommunityCreate: return ["admin", "communautes"]
            case .adminRoleGrant: return ["admin", "roles"]
            case .join, .joinSubmit: return ["c", ":slug", "rejoindre"]
            case .leave: return ["c", ":slug", "quitter"]
            case .members: return ["c", ":slug", "membres"]
            case .memberRolesSubmit: return ["c", ":slug", "membres", ":member"]
            case .charter: return ["c", ":slug", "charte"]
            case .organisations, .organisationCreate: return ["c", ":slug", "organisations"]
            case .organisationNew: return ["c", ":slug", "organisations", "nouvelle"]
            case .organisation: return ["c", ":slug", "organisations", ":organisation"]
            case .organisationClaim: return ["c", ":slug", "organisations", ":organisation", "revendication"]
            case .organisationClaimDecision: return ["c", ":slug", "organisations", ":organisation", "demandes", ":request"]
            case .collectiveNew, .collectiveCreate: return ["c", ":slug", "organisations", ":organisation", "nouveau-collectif"]
            case .collectiveInvite: return ["c", ":slug", "organisations", ":organisation", "invitations"]
            case .collectiveAnswer: return ["c", ":slug", "organisations", ":organisation", "reponse"]
            case .inventory: return ["c", ":slug", "inventaire"]
            case .inventoryNew, .inventoryCreate: return ["c", ":slug", "inventaire", "nouveau", ":kind"]
            case .inventoryItem: return ["c", ":slug", "inventaire", ":item"]
            case .inventoryEdit, .inventoryUpdate: return ["c", ":slug", "inventaire", ":item", "modifier"]
            case .inventoryHistory: return ["c", ":slug", "inventaire", ":item", "historique"]
            case .inventoryRevert: return ["c", ":slug", "inventaire", ":item", "historique", ":version", "retablir"]
            case .skills, .skillPropose: return ["c", ":slug", "competences"]
            case .skill: return ["c", ":slug", "competences", ":term"]
            case .skillMerge: return ["c", ":slug", "competences", ":term", "fusion"]
            case .welcome, .welcomeSubmit: return ["c", ":slug", "bienvenue"]
            case .welcomeCard: return ["c", ":slug", "bienvenue", "carte"]
            case .connectionRequest: return ["c", ":slug", "inventaire", ":item", "mise-en-relation"]
            case .helpOffer: return ["c", ":slug", "inventaire", ":item", "aider"]
            case .connections: return ["moi", "mises-en-relation"]
            case .connectionDecision: return ["moi", "mises-en-relation", ":connection"]
            case .organisationNetwork: return ["c", ":slug", "reseau-des-organisations"]
            case .gaps: return ["c", ":slug", "besoins-non-couverts"]
            case .young: return ["c", ":slug", "jeunes"]
            case .decisions, .decisionCreate: return ["c", ":slug", "decisions"]
            case .decisionNew: return ["c", ":slug", "decisions", "nouvelle"]
            case .decision: return ["c", ":slug", "decisions", ":decision"]
            case .decisionStep: return ["c", ":slug", "decisions", ":decision", "etape"]
            case .ballot: return ["c", ":slug", "decisions", ":decision", "bulletin"]
            case .ballotReceipt: return ["c", ":slug", "decisions", ":decision", "recu"]
            case .decisionContribution: return ["c", ":slug", "decisions", ":decision", "echanges"]
            case .governance: return ["c", ":slug", "gouvernance"]
            case .proposals, .proposalCreate: return ["c", ":slug", "propositions"]
            case .proposalNew: return ["c", ":slug", "propositions", "nouvelle"]
            case .proposal: return ["c", ":slug", "propositions", ":proposal"]
            case .proposalEdit, .proposalUpdate: return ["c", ":slug", "propositions", ":proposal", "modifier"]
            case .proposalStatus: return ["c", ":slug", "propositions", ":proposal", "statut"]
            case .proposalBack: return ["c", ":slug", "propositions", ":proposal", "soutien"]
            case .proposalFollow: return ["c", ":slug", "propositions", ":proposal", "suivre"]
            case .commentCreate: return ["c", ":slug", "propositions", ":proposal", "contributions"]
            case .commentReport: return ["c", ":slug", "contributions", ":comment", "signalement"]
            case .commentAppeal: return ["c", ":slug", "contributions", ":comment", "recours"]
            case .moderation: return ["c", ":slug", "moderation"]
            case .moderationDecision: return ["c", ":slug", "contributions", ":comment", "moderation"]
            case .register: return ["c", ":slug", "registre"]
            case .registerDeposit: return ["c", ":slug", "propositions", ":proposal", "registre"]
            case .registerStep: return ["c", ":slug", "propositions", ":proposal", "registre", "etape"]
            case .officialDashboard: return ["c", ":slug", "registre", "mes-propositions"]
            case .calls, .callCreate: return ["c", ":slug", "appels"]
            case .callNew: return ["c", ":slug", "appels", "nouveau"]
            case .call: return ["c", ":slug", "appels", ":call"]
            case .callApply: return ["c", ":slug", "appels", ":call", "candidature"]
            case .callEvaluate: return ["c", ":slug", "appels", ":call", "evaluation"]
            case .callStep: return ["c", ":slug", "appels", ":call", "etape"]
            case .recognitions, .recognitionSubmit: return ["c", ":slug", "engagements"]
            case .commitmentCreate: return ["c", ":slug", "engagements", "nouveau"]
            case .commitmentStatus: return ["c", ":slug", "engagements", ":commitment"]
            case .agenda, .eventCreate: return ["c", ":slug", "agenda"]
            case .agendaFeed: return ["c", ":slug", "agenda.ics"]
            case .eventNew: return ["c", ":slug", "agenda", "nouveau"]
            case .event: return ["c", ":slug", "agenda", ":event"]
            case .eventCalendar: return ["c", ":slug", "agenda", ":event", "evenement.ics"]
            case .eventRegister: return ["c", ":slug", "agenda", ":event", "inscription"]
            case .eventReport: return ["c", ":slug", "agenda", ":event", "compte-rendu"]
            case .festival: return ["fete", ":festival"]
            case .festivalCreate: return ["c", ":slug", "agenda", "fetes"]
            case .studies, .studyCreate: return ["c", ":slug", "etudes"]
            case .studyNew: return ["c", ":slug", "etudes", "nouvelle"]
            case .study: return ["c", ":slug", "etudes", ":study"]
            case .studyFile: return ["c", ":slug", "etudes", ":study", "fichier"]
            case .studyRequestCreate: return ["c", ":slug", "etudes", "demandes"]
            case .studyRequestAnswer: return ["c", ":slug", "etudes", "demandes", ":request"]
            case .fieldwork: return ["c", ":slug", "enquete"]
            case .method: return ["c", ":slug", "enquete", "methode"]
            case .methodDraft, .methodDraftSave: return ["c", ":slug", "enquete", "methode", "brouillon"]
            case .methodPublish: return ["c", ":slug", "enquete", "methode", "publier"]
            case .campaignNew: return ["c", ":slug", "enquete", "campagnes", "nouvelle"]
            case .campaignCreate: return ["c", ":slug", "enquete", "campagnes"]
            case .campaign: return ["c", ":slug", "enquete", "campagnes", ":campaign"]
            case .interviewers, .interviewerCreate: return ["c", ":slug", "enquete", "enqueteurs"]
            case .assignmentCreate: return ["c", ":slug", "enquete", "enqueteurs", ":interviewer", "affectations"]
            case .interviewNew: return ["c", ":slug", "enquete", "entretien"]
            case .paperEntry: return ["c", ":slug", "enquete", "saisie"]
            case .interviewCreate: return ["c", ":slug", "enquete", "entretiens"]
            case .interview: return ["c", ":slug", "enquete", "entretiens", ":interview"]
            case .paperForms: return ["c", ":slug", "enquete", "formulaire-papier"]
            case .fieldworkWorker: return ["c", ":slug", "enquete", "sw.js"]
            case .staffReads: return ["c", ":slug", "enquete", "consultations"]
            case .xlsForm: return ["c", ":slug", "enquete", "methode", "xlsform"]
            case .appPasswordCreate: return ["c", ":slug", "enquete", "application"]
            case .appPasswordRevoke: return ["c", ":slug", "enquete", "application", "revoquer"]
            case .openRosaFormList: return ["c", ":slug", "openrosa", "formList"]
            case .openRosaForm: return ["c", ":slug", "openrosa", "formulaires", ":version"]
            case .openRosaManifest: return ["c", ":slug", "openrosa", "manifestes", ":version"]
            case .openRosaMedia: return ["c", ":slug", "openrosa", "medias", ":version", ":file"]
            case .openRosaSubmissionCheck, .openRosaSubmission: return ["c", ":slug", "openrosa", "submission"]
            case .communityMail: return ["c", ":slug", "courriels"]
            case .claim, .claimSubmit: return ["c", ":slug", "portrait-recueilli"]
            case .claimedPortrait: return ["c", ":slug", "portrait-recueilli", "mon-portrait"]
            case .claimEdit, .claimUpdate: return ["c", ":slug", "portrait-recueilli", "corriger"]
            case .claimDelete: return ["c", ":slug", "portrait-recueilli", "supprimer"]
            case .claimTakeOver: return ["c", ":slug", "portrait-recueilli", "prendre-la-main"]
            case .claimHelp: return ["c", ":slug", "portrait-recueilli", "demande"]
            case .journal: return ["c", ":slug", "journal"]
            case .openData: return ["c", ":slug", "donnees"]
            case .openDataFile: return ["c", ":slug", "donnees", ":file"]
            case .apiDocument: return ["api", "openapi.json"]
            case .apiCommunities: return ["api", "communautes"]
            case .apiDataset: return ["api", "communautes", ":community", ":dataset"]
            case .funding, .fundingCreate: return ["c", ":slug", "moyens"]
            case .fundingEdit, .fundingUpdate: return ["c", ":slug", "moyens", ":entry"]
            case .diagnostics, .diagnosticPublish: return ["c", ":slug", "diagnostic"]
            case .diagnostic: return ["c", ":slug", "diagnostic", ":edition"]
            case .indicators: return ["c", ":slug", "indicateurs"]
            case .indicatorDefinitions: return ["c", ":slug", "indicateurs", "definitions"]
            }
        }

        public var method: Method {
            switch self {
            case .signUpSubmit, .confirmEmailSubmit, .signInSubmit, .adminCommunityCreate, .adminRoleGrant, .signOut, .passwordForgotSubmit, .passwordResetSubmit,
                .profileSubmit, .passwordChangeSubmit, .deleteAccountSubmit, .consentWithdraw, .notificationsRead,
                .notificationPreferencesSubmit, .actAs, .joinSubmit, .leave, .memberRolesSubmit,
                .organisationCreate, .organisationClaim, .organisationClaimDecision, .collectiveCreate, .collectiveInvite, .collectiveAnswer,
                .inventoryCreate, .inventoryUpdate, .inventoryRevert, .skillPropose, .skillMerge, .welcomeSubmit,
                .connectionRequest, .helpOffer, .connectionDecision, .decisionCreate, .decisionStep, .ballot, .ballotReceipt, .decisionContribution,
                .proposalCreate, .proposalUpdate, .proposalStatus, .proposalBack, .proposalFollow, .commentCreate, .commentReport,
                .commentAppeal, .moderationDecision, .registerDeposit, .registerStep, .callCreate, .callApply, .callEvaluate, .callStep,
                .recognitionSubmit, .commitmentCreate, .commitmentStatus, .eventCreate, .eventRegister, .eventReport, .festivalCreate,
                .studyCreate, .studyRequestCreate, .studyRequestAnswer, .methodDraftSave, .methodPublish, .campaignCreate,
                .interviewerCreate, .assignmentCreate, .interviewCreate, .claimSubmit, .claimUpdate, .claimDelete, .claimTakeOver, .claimHelp,
                .fundingCreate, .fundingUpdate, .diagnosticPublish, .appPasswordCreate, .appPasswordRevoke, .openRosaSubmission:
                return .post
            default: return .get
            }
        }

        /// What the permission policy must allow before the handler runs.
        public var action: Action {
            switch self {
            case .home, .health, .ready, .metrics, .language, .community, .territory, .neighbourhood, .commune,
                .signUp, .signUpSubmit, .confirmEmail, .confirmEmailSubmit, .signIn, .signInSubmit,
                .passwordForgot, .passwordForgotSubmit, .passwordReset, .passwordResetSubmit,
                .person, .charter, .organisations, .organisation,
                .inventory, .inventoryItem, .inventoryHistory, .skills, .skill, .welcome, .welcomeSubmit, .welcomeCard,
                .organisationNetwork, .gaps, .young, .decisions, .decision, .ballotReceipt, .helpOffer, .governance, .proposals, .proposal,
                .register, .calls, .call, .recognitions, .agenda, .agendaFeed, .event, .eventCalendar, .festival, .studies, .study, .studyFile,
                .fieldwork, .method, .campaign, .fieldworkWorker, .claim, .claimSubmit, .claimedPortrait, .claimEdit, .claimUpdate,
                .claimDelete, .claimHelp, .journal, .openData, .openDataFile, .apiDocument, .apiCommunities, .apiDataset, .funding,
                .diagnostics, .diagnostic, .indicators, .indicatorDefinitions, .xlsForm, .openRosaForm, .openRosaManifest, .openRosaMedia:
                return .readPublic
            // Field apps hold no session: the handler checks the app password (HTTP Digest), then
            // that its interviewer may interview here (`FieldworkPolicy`), as `.interview` would.
            case .openRosaFormList, .openRosaSubmissionCheck, .openRosaSubmission: return .readPublic
            case .fundingCreate, .fundingEdit, .fundingUpdate, .diagnosticPublish: return .curate
            case .methodDraft, .methodDraftSave, .methodPublish, .campaignNew, .campaignCreate, .interviewers, .interviewerCreate,
                .assignmentCreate, .staffReads:
                return .manageFieldwork
            case .interviewNew, .paperEntry, .interviewCreate, .interview, .paperForms, .appPasswordCreate, .appPasswordRevoke: return .interview
            case .claimTakeOver: return .useAccount
            case .inventoryNew, .inventoryCreate, .inventoryEdit, .inventoryUpdate, .inventoryRevert, .skillPropose, .connectionRequest,
                .decisionContribution:
                return .contribute
            case .decisionNew, .decisionCreate, .decisionStep: return .proposeDecision
            case .proposalNew, .proposalCreate, .proposalEdit, .proposalUpdate, .proposalStatus, .commentCreate, .commentReport: return .contribute
            case .moderation, .moderationDecision: return .moderate
            case .registerDeposit, .registerStep: return .contribute
            case .officialDashboard, .recognitionSubmit, .commitmentCreate, .commitmentStatus: return .actAsOfficial
            case .callNew, .callCreate, .callStep: return .manageCalls
            case .eventNew, .eventCreate, .eventReport, .studyNew, .studyCreate, .studyRequestCreate: return .contribute
            case .festivalCreate, .studyRequestAnswer: return .curate
            case .ballot: return .vote
            case .skillMerge: return .mergeSkills
            case .signOut, .account, .profileSubmit, .passwordChangeSubmit, .myData, .deleteAccount, .deleteAccountSubmit,
                .consentWithdraw, .notifications, .notificationsRead, .notificationPreferencesSubmit, .actAs, .connections, .connectionDecision,
                .collectiveAnswer, .proposalBack, .proposalFollow, .commentAppeal, .callApply, .callEvaluate, .eventRegister:
                return .useAccount
            case .join, .joinSubmit, .leave: return .joinCommunity
            case .members: return .readMembersOnly
            case .memberRolesSubmit: return .manageMembers
            case .organisationNew, .organisationCreate: return .proposeOrganisation
            case .organisationClaim: return .claimOrganisation
            case .organisationClaimDecision: return .reviewOrganisationClaims
            case .collectiveNew, .collectiveCreate, .collectiveInvite: return .administerOrganisation
            case .outbox: return .readOutbox
            case .admin, .adminCommunityCreate, .adminRoleGrant: return .administerInstance
            case .communityMail: return .followCommunityMail
            }
        }

        /// Routes on which sign-in, sign-up and reset attempts are counted (quality S2).
        public var isThrottled: Bool {
            [.signUpSubmit, .signInSubmit, .passwordForgotSubmit, .passwordResetSubmit, .confirmEmailSubmit, .claimSubmit].contains(self)
        }

        /// The only routes that take a file (a multipart body): everywhere else one is refused
        /// before a byte of it is read (finding F2).
        public var acceptsFiles: Bool { self == .studyCreate || self == .openRosaSubmission }

        /// Requests authenticated one by one (HTTP Digest) by a field app, which holds no session
        /// and so no form token: the CSRF check asks for none, and checks only the origin.
        public var isFieldAppProtocol: Bool { [.openRosaFormList, .openRosaSubmissionCheck, .openRosaSubmission].contains(self) }

        /// The largest body the route reads, in bytes. A form is a few kilobytes of text; the
        /// questionnaire's draft carries every question; an upload carries its file.
        public var bodyLimit: Int {
            switch self {
            case .studyCreate: return StudyUpload.maximumBytes + 256 * 1024
            case .methodDraftSave: return 512 * 1024
            // The filled form's XML and the photos a form may attach (Terreau keeps the XML only).
            case .openRosaSubmission: return 10 * 1024 * 1024
            default: return 64 * 1024
            }
        }

        /// A form a visitor may send before having any session (`CSRFCheck`): « Je peux aider »
        /// from a need's page, which public pages serve without a session.
        public var acceptsSessionlessForm: Bool { self == .helpOffer }

        /// The route a request is for, read from its method and path before the router runs (the
        /// body limit must be known before the body is read). A literal segment wins over a
        /// parameter (`…/inventaire/nouveau` over `…/inventaire/:item`).
        public static func matching(method: String, path: String) -> Kind? {
            let segments = path.split(separator: "/")
            var best: (kind: Kind, literals: Int)?
            for kind in allCases where kind.method.rawValue == method && kind.pattern.count == segments.count {
                var literals = 0
                let matches = zip(kind.pattern, segments).allSatisfy { pattern, segment in
                    if pattern.hasPrefix(":") { return true }
                    literals += 1
                    return pattern == segment
                }
                if matches, literals > best?.literals ?? -1 { best = (kind, literals) }
            }
            return best?.kind
        }
    }

    public var kind: Kind {
        switch self {
        case .home: return .home
        case .health: return .health
        case .ready: return .ready
        case .metrics: return .metrics
        case .language: return .language
        case .community: return .community
        case .territory: return .territory
        case .neighbourhood: return .neighbourhood
        case .commune: return .commune
        case .signUp: return .signUp
        case .signUpSubmit: return .signUpSubmit
        case .confirmEmail: return .confirmEmail
        case .confirmEmailSubmit: return .confirmEmailSubmit
        case .signIn: return .signIn
        case .signInSubmit: return .signInSubmit
        case .signOut: return .signOut
        case .passwordForgot: return .passwordForgot
        case .passwordForgotSubmit: return .passwordForgotSubmit
        case .passwordReset: return .passwordReset
        case .passwordResetSubmit: return .passwordResetSubmit
        case .account: return .account
        case .profileSubmit: return .profileSubmit
        case .passwordChangeSubmit: return .passwordChangeSubmit
        case .myData: return .myData
        case .deleteAccount: return .deleteAccount
        case .deleteAccountSubmit: return .deleteAccountSubmit
        case .consentWithdraw: return .consentWithdraw
        case .notifications: return .notifications
        case .notificationsRead: return .notificationsRead
        case .notificationPreferencesSubmit: return .notificationPreferencesSubmit
        case .actAs: return .actAs
        case .person: return .person
        case .outbox: return .outbox
        case .admin: return .admin
        case .adminCommunityCreate: return .adminCommunityCreate
        case .adminRoleGrant: return .adminRoleGrant
        case .join: return .join
        case .joinSubmit: return .joinSubmit
        case .leave: return .leave
        case .members: return .members
        case .memberRolesSubmit: return .memberRolesSubmit
        case .communityMail: return .communityMail
        case .charter: return .charter
        case .organisations: return .organisations
        case .organisationNew: return .organisationNew
        case .organisationCreate: return .organisationCreate
        case .organisation: return .organisation
        case .organisationClaim: return .organisationClaim
        case .organisationClaimDecision: return .organisationClaimDecision
        case .collectiveNew: return .collectiveNew
        case .collectiveCreate: return .collectiveCreate
        case .collectiveInvite: return .collectiveInvite
        case .collectiveAnswer: return .collectiveAnswer
        case .inventory: return .inventory
        case .inventoryNew: return .inventoryNew
        case .inventoryCreate: return .inventoryCreate
        case .inventoryItem: return .inventoryItem
        case .inventoryEdit: return .inventoryEdit
        case .inventoryUpdate: return .inventoryUpdate
        case .inventoryHistory: return .inventoryHistory
        case .inventoryRevert: return .inventoryRevert
        case .skills: return .skills
        case .skillPropose: return .skillPropose
        case .skill: return .skill
        case .skillMerge: return .skillMerge
        case .welcome: return .welcome
        case .welcomeSubmit: return .welcomeSubmit
        case .welcomeCard: return .welcomeCard
        case .connectionRequest: return .connectionRequest
        case .helpOffer: return .helpOffer
        case .connections: return .connections
        case .connectionDecision: return .connectionDecision
        case .organisationNetwork: return .organisationNetwork
        case .gaps: return .gaps
        case .young: return .young
        case .decisions: return .decisions
        case .decisionNew: return .decisionNew
        case .decisionCreate: return .decisionCreate
        case .decision: return .decision
        case .decisionStep: return .decisionStep
        case .ballot: return .ballot
        case .ballotReceipt: return .ballotReceipt
        case .decisionContribution: return .decisionContribution
        case .governance: return .governance
        case .proposals: return .proposals
        case .proposalNew: return .proposalNew
        case .proposalCreate: return .proposalCreate
        case .proposal: return .proposal
        case .proposalEdit: return .proposalEdit
        case .proposalUpdate: return .proposalUpdate
        case .proposalStatus: return .proposalStatus
        case .proposalBack: return .proposalBack
        case .proposalFollow: return .proposalFollow
        case .commentCreate: return .commentCreate
        case .commentReport: return .commentReport
        case .commentAppeal: return .commentAppeal
        case .moderation: return .moderation
        case .moderationDecision: return .moderationDecision
        case .register: return .register
        case .registerDeposit: return .registerDeposit
        case .registerStep: return .registerStep
        case .officialDashboard: return .officialDashboard
        case .calls: return .calls
        case .callNew: return .callNew
        case .callCreate: return .callCreate
        case .call: return .call
        case .callApply: return .callApply
        case .callEvaluate: return .callEvaluate
        case .callStep: return .callStep
        case .recognitions: return .recognitions
        case .recognitionSubmit: return .recognitionSubmit
        case .commitmentCreate: return .commitmentCreate
        case .commitmentStatus: return .commitmentStatus
        case .agenda: return .agenda
        case .agendaFeed: return .agendaFeed
        case .eventNew: return .eventNew
        case .eventCreate: return .eventCreate
        case .event: return .event
        case .eventCalendar: return .eventCalendar
        case .eventRegister: return .eventRegister
        case .eventReport: return .eventReport
        case .festival: return .festival
        case .festivalCreate: return .festivalCreate
        case .studies: return .studies
        case .studyNew: return .studyNew
        case .studyCreate: return .studyCreate
        case .study: return .study
        case .studyFile: return .studyFile
        case .studyRequestCreate: return .studyRequestCreate
        case .studyRequestAnswer: return .studyRequestAnswer
        case .fieldwork: return .fieldwork
        case .method: return .method
        case .methodDraft: return .methodDraft
        case .methodDraftSave: return .methodDraftSave
        case .methodPublish: return .methodPublish
        case .campaignNew: return .campaignNew
        case .campaignCreate: return .campaignCreate
        case .campaign: return .campaign
        case .interviewers: return .interviewers
        case .interviewerCreate: return .interviewerCreate
        case .assignmentCreate: return .assignmentCreate
        case .interviewNew: return .interviewNew
        case .paperEntry: return .paperEntry
        case .interviewCreate: return .interviewCreate
        case .interview: return .interview
        case .paperForms: return .paperForms
        case .fieldworkWorker: return .fieldworkWorker
        case .staffReads: return .staffReads
        case .xlsForm: return .xlsForm
        case .appPasswordCreate: return .appPasswordCreate
        case .appPasswordRevoke: return .appPasswordRevoke
        case .openRosaFormList: return .openRosaFormList
        case .openRosaForm: return .openRosaForm
        case .openRosaManifest: return .openRosaManifest
        case .openRosaMedia: return .openRosaMedia
        case .openRosaSubmissionCheck: return .openRosaSubmissionCheck
        case .openRosaSubmission: return .openRosaSubmission
        case .claim: return .claim
        case .claimSubmit: return .claimSubmit
        case .claimedPortrait: return .claimedPortrait
        case .claimEdit: return .claimEdit
        case .claimUpdate: return .claimUpdate
        case .claimDelete: return .claimDelete
        case .claimTakeOver: return .claimTakeOver
        case .claimHelp: return .claimHelp
        case .journal: return .journal
        case .openData: return .openData
        case .openDataFile: return .openDataFile
        case .apiDocument: return .apiDocument
        case .apiCommunities: return .apiCommunities
        case .apiDataset: return .apiDataset
        case .funding: return .funding
        case .fundingCreate: return .fundingCreate
        case .fundingEdit: return .fundingEdit
        case .fundingUpdate: return .fundingUpdate
        case .diagnostics: return .diagnostics
        case .diagnosticPublish: return .diagnosticPublish
        case .diagnostic: return .diagnostic
        case .indicators: return .indicators
        case .indicatorDefinitions: return .indicatorDefinitions
        }
    }

    /// The values of the pattern's parameters, by name.
    var parameters: [String: String] {
        switch self {
        case .home, .health, .ready, .metrics, .signUp, .signUpSubmit, .signInSubmit, .signOut, .passwordForgot, .passwordForgotSubmit,
            .account, .profileSubmit, .passwordChangeSubmit, .deleteAccount, .deleteAccountSubmit, .notifications,
            .notificationsRead, .notificationPreferencesSubmit, .actAs, .outbox, .admin, .adminCommunityCreate, .adminRoleGrant, .signIn, .connections, .apiDocument, .apiCommunities:
            return [:]
        case .apiDataset(let community, let dataset): return ["community": community, "dataset": dataset]
        case .language(let language, _): return ["language": language.rawValue]
        case .community(let slug), .territory(let slug), .join(let slug), .joinSubmit(let slug), .leave(let slug),
            .members(let slug), .communityMail(let slug), .charter(let slug), .organisations(let slug),
            .organisationNew(let slug), .organisationCreate(let slug), .inventory(let slug), .skills(let slug),
            .skillPropose(let slug), .welcome(let slug), .welcomeSubmit(let slug), .welcomeCard(let slug),
            .organisationNetwork(let slug), .gaps(let slug), .young(let slug), .decisions(let slug), .decisionNew(let slug, _, _),
            .decisionCreate(let slug), .governance(let slug), .proposals(let slug), .proposalNew(let slug), .proposalCreate(let slug),
            .moderation(let slug), .register(let slug), .officialDashboard(let slug), .calls(let slug), .callNew(let slug),
            .callCreate(let slug), .recognitions(let slug), .recognitionSubmit(let slug), .commitmentCreate(let slug),
            .agenda(let slug), .agendaFeed(let slug), .eventNew(let slug), .eventCreate(let slug), .festivalCreate(let slug),
            .studies(let slug, _), .studyNew(let slug), .studyCreate(let slug), .studyRequestCreate(let slug), .method(let slug, _, _),
            .fieldwork(let slug), .methodDraft(let slug), .methodDraftSave(let slug), .methodPublish(let slug), .campaignNew(let slug),
            .campaignCreate(let slug), .interviewers(let slug), .interviewerCreate(let slug), .interviewNew(let slug),
            .paperEntry(let slug), .interviewCreate(let slug), .paperForms(let slug), .fieldworkWorker(let slug), .staffReads(let slug),
            .claim(let slug), .claimSubmit(let slug), .claimedPortrait(let slug), .claimEdit(let slug), .claimUpdate(let slug),
            .claimDelete(let slug), .claimTakeOver(let slug), .claimHelp(let slug), .journal(let slug),
            .openData(let slug), .funding(let slug), .fundingCreate(let slug), .diagnostics(let slug), .diagnosticPublish(let slug),
            .indicators(let slug), .indicatorDefinitions(let slug), .xlsForm(let slug, _), .appPasswordCreate(let slug),
            .appPasswordRevoke(let slug), .openRosaFormList(let slug), .openRosaSubmissionCheck(let slug), .openRosaSubmission(let slug):
            return ["slug": slug]
        case .openRosaForm(let slug, let version), .openRosaManifest(let slug, let version): return ["slug": slug, "version": String(version)]
        case .openRosaMedia(let slug, let version, let file): return ["slug": slug, "version": String(version), "file": file]
        case .diagnostic(let slug, let edition): return ["slug": slug, "edition": String(edition)]
        case .fundingEdit(let slug, let entry), .fundingUpdate(let slug, let entry): return ["slug": slug, "entry": entry]
        case .openDataFile(let slug, let file): return ["slug": slug, "file": file]
        case .campaign(let slug, let campaign): return ["slug": slug, "campaign": campaign]
        case .assignmentCreate(let slug, let interviewer): return ["slug": slug, "interviewer": interviewer]
        case .interview(let slug, let interview): return ["slug": slug, "interview": interview]
        case .event(let slug, let event), .eventCalendar(let slug, let event), .eventRegister(let slug, let event), .eventReport(let slug, let event):
            return ["slug": slug, "event": event]
        case .festival(let festival): return ["festival": festival]
        case .study(let slug, let study), .studyFile(let slug, let study): return ["slug": slug, "study": study]
        case .studyRequestAnswer(let slug, let request): return ["slug": slug, "request": request]
        case .call(let slug, let call), .callApply(let slug, let call), .callEvaluate(let slug, let call), .callStep(let slug, let call):
            return ["slug": slug, "call": call]
        case .commitmentStatus(let slug, let commitment): return ["slug": slug, "commitment": commitment]
        case .proposal(let slug, let proposal, _), .proposalEdit(let slug, let proposal), .proposalUpdate(let slug, let proposal),
            .proposalStatus(let slug, let proposal), .proposalBack(let slug, let proposal), .proposalFollow(let slug, let proposal),
            .commentCreate(let slug, let proposal), .registerDeposit(let slug, let proposal), .registerStep(let slug, let proposal):
            return ["slug": slug, "proposal": proposal]
        case .commentReport(let slug, let comment), .commentAppeal(let slug, let comment), .moderationDecision(let slug, let comment):
            return ["slug": slug, "comment": comment]
        case .decision(let slug, let decision), .decisionStep(let slug, let decision), .ballot(let slug, let decision),
            .ballotReceipt(let slug, let decision), .decisionContribution(let slug, let decision):
            return ["slug": slug, "decision": decision]
        case .inventoryNew(let slug, let kind), .inventoryCreate(let slug, let kind): return ["slug": slug, "kind": kind.pathSegment]
        case .inventoryItem(let slug, let item), .inventoryEdit(let slug, let item), .inventoryUpdate(let slug, let item),
            .inventoryHistory(let slug, let item), .connectionRequest(let slug, let item), .helpOffer(let slug, let item):
            return ["slug": slug, "item": item]
        case .connectionDecision(let connection): return ["connection": connection]
        case .inventoryRevert(let slug, let item, let version): return ["slug": slug, "item": item, "version": String(version)]
        case .skill(let slug, let term), .skillMerge(let slug, let term): return ["slug": slug, "term": term]
        case .neighbourhood(let slug, let neighbourhood): return ["slug": slug, "neighbourhood": neighbourhood]
        case .commune(let slug, let code): return ["slug": slug, "code": code]
        case .confirmEmail(let token), .confirmEmailSubmit(let token), .passwordReset(let token), .passwordResetSubmit(let token):
            return ["token": token]
        case .myData(let format): return ["format": format]
        case .consentWithdraw(let consent): return ["consent": consent]
        case .person(let id): return ["person": id]
        case .memberRolesSubmit(let slug, let member): return ["slug": slug, "member": member]
        case .organisation(let slug, let organisation), .organisationClaim(let slug, let organisation),
            .collectiveNew(let slug, let organisation), .collectiveCreate(let slug, let organisation),
            .collectiveInvite(let slug, let organisation), .collectiveAnswer(let slug, let organisation):
            return ["slug": slug, "organisation": organisation]
        case .organisationClaimDecision(let slug, let organisation, let request):
            return ["slug": slug, "organisation": organisation, "request": request]
        }
    }

    public var path: String {
        let values = parameters
        let base = "/" + kind.pattern.map { $0.hasPrefix(":") ? Self.encode(values[String($0.dropFirst())] ?? "") : $0 }.joined(separator: "/")
        var returnTo: String?
        switch self {
        case .language(_, let target), .signIn(let target): returnTo = target
        case .decisionNew(_, let kind, let proposal) where kind != nil || proposal != nil:
            let query = [kind.map { "type=" + Self.encodeQueryValue($0) }, proposal.map { "proposition=" + Self.encodeQueryValue($0) }]
            return base + "?" + query.compactMap { $0 }.joined(separator: "&")
        case .proposal(_, _, let view?): return base + "?vue=" + Self.encodeQueryValue(view)
        case .studies(_, let query?): return base + "?q=" + Self.encodeQueryValue(query)
        case .method(_, let from?, let to?): return base + "?de=\(from)&a=\(to)"
        case .xlsForm(_, let version?): return base + "?version=\(version)"
        default: break
        }
        guard let target = returnTo.flatMap(ReturnTo.validated) else { return base }
        return base + "?retour=" + Self.encodeQueryValue(target)
    }

    static func encode(_ component: String) -> String {
        component.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? component
    }

    static func encodeQueryValue(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+#?"))) ?? value
    }
}

/// Where to send someone back after an action: only ever a path on this site (quality S8).
public enum ReturnTo {
    public static func validated(_ candidate: String) -> String? {
        guard candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"),
            !candidate.contains("\\"), candidate.count <= 2048,
            !candidate.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return candidate
    }
}
