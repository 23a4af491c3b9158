import Fluent
import Foundation
import TerreauCore
import Vapor

/// *Mise en relation*: a member asks to be put in touch about a record; the record's person (or,
/// for a record about nobody in particular, whoever entered it) accepts or declines. Contact
/// details are shown to both only after acceptance; every accepted connection stays recorded
/// (it feeds the indicators: cooperations, social links).
enum ConnectionsController {
    static let messageLimit = 1000
    static let draftKey = SessionKeys.connectionDraft

    /// « Je peux aider » from someone who cannot send yet (anonymous, or not a member): the
    /// message waits in their session, and so does the way back to the record; they sign in (or
    /// sign up), join if need be, and find their message ready to send.
    @Sendable static func offerHelp(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let item = try await context.item(request)
        let here = SiteRoute.inventoryItem(slug: context.community.slug, item: item.id!.uuidString).path
        let message = String(request.field("message").trimmingCharacters(in: .whitespacesAndNewlines).prefix(messageLimit))
        if !message.isEmpty { request.session.data[draftKey] = message }
        // With its anchor: joining on the way ends on the form itself.
        request.session.data[SessionKeys.pendingReturn] = here + "#aider"
        if context.me == nil {
            request.flash(request.catalog.text("connection.signInToHelp"))
            return request.redirect(to: SiteRoute.signIn(returnTo: here).path, redirectType: .normal)
        }
        if !Policy.allows(context.viewer, .contribute) {
            request.flash(request.catalog.text("connection.joinToHelp", [context.community.name]))
            return request.seeOther(.join(slug: context.community.slug))
        }
        return request.redirect(to: here + "#aider", redirectType: .normal)
    }

    @Sendable static func request(_ request: Request) async throws -> Response {
        let context = try await InventoryContext.load(request)
        let item = try await context.item(request)
        let me = try await request.requireSignedIn()
        let slug = context.community.slug
        let back = SiteRoute.inventoryItem(slug: slug, item: item.id!.uuidString)
        let catalog = request.catalog
        guard let recipient = item.$person.id ?? item.$createdBy.id, recipient != me.personID else {
            request.flash(catalog.text("connection.nobody"))
            return request.seeOther(back)
        }
        let message = request.field("message").trimmingCharacters(in: .whitespacesAndNewlines)
        guard message.count <= messageLimit else {
            // The page shows the message again, so that nothing typed is lost (R8).
            request.session.data[draftKey] = message
            request.flash(catalog.text("connection.tooLong", [catalog.language.format(messageLimit)]))
            return request.seeOther(back)
        }
        // The need this would answer: one of the community's needs the requester may see.
        var about: UUID?
        if let id = UUID(uuidString: request.field("about")),
            let need = try await InventoryItemRecord.query(on: request.db).filter(\.$id == id).filter(\.$community.$id == context.community.id!)
                .filter(\.$kind == InventoryKind.need.rawValue).first(),
            Policy.canSee(context.viewer, Visibility(rawValue: need.visibility) ?? .statistics, isOwner: InventoryContext.isOwner(need, me.personID)) {
            about = id
        }
        let open = try await ConnectionRecord.query(on: request.db).filter(\.$requester.$id == me.personID).filter(\.$item.$id == item.id!)
            .filter(\.$status == "requested").first()
        guard open == nil else {
            request.flash(catalog.text("connection.alreadyAsked"))
            return request.seeOther(back)
        }
        let connection = ConnectionRecord()
        connection.$community.id = context.community.id!
        connection.$requester.id = me.personID
        connection.$recipient.id = recipient
        connection.$item.id = item.id!
        connection.$about.id = about
        connection.message = message
        connection.status = "requested"
        connection.createdAt = request.now
        do {
            try await connection.create(on: request.db)
        } catch {
            // Two clicks at once: the unique index on open requests kept the first only.
            request.flash(catalog.text("connection.alreadyAsked"))
            return request.seeOther(back)
        }
        try await Notifier(request).notify(recipient, kind: .connection, community: context.community.id, key: "notification.connectionRequested",
            arguments: [me.person.displayName, item.title], link: SiteRoute.connections.path)
        request.flash(catalog.text("connection.sent"))
        return request.seeOther(back)
    }

    struct ListPage: Encodable {
        struct Row: Encodable {
            var other: String
            var item: String
            var itemURL: String
            var about: String?
            var aboutURL: String?
            var message: String
            var status: String
            var date: String
            var decideURL: String?
            /// Shown only once accepted.
            var contact: String?
        }
        /// Requests received, then requests sent.
        struct Section: Encodable {
            var id: String
            var title: String
            var empty: String
            var rows: [Row]
        }
        var layout: PageLayout
        var sections: [Section]
        var csrf: String
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        let me = try await request.requireSignedIn()
        let catalog = request.catalog
        let mine = try await ConnectionRecord.query(on: request.db)
            .group(.or) { $0.filter(\.$requester.$id == me.personID).filter(\.$recipient.$id == me.personID) }
            .with(\.$item).with(\.$about).with(\.$community).with(\.$requester).with(\.$recipient)
            .sort(\.$createdAt, .descending).limit(200).all()
        var rows: (incoming: [ListPage.Row], outgoing: [ListPage.Row]) = ([], [])
        for connection in mine {
            let incoming = connection.$recipient.id == me.personID
            let other = incoming ? connection.requester : connection.recipient
            let slug = connection.community.slug
            var contact: String?
            if connection.status == "accepted" {
                let address = try await AccountRecord.query(on: request.db).filter(\.$person.$id == other.id!).first()?.email
                contact = address.map { catalog.text("connection.contact", [$0]) } ?? catalog.text("connection.contact.none")
            }
            let row = ListPage.Row(
                other: other.shownName(catalog),
                item: connection.item.title, itemURL: SiteRoute.inventoryItem(slug: slug, item: connection.$item.id.uuidString).path,
                about: connection.about?.title, aboutURL: connection.about.map { SiteRoute.inventoryItem(slug: slug, item: $0.id!.uuidString).path },
                message: connection.message, status: catalog.text("connection.status." + connection.status),
                date: request.language.formatDate(connection.createdAt),
                decideURL: incoming && connection.status == "requested" ? SiteRoute.connectionDecision(connection: connection.id!.uuidString).path : nil,
                contact: contact)
            if incoming { rows.incoming.append(row) } else { rows.outgoing.append(row) }
        }
        return try await request.render("me/connections", ListPage(
            layout: PageLayout(request, title: catalog.text("connections.title"), current: "connections"),
            sections: [
                .init(id: "incoming", title: catalog.text("connections.incoming"), empty: catalog.text("connections.none.incoming"), rows: rows.incoming),
                .init(id: "outgoing", title: catalog.text("connections.outgoing"), empty: catalog.text("connections.none.outgoing"), rows: rows.outgoing),
            ],
            csrf: request.csrfToken))
    }

    @Sendable static func decide(_ request: Request) async throws -> Response {
        let me = try await request.requireSignedIn()
        // Only its recipient may answer a request; anyone else is told it does not exist.
        guard let id = UUID(uuidString: try request.parameter("connection")),
            let connection = try await ConnectionRecord.query(on: request.db).filter(\.$id == id).filter(\.$recipient.$id == me.personID)
                .with(\.$item).first()
        else { throw Abort(.notFound) }
        let decision = request.field("decision")
        guard ["accepted", "declined"].contains(decision) else { throw Abort(.badRequest) }
        guard connection.status == "requested" else { return request.seeOther(.connections) }
        connection.status = decision
        connection.decidedAt = request.now
        try await connection.update(on: request.db)
        try await Notifier(request).notify(connection.$requester.id, kind: .connection, community: connection.$community.id,
            key: decision == "accepted" ? "notification.connectionAccepted" : "notification.connectionDeclined",
            arguments: [me.person.displayName, connection.item.title], link: SiteRoute.connections.path)
        request.flash(request.catalog.text("connection." + decision))
        return request.seeOther(.connections)
    }
}
