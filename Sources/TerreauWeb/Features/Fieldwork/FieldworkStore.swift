import Crypto
import Fluent
import Foundation
import SQLKit
import TerreauCore

/// Reads and writes the fieldwork: questionnaire versions, campaigns and their targets,
/// interviewers and assignments, interviews with their consent and claim code, staff reads.
struct FieldworkStore {
    let database: any Database

    // MARK: Questionnaire

    func versions(of community: UUID) async throws -> [QuestionnaireVersionRecord] {
        try await QuestionnaireVersionRecord.query(on: database).filter(\.$community.$id == community)
            .filter(\.$status == "published").sort(\.$number).with(\.$publishedBy).all()
    }

    func inForce(_ community: UUID) async throws -> QuestionnaireVersionRecord? {
        try await QuestionnaireVersionRecord.query(on: database).filter(\.$community.$id == community)
            .filter(\.$status == "published").sort(\.$number, .descending).first()
    }

    /// A published version by number; nil asks for the version in force.
    func published(_ number: Int?, of community: UUID) async throws -> QuestionnaireVersionRecord? {
        guard let number else { return try await inForce(community) }
        return try await QuestionnaireVersionRecord.query(on: database).filter(\.$community.$id == community)
            .filter(\.$status == "published").filter(\.$number == number).first()
    }

    /// The draft, started from the version in force (or from `starter` the first time).
    func draft(of community: UUID, starter: @autoclosure () -> Questionnaire, by person: UUID?, now: Date) async throws -> QuestionnaireVersionRecord {
        if let draft = try await QuestionnaireVersionRecord.query(on: database).filter(\.$community.$id == community)
            .filter(\.$status == "draft").first() { return draft }
        let current = try await inForce(community)
        let draft = QuestionnaireVersionRecord()
        draft.$community.id = community
        draft.number = (current?.number ?? 0) + 1
        draft.status = "draft"
        draft.content = current?.content ?? QuestionnaireVersionRecord.encode(starter())
        draft.note = ""
        draft.$editedBy.id = person
        draft.updatedAt = now
        try await draft.create(on: database)
        return draft
    }

    /// Publishing is one recorded act: the draft becomes the version in force, with its note.
    /// The method's debate is a proposal, opened with the first version; each later version
    /// becomes a new version of its text, so its followers hear of it.
    func publish(_ draft: QuestionnaireVersionRecord, note: String, debateTitle: String, debateText: String, by person: UUID, now: Date) async throws {
        try await database.writing { database in
            let proposals = ProposalStore(database: database)
            let previous = try await FieldworkStore(database: database).inForce(draft.$community.id)
            if let id = previous?.$debate.id, let proposal = try await ProposalRecord.find(id, on: database) {
                try await proposals.edit(proposal, title: debateTitle, summary: debateText, expectedVersion: proposal.version, by: person, now: now)
                draft.$debate.id = id
            } else {
                let proposal = try await proposals.create(.init(title: debateTitle, summary: debateText, themes: ["autre"], communeCode: nil,
                    organisation: nil, coauthors: [], needs: []), community: draft.$community.id, author: person, now: now)
                draft.$debate.id = proposal.id
            }
            draft.status = "published"
            draft.note = note
            draft.publishedAt = now
            draft.$publishedBy.id = person
            try await draft.update(on: database)
            try await JournalStore(database: database).append(community: draft.$community.id, .published, .questionnaire, id: draft.id,
                                                              summary: "v\(draft.number)", now: now)
        }
    }

    // MARK: Campaigns

    func campaigns(of community: UUID) async throws -> [CampaignRecord] {
        try await CampaignRecord.query(on: database).filter(\.$community.$id == community).sort(\.$firstDay, .descending).all()
    }

    func targets(of campaign: UUID) async throws -> [String: Int] {
        Dictionary(try await CampaignTargetRecord.query(on: database).filter(\.$campaign.$id == campaign).all().map { ($0.place, $0.target) },
                   uniquingKeysWith: { first, _ in first })
    }

    func createCampaign(_ campaign: CampaignRecord, targets: [String: Int]) async throws {
        try await database.writing { database in
            try await campaign.create(on: database)
            try await JournalStore(database: database).append(community: campaign.$community.id, .opened, .campaign, id: campaign.id,
                                                              summary: campaign.name, now: campaign.createdAt)
            for (place, target) in targets.sorted(by: { $0.key < $1.key }) {
                let row = CampaignTargetRecord()
                row.$campaign.id = campaign.id!
                row.place = place
                row.target = target
                try await row.create(on: database)
            }
        }
    }

    // MARK: Interviewers

    func interviewer(_ person: UUID, in community: UUID) async throws -> InterviewerRecord? {
        try await InterviewerRecord.query(on: database).filter(\.$community.$id == community).filter(\.$person.$id == person).first()
    }

    func assignments(of interviewer: UUID) async throws -> [AssignmentRecord] {
        try await AssignmentRecord.query(on: database).filter(\.$interviewer.$id == interviewer).with(\.$campaign)
            .sort(\.$firstDay, .descending).all()
    }

    /// The person's assignments running today in this community.
    func runningAssignments(of person: UUID, in community: UUID, at now: Date) async throws -> [AssignmentRecord] {
        guard let interviewer = try await interviewer(person, in: community) else { return [] }
        return try await assignments(of: interviewer.id!).filter { $0.range.contains(now) }
    }

    // MARK: Interviews

    struct NewInterview {
        var community: UUID
        var campaign: UUID?
        var assignment: UUID?
        var interviewer: UUID
        var version: Int
        var channel: ConsentChannel
        var formNumber: String?
        var idempotencyKey: String
        var displayName: String
        var language: String
        var portrait: InventoryStore.Draft
        var survey: [String: String]
        var contactConsent: Bool
        var claimCode: String
    }

    enum Recorded {
        case created(InterviewRecord)
        /// The same key was sent before: nothing new is written.
        case alreadyRecorded(InterviewRecord)
        /// A paper form with this number was keyed in already.
        case formNumberTaken
    }

    /// One transaction: the resident (a person without an account), their portrait, their
    /// consents (quality S12), the interview and the claim code's hash. A resend with the same
    /// key returns the first interview (the unique key settles a race between two resends).
    func record(_ new: NewInterview, summary: String, now: Date) async throws -> Recorded {
        if let existing = try await interview(key: new.idempotencyKey, in: new.community) { return .alreadyRecorded(existing) }
        if let number = new.formNumber, try await InterviewRecord.query(on: database).filter(\.$community.$id == new.community)
            .filter(\.$formNumber == number).first() != nil { return .formNumberTaken }
        do {
            let interview = try await database.writing { database -> InterviewRecord in
                let person = PersonRecord(displayName: new.displayName, language: new.language, createdAt: now)
                person.profileVisibility = new.portrait.values[InventoryField.visibility.rawValue] ?? Visibility.members.rawValue
                try await person.create(on: database)
                var draft = new.portrait
                draft.person = person.id
                draft.enteredInInterview = true
                let item = try await InventoryStore(database: database).create(draft, community: new.community, author: new.interviewer,
                    summary: summary, now: now)
                let consents = ConsentStore(database: database)
                let version = "questionnaire-v\(new.version)"
                try await consents.record(person: person.id!, purpose: .portrait, version: version, channel: new.channel, community: new.community,
                    recordedBy: new.interviewer, at: now)
                if new.contactConsent {
                    try await consents.record(person: person.id!, purpose: .contact, version: version, channel: new.channel,
                        community: new.community, recordedBy: new.interviewer, at: now)
                }
                let interview = InterviewRecord()
                interview.$community.id = new.community
                interview.$campaign.id = new.campaign
                interview.$assignment.id = new.assignment
                interview.$person.id = person.id!
                interview.$interviewer.id = new.interviewer
                interview.$item.id = item.id
                interview.questionnaireVersion = new.version
                interview.channel = new.channel.rawValue
                interview.formNumber = new.formNumber
                interview.idempotencyKey = new.idempotencyKey
                interview.answers = Self.encode(new.survey)
                interview.communeCode = item.communeCode
                interview.neighbourhood = item.neighbourhood
                interview.recordedAt = now
                try await interview.create(on: database)
                let claim = PortraitClaimRecord()
                claim.$person.id = person.id!
                claim.codeHash = Self.hash(code: new.claimCode)
                claim.createdAt = now
                try await claim.create(on: database)
                return interview
            }
            return .created(interview)
        } catch {
            // Another copy of the same send won the race: answer with its interview.
            guard (error as? any DatabaseError)?.isConstraintFailure == true else { throw error }
            if let existing = try await interview(key: new.idempotencyKey, in: new.community) { return .alreadyRecorded(existing) }
            if new.formNumber != nil { return .formNumberTaken }
            throw error
        }
    }

    func interview(key: String, in community: UUID) async throws -> InterviewRecord? {
        try await InterviewRecord.query(on: database).filter(\.$community.$id == community).filter(\.$idempotencyKey == key).first()
    }

    static func encode(_ answers: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(answers)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decode(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    // MARK: Claims

    static func hash(code compact: String) -> String {
        SHA256.hash(data: Data(("claim:" + compact).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The person a code was given to, while it still works.
    func claimant(code compact: String) async throws -> PortraitClaimRecord? {
        try await PortraitClaimRecord.query(on: database).filter(\.$codeHash == Self.hash(code: compact)).first()
    }

    /// The resident's account takes the portrait over: the portrait, its consents and the
    /// interview move to the signed-in person, the code stops working, and the person the
    /// interview had made is erased.
    func takeOver(from resident: UUID, to person: UUID) async throws {
        try await database.writing { database in
            let sql = database as! any SQLDatabase
            for table in [InventoryItemRecord.schema, ConsentRecord.schema, InterviewRecord.schema, StaffReadRecord.schema] {
                let column = table == StaffReadRecord.schema ? "subject_id" : "person_id"
                try await sql.raw("UPDATE \(ident: table) SET \(ident: column) = \(bind: person) WHERE \(ident: column) = \(bind: resident)").run()
            }
            try await PortraitClaimRecord.query(on: database).filter(\.$person.$id == resident).delete()
            try await PersonRecord.query(on: database).filter(\.$id == resident).delete()
        }
    }

    // MARK: Staff reads (quality S16)

    func logRead(community: UUID, reader: UUID, subject: UUID, what: String, now: Date) async throws {
        let row = StaffReadRecord()
        row.$community.id = community
        row.$reader.id = reader
        row.$subject.id = subject
        row.what = what
        row.readAt = now
        try await row.create(on: database)
    }
}
