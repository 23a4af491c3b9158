import Testing
@testable import TerreauCore

@Suite("User text at the door")
struct UserTextTests {
    @Test("refused characters: C0 controls but tab and line breaks, DEL", arguments: [
        ("Z8 a\u{0}b nul", UserText.Problem?.some(.control(0))),
        ("bip\u{7}", .control(7)),
        ("échap\u{1B}[31m", .control(0x1B)),
        ("suppr\u{7F}", .control(0x7F)),
        ("tab\tligne\nretour\r\nfin", nil),
        ("Père Noël 🎄", nil),
        ("", nil),
    ] as [(String, UserText.Problem?)])
    func problems(text: String, expected: UserText.Problem?) {
        #expect(UserText.problem(in: text) == expected)
    }

    @Test("normalised: NFC, line breaks as \\n, directional controls removed", arguments: [
        ("e\u{301}cole", "école"),
        ("ligne 1\r\nligne 2\rligne 3\nfin", "ligne 1\nligne 2\nligne 3\nfin"),
        ("facture\u{202E}fdp.exe", "facturefdp.exe"),
        ("\u{2066}Camille\u{2069} \u{202A}D\u{202C}", "Camille D"),
        ("déjà composé", "déjà composé"),
    ])
    func normalized(text: String, expected: String) {
        #expect(UserText.normalized(text) == expected)
        #expect(UserText.normalized(expected) == expected)
    }

    @Test("form bodies: the first refused field is named", arguments: [
        ("title=Z8+a%00b+nul&_csrf=x", "title", UserText.Problem.control(0)),
        ("a=1&description=%C3%A9t%C3%A9%07", "description", .control(7)),
        ("a=1&nom=%FF%FE", "nom", .notUTF8),
        ("a=1&nom=%E9t%E9", "nom", .notUTF8),
        ("a=1&nom=%2", "nom", .notUTF8),
        ("a=1&n%00m=x", "n\u{0}m", .control(0)),
    ])
    func forms(body: String, field: String, problem: UserText.Problem) {
        let found = UserText.firstProblem(inForm: body[...])
        #expect(found?.field == field)
        #expect(found?.problem == problem)
    }

    @Test("acceptable forms pass, values decoded as browsers encode them")
    func acceptable() {
        #expect(UserText.firstProblem(inForm: "title=R%C3%A9parer+un+v%C3%A9lo&body=l1%0D%0Al2%09x&empty=&flag"[...]) == nil)
        #expect(UserText.formDecoded("R%C3%A9parer+un+v%C3%A9lo") == "Réparer un vélo")
    }
}

@Suite("What logs say of a path (S15)")
struct LogRedactionTests {
    @Test("tokens are masked; ids, slugs and words stay", arguments: [
        ("/mot-de-passe/n1PT_x8Yq3vL0aZk9Rr2Wc7Ht5Gm4Bd6Jf1Ns0Pe8Qu", "/mot-de-passe/[masqué]"),
        ("/confirmation/AbCdEfGh12345678", "/confirmation/[masqué]"),
        ("/c/grenoble-alpes/inventaire/3F2504E0-4F89-11D3-9A0C-0305E82C3301", "/c/grenoble-alpes/inventaire/3F2504E0-4F89-11D3-9A0C-0305E82C3301"),
        ("/c/trieves-en-commun/besoins-non-couverts", "/c/trieves-en-commun/besoins-non-couverts"),
        ("/", "/"),
    ])
    func masked(path: String, expected: String) {
        #expect(LogRedaction.path(path) == expected)
    }
}
