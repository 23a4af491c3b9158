import Vapor

/// A refusal the person should read — why not, and what to do — already in their language;
/// the error page shows it instead of the generic explanation.
struct ExplainedRefusal: AbortError {
    var status: HTTPResponseStatus
    var reason: String
}

/// Errors become French (or English) pages with the right status; details stay in the log.
struct ErrorPageMiddleware: AsyncMiddleware {
    let environment: Environment

    struct ErrorPage: Encodable {
        var layout: PageLayout
        var status: Int
        var heading: String
        var explanation: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let status = (error as? any AbortError)?.status ?? .internalServerError
            if status.code >= 500 {
                request.logger.report(error: error)
            }
            let key: String
            switch status.code {
            case 404: key = "error.notFound"
            case 403: key = "error.forbidden"
            case 400..<500: key = "error.badRequest"
            default: key = "error.server"
            }
            let catalog = request.catalog
            let page = ErrorPage(
                layout: PageLayout(request, title: catalog.text(key + ".title")), status: Int(status.code),
                heading: catalog.text(key + ".title"), explanation: (error as? ExplainedRefusal)?.reason ?? catalog.text(key + ".body"))
            let response: Response
            if let view = try? await request.view.render("errors/page", page).encodeResponse(for: request).get() {
                response = view
            } else {
                // The template itself failed: fall back to plain text rather than an empty answer.
                response = Response(body: .init(string: "\(page.heading)\n\(page.explanation)\n"))
                response.headers.contentType = .plainText
            }
            response.status = status
            if let abort = error as? any AbortError {
                for (name, value) in abort.headers where name.lowercased() != "content-type" { response.headers.replaceOrAdd(name: name, value: value) }
            }
            return response
        }
    }
}
