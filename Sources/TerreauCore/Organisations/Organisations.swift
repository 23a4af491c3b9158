import Foundation

public enum OrganisationKind: String, CaseIterable, Codable, Sendable {
    case association, company
    case publicBody = "public_body"
    case collective
}

/// A member's role inside an organisation; admins decide on claims and may act as it.
public enum OrganisationRole: String, CaseIterable, Codable, Sendable {
    case admin, member
}

public enum OrganisationIdentifier {
    /// RNA number: `W` followed by 9 digits (the register's own id, also called « numéro waldec »).
    public static func rna(_ raw: String) -> String? {
        let value = raw.trimmingCharacters(in: .whitespaces).uppercased()
        guard value.count == 10, value.first == "W", value.dropFirst().allSatisfy(\.isASCIIDigit) else { return nil }
        return value
    }

    /// SIREN: 9 digits whose Luhn checksum is valid (spaces accepted as typed on documents).
    /// La Poste's SIREN 356 000 000 is the one documented exception to the rule.
    public static func siren(_ raw: String) -> String? {
        let value = raw.filter { !$0.isWhitespace }
        guard value.count == 9, value.allSatisfy(\.isASCIIDigit) else { return nil }
        if value == "356000000" { return value }
        return luhnValid(value) ? value : nil
    }

    public static func luhnValid(_ digits: String) -> Bool {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            guard var digit = character.wholeNumberValue else { return false }
            if index % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The families of the register's « objet social » nomenclature, keyed by the code's first three
/// digits (`006030` → `006`: culture). Codes outside the list keep their code and land in
/// « autre ».
public enum SocialObjectTheme {
    public static let families: [String: String] = [
        "001": "politique", "002": "reflexion", "003": "droits", "004": "justice",
        "005": "information", "006": "culture", "007": "loisirs", "008": "socioculturel",
        "009": "patrimoine", "011": "sport", "013": "chasse-peche", "014": "entraide",
        "015": "education", "016": "recherche", "017": "sante", "018": "medico-social",
        "019": "social", "020": "solidarite", "021": "famille", "022": "economie",
        "023": "interets-economiques", "024": "environnement", "025": "armee", "026": "tourisme",
        "027": "securite", "030": "religion", "032": "international",
    ]

    /// `nil` for the register's « none » (`000000`) and for empty fields.
    public static func theme(forCode code: String) -> String? {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed != "000000" else { return nil }
        return families[String(trimmed.prefix(3))] ?? "autre"
    }
}
