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
    case person(person: String)
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

        public typealias Spec = (pattern: [String], method: Method, action: Action)

        /// Read once: links and the request matching look them up rather than build them.
        static let specs: [Kind: Spec] = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.declaration) })

        public var spec: Spec { Self.specs[self]! }

        /// Each route once: its path pattern as Vapor reads it (`:name` for a parameter), its method,
        /// and the `Action` the permission policy must allow before the handler runs.
        private var declaration: Spec {
            switch self {
            case .home: return ([], .get, .readPublic)
            case .health: return (["healthz"], .get, .readPublic)
            case .ready: return (["readyz"], .get, .readPublic)
            case .metrics: return (["metrics"], .get, .readPublic)
            case .language: return (["langue", ":language"], .get, .readPublic)
            case .community: return (["c", ":slug"], .get, .readPublic)
            case .territory: return (["c", ":slug", "territoire"], .get, .readPublic)
            case .neighbourhood: return (["c", ":slug", "quartiers", ":neighbourhood"], .get, .readPublic)
            case .commune: return (["c", ":slug", "communes", ":code"], .get, .readPublic)
            case .signUp: return (["inscription"], .get, .readPublic)
            case .signUpSubmit: return (["inscription"], .post, .readPublic)
            case .confirmEmail: return (["inscription", "confirmer", ":token"], .get, .readPublic)
            case .confirmEmailSubmit: return (["inscription", "confirmer", ":token"], .post, .readPublic)
            case .signIn: return (["connexion"], .get, .readPublic)
            case .signInSubmit: return (["connexion"], .post, .readPublic)
            case .signOut: return (["deconnexion"], .post, .useAccount)
            case .passwordForgot: return (["mot-de-passe"], .get, .readPublic)
            case .passwordForgotSubmit: return (["mot-de-passe"], .post, .readPublic)
            case .passwordReset: return (["mot-de-passe", ":token"], .get, .readPublic)
            case .passwordResetSubmit: return (["mot-de-passe", ":token"], .post, .readPublic)
            case .account: return (["moi"], .get, .useAccount)
            case .profileSubmit: return (["moi", "profil"], .post, .useAccount)
            case .passwordChangeSubmit: return (["moi", "mot-de-passe"], .post, .useAccount)
            case .myData: return (["moi", "donnees", ":format"], .get, .useAccount)
            case .deleteAccount: return (["moi", "suppression"], .get, .useAccount)
            case .deleteAccountSubmit: return (["moi", "suppression"], .post, .useAccount)
            case .consentWithdraw: return (["moi", "consentements", ":consent", "retrait"], .post, .useAccount)
            case .notifications: return (["moi", "notifications"], .get, .useAccount)
            case .notificationsRead: return (["moi", "notifications", "lues"], .post, .useAccount)
            case .notificationPreferencesSubmit: return (["moi", "notifications", "preferences"], .post, .useAccount)
            case .actAs: return (["moi", "agir-au-nom"], .post, .useAccount)
            case .person: return (["personnes", ":person"], .get, .readPublic)
            case .outbox: return (["admin", "courriels"], .get, .readOutbox)
            case .admin: return (["admin"], .get, .administerInstance)
            case .adminCommunityCreate: return (["admin", "communautes"], .post, .administerInstance)
            case .adminRoleGrant: return (["admin", "roles"], .post, .administerInstance)
            case .join: return (["c", ":slug", "rejoindre"], .get, .joinCommunity)
            case .joinSubmit: return (["c", ":slug", "rejoindre"], .post, .joinCommunity)
            case .leave: return (["c", ":slug", "quitter"], .post, .joinCommunity)
            case .members: return (["c", ":slug", "membres"], .get, .readMembersOnly)
            case .memberRolesSubmit: return (["c", ":slug", "membres", ":member"], .post, .manageMembers)
            case .communityMail: return (["c", ":slug", "courriels"], .get, .followCommunityMail)
            case .charter: return (["c", ":slug", "charte"], .get, .readPublic)
            case .organisations: return (["c", ":slug", "organisations"], .get, .readPublic)
            case .organisationNew: return (["c", ":slug", "organisations", "nouvelle"], .get, .proposeOrganisation)
            case .organisationCreate: return (["c", ":slug", "organisations"], .post, .proposeOrganisation)
            case .organisation: return (["c", ":slug", "organisations", ":organisation"], .get, .readPublic)
            case .organisationClaim: return (["c", ":slug", "organisations", ":organisation", "revendication"], .post, .claimOrganisation)
            case .organisationClaimDecision: return (["c", ":slug", "organisations", ":organisation", "demandes", ":request"], .post, .reviewOrganisationClaims)
            case .collectiveNew: return (["c", ":slug", "organisations", ":organisation", "nouveau-collectif"], .get, .administerOrganisation)
            case .collectiveCreate: return (["c", ":slug", "organisations", ":organisation", "nouveau-collectif"], .post, .administerOrganisation)
            case .collectiveInvite: return (["c", ":slug", "organisations", ":organisation", "invitations"], .post, .administerOrganisation)
            case .collectiveAnswer: return (["c", ":slug", "organisations", ":organisation", "reponse"], .post, .useAccount)
            case .inventory: return (["c", ":slug", "inventaire"], .get, .readPublic)
            case .inventoryNew: return (["c", ":slug", "inventaire", "nouveau", ":kind"], .get, .contribute)
            case .inventoryCreate: return (["c", ":slug", "inventaire", "nouveau", ":kind"], .post, .contribute)
            case .inventoryItem: return (["c", ":slug", "inventaire", ":item"], .get, .readPublic)
            case .inventoryEdit: return (["c", ":slug", "inventaire", ":item", "modifier"], .get, .contribute)
            case .inventoryUpdate: return (["c", ":slug", "inventaire", ":item", "modifier"], .post, .contribute)
            case .inventoryHistory: return (["c", ":slug", "inventaire", ":item", "historique"], .get, .readPublic)
            case .inventoryRevert: return (["c", ":slug", "inventaire", ":item", "historique", ":version", "retablir"], .post, .contribute)
            case .skills: return (["c", ":slug", "competences"], .get, .readPublic)
            case .skillPropose: return (["c", ":slug", "competences"], .post, .contribute)
            case .skill: return (["c", ":slug", "competences", ":term"], .get, .readPublic)
            case .skillMerge: return (["c", ":slug", "competences", ":term", "fusion"], .post, .mergeSkills)
            case .welcome: return (["c", ":slug", "bienvenue"], .get, .readPublic)
            case .welcomeSubmit: return (["c", ":slug", "bienvenue"], .post, .readPublic)
            case .welcomeCard: return (["c", ":slug", "bienvenue", "carte"], .get, .readPublic)
            case .connectionRequest: return (["c", ":slug", "inventaire", ":item", "mise-en-relation"], .post, .contribute)
            case .helpOffer: return (["c", ":slug", "inventaire", ":item", "aider"], .post, .readPublic)
            case .connections: return (["moi", "mises-en-relation"], .get, .useAccount)
            case .connectionDecision: return (["moi", "mises-en-relation", ":connection"], .post, .useAccount)
            case .organisationNetwork: return (["c", ":slug", "reseau-des-organisations"], .get, .readPublic)
            case .gaps: return (["c", ":slug", "besoins-non-couverts"], .get, .readPublic)
            case .young: return (["c", ":slug", "jeunes"], .get, .readPublic)
            case .decisions: return (["c", ":slug", "decisions"], .get, .readPublic)
            case .decisionNew: return (["c", ":slug", "decisions", "nouvelle"], .get, .proposeDecision)
            case .decisionCreate: return (["c", ":slug", "decisions"], .post, .proposeDecision)
            case .decision: return (["c", ":slug", "decisions", ":decision"], .get, .readPublic)
            case .decisionStep: return (["c", ":slug", "decisions", ":decision", "etape"], .post, .proposeDecision)
            case .ballot: return (["c", ":slug", "decisions", ":decision", "bulletin"], .post, .vote)
            case .ballotReceipt: return (["c", ":slug", "decisions", ":decision", "recu"], .post, .readPublic)
            case .decisionContribution: return (["c", ":slug", "decisions", ":decision", "echanges"], .post, .contribute)
            case .governance: return (["c", ":slug", "gouvernance"], .get, .readPublic)
            case .proposals: return (["c", ":slug", "propositions"], .get, .readPublic)
            case .proposalNew: return (["c", ":slug", "propositions", "nouvelle"], .get, .contribute)
            case .proposalCreate: return (["c", ":slug", "propositions"], .post, .contribute)
            case .proposal: return (["c", ":slug", "propositions", ":proposal"], .get, .readPublic)
            case .proposalEdit: return (["c", ":slug", "propositions", ":proposal", "modifier"], .get, .contribute)
            case .proposalUpdate: return (["c", ":slug", "propositions", ":proposal", "modifier"], .post, .contribute)
            case .proposalStatus: return (["c", ":slug", "propositions", ":proposal", "statut"], .post, .contribute)
            case .proposalBack: return (["c", ":slug", "propositions", ":proposal", "soutien"], .post, .useAccount)
            case .proposalFollow: return (["c", ":slug", "propositions", ":proposal", "suivre"], .post, .useAccount)
            case .commentCreate: return (["c", ":slug", "propositions", ":proposal", "contributions"], .post, .contribute)
            case .commentReport: return (["c", ":slug", "contributions", ":comment", "signalement"], .post, .contribute)
            case .commentAppeal: return (["c", ":slug", "contributions", ":comment", "recours"], .post, .useAccount)
            case .moderation: return (["c", ":slug", "moderation"], .get, .moderate)
            case .moderationDecision: return (["c", ":slug", "contributions", ":comment", "moderation"], .post, .moderate)
            case .register: return (["c", ":slug", "registre"], .get, .readPublic)
            case .registerDeposit: return (["c", ":slug", "propositions", ":proposal", "registre"], .post, .contribute)
            case .registerStep: return (["c", ":slug", "propositions", ":proposal", "registre", "etape"], .post, .contribute)
            case .officialDashboard: return (["c", ":slug", "registre", "mes-propositions"], .get, .actAsOfficial)
            case .calls: return (["c", ":slug", "appels"], .get, .readPublic)
            case .callNew: return (["c", ":slug", "appels", "nouveau"], .get, .manageCalls)
            case .callCreate: return (["c", ":slug", "appels"], .post, .manageCalls)
            case .call: return (["c", ":slug", "appels", ":call"], .get, .readPublic)
            case .callApply: return (["c", ":slug", "appels", ":call", "candidature"], .post, .useAccount)
            case .callEvaluate: return (["c", ":slug", "appels", ":call", "evaluation"], .post, .useAccount)
            case .callStep: return (["c", ":slug", "appels", ":call", "etape"], .post, .manageCalls)
            case .recognitions: return (["c", ":slug", "engagements"], .get, .readPublic)
            case .recognitionSubmit: return (["c", ":slug", "engagements"], .post, .actAsOfficial)
            case .commitmentCreate: return (["c", ":slug", "engagements", "nouveau"], .post, .actAsOfficial)
            case .commitmentStatus: return (["c", ":slug", "engagements", ":commitment"], .post, .actAsOfficial)
            case .agenda: return (["c", ":slug", "agenda"], .get, .readPublic)
            case .agendaFeed: return (["c", ":slug", "agenda.ics"], .get, .readPublic)
            case .eventNew: return (["c", ":slug", "agenda", "nouveau"], .get, .contribute)
            case .eventCreate: return (["c", ":slug", "agenda"], .post, .contribute)
            case .event: return (["c", ":slug", "agenda", ":event"], .get, .readPublic)
            case .eventCalendar: return (["c", ":slug", "agenda", ":event", "evenement.ics"], .get, .readPublic)
            case .eventRegister: return (["c", ":slug", "agenda", ":event", "inscription"], .post, .useAccount)
            case .eventReport: return (["c", ":slug", "agenda", ":event", "compte-rendu"], .post, .contribute)
            case .festival: return (["fete", ":festival"], .get, .readPublic)
            case .festivalCreate: return (["c", ":slug", "agenda", "fetes"], .post, .curate)
            case .studies: return (["c", ":slug", "etudes"], .get, .readPublic)
            case .studyNew: return (["c", ":slug", "etudes", "nouvelle"], .get, .contribute)
            case .studyCreate: return (["c", ":slug", "etudes"], .post, .contribute)
            case .study: return (["c", ":slug", "etudes", ":study"], .get, .readPublic)
            case .studyFile: return (["c", ":slug", "etudes", ":study", "fichier"], .get, .readPublic)
            case .studyRequestCreate: return (["c", ":slug", "etudes", "demandes"], .post, .contribute)
            case .studyRequestAnswer: return (["c", ":slug", "etudes", "demandes", ":request"], .post, .curate)
            case .fieldwork: return (["c", ":slug", "enquete"], .get, .readPublic)
            case .method: return (["c", ":slug", "enquete", "methode"], .get, .readPublic)
            case .methodDraft: return (["c", ":slug", "enquete", "methode", "brouillon"], .get, .manageFieldwork)
            case .methodDraftSave: return (["c", ":slug", "enquete", "methode", "brouillon"], .post, .manageFieldwork)
            case .methodPublish: return (["c", ":slug", "enquete", "methode", "publier"], .post, .manageFieldwork)
            case .campaignNew: return (["c", ":slug", "enquete", "campagnes", "nouvelle"], .get, .manageFieldwork)
            case .campaignCreate: return (["c", ":slug", "enquete", "campagnes"], .post, .manageFieldwork)
            case .campaign: return (["c", ":slug", "enquete", "campagnes", ":campaign"], .get, .readPublic)
            case .interviewers: return (["c", ":slug", "enquete", "enqueteurs"], .get, .manageFieldwork)
            case .interviewerCreate: return (["c", ":slug", "enquete", "enqueteurs"], .post, .manageFieldwork)
            case .assignmentCreate: return (["c", ":slug", "enquete", "enqueteurs", ":interviewer", "affectations"], .post, .manageFieldwork)
            case .interviewNew: return (["c", ":slug", "enquete", "entretien"], .get, .interview)
            case .paperEntry: return (["c", ":slug", "enquete", "saisie"], .get, .interview)
            case .interviewCreate: return (["c", ":slug", "enquete", "entretiens"], .post, .interview)
            case .interview: return (["c", ":slug", "enquete", "entretiens", ":interview"], .get, .interview)
            case .paperForms: return (["c", ":slug", "enquete", "formulaire-papier"], .get, .interview)
            case .fieldworkWorker: return (["c", ":slug", "enquete", "sw.js"], .get, .readPublic)
            case .staffReads: return (["c", ":slug", "enquete", "consultations"], .get, .manageFieldwork)
            case .xlsForm: return (["c", ":slug", "enquete", "methode", "xlsform"], .get, .readPublic)
            case .appPasswordCreate: return (["c", ":slug", "enquete", "application"], .post, .interview)
            case .appPasswordRevoke: return (["c", ":slug", "enquete", "application", "revoquer"], .post, .interview)
            // Field apps hold no session: the handler checks the app password (HTTP Digest), then
            // that its interviewer may interview here (`FieldworkPolicy`), as `.interview` would.
            case .openRosaFormList: return (["c", ":slug", "openrosa", "formList"], .get, .readPublic)
            case .openRosaForm: return (["c", ":slug", "openrosa", "formulaires", ":version"], .get, .readPublic)
            case .openRosaManifest: return (["c", ":slug", "openrosa", "manifestes", ":version"], .get, .readPublic)
            case .openRosaMedia: return (["c", ":slug", "openrosa", "medias", ":version", ":file"], .get, .readPublic)
            case .openRosaSubmissionCheck: return (["c", ":slug", "openrosa", "submission"], .get, .readPublic)
            case .openRosaSubmission: return (["c", ":slug", "openrosa", "submission"], .post, .readPublic)
            case .claim: return (["c", ":slug", "portrait-recueilli"], .get, .readPublic)
            case .claimSubmit: return (["c", ":slug", "portrait-recueilli"], .post, .readPublic)
            case .claimedPortrait: return (["c", ":slug", "portrait-recueilli", "mon-portrait"], .get, .readPublic)
            case .claimEdit: return (["c", ":slug", "portrait-recueilli", "corriger"], .get, .readPublic)
            case .claimUpdate: return (["c", ":slug", "portrait-recueilli", "corriger"], .post, .readPublic)
            case .claimDelete: return (["c", ":slug", "portrait-recueilli", "supprimer"], .post, .readPublic)
            case .claimTakeOver: return (["c", ":slug", "portrait-recueilli", "prendre-la-main"], .post, .useAccount)
            case .claimHelp: return (["c", ":slug", "portrait-recueilli", "demande"], .post, .readPublic)
            case .journal: return (["c", ":slug", "journal"], .get, .readPublic)
            case .openData: return (["c", ":slug", "donnees"], .get, .readPublic)
            case .openDataFile: return (["c", ":slug", "donnees", ":file"], .get, .readPublic)
            case .apiDocument: return (["api", "openapi.json"], .get, .readPublic)
            case .apiCommunities: return (["api", "communautes"], .get, .readPublic)
            case .apiDataset: return (["api", "communautes", ":community", ":dataset"], .get, .readPublic)
            case .funding: return (["c", ":slug", "moyens"], .get, .readPublic)
            case .fundingCreate: return (["c", ":slug", "moyens"], .post, .curate)
            case .fundingEdit: return (["c", ":slug", "moyens", ":entry"], .get, .curate)
            case .fundingUpdate: return (["c", ":slug", "moyens", ":entry"], .post, .curate)
            case .diagnostics: return (["c", ":slug", "diagnostic"], .get, .readPublic)
            case .diagnosticPublish: return (["c", ":slug", "diagnostic"], .post, .curate)
            case .diagnostic: return (["c", ":slug", "diagnostic", ":edition"], .get, .readPublic)
            case .indicators: return (["c", ":slug", "indicateurs"], .get, .readPublic)
            case .indicatorDefinitions: return (["c", ":slug", "indicateurs", "definitions"], .get, .readPublic)
            }
        }

        public var pattern: [String] { spec.pattern }
        public var method: Method { spec.method }
        public var action: Action { spec.action }

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

    /// The route's kind: the `Kind` of the same name (its raw values are the case names).
    public var kind: Kind { Self.reflected(self).kind }

    /// The values of the pattern's parameters, by name.
    var parameters: [String: String] {
        let (kind, payload) = Self.reflected(self)
        return Self.parameters(of: kind.pattern, from: payload)
    }

    /// The case's name, as its kind, and its associated values (one reflection for both).
    static func reflected(_ route: SiteRoute) -> (kind: Kind, payload: Any?) {
        let child = Mirror(reflecting: route).children.first
        let name = child?.label ?? String(describing: route)
        guard let kind = Kind(rawValue: name) else { preconditionFailure("SiteRoute.\(name) has no Kind of the same name") }
        return (kind, child?.value)
    }

    /// The associated values whose labels the pattern names (`slug:` fills `:slug`); an
    /// unlabelled value, or a case's only value, fills the pattern's parameter left
    /// (`language(Language, returnTo:)`).
    static func parameters(of pattern: [String], from payload: Any?) -> [String: String] {
        let names = pattern.filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
        guard !names.isEmpty, let payload else { return [:] }
        let fields = Mirror(reflecting: payload)
        let values: [(label: String?, value: Any)] = fields.displayStyle == .tuple
            ? fields.children.map { ($0.label.flatMap { $0.hasPrefix(".") ? nil : $0 }, $0.value) }
            : [(nil, payload)]
        var result: [String: String] = [:]
        for (label, value) in values { if let label, names.contains(label) { result[label] = segment(value) } }
        var unlabelled = values.filter { $0.label == nil }.makeIterator()
        for name in names where result[name] == nil {
            guard let next = unlabelled.next() else { break }
            result[name] = segment(next.value)
        }
        return result
    }

    /// A path segment's text: an inventory kind by its French segment, other raw values by their value.
    static func segment(_ value: Any) -> String {
        switch value {
        case let kind as InventoryKind: return kind.pathSegment
        case let language as Language: return language.rawValue
        case let text as String: return text
        case let number as Int: return String(number)
        default: return String(describing: value)
        }
    }

    public var path: String {
        let (kind, payload) = Self.reflected(self)
        let pattern = kind.pattern, values = Self.parameters(of: pattern, from: payload)
        let base = "/" + pattern.map { $0.hasPrefix(":") ? Self.encode(values[String($0.dropFirst())] ?? "") : $0 }.joined(separator: "/")
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
