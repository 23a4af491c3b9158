import Foundation

/// The line a terminal progress bar shows: `communes  [##########----------]  50 %  (18 748/37 496)`.
public enum ProgressBar {
    public static func line(label: String, done: Int, total: Int, width: Int = 30) -> String {
        let fraction = total > 0 ? min(max(Double(done) / Double(total), 0), 1) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = Int((fraction * 100).rounded(.down))
        let padded = label.padding(toLength: max(label.count, 14), withPad: " ", startingAt: 0)
        return "\(padded) [\(bar)] \(String(repeating: " ", count: 3 - String(percent).count))\(percent) %  (\(Language.fr.format(done))/\(Language.fr.format(total)))"
    }
}
