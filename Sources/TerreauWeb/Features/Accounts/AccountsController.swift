import Fluent
import TerreauCore
import Vapor

/// Sign-up, e-mail confirmation, sign-in and out, password reset (quality S1–S4).
enum AccountsController {
    struct FormPage: Encodable {
        var layout: PageLayout
        var form: FormState
        var action: String
        var links: [String: String]
    }

    static func formPage(_ request: Request, _ template: String, title: String, form: FormState, action: SiteRoute, status: HTTPStatus = .ok) async throws -> Response {
        try await request.render(template, FormPage(
            layout: PageLayout(request, title: request.catalog.text(title)), form: form, action: action.path,
            links: ["signIn": SiteRoute.signIn(returnTo: nil).path, "signUp": SiteRoute.signUp.path, "forgot": SiteRoute.passwordForgot.path]),
            status: status)
    }

    // MARK: Sign-up

    @Sendable static func signUp(_ request: Request) async throws -> Response {
        // Signing up from a community's page: once the address is confirmed, the person signs in
        // on the way to joining that community, then goes back to the page they came from.
        if let from = (try? request.query.get(String.self, at: "depuis")).flatMap(ReturnTo.validated), from.hasPrefix("/c/"), request.pendingReturn == nil {
            request.session.data[SessionKeys.pendingReturn] = from
        }
        return try await formPage(request, "accounts/signup", title: "signup.title", form: FormState(request), action: .signUpSubmit)
    }

    @Sendable static func signUpSubmit(_ request: Request) async throws -> Response {
        let catalog = request.catalog
        let name = request.field("display_name")
        let rawEmail = request.field("email")
        let password = request.secret("password")
        let emailConsent = request.field("consent_email") == "yes"
        var form = FormState(request, values: ["display_name": name, "email": rawEmail, "consent_email": emailConsent ? "yes" : ""])
        if name.isEmpty { form.fail("display_name", catalog.text("signup.error.name")) }
        if name.count > 80 { form.fail("display_name", catalog.text("signup.error.nameLong")) }
        let email = EmailAddress.normalized(rawEmail)
        if email == nil { form.fail("email", catalog.text("signup.error.email")) }
        if let problem = request.application.passwordPolicy.problem(password: password, email: email) {
            form.fail("password", catalog.text(problem.rawValue))
        }
        guard !form.hasErrors, let email else {
            return try await formPage(request, "accounts/signup", title: "signup.title", form: form, action: .signUpSubmit, status: .unprocessableEntity)
        }
        // The password is hashed whether or not the address has an account, and the account (or
        // the owner's warning) is written after the answer: a known address must not answer
        // faster, nor slower (finding F6). The answer is the same page either way.
        let hash = try await request.password.async.hash(password)
        let app = request.application, language = request.language.rawValue
        return try await request.notice("signup.sent").startingAfterSent { app.detachedWork.start(app, "sign-up") {
            if let existing = try await AccountRecord.query(on: app.db).filter(\.$email == email).first() {
                try await AccountStore(app).mail(existing, key: "mail.signupAgain", link: SiteRoute.passwordForgot)
                return
            }
            try await app.db.writing { database in
                let store = AccountStore(app, database: database)
                let account = try await store.create(name: name, email: email, passwordHash: hash, language: language)
                if emailConsent {
                    try await ConsentStore(database: database).record(
                        person: account.$person.id, purpose: .email, version: "email-1", channel: .self, community: nil, recordedBy: nil, at: store.now)
                }
                try await store.sendToken(.confirmEmail, to: account)
            }
        } }
    }

    // MARK: Confirmation

    struct ConfirmPage: Encodable {
        var layout: PageLayout
        var csrf: String
        var action: String
    }

    @Sendable static func confirmEmail(_ request: Request) async throws -> Response {
        let token = try request.parameter("token")
        guard try await AccountStore(request).usableToken(token, .confirmEmail) != nil else {
            return try await request.notice("token.invalid", link: .signIn(returnTo: nil), linkKey: "signin.title", status: .notFound)
        }
        // A page with a button, not a state change on GET: mail scanners that follow links
        // must not use the token.
        return try await request.render("accounts/confirm", ConfirmPage(
            layout: PageLayout(request, title: request.catalog.text("confirm.title")), csrf: request.csrfToken,
            action: SiteRoute.confirmEmailSubmit(token: token).path))
    }

    @Sendable static func confirmEmailSubmit(_ request: Request) async throws -> Response {
        let store = AccountStore(request)
        guard let token = try await store.usableToken(try request.parameter("token"), .confirmEmail) else {
            return try await request.notice("token.invalid", link: .signIn(returnTo: nil), linkKey: "signin.title", status: .notFound)
        }
        let consumed = try await request.db.writing { database in
            guard try await AccountStore(request, database: database).consume(token) else { return false }
            let account = try await token.$account.get(on: database)
            account.confirmedAt = account.confirmedAt ?? request.now
            try await account.update(on: database)
            return true
        }
        guard consumed else { return try await request.notice("token.invalid", link: .signIn(returnTo: nil), linkKey: "signin.title", status: .notFound) }
        request.flash(request.catalog.text("confirm.done"))
        // Someone who signed up from a community (to answer a need, say) signs in on the way to
        // joining it; joining takes them back to where they were.
        return request.seeOther(.signIn(returnTo: request.pendingCommunity.map { SiteRoute.join(slug: $0).path }))
    }

    // MARK: Sign-in and out

    @Sendable static func signIn(_ request: Request) async throws -> Response {
        let returnTo = (try? request.query.get(String.self, at: "retour")).flatMap(ReturnTo.validated) ?? ""
        return try await formPage(request, "accounts/signin", title: "signin.title", form: FormState(request, values: ["retour": returnTo]), action: .signInSubmit)
    }

    @Sendable static func signInSubmit(_ request: Request) async throws -> Response {
        let catalog = request.catalog
        let rawEmail = request.field("email")
        let password = request.secret("password")
        let returnTo = ReturnTo.validated(request.field("retour")) ?? SiteRoute.account.path
        let email = EmailAddress.normalized(rawEmail) ?? rawEmail.lowercased()
        let throttle = Throttle(database: request.db)
        let attempts = try await throttle.hit(.signInAttempts, subject: email, now: request.now)
        if ThrottleRule.signInAttempts.isExceeded(count: attempts.count) {
            request.logger.notice("throttled: too many sign-in attempts for one account")
            throw Throttle.tooManyRequests(retryAfter: attempts.retryAfter)
        }
        let account = try await AccountRecord.query(on: request.db).filter(\.$email == email).with(\.$person).first()
        // Verify against a fixed hash when the address is unknown, so both take the same time.
        let verified = try await request.password.async.verify(password, created: account?.passwordHash ?? AccountStore.absentHash)
        guard let account, verified, account.person.erasedAt == nil else {
            request.logger.notice("sign-in refused")
            var form = FormState(request, values: ["email": rawEmail, "retour": returnTo])
            form.fail("email", catalog.text("signin.error"))
            return try await formPage(request, "accounts/signin", title: "signin.title", form: form, action: .signInSubmit, status: .unauthorized)
        }
        guard account.confirmedAt != nil else {
            try await AccountStore(request).sendToken(.confirmEmail, to: account)
            var form = FormState(request, values: ["email": rawEmail, "retour": returnTo])
            form.fail("email", catalog.text("signin.unconfirmed"))
            return try await formPage(request, "accounts/signin", title: "signin.title", form: form, action: .signInSubmit, status: .forbidden)
        }
        // The right password gives its attempt back: only failures use the account's allowance.
        try await throttle.refund(.signInAttempts, subject: email, now: request.now)
        try await request.startSession(for: account)
        return request.redirect(to: returnTo, redirectType: .normal)
    }

    @Sendable static func signOut(_ request: Request) async throws -> Response {
        try await request.endSession()
        return request.seeOther(.home)
    }

    // MARK: Password reset

    @Sendable static func passwordForgot(_ request: Request) async throws -> Response {
        try await formPage(request, "accounts/forgot", title: "forgot.title", form: FormState(request), action: .passwordForgotSubmit)
    }

    @Sendable static func passwordForgotSubmit(_ request: Request) async throws -> Response {
        // Identical for known and unknown addresses (quality S4), in content and in time (F6):
        // the lookup and the mail happen once the answer has left.
        let page = try await request.notice("forgot.sent")
        guard let email = EmailAddress.normalized(request.field("email")) else { return page }
        let app = request.application
        return page.startingAfterSent { app.detachedWork.start(app, "reset link") {
            guard let account = try await AccountRecord.query(on: app.db).filter(\.$email == email).first() else { return }
            try await AccountStore(app).sendToken(.resetPassword, to: account)
        } }
    }

    @Sendable static func passwordReset(_ request: Request) async throws -> Response {
        let token = try request.parameter("token")
        guard try await AccountStore(request).usableToken(token, .resetPassword) != nil else {
            return try await request.notice("token.invalid", link: .passwordForgot, linkKey: "forgot.title", status: .notFound)
        }
        return try await formPage(request, "accounts/reset", title: "reset.title", form: FormState(request), action: .passwordResetSubmit(token: token))
    }

    @Sendable static func passwordResetSubmit(_ request: Request) async throws -> Response {
        let raw = try request.parameter("token")
        let store = AccountStore(request)
        guard let token = try await store.usableToken(raw, .resetPassword) else {
            return try await request.notice("token.invalid", link: .passwordForgot, linkKey: "forgot.title", status: .notFound)
        }
        let account = try await token.$account.get(on: request.db)
        let password = request.secret("password")
        if let problem = request.application.passwordPolicy.problem(password: password, email: account.email) {
            var form = FormState(request)
            form.fail("password", request.catalog.text(problem.rawValue))
            return try await formPage(request, "accounts/reset", title: "reset.title", form: form, action: .passwordResetSubmit(token: raw), status: .unprocessableEntity)
        }
        let hash = try await request.password.async.hash(password)
        let consumed = try await request.db.writing { database in
            let store = AccountStore(request, database: database)
            guard try await store.consume(token) else { return false }
            try await store.setPassword(account, hash: hash)
            // Following the link proved the address.
            account.confirmedAt = account.confirmedAt ?? request.now
            try await account.update(on: database)
            return true
        }
        guard consumed else { return try await request.notice("token.invalid", link: .passwordForgot, linkKey: "forgot.title", status: .notFound) }
        request.flash(request.catalog.text("reset.done"))
        return request.seeOther(.signIn(returnTo: nil))
    }
}
