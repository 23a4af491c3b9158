import Foundation

/// What a binary says of itself (`terreau --version`): the version written in the source, and the
/// commit and build details that `scripts/package` writes beside `Resources/` as `BUILD-INFO`
/// (`key=value` lines). A binary built from a checkout has no such file and says so.
public struct BuildInfo: Sendable, Equatable {
    /// Raised at each release, together with a new upgrade fixture (`Tests/Fixtures/upgrade/`).
    public static let version = "0.4.0"

    public var version: String
    public var commit: String?
    public var built: String?
    public var configuration: String?

    public init(version: String = BuildInfo.version, commit: String? = nil, built: String? = nil, configuration: String? = nil) {
        self.version = version
        self.commit = commit
        self.built = built
        self.configuration = configuration
    }

    /// Reads a `BUILD-INFO` text; unknown keys and malformed lines are ignored (an older or newer
    /// packaging script must not stop the binary from starting). The version in the file wins:
    /// it is the one the package was published as.
    public init(buildInfoText text: String) {
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if !key.isEmpty, !value.isEmpty { values[key] = value }
        }
        self.init(version: values["version"] ?? BuildInfo.version, commit: values["commit"], built: values["built"],
                  configuration: values["configuration"])
    }

    /// One line, as `terreau --version` prints it.
    public var line: String {
        var parts = ["terreau \(version)"]
        parts.append("commit \(commit ?? "inconnu (construit depuis les sources, sans scripts/package)")")
        if let configuration { parts.append(configuration) }
        if let built { parts.append("construit le \(built)") }
        return parts.joined(separator: " · ")
    }
}
