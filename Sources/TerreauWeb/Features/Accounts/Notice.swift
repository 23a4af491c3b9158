import TerreauCore
import Vapor

/// A page that only tells something (« message sent », « link expired », « account deleted »),
/// its title and text from the catalogue's `<key>.title` and `<key>.text`, with one link onward.
struct NoticePage: Encodable {
    var layout: PageLayout
    var heading: String
    var text: String
    var link: String?
    var linkText: String?
}

extension Request {
    func notice(_ key: String, link: SiteRoute? = nil, linkKey: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let catalog = self.catalog
        return try await render("accounts/notice", NoticePage(
            layout: PageLayout(self, title: catalog.text(key + ".title")), heading: catalog.text(key + ".title"),
            text: catalog.text(key + ".text"), link: link?.path, linkText: linkKey.map { catalog.text($0) }), status: status)
    }
}
