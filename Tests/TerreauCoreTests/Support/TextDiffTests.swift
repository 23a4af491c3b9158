import Testing
@testable import TerreauCore

@Suite("What an amendment changed, word by word")
struct TextDiffTests {
    @Test("pieces, removed before added, that join back into both texts", arguments: [
        ("Le local ouvre le dimanche matin.", "Le local ouvre le dimanche matin, clés chez Karim.",
         [TextDiff.Piece(.same, "Le local ouvre le dimanche "), .init(.removed, "matin."), .init(.added, "matin, clés chez Karim.")]),
        ("a b c", "a x c", [.init(.same, "a "), .init(.removed, "b "), .init(.added, "x "), .init(.same, "c")]),
        ("", "Nouveau texte", [.init(.added, "Nouveau texte")]),
        ("Même texte", "Même texte", [.init(.same, "Même texte")]),
        ("Texte retiré", "", [.init(.removed, "Texte retiré")]),
    ] as [(String, String, [TextDiff.Piece])])
    func words(old: String, new: String, pieces: [TextDiff.Piece]) {
        let diff = TextDiff.words(old, new)
        #expect(diff == pieces)
        #expect(diff.filter { $0.kind != .added }.map(\.text).joined() == old)
        #expect(diff.filter { $0.kind != .removed }.map(\.text).joined() == new)
    }
}
