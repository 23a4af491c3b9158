import Foundation

/// An elected official's commitment, made on their public recognition page (« the diagnostic is
/// the residents' voice »), then followed up: each change of status is dated, and giving one
/// up says why.
public enum CommitmentStatus: String, CaseIterable, Codable, Sendable {
    case made, inProgress = "in-progress", kept, dropped

    public static func next(from status: CommitmentStatus, to wanted: CommitmentStatus, note: String) -> CommitmentStatus? {
        switch (status, wanted) {
        case (.made, .inProgress), (.made, .kept), (.inProgress, .kept): return wanted
        case (.made, .dropped), (.inProgress, .dropped):
            return note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : .dropped
        default: return nil
        }
    }
}
