import Foundation

/// What is wrong with an input file, precisely enough for a person to fix it: the file, the line
/// (and column when known) and a French sentence saying what was expected.
public struct ImportIssue: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ", ligne \(line)" }
        if let column { place += ", colonne « \(column) »" }
        return "\(place) : \(message)"
    }
}

/// A failed import: every issue found (up to a cap, so a wholly wrong file stays readable).
public struct ImportFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public static let maximumReported = 50
    public var issues: [ImportIssue]
    public var truncated: Bool

    public init(issues: [ImportIssue], truncated: Bool = false) {
        self.issues = issues
        self.truncated = truncated
    }

    public var description: String {
        var lines = issues.map(\.description)
        if truncated { lines.append("… d'autres erreurs ont été trouvées ; corrigez celles-ci d'abord.") }
        return lines.joined(separator: "\n")
    }
}

/// Collects issues while a file is read, and stops collecting past the cap.
struct IssueCollector {
    private(set) var issues: [ImportIssue] = []
    private(set) var truncated = false

    mutating func add(file: String, line: Int, column: String, _ message: String) {
        add(ImportIssue(file: file, line: line, column: column, message: message))
    }

    mutating func add(_ issue: ImportIssue) {
        if issues.count < ImportFailure.maximumReported { issues.append(issue) } else { truncated = true }
    }

    func throwIfAny() throws(ImportFailure) {
        if !issues.isEmpty { throw ImportFailure(issues: issues, truncated: truncated) }
    }
}
