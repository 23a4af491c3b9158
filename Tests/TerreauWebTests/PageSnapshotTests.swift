import Foundation
import SnapshotTesting
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

/// Ten representative pages rendered on the demo's seed, compared line by line with the HTML
/// kept under `__Snapshots__/`: a change of layout, of a partial or of a message shows as a diff
/// in review. What differs from one run to the next — ids, the form token, today's date — is
/// replaced by a marker first (`<uuid>`, `<csrf>`, `<date>`, `<day>`). To accept a change on purpose, delete the file and run the
/// test twice (the first run writes it and fails, the second passes), then read the new file.
@Suite("HTML snapshots of representative pages")
struct PageSnapshotTests {
    static let pages: [(name: String, path: String, signedIn: String?)] = [
        ("home", "/", nil),
        ("community", "/c/grenoble-alpes", nil),
        ("territory", "/c/grenoble-alpes/territoire", nil),
        ("sign-in", "/connexion", nil),
        ("sign-up", "/inscription", nil),
        ("charter", "/c/grenoble-alpes/charte", nil),
        ("welcome", "/c/grenoble-alpes/bienvenue", nil),
        ("indicator-definitions", "/c/grenoble-alpes/indicateurs/definitions", nil),
        ("need-form", "/c/grenoble-alpes/inventaire/nouveau/besoin", "camille"),
        ("my-account", "/moi", "camille"),
    ]

    /// Ids, tokens and the moments the demo was seeded at, as markers.
    static func normalised(_ html: String) -> String {
        var text = html
        text.replace(/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/, with: "<uuid>")
        text.replace(/name="_csrf" value="[^"]*"/, with: #"name="_csrf" value="<csrf>""#)
        text.replace(/_csrf=[^"&]*/, with: "_csrf=<csrf>")
        // The seed's moments (« 08/12/2026 à 02:55 », « 08/12/2026 »): the day it ran.
        text.replace(/[0-3][0-9]\/[01][0-9]\/20[0-9]{2} à [0-2][0-9]:[0-5][0-9]/, with: "<date>")
        text.replace(/[0-3][0-9]\/[01][0-9]\/20[0-9]{2}/, with: "<day>")
        return text
    }

    @Test("ten pages render as their recorded HTML")
    func pagesMatchTheirSnapshots() async throws {
        try await TestApp.with(.sqlite) { app in
            try await app.seedDemo()
            let browsers = try await RegisterTests.browsers(app, ["camille"])
            for page in Self.pages {
                let browser = page.signedIn.flatMap { browsers[$0] } ?? Browser(app)
                let response = try await browser.get(page.path)
                #expect(response.status == .ok, "\(page.path)")
                assertSnapshot(of: Self.normalised(response.text), as: .lines, named: page.name)
            }
        }
    }
}
