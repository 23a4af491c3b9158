import Foundation

/// A published questionnaire version as the ODK ecosystem reads it (ODK Collect, Enketo,
/// KoboToolbox, ODK Central): one form, written both as an XLSForm (the spreadsheet field
/// teams edit and convert with `pyxform`) and as the XForm an OpenRosa client loads. Consent
/// comes first and is required; every other question is relevant only once it is « yes », so
/// a refusal ends the form. Skills are chosen from the community's vocabulary, filtered by
/// family, from an external choices file (`competences.csv`) rather than 13,000 inline items.
public struct ODKForm: Equatable, Sendable {
    public enum Control: String, Equatable, Sendable {
        case text
        case selectOne = "select_one"
        case selectMultiple = "select_multiple"
        /// A multiple choice over the external skills file.
        case skillsFromFile = "select_multiple_from_file"
        case note
        /// The device's configured user name (metadata, no question shown).
        case username
    }

    public struct Choice: Equatable, Sendable {
        /// The XLSForm choice name (no spaces), what the submission carries.
        public var name: String
        public var label: String
        /// What Terreau's own form posts for it.
        public var value: String

        public init(name: String, label: String, value: String) {
            self.name = name
            self.label = label
            self.value = value
        }
    }

    public enum Role: Equatable, Sendable {
        case consent, refusalNote, visibility, contact, interviewer
        /// Answers the questionnaire's question of this key.
        case question(String)
        /// The families that filter the skills question of this key.
        case skillFamilies(String)
        /// Skills typed in words, one per line, for the same key.
        case otherSkills(String)
    }

    public struct Field: Equatable, Sendable {
        public var name: String
        public var role: Role
        public var control: Control
        public var label: String
        public var hint: String
        public var required: Bool
        public var choices: [Choice]
        /// `multiline`, `autocomplete`…
        public var appearance: String
        /// Shown only once consent is given (everything but consent itself and the refusal note).
        public var relevant: Relevance

        public enum Relevance: Equatable, Sendable { case always, afterConsent, afterRefusal }
    }

    /// What the form's fixed parts say, in the community's language.
    public struct Wording: Sendable {
        public var consentQuestion: String
        public var refusalNote: String
        public var yes: String
        public var no: String
        public var visibility: String
        public var visibilities: [(value: String, label: String)]
        public var contact: String
        public var families: [(key: String, label: String)]
        public var familiesLabel: String
        public var otherSkills: String

        public init(consentQuestion: String, refusalNote: String, yes: String, no: String, visibility: String,
                    visibilities: [(value: String, label: String)], contact: String, families: [(key: String, label: String)],
                    familiesLabel: String, otherSkills: String) {
            self.consentQuestion = consentQuestion
            self.refusalNote = refusalNote
            self.yes = yes
            self.no = no
            self.visibility = visibility
            self.visibilities = visibilities
            self.contact = contact
            self.families = families
            self.familiesLabel = familiesLabel
            self.otherSkills = otherSkills
        }
    }

    public static let consentName = "consentement"
    public static let skillsFile = "competences.csv"
    public static let skillsInstance = "competences"
    /// The column of `competences.csv` the family filter reads.
    public static let familyColumn = "famille"

    public var formID: String
    public var version: Int
    public var title: String
    public var fields: [Field]

    public static func formID(community slug: String) -> String { "terreau-" + slug }

    /// - Parameter options: each question's choices as Terreau's form offers them (value,
    ///   label), for the choice kinds; the web layer labels them.
    public init(community slug: String, title: String, version: Int, questionnaire: Questionnaire,
                options: [String: [(value: String, label: String)]], wording: Wording) {
        formID = Self.formID(community: slug)
        self.version = version
        self.title = title
        var taken: Set<String> = []
        func unique(_ wanted: String) -> String {
            var name = Self.xmlName(wanted), suffix = 2
            while taken.contains(name) { name = Self.xmlName(wanted) + "_\(suffix)"; suffix += 1 }
            taken.insert(name)
            return name
        }
        for reserved in [Self.consentName, "fin", "visibilite", "contact", "enqueteur", "meta"] { taken.insert(reserved) }
        let yesNo = [Choice(name: "yes", label: wording.yes, value: "yes"), Choice(name: "no", label: wording.no, value: "no")]
        var fields = [
            Field(name: Self.consentName, role: .consent, control: .selectOne, label: questionnaire.consentText, hint: wording.consentQuestion,
                  required: true, choices: yesNo, appearance: "", relevant: .always),
            Field(name: "fin", role: .refusalNote, control: .note, label: wording.refusalNote, hint: "", required: false, choices: [],
                  appearance: "", relevant: .afterRefusal),
        ]
        for question in questionnaire.questions {
            let name = unique(question.key)
            let choices = Self.choices(options[question.key] ?? [])
            switch question.kind {
            case .shortText, .longText:
                fields.append(Field(name: name, role: .question(question.key), control: .text, label: question.label, hint: question.help,
                                    required: question.required, choices: [], appearance: question.kind == .longText ? "multiline" : "",
                                    relevant: .afterConsent))
            case .singleChoice, .yesNo, .scale:
                fields.append(Field(name: name, role: .question(question.key), control: .selectOne, label: question.label, hint: question.help,
                                    required: question.required, choices: choices,
                                    appearance: choices.count > 12 ? "autocomplete" : "", relevant: .afterConsent))
            case .multipleChoice, .availability:
                fields.append(Field(name: name, role: .question(question.key), control: .selectMultiple, label: question.label,
                                    hint: question.help, required: question.required, choices: choices, appearance: "", relevant: .afterConsent))
            case .skills:
                fields.append(Field(name: unique(question.key + "_famille"), role: .skillFamilies(question.key), control: .selectMultiple,
                                    label: wording.familiesLabel, hint: question.label, required: false,
                                    choices: wording.families.map { Choice(name: $0.key, label: $0.label, value: $0.key) }, appearance: "",
                                    relevant: .afterConsent))
                fields.append(Field(name: name, role: .question(question.key), control: .skillsFromFile, label: question.label,
                                    hint: question.help, required: false, choices: [], appearance: "autocomplete", relevant: .afterConsent))
                fields.append(Field(name: unique(question.key + "_autres"), role: .otherSkills(question.key), control: .text,
                                    label: wording.otherSkills, hint: "", required: false, choices: [], appearance: "multiline",
                                    relevant: .afterConsent))
            }
        }
        fields.append(Field(name: "visibilite", role: .visibility, control: .selectOne, label: wording.visibility, hint: "", required: true,
                            choices: wording.visibilities.map { Choice(name: $0.value, label: $0.label, value: $0.value) }, appearance: "",
                            relevant: .afterConsent))
        fields.append(Field(name: "contact", role: .contact, control: .selectOne, label: wording.contact, hint: "", required: false,
                            choices: yesNo, appearance: "", relevant: .afterConsent))
        fields.append(Field(name: "enqueteur", role: .interviewer, control: .username, label: "", hint: "", required: false, choices: [],
                            appearance: "", relevant: .always))
        self.fields = fields
    }

    /// Choice names hold no space (a multiple answer is the names separated by spaces): a value
    /// that is a valid name stays itself, others are numbered.
    static func choices(_ options: [(value: String, label: String)]) -> [Choice] {
        var seen: Set<String> = []
        return options.enumerated().map { offset, option in
            let usable = !option.value.isEmpty && option.value.count <= 64
                && option.value.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
            var name = usable ? option.value : "o\(offset + 1)"
            if !seen.insert(name).inserted { name = "o\(offset + 1)"; seen.insert(name) }
            return Choice(name: name, label: option.label, value: option.value)
        }
    }

    /// An XML element name (an XLSForm name): ASCII letters, digits, `_`, `-`, `.`, starting
    /// with a letter or `_`.
    static func xmlName(_ key: String) -> String {
        var name = String(key.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_-.".unicodeScalars.contains(scalar)) ? Character(scalar) : "_"
        })
        if let first = name.unicodeScalars.first, !(CharacterSet.letters.contains(first) || first == "_") { name = "q_" + name }
        return name.isEmpty ? "q" : String(name.prefix(60))
    }

    public func field(named name: String) -> Field? { fields.first { $0.name == name } }

    // MARK: XLSForm

    public struct Sheet: Equatable, Sendable {
        public var name: String
        public var rows: [[String]]
    }

    /// The `survey`, `choices` and `settings` sheets, as `pyxform` reads them.
    public var xlsForm: [Sheet] {
        var survey: [[String]] = [["type", "name", "label", "hint", "required", "relevant", "appearance", "choice_filter"]]
        var choices: [[String]] = [["list_name", "name", "label"]]
        for field in fields {
            var type = field.control.rawValue
            var filter = ""
            switch field.control {
            case .selectOne, .selectMultiple:
                type += " " + field.name
                for choice in field.choices { choices.append([field.name, choice.name, choice.label]) }
            case .skillsFromFile:
                type += " " + Self.skillsFile
                if let families = familiesField(of: field) { filter = "selected(${\(families.name)}, \(Self.familyColumn))" }
            default: break
            }
            let relevant: String
            switch field.relevant {
            case .always: relevant = ""
            case .afterConsent: relevant = "${\(Self.consentName)} = 'yes'"
            case .afterRefusal: relevant = "${\(Self.consentName)} = 'no'"
            }
            survey.append([type, field.name, field.label, field.hint, field.required ? "yes" : "", relevant, field.appearance, filter])
        }
        let settings = [["form_title", "form_id", "version"], [title, formID, String(version)]]
        return [Sheet(name: "survey", rows: survey), Sheet(name: "choices", rows: choices), Sheet(name: "settings", rows: settings)]
    }

    func familiesField(of skills: Field) -> Field? {
        guard case .question(let key) = skills.role else { return nil }
        return fields.first { $0.role == .skillFamilies(key) }
    }

    // MARK: XForm

    /// The XForm 1.0 document (ODK XForms specification): the primary instance with
    /// `meta/instanceID`, the external skills instance, one bind per field, the body's controls.
    public var xform: String {
        let esc = XMLNode.escape
        func path(_ name: String) -> String { "/data/" + name }
        var model = "      <instance>\n        <data id=\"\(esc(formID))\" version=\"\(version)\">\n"
        for field in fields { model += "          <\(field.name)/>\n" }
        model += "          <meta>\n            <instanceID/>\n          </meta>\n        </data>\n      </instance>\n"
        if fields.contains(where: { $0.control == .skillsFromFile }) {
            model += "      <instance id=\"\(Self.skillsInstance)\" src=\"jr://file-csv/\(Self.skillsFile)\"/>\n"
        }
        var body = ""
        for field in fields {
            var bind = "<bind nodeset=\"\(path(field.name))\" type=\"string\""
            if field.required { bind += " required=\"true()\"" }
            switch field.relevant {
            case .always: break
            case .afterConsent: bind += " relevant=\" \(path(Self.consentName)) = 'yes'\""
            case .afterRefusal: bind += " relevant=\" \(path(Self.consentName)) = 'no'\""
            }
            if field.control == .note { bind += " readonly=\"true()\"" }
            if field.control == .username { bind += " jr:preload=\"property\" jr:preloadParams=\"username\"" }
            model += "      " + bind + "/>\n"
            let appearance = field.appearance.isEmpty ? "" : " appearance=\"\(esc(field.appearance))\""
            let labels = "<label>\(esc(field.label))</label>" + (field.hint.isEmpty ? "" : "<hint>\(esc(field.hint))</hint>")
            switch field.control {
            case .text, .note:
                body += "    <input ref=\"\(path(field.name))\"\(appearance)>\(labels)</input>\n"
            case .selectOne, .selectMultiple:
                let tag = field.control == .selectOne ? "select1" : "select"
                body += "    <\(tag) ref=\"\(path(field.name))\"\(appearance)>\(labels)\n"
                for choice in field.choices {
                    body += "      <item><label>\(esc(choice.label))</label><value>\(esc(choice.name))</value></item>\n"
                }
                body += "    </\(tag)>\n"
            case .skillsFromFile:
                let filter = familiesField(of: field).map { "[selected( \(path($0.name)) , \(Self.familyColumn))]" } ?? ""
                body += "    <select ref=\"\(path(field.name))\"\(appearance)>\(labels)\n"
                body += "      <itemset nodeset=\"instance('\(Self.skillsInstance)')/root/item\(esc(filter))\"><value ref=\"name\"/><label ref=\"label\"/></itemset>\n"
                body += "    </select>\n"
            case .username: break
            }
        }
        model += "      <bind nodeset=\"/data/meta/instanceID\" type=\"string\" readonly=\"true()\" jr:preload=\"uid\"/>\n"
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" \
            xmlns:odk="http://www.opendatakit.org/xforms" xmlns:orx="http://openrosa.org/xforms">
              <h:head>
                <h:title>\(esc(title))</h:title>
                <model odk:xforms-version="1.0.0">

            """ + model + """
                </model>
              </h:head>
              <h:body>

            """ + body + """
              </h:body>
            </h:html>

            """
    }

    // MARK: Skills file

    /// `competences.csv`: one line per term the community may pick, with its family.
    public static func skillsCSV(_ terms: [(name: String, label: String, family: String)]) -> String {
        var out = "name,label,\(familyColumn)\r\n"
        for term in terms {
            out += CSV.cell(term.name, type: .string) + "," + CSV.cell(term.label, type: .string) + "," + CSV.cell(term.family, type: .string) + "\r\n"
        }
        return out
    }

    // MARK: Reading a submission

    /// A filled form, read back in Terreau's terms.
    public struct Answers: Equatable, Sendable {
        public var formID: String
        public var version: Int?
        /// Without its `uuid:` prefix.
        public var instanceID: String
        /// nil: the consent question was not answered.
        public var consent: Bool?
        public var visibility: String
        public var contact: Bool
        public var interviewer: String
        /// Per question key, what Terreau's own form would have posted.
        public var typed: [String: [String]]
    }

    public enum ReadProblem: Error, Equatable, Sendable {
        case notAForm
        case missingInstanceID
        case otherForm(String)
    }

    /// The submitted instance document's top-level values, by element name (the form is flat;
    /// `meta/instanceID` is read from its group).
    public struct Submitted: Equatable, Sendable {
        /// The questionnaire version the phone filled (nil: not said).
        public var version: Int?
        public var instanceID: String
        public var values: [String: String]
    }

    public static func read(instance: XMLNode, expectedFormID: String) -> Result<Submitted, ReadProblem> {
        guard let id = instance.attributes["id"] else { return .failure(.notAForm) }
        guard id == expectedFormID else { return .failure(.otherForm(id)) }
        let raw = instance.child("meta")?.child("instanceID")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let instanceID = raw.hasPrefix("uuid:") ? String(raw.dropFirst(5)) : raw
        guard (8...80).contains(instanceID.count), instanceID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            return .failure(.missingInstanceID)
        }
        var values: [String: String] = [:]
        for child in instance.children where child.children.isEmpty { values[child.name] = child.text }
        return .success(Submitted(version: instance.attributes["version"].flatMap { Int($0) }, instanceID: instanceID, values: values))
    }

    /// Maps the values of a filled form (by field name, multiple answers separated by spaces) to
    /// what Terreau's interview form posts. `skillLabel` names a term of the skills file.
    public func answers(_ values: [String: String], formID: String, version: Int?, instanceID: String,
                        skillLabel: (String) -> String?) -> Answers {
        var result = Answers(formID: formID, version: version, instanceID: instanceID, consent: nil, visibility: "", contact: false,
                             interviewer: "", typed: [:])
        for field in fields {
            let raw = (values[field.name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let names = raw.split(whereSeparator: \.isWhitespace).map(String.init)
            func value(_ name: String) -> String { field.choices.first { $0.name == name }?.value ?? name }
            switch field.role {
            case .consent: result.consent = raw.isEmpty ? nil : raw == "yes"
            case .visibility: result.visibility = value(raw)
            case .contact: result.contact = raw == "yes"
            case .interviewer: result.interviewer = raw
            case .refusalNote, .skillFamilies: break
            case .question(let key):
                switch field.control {
                case .selectOne, .selectMultiple: result.typed[key, default: []] += names.map(value)
                case .skillsFromFile: result.typed[key, default: []] += names.map { skillLabel($0) ?? $0 }
                default: if !raw.isEmpty { result.typed[key, default: []].append(raw) }
                }
            case .otherSkills(let key):
                result.typed[key, default: []] += raw.formLines
            }
        }
        return result
    }
}

/// An interviewer's app password: what they type into ODK Collect, separate from their account.
public enum AppPassword {
    /// `karim.benali`: the display name folded to ASCII letters, digits and dots.
    public static func username(displayName: String) -> String {
        let folded = displayName.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR")).lowercased()
        let words = folded.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }.prefix(3)
        let name = words.joined(separator: ".")
        return name.isEmpty ? "enqueteur" : String(name.prefix(40))
    }

    /// 20 characters from an alphabet without look-alikes (about 100 bits), in groups of five
    /// to type on a phone.
    public static func generate() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        let characters = (0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] }
        return stride(from: 0, to: 20, by: 5).map { String(characters[$0..<($0 + 5)]) }.joined(separator: "-")
    }

    /// The skills file's family of a vocabulary term (the choice that filters the list).
    public static func family(source: String, conceptType: String) -> String? {
        switch (source, conceptType) {
        case ("everyday", _): return "quotidien"
        case ("proposed", _): return "communaute"
        case (_, "knowledge"): return "connaissances"
        case (_, "skill"): return "savoir-faire"
        default: return nil
        }
    }

    public static let families = ["quotidien", "savoir-faire", "connaissances", "communaute"]
}

/// A CSV export of submissions to Terreau's form, as KoboToolbox (`;`-separated, `_uuid`,
/// `_submission_time`, group paths with `/`) and ODK Central (`,`-separated, `meta-instanceID`,
/// `SubmissionDate`, group paths with `-`) write it: one row per filled form, its values by
/// field name, with the line it starts on.
public enum ODKExport {
    public struct Row: Equatable, Sendable {
        public var line: Int
        public var instanceID: String
        /// When the interview began (`start`), else when it was received.
        public var moment: Date?
        /// The device's user name (`enqueteur`), else the account that sent it.
        public var interviewer: String
        public var values: [String: String]
    }

    public enum Problem: Error, Equatable, Sendable {
        case empty
        case unreadable(CSVError)
        case noInstanceColumn
        case missingInstanceID(line: Int)
        case duplicate(line: Int, firstLine: Int)
        case badMoment(line: Int, value: String)
        case wrongWidth(line: Int)
    }

    static let instanceColumns = ["meta-instanceID", "meta/instanceID", "instanceID", "KEY", "_uuid"]
    static let momentColumns = ["start", "SubmissionDate", "_submission_time", "end"]
    static let interviewerColumns = ["enqueteur", "SubmitterName", "_submitted_by", "username"]

    public static func rows(_ text: String) throws(Problem) -> [Row] {
        guard let header = text.split(whereSeparator: \.isNewline).first else { throw .empty }
        // Kobo's default export is `;`-separated: the header tells, by its count of each.
        let separator: Character = header.filter { $0 == ";" }.count > header.filter { $0 == "," }.count ? ";" : ","
        let records: [CSVRecord]
        do { records = try CSVReader(separator: separator).records(in: text) } catch { throw .unreadable(error) }
        guard let names = records.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) else { throw .empty }
        func column(_ candidates: [String]) -> Int? { candidates.lazy.compactMap { names.firstIndex(of: $0) }.first }
        guard let instanceColumn = column(instanceColumns) else { throw .noInstanceColumn }
        let momentColumn = column(momentColumns), interviewerColumn = column(interviewerColumns)
        // A field inside a group is written with its path: its own name is the last part.
        let fieldNames = names.map { name -> String in
            if instanceColumns.contains(name) { return name }
            return name.split(separator: "/").last.map(String.init) ?? name
        }
        var rows: [Row] = [], seen: [String: Int] = [:]
        for record in records.dropFirst() where !(record.fields.count == 1 && record.fields[0].isEmpty) {
            guard record.fields.count == names.count else { throw .wrongWidth(line: record.line) }
            var id = record.fields[instanceColumn].trimmingCharacters(in: .whitespaces)
            if id.hasPrefix("uuid:") { id = String(id.dropFirst(5)) }
            guard (8...80).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw .missingInstanceID(line: record.line)
            }
            if let first = seen[id.lowercased()] { throw .duplicate(line: record.line, firstLine: first) }
            seen[id.lowercased()] = record.line
            var moment: Date?
            if let momentColumn, !record.fields[momentColumn].isEmpty {
                guard let parsed = parseMoment(record.fields[momentColumn]) else { throw .badMoment(line: record.line, value: record.fields[momentColumn]) }
                moment = parsed
            }
            var values: [String: String] = [:]
            for (index, name) in fieldNames.enumerated() where values[name] == nil { values[name] = record.fields[index] }
            rows.append(Row(line: record.line, instanceID: id, moment: moment,
                            interviewer: interviewerColumn.map { record.fields[$0].trimmingCharacters(in: .whitespaces) } ?? "", values: values))
        }
        guard !rows.isEmpty else { throw .empty }
        return rows
    }

    /// ISO 8601 with or without fractional seconds (`2026-11-03T10:12:00.000+01:00`, `…Z`).
    static func parseMoment(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: trimmed) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        // Kobo's `_submission_time` names no zone: it is UTC.
        return fractional.date(from: trimmed) ?? plain.date(from: trimmed + "Z") ?? fractional.date(from: trimmed + "Z")
    }
}
