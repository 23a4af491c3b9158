import TerreauCore
import Vapor

/// Registers one handler per route kind. The switch is exhaustive: adding a case to
/// `SiteRoute.Kind` does not compile until it has a handler.
func registerRoutes(_ app: Application) {
    for kind in SiteRoute.Kind.allCases {
        let path = kind.pattern.map(PathComponent.init(stringLiteral:))
        switch kind {
        case .home: app.get(path, use: HomeController.home)
        case .health: app.get(path, use: HomeController.health)
        case .language: app.get(path, use: HomeController.chooseLanguage)
        case .community: app.get(path, use: CommunityController.show)
        case .territory: app.get(path, use: CommunityController.territory)
        case .neighbourhood: app.get(path, use: CommunityController.neighbourhood)
        case .commune: app.get(path, use: CommunityController.commune)
        }
    }
}

extension Request {
    /// A path parameter declared by the route pattern (absent only on a programming error).
    func parameter(_ name: String) throws -> String {
        guard let value = parameters.get(name) else { throw Abort(.notFound) }
        return value
    }
}
