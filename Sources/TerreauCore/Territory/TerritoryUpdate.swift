import Foundation

/// What importing some départements again does to the reference territory and to the communes
/// communities use (operations issue: importing 93 after 38 once erased Isère). Pure: the store
/// reads what is there, asks for the plan, refuses or writes.
public struct TerritoryUpdate: Equatable, Sendable {
    /// A commune a community uses.
    public struct Use: Equatable, Sendable {
        public var community: String
        public var code: String
        public init(community: String, code: String) {
            self.community = community
            self.code = code
        }
    }

    /// A used commune that left the code, followed through the merger history to the commune it joined.
    public struct Mapping: Equatable, Sendable {
        public var use: Use
        public var currentCode: String
    }

    /// Current communes of the imported départements that were not there before.
    public var added: [String]
    /// Current communes of the imported départements that the new files no longer have.
    public var removed: [String]
    /// Used communes that merged into another: the community's perimeter follows.
    public var mapped: [Mapping]
    /// Used communes that left the code without a successor: refused unless forced.
    public var orphaned: [Use]

    public var isDestructive: Bool { !orphaned.isEmpty }

    /// - Parameters:
    ///   - before: the current communes stored for the imported départements.
    ///   - after: the current communes of the new files for those départements.
    ///   - uses: the communes communities use in those départements.
    public static func plan(before: Set<String>, after: Set<String>, movements: [CommuneMovement], uses: [Use]) -> TerritoryUpdate {
        let history = MergerHistory(movements: movements)
        var mapped: [Mapping] = [], orphaned: [Use] = []
        for use in uses where !after.contains(use.code) {
            if let current = history.currentCode(for: use.code, current: after) {
                mapped.append(Mapping(use: use, currentCode: current))
            } else {
                orphaned.append(use)
            }
        }
        return TerritoryUpdate(added: after.subtracting(before).sorted(), removed: before.subtracting(after).sorted(), mapped: mapped, orphaned: orphaned)
    }

    /// The operator's report, in French.
    public var report: [String] {
        var lines = ["  communes ajoutées : \(added.count)\(added.isEmpty ? "" : " — " + added.prefix(20).joined(separator: ", "))",
                     "  communes retirées : \(removed.count)\(removed.isEmpty ? "" : " — " + removed.prefix(20).joined(separator: ", "))"]
        for mapping in mapped {
            lines.append("  « \(mapping.use.community) » : la commune \(mapping.use.code) a fusionné dans \(mapping.currentCode), le périmètre suit")
        }
        for use in orphaned {
            lines.append("  « \(use.community) » : la commune \(use.code) disparaît sans commune d'accueil dans l'historique")
        }
        return lines
    }
}
