import Foundation

/// What is wrong with one submitted field. The web layer turns it into a French or English
/// sentence naming the field and, for lengths and numbers, the limit.
public enum InventoryFieldError: Equatable, Sendable {
    case required
    case tooLong(max: Int)
    case notAChoice
    case notANumber(ClosedRange<Int>)
    case unknownPlace
    /// A neighbourhood that does not cover the commune given with it.
    case outsideCommune
    /// Vocabulary labels that match no term (the person may propose them).
    case unknownSkills([String])
}

/// Checks a submitted record against its kind's fields. Pure: the community's communes and
/// areas are passed in; skills are resolved against the vocabulary by the caller.
public struct InventoryForm: Sendable {
    public var kind: InventoryKind
    public var communes: Set<String>
    public var neighbourhoods: Set<String>
    /// The communes each neighbourhood covers (a drawn one: those it touches), by its key.
    public var neighbourhoodCommunes: [String: Set<String>]

    public init(kind: InventoryKind, communes: Set<String>, neighbourhoods: Set<String>, neighbourhoodCommunes: [String: Set<String>] = [:]) {
        self.kind = kind
        self.communes = communes
        self.neighbourhoods = neighbourhoods
        self.neighbourhoodCommunes = neighbourhoodCommunes
    }

    public struct Outcome: Equatable, Sendable {
        /// Every field of the kind, normalised (trimmed, multi-values sorted), even when invalid:
        /// the form shows them back as typed (quality R8).
        public var values: [InventoryField: String]
        public var errors: [InventoryField: InventoryFieldError]
        public var isValid: Bool { errors.isEmpty }
    }

    public func check(_ submitted: [String: String]) -> Outcome {
        var values: [InventoryField: String] = [:]
        var errors: [InventoryField: InventoryFieldError] = [:]
        for field in kind.fields {
            let raw = (submitted[field.rawValue] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
            var value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if field == .visibility && value.isEmpty { value = kind.defaultVisibility.rawValue }
            switch field.input {
            case .line(let max):
                value = value.replacingOccurrences(of: "\n", with: " ")
                if value.count > max { errors[field] = .tooLong(max: max) }
            case .text(let max):
                if value.count > max { errors[field] = .tooLong(max: max) }
            case .choice(let keys):
                if !value.isEmpty && !keys.contains(value) { errors[field] = .notAChoice }
            case .multiChoice(let keys):
                let chosen = Self.words(value)
                if !chosen.allSatisfy(keys.contains) { errors[field] = .notAChoice }
                value = keys.filter(chosen.contains).joined(separator: " ")
            case .place:
                let known = field == .commune ? communes : neighbourhoods
                if !value.isEmpty && !known.contains(value) { errors[field] = .unknownPlace }
            case .skills:
                var seen = Set<String>()
                let lines = value.split(whereSeparator: { $0 == "\n" || $0 == ";" })
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && seen.insert(SearchText.fold($0)).inserted }
                value = lines.joined(separator: "\n")
                if lines.contains(where: { $0.count > 200 }) || lines.count > 40 { errors[field] = .tooLong(max: 200) }
            case .number(let range):
                if !value.isEmpty {
                    if let number = Int(value), range.contains(number) { value = String(number) } else { errors[field] = .notANumber(range) }
                }
            case .yesNo:
                if !["", "yes", "no"].contains(value) { errors[field] = .notAChoice }
            case .availability:
                let chosen = Self.words(value)
                let allowed = Set(Availability.slots + [Availability.occasionally])
                if !chosen.allSatisfy(allowed.contains) { errors[field] = .notAChoice }
                value = chosen.contains(Availability.occasionally)
                    ? Availability.occasionally : Availability.slots.filter(chosen.contains).joined(separator: " ")
            }
            if field.isRequired && value.isEmpty && errors[field] == nil { errors[field] = .required }
            values[field] = value
        }
        // A record's neighbourhood covers its commune (integrity issue: a Grenoble neighbourhood
        // held records of other communes, and the figures of the two disagreed).
        if let commune = values[.commune], !commune.isEmpty, let area = values[.neighbourhood], !area.isEmpty,
            errors[.commune] == nil, errors[.neighbourhood] == nil, let covered = neighbourhoodCommunes[area], !covered.contains(commune) {
            errors[.neighbourhood] = .outsideCommune
        }
        return Outcome(values: values, errors: errors)
    }

    static func words(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" }).map(String.init))
    }
}

/// One field that differs between two versions of a record.
public struct FieldChange: Codable, Equatable, Sendable {
    public var field: String
    public var before: String
    public var after: String

    public init(field: String, before: String, after: String) {
        self.field = field
        self.before = before
        self.after = after
    }
}

public enum Revisions {
    /// Field-by-field differences from `old` to `new`, in the kind's field order. A field absent
    /// on one side counts as empty.
    public static func diff(_ old: [String: String], _ new: [String: String], order: [InventoryField]) -> [FieldChange] {
        let known = order.map(\.rawValue)
        let extra = Set(old.keys).union(new.keys).subtracting(known).sorted()
        return (known + extra).compactMap { field in
            let before = old[field] ?? "", after = new[field] ?? ""
            return before == after ? nil : FieldChange(field: field, before: before, after: after)
        }
    }

    /// Quality R9: someone saves a form opened at one version while another save happened.
    /// Returns the fields the other person changed that this person also changed differently —
    /// the ones to show side by side. Fields only one of them touched merge silently.
    public static func conflicts(base: [String: String], theirs: [String: String], mine: [String: String]) -> [String] {
        Set(base.keys).union(theirs.keys).union(mine.keys).sorted().filter { field in
            let b = base[field] ?? "", t = theirs[field] ?? "", m = mine[field] ?? ""
            return t != b && m != b && m != t
        }
    }

    /// The three-way merge when nothing conflicts: each field takes whichever side changed it.
    public static func merge(base: [String: String], theirs: [String: String], mine: [String: String]) -> [String: String] {
        var merged = theirs
        for (field, value) in mine where value != (base[field] ?? "") { merged[field] = value }
        return merged
    }
}

/// Who may change an inventory record, beyond the route's "is a member" check.
public enum InventoryPolicy {
    public struct Relation: Equatable, Sendable {
        /// The portrait is about them.
        public var isSubject = false
        /// They created the record (an interviewer entering a portrait, a member posting a need).
        public var isCreator = false
        /// They administer the organisation the record belongs to.
        public var isOrganisationAdmin = false
        public init(isSubject: Bool = false, isCreator: Bool = false, isOrganisationAdmin: Bool = false) {
            self.isSubject = isSubject
            self.isCreator = isCreator
            self.isOrganisationAdmin = isOrganisationAdmin
        }
    }

    /// Portraits belong to their person; organisation records to the organisation's admins; places,
    /// equipment, offers and needs are co-authored by every member. Coordinators may edit anything.
    public static func canEdit(_ kind: InventoryKind, viewer: Viewer, _ relation: Relation) -> Bool {
        guard viewer.isMember else { return false }
        if viewer.roles.contains(.coordinator) { return true }
        switch kind {
        case .portrait: return relation.isSubject || relation.isCreator
        case .organisation: return relation.isOrganisationAdmin || relation.isCreator
        case .place, .equipment, .offer, .need: return true
        }
    }

    /// Undoing a change: its author, the record's creator, or a coordinator — and only someone who
    /// may edit the record at all.
    public static func canRevert(_ kind: InventoryKind, viewer: Viewer, _ relation: Relation, isRevisionAuthor: Bool) -> Bool {
        guard canEdit(kind, viewer: viewer, relation) else { return false }
        return isRevisionAuthor || relation.isCreator || viewer.roles.contains(.coordinator)
    }

    /// The visibilities a viewer may list (their own records are added by the query). One rule
    /// for lists, search, facets, term pages and suggestions (quality S6).
    public static func listable(by viewer: Viewer) -> [Visibility] {
        Visibility.allCases.filter { Policy.canSee(viewer, $0) }
    }
}

/// What to do with a stored record whose neighbourhood does not cover its commune (saved
/// before the form checked it): move it to the one neighbourhood that covers the commune, or
/// leave the neighbourhood blank when none or several do — the commune, typed by a person, is
/// kept. Nil when the record is coherent.
public enum PlaceRepair: Equatable, Sendable {
    case move(to: String)
    case clear

    public static func needed(commune: String?, neighbourhood: String?, neighbourhoodCommunes: [String: Set<String>]) -> PlaceRepair? {
        guard let neighbourhood, !neighbourhood.isEmpty else { return nil }
        guard let covered = neighbourhoodCommunes[neighbourhood] else { return .clear }
        guard let commune, !commune.isEmpty, !covered.contains(commune) else { return nil }
        let candidates = neighbourhoodCommunes.filter { $0.value.contains(commune) }.map(\.key)
        return candidates.count == 1 ? .move(to: candidates[0]) : .clear
    }
}
