import Fluent
import SQLKit
import TerreauCore
import Vapor

/// A community's decisions: drafting one (the rules in force say which methods it may use),
/// deliberation, the voting window, ballots, the count at the close and its result with the
/// method's picture; the governance page shows the rules and their history.
enum DecisionsController {
    // MARK: List

    struct ListPage: Encodable {
        struct Item: Encodable {
            var title: String
            var url: String
            var kind: String
            var method: String
            var phase: String
            var when: String
        }
        var layout: PageLayout
        var groups: [Group]
        var newURL: String
        var canPropose: Bool
        var governanceURL: String
        struct Group: Encodable {
            var title: String
            var items: [Item]
        }
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog
        let all = try await DecisionRecord.query(on: request.db).filter(\.$community.$id == community.id!).sort(\.$createdAt, .descending).all()
        let groups = [DecisionPhase.voting, .deliberation, .draft, .closed].map { phase in
            ListPage.Group(title: catalog.text("decision.phases." + phase.rawValue), items: all.filter { $0.phase == phase.rawValue }.map { item($0, community, request) })
        }.filter { !$0.items.isEmpty }
        return try await request.render("decisions/index", ListPage(
            layout: PageLayout(request, title: catalog.text("decisions.title"), community: community, current: "decisions"),
            groups: groups, newURL: SiteRoute.decisionNew(slug: community.slug, kind: nil).path,
            canPropose: Policy.allows(viewer, .proposeDecision), governanceURL: SiteRoute.governance(slug: community.slug).path))
    }

    static func item(_ decision: DecisionRecord, _ community: CommunityRecord, _ request: Request) -> ListPage.Item {
        let catalog = request.catalog, language = request.language
        var when = language.formatDate(decision.createdAt)
        if let ends = decision.votingEndsAt, decision.phase == DecisionPhase.voting.rawValue { when = catalog.text("decision.until", [language.formatDate(ends)]) }
        if let closed = decision.closedAt { when = catalog.text("decision.closedOn", [language.formatDate(closed)]) }
        return .init(title: decision.title, url: SiteRoute.decision(slug: community.slug, decision: decision.id!.uuidString).path,
            kind: catalog.text("decision.kind." + decision.kind), method: catalog.text("decision.method." + decision.method),
            phase: catalog.text("decision.phase." + decision.phase), when: when)
    }

    // MARK: New

    struct NewPage: Encodable {
        var layout: PageLayout
        var form: FormState
        var kinds: [ChoiceOption]
        var methods: [ChoiceOption]
        var allowed: [Allowed]
        var changesRules: Bool
        var changesCharter: Bool
        var rules: RulesForm.View?
        var proposal: String?
        var action: String
        struct Allowed: Encodable {
            var kind: String
            var methods: String
        }
    }

    @Sendable static func new(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let rules = try await DecisionStore(database: request.db).governance(of: community.id!)
        let kind = DecisionKind(rawValue: (try? request.query.get(String.self, at: "type")) ?? "") ?? .general
        var values = ["kind": kind.rawValue, "method": rules.rule(for: kind).methods.first?.rawValue ?? "", "grades": MajorityJudgmentTally.defaultGrades.joined(separator: "\n"),
                      "threshold": rules.rule(for: kind).threshold ?? "2/3", "dots": "5", "scale": "10", "allowed_against": "0"]
        if [.ruleChange, .methodChange].contains(kind) { values.merge(RulesForm.values(rules)) { $1 } }
        if kind == .ruleChange { values["charter"] = try await CharterStore(database: request.db).current(of: community).text }
        if let id = try? request.query.get(String.self, at: "proposition"), let proposal = try await debated(id, in: community, request) {
            values["proposal"] = proposal.id!.uuidString
            values["title"] = proposal.title
            values["text"] = proposal.summary
        }
        return try await newPage(request, form: FormState(request, values: values), rules: rules)
    }

    /// A proposal of the community still in debate, which a decision may take as its deliberation.
    static func debated(_ id: String, in community: CommunityRecord, _ request: Request) async throws -> ProposalRecord? {
        guard let uuid = UUID(uuidString: id) else { return nil }
        return try await ProposalRecord.query(on: request.db).filter(\.$id == uuid).filter(\.$community.$id == community.id!)
            .filter(\.$status == ProposalStatus.debate.rawValue).first()
    }

    static func newPage(_ request: Request, form: FormState, rules: Governance, status: HTTPStatus = .ok) async throws -> Response {
        let community = try await request.community()
        let catalog = request.catalog
        let kind = DecisionKind(rawValue: form.values["kind"] ?? "") ?? .general
        let changesRules = [.ruleChange, .methodChange].contains(kind)
        return try await request.render("decisions/new", NewPage(
            layout: PageLayout(request, title: catalog.text(changesRules ? "decision.new.rulesTitle" : "decision.new.title"), community: community, current: "decisions"),
            form: form,
            kinds: ChoiceOption.list(DecisionKind.allCases.filter { changesRules == [.ruleChange, .methodChange].contains($0) }, labels: "decision.kind.", catalog) { $0 == kind },
            methods: ChoiceOption.list(VotingMethod.allCases, labels: "decision.method.", catalog) { form.values["method"] == $0.rawValue },
            allowed: DecisionKind.allCases.map { .init(kind: catalog.text("decision.kind." + $0.rawValue),
                methods: rules.rule(for: $0).methods.map { catalog.text("decision.method." + $0.rawValue) }.joined(separator: ", ")) },
            changesRules: changesRules, changesCharter: kind == .ruleChange, rules: changesRules ? RulesForm.make(form, catalog) : nil,
            proposal: try await (form.values["proposal"] ?? "").isEmpty ? nil : debated(form.values["proposal"]!, in: community, request)?.title,
            action: SiteRoute.decisionCreate(slug: community.slug).path), status: status)
    }

    /// What is wrong with a decision's draft, in the reader's language.
    static func message(_ problem: DecisionDraftCheck.Problem, _ catalog: MessageCatalog) -> String {
        switch problem {
        case .kind: return catalog.text("decision.error.kind")
        case .method: return catalog.text("decision.error.method")
        case .notAllowed(let kind, let method):
            return catalog.text("decision.error.notAllowed", [catalog.text("decision.method." + method.rawValue), catalog.text("decision.kind." + kind.rawValue)])
        case .title: return catalog.text("decision.error.title")
        case .text: return catalog.text("decision.error.text")
        case .options: return catalog.text("decision.error.options")
        case .grades: return catalog.text("decision.error.grades")
        case .threshold: return catalog.text("decision.error.threshold")
        case .allowedAgainst: return catalog.text("decision.error.allowedAgainst")
        case .dots: return catalog.text("decision.error.dots")
        case .amount: return catalog.text("decision.error.amount")
        case .scale: return catalog.text("decision.error.scale")
        }
    }

    /// A member drafts a decision. The rules in force must allow its method for its kind —
    /// asking for another is refused here and again when voting opens.
    @Sendable static func create(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let store = DecisionStore(database: request.db)
        let rules = try await store.governance(of: community.id!)
        let names = ["kind", "method", "title", "text", "options", "grades", "threshold", "allowed_against", "dots", "amount", "scale", "charter", "proposal"]
            + RulesForm.fieldNames
        var values = names.reduce(into: [String: String]()) { $0[$1] = request.field($1) }
        for kind in DecisionKind.allCases { values["methods-" + kind.rawValue] = request.fields("methods-" + kind.rawValue).joined(separator: " ") }
        var form = FormState(request, values: values)
        let (checked, problems) = DecisionDraftCheck.check(values, rules: rules)
        for problem in problems { form.fail(problem.field, message(problem, catalog)) }
        let kind = DecisionKind(rawValue: values["kind"] ?? "")
        var proposed: Governance?
        if let kind, [.ruleChange, .methodChange].contains(kind) {
            switch RulesForm.read(values, current: rules, catalog) {
            case .success(let rules): proposed = rules
            case .failure(let problem): form.fail("rules", problem.message)
            }
        }
        var charter: String?
        let newCharter = values["charter"] ?? "", proposalID = values["proposal"] ?? ""
        if kind == .ruleChange, !newCharter.isEmpty {
            let current = try await CharterStore(database: request.db).current(of: community).text
            if newCharter.count < 20 { form.fail("charter", catalog.text("charter.error.short")) }
            if newCharter != current { charter = newCharter }
        }
        var proposal: ProposalRecord?
        if !proposalID.isEmpty {
            proposal = try await debated(proposalID, in: community, request)
            if proposal == nil { form.fail("title", catalog.text("decision.error.proposal")) }
        }
        guard !form.hasErrors, let checked else { return try await newPage(request, form: form, rules: rules, status: .unprocessableEntity) }
        let title = checked.title
        let draft = DecisionStore.Draft(kind: checked.kind, method: checked.method, title: title, text: checked.text, options: checked.options,
                                        grades: checked.grades, settings: checked.settings, proposed: proposed, charter: charter, proposal: proposal?.id)
        let debated = proposal
        let decision = try await request.db.writing { database in
            let decision = try await DecisionStore(database: database).createDraft(draft, community: community.id!, author: me.personID, rules: rules, now: request.now)
            if let proposal = debated {
                try await ProposalStore(database: database).move(proposal, .submitToDecision, note: title, person: me.personID, decision: decision.id,
                                                                 now: request.now, on: database)
            }
            return decision
        }
        return request.seeOther(.decision(slug: community.slug, decision: decision.id!.uuidString))
    }

    // MARK: Show

    struct ShowPage: Encodable {
        var layout: PageLayout
        var title: String
        var text: String
        var kind: String
        var method: String
        var methodHelp: String
        var phase: String
        var facts: [Fact]
        var options: [String]
        var canManage: Bool
        var stepURL: String
        var ballotURL: String
        /// Secret votes, once open: anyone holding a receipt checks that its ballot is counted.
        var receiptCheckURL: String?
        var step: String?
        var defaultEnd: String
        var canClose: Bool
        var form: FormState
        var ballot: BallotForm.View?
        var voters: [Voter]
        var result: ResultView?
        var proposedRules: [Fact]
        var proposedCharter: String?
        var deliberation: Deliberation?
        /// Consent: each round's own answers, and every objection with its reason, for the circle.
        var consentRounds: [ConsentRoundView]
        /// Closed: the author or a coordinator writes the conclusion after the count.
        var statementForm: String?
        /// Between consent rounds: the proposer amends the proposal (the current text).
        var amendForm: String?
        var amendments: [AmendmentView]
        /// Consent: the process's stages, questions, answers and reactions.
        var process: ProcessView?
        /// The fallback vote this consent decision went to, or the consent decision this vote follows.
        var fallback: Link?
        var fallbackOf: Link?
        struct Link: Encodable {
            var title: String
            var url: String
        }
        struct ProcessView: Encodable {
            var stages: [Stage]
            var url: String
            var questions: [Question]
            var reactions: [Contribution]
            var canAsk: Bool
            var canAnswer: Bool
            var canReact: Bool
            var myReaction: String
            struct Stage: Encodable {
                var label: String
                var current: Bool
            }
            struct Contribution: Encodable {
                var round: Int
                var text: String
                var author: String
            }
            struct Question: Encodable {
                var id: String
                var question: Contribution
                var answers: [Contribution]
            }
        }
        struct AmendmentView: Encodable {
            var round: Int
            var date: String
            var pieces: [TextDiff.Piece]
        }
        struct ConsentRoundView: Encodable {
            var number: Int
            var counts: String
            var objections: [Objection]
            /// Consents given with a concern (« préoccupation »), whose text the circle reads too.
            var concerns: [Objection]
            struct Objection: Encodable {
                var reason: String
                var voter: String?
            }
        }
        struct Deliberation: Encodable {
            var proposal: String
            var url: String
            var counts: [String]
            var total: Int
        }
        struct Voter: Encodable {
            var key: String
            var name: String
            var hasVoted: Bool
        }
    }

    struct ResultView: Encodable {
        var statement: String
        var outcome: String?
        var drawing: ResultDrawing
        var rows: [Row]
        var columns: [String]
        var head: String
        var review: String
        var turnout: String
        var refusal: String?
        var openBallots: [OpenBallot]
        struct Row: Encodable {
            var place: Int
            var name: String
            var cells: [String]
        }
        struct OpenBallot: Encodable {
            var voter: String
            var ballot: String
        }
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let decision = try await request.decision()
        let catalog = request.catalog, language = request.language
        let store = DecisionStore(database: request.db)
        let me = try await request.signedIn()
        let viewer = try await Access.viewer(in: community, request)
        let phase = DecisionStore.phase(decision)
        let canManage = me != nil && (decision.$createdBy.id == me?.personID || viewer.roles.contains(.coordinator))
        var facts: [Fact] = [
            .init(label: catalog.text("decision.rulesVersion"), value: String(decision.rulesVersion)),
            .init(label: catalog.text("decision.electorate"), value: catalog.text("decision.electorate." + decision.electorateKind)),
            .init(label: catalog.text("decision.secrecy"), value: catalog.text(decision.secret ? "decision.secret" : "decision.open")),
        ]
        if let quorum = decision.quorum { facts.append(.init(label: catalog.text("decision.quorum"), value: language.formatPercent(quorum))) }
        if decision.method == VotingMethod.consent.rawValue { facts.append(.init(label: catalog.text("decision.round"), value: String(decision.round))) }
        if let ends = decision.votingEndsAt { facts.append(.init(label: catalog.text("decision.votingEnds"), value: language.formatDate(ends))) }
        if let size = decision.electorateSize, phase == .voting {
            let voted = try await (request.db as! any SQLDatabase).raw(
                "SELECT COUNT(*) AS n FROM decision_electors WHERE decision_id = \(bind: decision.id!) AND has_voted = \(bind: true)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            facts.append(.init(label: catalog.text("decision.participation"), value: catalog.text("decision.participation.value", [language.format(voted), language.format(size)])))
        }
        var ballot: BallotForm.View?
        var voters: [ShowPage.Voter] = []
        if let me, phase == .voting, DecisionLifecycle.acceptsBallots(phase, now: request.now, votingEnds: decision.votingEndsAt) {
            let keys = try await store.electorKeys(for: me.personID, in: decision)
            if !keys.isEmpty {
                let names = try await voterNames(keys.map(\.key), request)
                voters = keys.map { .init(key: $0.key, name: names[$0.key] ?? "", hasVoted: $0.hasVoted) }
                ballot = BallotForm.view(for: decision, catalog: catalog, values: request.session.data["ballot-draft"].flatMap(BallotForm.decodeDraft) ?? [:],
                                         recused: try await store.recusals(of: me.personID, in: decision))
                request.session.data["ballot-draft"] = nil
            }
        }
        var result: ResultView?, conclusionForm: String?
        if phase == .closed, let text = decision.result, let report = try? JSONDecoder().decode(TallyReport.self, from: Data(text.utf8)) {
            result = try await resultView(decision, report, request)
            if canManage, awaitsConclusion(decision, report, request) { conclusionForm = prefilledStatement(report, catalog) }
        }
        let consentRounds = decision.method == VotingMethod.consent.rawValue ? try await consentRoundViews(decision, request) : []
        let options = (try? JSONDecoder().decode([String].self, from: Data(decision.options.utf8))) ?? []
        let stage = DecisionStore.consentStage(decision)
        let step: String? = switch phase {
        case .draft: DecisionStep.deliberate.rawValue
        case .deliberation where stage == .clarifying: "reactions"
        case .deliberation: DecisionStep.openVoting.rawValue
        case .voting: DecisionStep.close.rawValue
        case .closed: nil
        }
        let proposed = decision.proposedRules.flatMap { try? JSONDecoder().decode(Governance.self, from: Data($0.utf8)) }
        var deliberation: ShowPage.Deliberation?
        if let proposal = try await decision.$proposal.get(on: request.db) {
            let counts = try await ProposalStore(database: request.db).stanceCount(of: proposal.id!)
            deliberation = .init(proposal: proposal.title,
                url: SiteRoute.proposal(slug: community.slug, proposal: proposal.id!.uuidString, view: "positions").path + "#debat",
                counts: Stance.allCases.map { catalog.text("debate.stances." + $0.rawValue) + " " + language.format(counts[$0]) }, total: counts.total)
        }
        return try await request.render("decisions/show", ShowPage(
            layout: PageLayout(request, title: decision.title, community: community, current: "decisions"),
            title: decision.title, text: decision.text, kind: catalog.text("decision.kind." + decision.kind),
            method: catalog.text("decision.method." + decision.method), methodHelp: catalog.text("decision.methodHelp." + decision.method),
            phase: catalog.text("decision.phase." + decision.phase), facts: facts, options: options, canManage: canManage,
            stepURL: SiteRoute.decisionStep(slug: community.slug, decision: decision.id!.uuidString).path,
            ballotURL: SiteRoute.ballot(slug: community.slug, decision: decision.id!.uuidString).path,
            receiptCheckURL: decision.secret && (phase == .voting || phase == .closed)
                ? SiteRoute.ballotReceipt(slug: community.slug, decision: decision.id!.uuidString).path : nil,
            step: step, defaultEnd: CalendarDay.format(request.now.addingTimeInterval(7 * 86_400)),
            canClose: phase == .voting && !(DecisionLifecycle.acceptsBallots(phase, now: request.now, votingEnds: decision.votingEndsAt)),
            form: FormState(request), ballot: ballot, voters: voters, result: result,
            proposedRules: proposed.map { RulesForm.describe($0, catalog) } ?? [], proposedCharter: decision.proposedCharter,
            deliberation: deliberation, consentRounds: consentRounds,
            statementForm: conclusionForm,
            amendForm: canManage && decision.method == VotingMethod.consent.rawValue && decision.round > 1 && phase == .deliberation ? decision.text : nil,
            amendments: try await store.amendments(of: decision.id!).map {
                .init(round: $0.round, date: language.formatDate($0.amendedAt), pieces: TextDiff.words($0.previousText, $0.text))
            },
            process: stage == nil ? nil : try await processView(decision, stage: stage!, canManage: canManage, viewer: viewer, me: me?.personID, request),
            fallback: try await store.fallback(of: decision.id!).map { link($0, community) },
            fallbackOf: try await decision.$fallbackOf.get(on: request.db).map { link($0, community) }))
    }

    static func link(_ decision: DecisionRecord, _ community: CommunityRecord) -> ShowPage.Link {
        .init(title: decision.title, url: SiteRoute.decision(slug: community.slug, decision: decision.id!.uuidString).path)
    }

    /// The consent process as the circle follows it: where it stands, each question with its
    /// answers, each reaction, and what this reader may write now.
    static func processView(_ decision: DecisionRecord, stage: ConsentStage, canManage: Bool, viewer: Viewer, me: UUID?,
                            _ request: Request) async throws -> ShowPage.ProcessView {
        let catalog = request.catalog
        let written = try await DecisionStore(database: request.db).contributions(of: decision.id!)
        func view(_ record: DecisionContributionRecord) -> ShowPage.ProcessView.Contribution {
            .init(round: record.round, text: record.text, author: record.author?.displayName ?? catalog.text("result.formerVoter"))
        }
        let member = me != nil && Policy.allows(viewer, .contribute)
        return .init(
            stages: ConsentStage.allCases.map { .init(label: catalog.text("consent.stage." + $0.rawValue), current: $0 == stage) },
            url: SiteRoute.decisionContribution(slug: try await request.community().slug, decision: decision.id!.uuidString).path,
            questions: written.filter { $0.kind == ConsentContribution.question.rawValue }.map { question in
                .init(id: question.id!.uuidString, question: view(question),
                      answers: written.filter { $0.$answers.id == question.id }.map(view))
            },
            reactions: written.filter { $0.kind == ConsentContribution.reaction.rawValue }.map(view),
            canAsk: member && ConsentProcess.accepts(.question, in: stage),
            canAnswer: canManage && ConsentProcess.accepts(.answer, in: stage),
            canReact: member && ConsentProcess.accepts(.reaction, in: stage),
            myReaction: written.last { $0.kind == ConsentContribution.reaction.rawValue && $0.round == decision.round && $0.$author.id == me }?.text ?? "")
    }

    /// A clarifying question (any member, while clarifying), the proposer's answer to one (the
    /// author or a coordinator), or a member's reaction (once per round, while reacting).
    @Sendable static func contribute(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let decision = try await request.decision()
        let me = try await request.requireSignedIn()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog
        let back = SiteRoute.decision(slug: community.slug, decision: decision.id!.uuidString).path + "#echanges"
        guard let kind = ConsentContribution(rawValue: request.field("kind")) else { throw Abort(.badRequest) }
        if kind == .answer, !(decision.$createdBy.id == me.personID || viewer.roles.contains(.coordinator)) { throw Abort(.forbidden) }
        let text = request.field("text").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (2...2000).contains(text.count) else {
            request.flash(catalog.text("consent.error.text"))
            return request.redirect(to: back, redirectType: .normal)
        }
        let done = try await DecisionStore(database: request.db).contribute(kind, to: decision, text: text,
            answering: UUID(uuidString: request.field("question")), by: me.personID, now: request.now)
        request.flash(catalog.text(done ? "consent.contributed." + kind.rawValue : "consent.error.stage"))
        return request.redirect(to: back, redirectType: .normal)
    }

    /// What the count says, as the conclusion starts: the outcome (or the winners), the round
    /// for consent, the ballots counted.
    static func prefilledStatement(_ report: TallyReport, _ catalog: MessageCatalog) -> String {
        let outcome = report.outcome.map { catalog.text("result.outcome." + $0.rawValue) }
            ?? catalog.text("decision.statement.winners", [report.winners.joined(separator: ", ")])
        var parts = [outcome]
        if let round = report.consentRound { parts.append(catalog.text("decision.statement.round", [String(round)])) }
        parts.append(catalog.text("decision.statement.ballots", count: report.ballots))
        return parts.joined(separator: " · ")
    }

    /// Whether the stored conclusion is still the one drawn from the count (in whichever language
    /// the vote was closed): the author or a coordinator has not written theirs yet.
    static func awaitsConclusion(_ decision: DecisionRecord, _ report: TallyReport, _ request: Request) -> Bool {
        let stored = decision.outcomeStatement ?? ""
        return stored.isEmpty || Language.allCases.contains { prefilledStatement(report, request.application.localization[$0]) == stored }
    }

    /// Once counted, the author or a coordinator writes the conclusion, once: until then it is
    /// the one drawn from the count; after, it no longer changes (it is published with the result).
    static func writeStatement(_ request: Request, community: CommunityRecord, decision: DecisionRecord) async throws -> Response {
        let catalog = request.catalog
        let back = SiteRoute.decision(slug: community.slug, decision: decision.id!.uuidString)
        guard DecisionStore.phase(decision) == .closed, let text = decision.result,
            let report = try? JSONDecoder().decode(TallyReport.self, from: Data(text.utf8)), awaitsConclusion(decision, report, request)
        else {
            request.flash(catalog.text("decision.error.statementWritten"))
            return request.seeOther(back)
        }
        let statement = request.field("statement")
        guard !statement.isEmpty, statement.count <= 5000 else {
            request.flash(catalog.text("decision.error.statement"))
            return request.seeOther(back)
        }
        try await DecisionStore(database: request.db).writeStatement(decision, statement, now: request.now)
        request.flash(catalog.text("decision.statementWritten"))
        return request.seeOther(back)
    }

    /// Each round of a consent decision as the circle reads it: that round's own answers (a
    /// voter's last ballot of the round), every objection with its reason, and who objected when
    /// the vote is open.
    static func consentRoundViews(_ decision: DecisionRecord, _ request: Request) async throws -> [ShowPage.ConsentRoundView] {
        let catalog = request.catalog, language = request.language
        let log = try await DecisionStore(database: request.db).log(of: decision.id!)
        let names = decision.secret ? [:] : try await voterNames(Array(Set(log.map(\.ballotKey))), request)
        let rounds = Consent.ballotsByRound(log.map { ($0.ballotKey, $0.content) }, round: DecisionStore.consentRound)
        return (1...max(1, decision.round)).compactMap { number in
            guard let ballots = rounds[number] else { return nil }
            let items = ballots.map { (key: $0.key, value: (try? JSONDecoder().decode(JSONValue.self, from: Data($0.content.utf8))) ?? .null) }
            func count(_ choice: String) -> Int { items.filter { $0.value["choice"]?.string == choice }.count }
            func reasons(_ choice: String) -> [ShowPage.ConsentRoundView.Objection] {
                items.filter { $0.value["choice"]?.string == choice && !($0.value["reason"]?.string ?? "").isEmpty }.sorted { $0.key < $1.key }.map {
                    .init(reason: $0.value["reason"]?.string ?? "", voter: decision.secret ? nil : names[$0.key])
                }
            }
            return .init(number: number,
                counts: catalog.text("consent.round.counts", [language.format(count("consent")), language.format(count("stand-aside")), language.format(count("objection"))]),
                objections: reasons("objection"), concerns: reasons("stand-aside"))
        }
    }

    static func voterNames(_ keys: [String], _ request: Request) async throws -> [String: String] {
        var names: [String: String] = [:]
        for key in keys {
            let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let id = UUID(uuidString: parts[1]) else { continue }
            if parts[0] == "organisation" { names[key] = try await OrganisationRecord.find(id, on: request.db)?.name }
            if parts[0] == "person" { names[key] = try await PersonRecord.find(id, on: request.db)?.displayName }
        }
        return names
    }

    static func resultView(_ decision: DecisionRecord, _ report: TallyReport, _ request: Request) async throws -> ResultView {
        let catalog = request.catalog, language = request.language
        let store = DecisionStore(database: request.db)
        let rules = try await store.governance(of: decision.$community.id)
        // The options and grades only: the counts are in the stored report.
        let election = try DecisionStore.election(of: decision, ballots: [], rules: rules)
        var columns: [String] = []
        func cells(_ name: String) -> [String] {
            switch report.method {
            case .approval: return [language.format(report.approvals?[name] ?? 0)]
            case .score: return [BallotFile.format(report.scores?[name] ?? 0)]
            case .majorityJudgment: return [report.medians?[name] ?? ""] + (report.gradeCounts?[name] ?? []).map { language.format($0) }
            case .dotVoting: return [language.format(report.dots?[name] ?? 0)] + (report.split.map { [language.format($0[name] ?? 0)] } ?? [])
            case .schulze:
                let index = election.candidates.firstIndex(of: name) ?? 0
                return (report.pairwise?[index] ?? []).enumerated().map { $0.offset == index ? "—" : language.format($0.element) }
            case .instantRunoff: return (report.rounds ?? []).map { round in round.votes[name].map { language.format($0) } ?? "—" }
            default: return []
            }
        }
        switch report.method {
        case .approval: columns = [catalog.text("result.approvals")]
        case .score: columns = [catalog.text("result.total")]
        case .majorityJudgment: columns = [catalog.text("result.median")] + election.grades
        case .dotVoting: columns = [catalog.text("result.dots")] + (report.split != nil ? [catalog.text("result.split")] : [])
        case .schulze: columns = election.candidates
        case .instantRunoff: columns = (report.rounds ?? []).indices.map { catalog.text("result.round", [String($0 + 1)]) }
        default: columns = []
        }
        var rows: [ResultView.Row] = []
        if let choices = report.choices {
            columns = [catalog.text("result.ballots")]
            rows = [("pour", choices.pour), ("contre", choices.contre), ("abstention", choices.abstention)].enumerated().map {
                .init(place: $0.offset + 1, name: catalog.text("ballot.choice." + $0.element.0), cells: [language.format($0.element.1)])
            }
        } else if report.method != .consent {
            for (place, group) in report.ranking.enumerated() { for name in group { rows.append(.init(place: place + 1, name: name, cells: cells(name))) } }
        }
        var labels = ResultPicture.Labels()
        labels.merit = catalog.text("result.svg.merit")
        labels.median = catalog.text("result.svg.median")
        labels.duels = catalog.text("result.svg.duels")
        labels.duelsDescription = catalog.text("result.svg.duelsDescription")
        labels.rounds = catalog.text("result.svg.rounds")
        labels.round = catalog.text("result.round")
        labels.roundEliminated = catalog.text("result.svg.roundEliminated")
        labels.roundEnd = catalog.text("result.svg.roundEnd")
        labels.approvals = catalog.text("result.svg.approvals")
        labels.scores = catalog.text("result.svg.scores")
        labels.dots = catalog.text("result.svg.dots")
        labels.choicesTitle = catalog.text("result.svg.choices")
        labels.choices = ["pour", "contre", "abstention"].map { catalog.text("ballot.choice." + $0) }
        labels.consent = catalog.text("result.svg.consent")
        labels.remainingObjections = catalog.text("result.svg.remainingObjections")
        var openBallots: [ResultView.OpenBallot] = []
        if !decision.secret {
            var latest: [String: String] = [:]
            for row in try await store.log(of: decision.id!) { latest[row.ballotKey] = row.content }
            let names = try await voterNames(Array(latest.keys), request)
            openBallots = latest.map { .init(voter: names[$0.key] ?? catalog.text("result.formerVoter"), ballot: BallotForm.describe($0.value, method: report.method, catalog: catalog)) }
                .sorted { $0.voter < $1.voter }
        }
        let turnout = report.turnout.share.map { catalog.text("result.turnout", [language.format(report.ballots), language.format(report.turnout.electorate ?? 0), language.formatPercent($0)]) }
            ?? language.format(report.ballots)
        return ResultView(
            statement: decision.outcomeStatement ?? "", outcome: report.outcome.map { catalog.text("result.outcome." + $0.rawValue) },
            drawing: ResultPicture.drawing(report, election, labels: labels), rows: rows, columns: columns, head: decision.headHash ?? "",
            review: decision.reviewOn.map(language.formatDay) ?? "", turnout: turnout, refusal: decision.rulesRefusal, openBallots: openBallots)
    }

    // MARK: Steps and ballots

    /// The author or a coordinator moves the decision on; every step is checked by the pure
    /// lifecycle and, at the opening, by the rules in force.
    @Sendable static func step(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let decision = try await request.decision()
        let me = try await request.requireSignedIn()
        let viewer = try await Access.viewer(in: community, request)
        guard decision.$createdBy.id == me.personID || viewer.roles.contains(.coordinator) else { throw Abort(.forbidden) }
        let catalog = request.catalog
        let store = DecisionStore(database: request.db)
        var refusal: DecisionStore.StepRefusal?
        if request.field("step") == "statement" { return try await writeStatement(request, community: community, decision: decision) }
        if request.field("step") == "amend" {
            let text = request.field("text")
            guard text.count <= 20_000 else { throw Abort(.payloadTooLarge) }
            let done = try await store.amend(decision, text: text, by: me.personID, now: request.now)
            request.flash(catalog.text(done ? "consent.amended" : "consent.error.amend"))
            return request.seeOther(.decision(slug: community.slug, decision: decision.id!.uuidString))
        }
        switch DecisionStep(rawValue: request.field("step")) {
        case nil where request.field("step") == "reactions":
            refusal = try await store.openReactions(decision, now: request.now)
        case .deliberate?:
            refusal = try await store.deliberate(decision, by: me.personID, now: request.now).map { .lifecycle($0) }
        case .openVoting?:
            guard let day = CalendarDay.parse(request.field("ends_on")), let ends = CalendarDay.paris.date(byAdding: .day, value: 1, to: day) else {
                request.flash(catalog.text("decision.error.endsOn"))
                return request.seeOther(.decision(slug: community.slug, decision: decision.id!.uuidString))
            }
            refusal = try await store.openVoting(decision, until: ends, now: request.now)
        case .close?:
            // The conclusion is written after the count: the close stores one drawn from it.
            refusal = try await store.close(decision, statement: { prefilledStatement($0, catalog) },
                                            fallbackTitle: catalog.text("consent.fallbackTitle", [decision.title]), now: request.now)
        case nil: throw Abort(.badRequest)
        }
        switch refusal {
        case .lifecycle(let reason)?: request.flash(catalog.text("decision.refused", [reason.description]))
        case .rules(let reason)?: request.flash(catalog.text("decision.refused", [reason.description]))
        case .consentStage(let stage)?: request.flash(catalog.text("consent.error.step." + stage.rawValue))
        case nil where request.field("step") == "reactions": request.flash(catalog.text("consent.stepDone.reactions"))
        case nil: request.flash(catalog.text("decision.stepDone." + decision.phase))
        }
        return request.seeOther(.decision(slug: community.slug, decision: decision.id!.uuidString))
    }

    /// A ballot, from an elector, inside the window. What they filled in comes back with a
    /// French message when it does not hold; a secret ballot's receipt is shown once.
    @Sendable static func ballot(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let decision = try await request.decision()
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let store = DecisionStore(database: request.db)
        let keys = try await store.electorKeys(for: me.personID, in: decision)
        let asKey = request.field("as")
        guard let voterKey = keys.first(where: { asKey.isEmpty || $0.key == asKey })?.key else { throw Abort(.forbidden) }
        let back = SiteRoute.decision(slug: community.slug, decision: decision.id!.uuidString)
        let content: String
        switch BallotForm.read(request, decision: decision, catalog: catalog, recused: try await store.recusals(of: me.personID, in: decision)) {
        case .success(let json): content = json
        case .failure(let problem):
            request.flash(problem.message)
            request.session.data["ballot-draft"] = BallotForm.encodeDraft(request)
            return request.seeOther(back)
        }
        switch try await store.cast(content, in: decision, as: voterKey, receipt: request.field("receipt"), now: request.now) {
        case .stored(let receipt?, let hash): request.flash(catalog.text("ballot.storedSecret", [receipt, String(hash.prefix(16))]))
        case .stored(nil, let hash) where decision.secret: request.flash(catalog.text("ballot.changedSecret", [String(hash.prefix(16))]))
        case .stored(nil, _): request.flash(catalog.text("ballot.stored"))
        case .unchanged: request.flash(catalog.text("ballot.unchanged"))
        case .receiptNeeded: request.flash(catalog.text("ballot.receiptNeeded"))
        case .receiptNotYours: request.flash(catalog.text("ballot.receiptNotYours"))
        case .notAnElector: throw Abort(.forbidden)
        case .closed: request.flash(catalog.text("ballot.closed"))
        }
        return request.seeOther(back)
    }

    /// « Mon bulletin est compté, inchangé » : whoever holds a receipt learns whether the ballot
    /// it opens is in the log, at which row, with which fingerprint (the one shown when it was
    /// cast), how many times it was changed, and whether the log verifies — never the choice,
    /// since a receipt can be seen over a shoulder.
    @Sendable static func checkReceipt(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let decision = try await request.decision()
        let catalog = request.catalog
        let back = SiteRoute.decision(slug: community.slug, decision: decision.id!.uuidString)
        let receipt = ReceiptCode.normalized(request.field("receipt"))
        let log = try await DecisionStore(database: request.db).log(of: decision.id!)
        let key = DecisionStore.receiptKey(receipt)
        let versions = log.filter { $0.ballotKey == key }
        guard decision.secret, !receipt.isEmpty, let latest = versions.last else {
            request.flash(catalog.text("receiptCheck.unknown"))
            return request.seeOther(back)
        }
        let intact = DecisionStore.brokenRows(log).isEmpty
        request.flash(catalog.text("receiptCheck.found", [String(latest.position), String(latest.hash.prefix(16)), String(versions.count)])
            + " " + catalog.text(intact ? "receiptCheck.intact" : "receiptCheck.broken"))
        return request.seeOther(back)
    }

    // MARK: Governance

    struct GovernancePage: Encodable {
        var layout: PageLayout
        var version: Int
        var lines: [Fact]
        var history: [Version]
        var changeURL: String
        var methodChangeURL: String
        var canPropose: Bool
        struct Version: Encodable {
            var version: Int
            var date: String
            var origin: String
            var url: String?
        }
    }

    @Sendable static func governance(_ request: Request) async throws -> Response {
        let community = try await request.community()
        let viewer = try await Access.viewer(in: community, request)
        let catalog = request.catalog
        let store = DecisionStore(database: request.db)
        let rules = try await store.governance(of: community.id!)
        let history = try await store.history(of: community.id!).map { record in
            GovernancePage.Version(version: record.version, date: request.language.formatDate(record.createdAt),
                origin: record.decision.map { $0.title } ?? catalog.text("governance.template." + (record.template ?? "")),
                url: record.decision.map { SiteRoute.decision(slug: community.slug, decision: $0.id!.uuidString).path })
        }
        return try await request.render("decisions/governance", GovernancePage(
            layout: PageLayout(request, title: catalog.text("governance.title"), community: community, current: "decisions"),
            version: rules.version, lines: RulesForm.describe(rules, catalog), history: history,
            changeURL: SiteRoute.decisionNew(slug: community.slug, kind: DecisionKind.ruleChange.rawValue).path,
            methodChangeURL: SiteRoute.decisionNew(slug: community.slug, kind: DecisionKind.methodChange.rawValue).path,
            canPropose: Policy.allows(viewer, .proposeDecision)))
    }
}

extension Request {
    /// The decision named by `:decision`, only inside the path's community.
    func decision() async throws -> DecisionRecord { try await scoped("decision", in: \.$community) }
}
