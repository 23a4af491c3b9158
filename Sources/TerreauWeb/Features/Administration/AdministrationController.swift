import Fluent
import TerreauCore
import Vapor

/// `/admin`: what an instance's administrators do from the browser — create a community on the
/// imported territory and name the people who run it — besides reading the outbox. The same
/// rules as `terreau community create` and `terreau account role`.
enum AdministrationController {
    struct Page: Encodable {
        struct Community: Encodable {
            var name: String
            var url: String
            var communes: String
        }
        var layout: PageLayout
        var communities: [Community]
        var communityOptions: [ChoiceOption]
        var roleOptions: [ChoiceOption]
        var rulesOptions: [ChoiceOption]
        var communityForm: FormState
        var roleForm: FormState
        var createAction: String
        var grantAction: String
        var outboxURL: String
    }

    @Sendable static func page(_ request: Request) async throws -> Response {
        try await render(request, communityForm: FormState(request), roleForm: FormState(request))
    }

    static func render(_ request: Request, communityForm: FormState, roleForm: FormState, status: HTTPStatus = .ok) async throws -> Response {
        let catalog = request.catalog
        let store = CommunityStore(database: request.db)
        var communities: [Page.Community] = []
        let records = try await CommunityRecord.query(on: request.db).sort(\.$name).all()
        for community in records {
            let count = try await store.communeCodes(of: community.requireID()).count
            communities.append(.init(name: community.name, url: SiteRoute.community(slug: community.slug).path,
                                     communes: catalog.text("admin.communes", count: count)))
        }
        return try await request.render("admin/index", Page(
            layout: PageLayout(request, title: catalog.text("admin.title")), communities: communities,
            communityOptions: records.map { ChoiceOption(value: $0.slug, label: $0.name, selected: roleForm.values["community"] == $0.slug) },
            roleOptions: ChoiceOption.list(Role.allCases.filter { $0 != .member }, labels: "role.", catalog) {
                (roleForm.values["role"] ?? Role.coordinator.rawValue) == $0.rawValue
            },
            rulesOptions: ChoiceOption.list(RulesTemplate.allCases, labels: "admin.rules.", catalog) {
                (communityForm.values["rules"] ?? RulesTemplate.consent.rawValue) == $0.rawValue
            },
            communityForm: communityForm, roleForm: roleForm,
            createAction: SiteRoute.adminCommunityCreate.path, grantAction: SiteRoute.adminRoleGrant.path, outboxURL: SiteRoute.outbox.path), status: status)
    }

    @Sendable static func createCommunity(_ request: Request) async throws -> Response {
        let catalog = request.catalog
        let values = ["name": request.field("name"), "communes": request.field("communes"), "departements": request.field("departements"),
                      "contact": request.field("contact"), "rules": request.field("rules")]
        var form = FormState(request, values: values)
        func list(_ text: String) -> [String] { text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).map(String.init) }
        guard let rules = RulesTemplate(rawValue: values["rules"]!) else {
            form.fail("rules", catalog.text("admin.error.rules"))
            return try await render(request, communityForm: form, roleForm: FormState(request), status: .unprocessableEntity)
        }
        do {
            let community = try await CommunityStore(database: request.db).create(
                slug: Slug.make(from: values["name"]!), name: values["name"]!, description: "",
                contactEmail: values["contact"]!.isEmpty ? nil : values["contact"], territory: TerritoryRequest(communeCodes: list(values["communes"]!),
                departements: list(values["departements"]!)), rules: rules, now: request.now)
            request.flash(catalog.text("admin.created", [community.name]))
            return request.seeOther(.admin)
        } catch let errors as FieldErrors {
            // The community rules name their fields in French (nom, slug, communes…): each goes
            // to the field it concerns on this form.
            for error in errors.errors {
                let field = ["nom": "name", "slug": "name", "contact": "contact", "departements": "departements"][error.field] ?? "communes"
                form.fail(field, error.message.prefix(1).uppercased() + error.message.dropFirst())
            }
            return try await render(request, communityForm: form, roleForm: FormState(request), status: .unprocessableEntity)
        }
    }

    @Sendable static func grantRole(_ request: Request) async throws -> Response {
        let catalog = request.catalog
        let values = ["email": request.field("email"), "community": request.field("community"), "role": request.field("role")]
        var form = FormState(request, values: values)
        let role = Role(rawValue: values["role"]!)
        let community = try await CommunityStore(database: request.db).find(slug: values["community"]!)
        let account = try await EmailAddress.normalized(values["email"]!).asyncFlatMap {
            try await AccountRecord.query(on: request.db).filter(\.$email == $0).with(\.$person).first()
        }
        if account == nil || account?.person.erasedAt != nil { form.fail("email", catalog.text("admin.error.account")) }
        if community == nil { form.fail("community", catalog.text("admin.error.community")) }
        if role == nil || role == .member { form.fail("role", catalog.text("admin.error.role")) }
        if !form.hasErrors, let account, let community, let role {
            do {
                try await MembershipStore(database: request.db).grant(role, to: account.$person.id, in: community, notifier: Notifier(request),
                                                                     catalog: catalog, now: request.now)
                request.flash(catalog.text("admin.granted", [account.person.displayName, catalog.text("role." + role.rawValue), community.name]))
                return request.seeOther(.admin)
            } catch MembershipStore.GrantRefusal.notMember {
                form.fail("email", catalog.text("admin.error.notMember", [community.name]))
            } catch MembershipStore.GrantRefusal.notAssignable {
                form.fail("role", catalog.text("admin.error.elected"))
            } catch MembershipStore.GrantRefusal.officialsNotAllowed {
                form.fail("role", catalog.text("admin.error.officials", [community.name]))
            } catch MembershipStore.GrantRefusal.alreadyHeld {
                form.fail("role", catalog.text("admin.error.held"))
            }
        }
        return try await render(request, communityForm: FormState(request), roleForm: form, status: .unprocessableEntity)
    }
}
