import Foundation

/// A plain-text e-mail, rendered to RFC 5322 bytes: UTF-8 subject as RFC 2047 encoded words,
/// body in base64 so any French text survives every relay.
public struct MailMessage: Equatable, Sendable {
    public var from: String
    public var fromName: String
    public var to: String
    public var subject: String
    public var body: String
    public var date: Date
    public var messageID: String

    public init(from: String, fromName: String, to: String, subject: String, body: String, date: Date, messageID: String) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID
    }

    public func rendered() -> String {
        var lines = [
            "From: \(Self.encodedWords(fromName)) <\(from)>",
            "To: <\(to)>",
            "Subject: \(Self.encodedWords(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "Auto-Submitted: auto-generated",
            "",
        ]
        let encoded = Data(body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// ASCII text stays as it is; anything else becomes `=?UTF-8?B?…?=` words of at most 75
    /// characters, cut between characters (never inside one).
    public static func encodedWords(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy({ $0.isASCII && $0 != "=" && $0 != "?" }) { return clean }
        var words: [String] = []
        var chunk = ""
        for character in clean {
            let candidate = chunk + String(character)
            if Data(candidate.utf8).count > 45 {
                words.append(chunk)
                chunk = String(character)
            } else {
                chunk = candidate
            }
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// SMTP's DATA section: lines starting with a dot get a second one (RFC 5321 §4.5.2).
    public static func dotStuffed(_ rendered: String) -> String {
        rendered.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }
}

/// What a mail in the outbox is, for who may read what of it (finding F1).
public enum MailKind: String, CaseIterable, Codable, Sendable {
    /// Confirmation, password reset, « someone signed up with your address »: the body holds a
    /// personal link, shown to nobody but its recipient.
    case account
    /// One notification, about one community (or none).
    case notification
    /// The daily digest of a person's notifications, across communities.
    case digest

    /// Whether the instance's administrators may read the body on the outbox page (never when a
    /// relay delivers mail: then only the delivery status is shown).
    public var bodyShownToAdministrators: Bool { self != .account }
}

/// The kinds of events a person can be told about; later features add theirs here.
public enum NotificationKind: String, CaseIterable, Codable, Sendable {
    case membership
    case organisationClaim = "organisation_claim"
    case connection
    case proposal
    case answer
    case decision
    case event
}

/// How a person wants to hear about a kind of event. The digest is the default: peers' users
/// complain of too many notifications.
public enum NotificationFrequency: String, CaseIterable, Codable, Sendable {
    case immediately, digest, never
    public static let `default`: NotificationFrequency = .digest
}

/// What a recorded consent is for (quality S12).
public enum ConsentPurpose: String, CaseIterable, Codable, Sendable {
    /// The community's charter, accepted when joining.
    case charter
    /// Being contacted by other members about offers and needs.
    case contact
    /// Receiving e-mail about the community's life (notifications and digests).
    case email
    /// Having one's portrait recorded in an interview, with the visibility chosen then.
    case portrait
}

public enum ConsentChannel: String, CaseIterable, Codable, Sendable {
    case `self`, interviewer, paper
}
