import Fluent
import Foundation
import TerreauCore
import Vapor

/// `terreau admin create`: the instance's first administrator, on a machine without mail.
struct AdminCommandGroup: AsyncCommandGroup {
    var help: String { "Administration de l'instance." }
    var commands: [String: any AnyAsyncCommand] { ["create": AdminCreateCommand()] }
}

/// `terreau account confirm|role|reset-link`: what an administrator does for a person when no
/// mail server delivers the links.
struct AccountCommandGroup: AsyncCommandGroup {
    var help: String { "Comptes : confirmer une adresse, donner un rôle, créer un lien de nouveau mot de passe (sans serveur de courriel)." }
    var commands: [String: any AnyAsyncCommand] {
        ["confirm": AccountConfirmCommand(), "role": AccountRoleCommand(), "reset-link": AccountResetLinkCommand()]
    }
}

enum AccountCommands {
    /// The account of an address, or a French refusal naming it.
    static func account(_ raw: String, on database: any Database) async throws -> AccountRecord {
        guard let email = EmailAddress.normalized(raw) else { throw CommandFailure("« \(raw) » n'est pas une adresse électronique.") }
        guard let account = try await AccountRecord.query(on: database).filter(\.$email == email).with(\.$person).first(),
            account.person.erasedAt == nil
        else { throw CommandFailure("aucun compte pour « \(email) ».") }
        return account
    }

    /// A password from a file (its first line), or typed at the terminal without echo, twice.
    static func password(file: String?) throws -> String {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw CommandFailure("fichier de mot de passe « \(file) » illisible.") }
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        guard isatty(STDIN_FILENO) != 0 else {
            throw CommandFailure("pas de terminal pour taper le mot de passe : donnez-le dans un fichier avec --password-file.")
        }
        let first = readHidden("Mot de passe : ")
        guard readHidden("Encore une fois : ") == first else { throw CommandFailure("les deux mots de passe diffèrent ; rien n'a été créé.") }
        return first
    }

    private static func readHidden(_ prompt: String) -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var settings = termios()
        tcgetattr(STDIN_FILENO, &settings)
        var hidden = settings
        hidden.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &hidden)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &settings)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}

struct AdminCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Adresse de l'administratrice ou de l'administrateur.") var email: String?
        @Option(name: "name", help: "Nom affiché (par défaut, la partie avant @).") var name: String?
        @Option(name: "password-file", help: "Fichier dont la première ligne est le mot de passe (sinon, il est demandé au terminal).") var passwordFile: String?
    }

    var help: String { "Crée un compte d'administration de l'instance, déjà confirmé (ou donne ce rôle à un compte existant)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let raw = signature.email else { throw CommandFailure("option --email manquante.") }
        guard let email = EmailAddress.normalized(raw) else { throw CommandFailure("« \(raw) » n'est pas une adresse électronique.") }
        if let existing = try await AccountRecord.query(on: app.db).filter(\.$email == email).first() {
            existing.instanceAdmin = true
            existing.confirmedAt = existing.confirmedAt ?? Date()
            try await existing.update(on: app.db)
            context.console.print("Le compte « \(email) » administre désormais l'instance (son mot de passe ne change pas).")
            return
        }
        let password = try AccountCommands.password(file: signature.passwordFile)
        if let problem = app.passwordPolicy.problem(password: password, email: email) {
            throw CommandFailure("mot de passe refusé : " + app.localization[.fr].text(problem.rawValue))
        }
        let name = signature.name.map { UserText.normalized($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            ?? String(email.split(separator: "@")[0])
        let hash = try await app.password.async.hash(password)
        let store = AccountStore(app)
        try await app.db.writing { database in
            let account = try await AccountStore(app, database: database, now: store.now).create(name: name, email: email, passwordHash: hash, language: "fr")
            account.confirmedAt = store.now
            account.instanceAdmin = true
            try await account.update(on: database)
        }
        context.console.print("Compte d'administration créé pour « \(email) » : connectez-vous sur /connexion.")
    }
}

struct AccountConfirmCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "email", help: "Adresse du compte.") var email: String
    }

    var help: String { "Confirme l'adresse d'un compte (pour une instance sans serveur de courriel)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let account = try await AccountCommands.account(signature.email, on: app.db)
        guard account.confirmedAt == nil else {
            context.console.print("L'adresse « \(account.email) » était déjà confirmée.")
            return
        }
        account.confirmedAt = Date()
        try await account.update(on: app.db)
        context.console.print("Adresse « \(account.email) » confirmée : la personne peut se connecter.")
    }
}

struct AccountRoleCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "email", help: "Adresse du compte.") var email: String
        @Option(name: "community", help: "Identifiant de la communauté (voir « terreau community list »).") var community: String?
        @Option(name: "role", help: "coordinator, moderator, interviewer, elected, agent ou member.") var role: String?
    }

    var help: String { "Donne un rôle dans une communauté à une personne qui l'a rejointe." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let slug = signature.community else { throw CommandFailure("option --community manquante.") }
        guard let raw = signature.role else { throw CommandFailure("option --role manquante.") }
        guard let role = Role(rawValue: raw) else {
            throw CommandFailure("rôle « \(raw) » inconnu ; rôles possibles : \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard let community = try await CommunityStore(database: app.db).find(slug: slug) else {
            throw CommandFailure("communauté « \(slug) » inconnue (voir « terreau community list »).")
        }
        let account = try await AccountCommands.account(signature.email, on: app.db)
        do {
            try await MembershipStore(database: app.db).grant(role, to: account.$person.id, in: community, notifier: Notifier(app),
                                                             catalog: app.localization[.fr], now: Date())
        } catch MembershipStore.GrantRefusal.notMember {
            throw CommandFailure("« \(account.email) » n'a pas rejoint « \(community.name) » : la personne la rejoint d'abord (elle accepte la charte), puis relancez cette commande.")
        } catch MembershipStore.GrantRefusal.notAssignable(let kind) {
            throw CommandFailure("le rôle « \(role.rawValue) » est réservé aux personnes inscrites comme élues ; « \(account.email) » est inscrite comme « \(kind.rawValue) ».")
        } catch MembershipStore.GrantRefusal.officialsNotAllowed(let kind) {
            throw CommandFailure("les règles de « \(community.name) » ne permettent pas à une personne inscrite comme « \(kind.rawValue) » de coordonner ou de modérer ; "
                + "une décision de changement de règles peut le permettre.")
        } catch MembershipStore.GrantRefusal.alreadyHeld {
            context.console.print("« \(account.email) » a déjà le rôle « \(role.rawValue) » dans « \(community.name) ».")
            return
        }
        context.console.print("« \(account.email) » a maintenant le rôle « \(role.rawValue) » dans « \(community.name) ».")
    }
}

struct AccountResetLinkCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "email", help: "Adresse du compte.") var email: String
    }

    var help: String { "Affiche un lien à usage unique pour choisir un nouveau mot de passe (à transmettre à la personne elle-même)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let account = try await AccountCommands.account(signature.email, on: app.db)
        let store = AccountStore(app)
        let token = try await store.issue(.resetPassword, for: account)
        let hours = Int(TokenPurpose.resetPassword.lifetime / 3600)
        context.console.print("Lien pour « \(account.email) », valable \(hours) h et une seule fois ; ne le donnez qu'à la personne elle-même :")
        context.console.print(Notifier(app).absolute(SiteRoute.passwordReset(token: token).path))
    }
}
