import Testing
@testable import TerreauCore

@Suite("What terreau --version prints")
struct BuildInfoTests {
    @Test("a BUILD-INFO file, read line by line", arguments: [
        ("version=0.4.0\ncommit=0123abc\nbuilt=2026-12-07T18:00:00Z\nconfiguration=release\n",
         "terreau 0.4.0 · commit 0123abc · release · construit le 2026-12-07T18:00:00Z"),
        // CRLF, blanks around the sign, unknown keys and lines without a sign are ignored.
        ("commit = feed42 \r\nsigned=yes\r\nnot a pair\r\n",
         "terreau \(BuildInfo.version) · commit feed42"),
        ("", "terreau \(BuildInfo.version) · commit inconnu (construit depuis les sources, sans scripts/package)"),
        ("version=\ncommit=\n", "terreau \(BuildInfo.version) · commit inconnu (construit depuis les sources, sans scripts/package)"),
    ])
    func reads(text: String, line: String) {
        #expect(BuildInfo(buildInfoText: text).line == line)
    }
}
