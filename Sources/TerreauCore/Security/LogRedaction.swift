import Foundation

/// What the logs may say of a request's path (quality S15): secrets travel in some paths — the
/// reset and confirmation links' tokens — so any segment that looks like one is masked. Record
/// ids (UUIDs) and words stay readable.
public enum LogRedaction {
    public static let mask = "[masqué]"

    public static func path(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            looksSecret(segment) ? mask : String(segment.prefix(80))
        }.joined(separator: "/")
    }

    /// Sixteen or more URL-safe characters that are not a UUID: our tokens are 43.
    static func looksSecret(_ segment: Substring) -> Bool {
        guard segment.count >= 16, UUID(uuidString: String(segment)) == nil else { return false }
        return segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "%") }
            && segment.contains(where: \.isNumber)
    }
}
