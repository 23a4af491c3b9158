import Fluent
import Foundation
import Testing
import TerreauCore
import Vapor
import VaporTesting
@testable import TerreauWeb

@Suite("Events, their calendar and the library of public studies")
struct EventTests {
    static let day = 86_400.0

    static func pdf(_ text: String) -> [UInt8] { SimplePDF.document(lines: [text]) }

    @Test("an event from creation to minutes: bad input named, seats then a waiting list, a freed seat promoted, reminders once, minutes and attendance",
          arguments: Engine.available)
    func lifecycle(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            app.clock.freeze(at: start)
            let names = ["camille", "sophie", "karim", "nadia", "lucas", "elise"]
            var b = try await RegisterTests.browsers(app, names)
            let refused = try await b["camille"]!.post("/c/grenoble-alpes/agenda", [("kind", "training"), ("title", ""), ("day", "2001-01-01"),
                ("starts", "20:00"), ("ends", "19:00"), ("capacity", "zéro")])
            #expect(refused.status == .unprocessableEntity)
            for message in ["Une formation dit à quoi elle forme", "Donnez un titre", "Donnez une heure de début et une heure de fin qui la suit",
                            "Choisissez un lieu de l&#39;inventaire ou donnez une adresse", "Le nombre de places est un nombre entier positif"] {
                #expect(refused.text.contains(message), "\(message)")
            }
            #expect(try await app.count("events") == 0)
            let cooperative = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Atelier Vélo Solidaire (SCOP)").first()).id!
            let eventDay = start.addingTimeInterval(10 * Self.day)
            let created = try await b["camille"]!.post("/c/grenoble-alpes/agenda", [("kind", "training"), ("topic", "interviewing"),
                ("title", "Se former à l'entretien " + ProposalTests.hostile), ("description", "Deux heures pour apprendre à conduire un entretien."),
                ("day", CalendarDay.format(eventDay)), ("starts", "18:30"), ("ends", "20:30"), ("address", "Maison des habitants, 2 rue Paul Claudel"),
                ("capacity", "2"), ("organisers[]", cooperative.uuidString)])
            let path = try #require(created.location)
            let event = try #require(try await EventRecord.query(on: app.db).first())
            #expect(event.topic == "interviewing")
            #expect(Language.formatHour(event.startsAt) == "18:30")

            // Two seats, then the waiting list, in order; registering twice changes nothing.
            for name in ["karim", "sophie", "nadia", "lucas", "nadia"] { _ = try await b[name]!.post(path + "/inscription") }
            func statuses() async throws -> [String: String] {
                var result: [String: String] = [:]
                for seat in try await EventRegistrationRecord.query(on: app.db).with(\.$person).all() { result[seat.person.displayName] = seat.status }
                return result
            }
            #expect(try await statuses() == ["Karim Benali": "confirmed", "Sophie Martin": "confirmed", "Nadia Haddad": "waiting", "Lucas Girard": "waiting"])
            #expect(try await b["nadia"]!.get(path).text.contains("Vous êtes en liste d&#39;attente"))
            // Karim cancels: his seat goes to Nadia, the first waiting, who is told.
            _ = try await b["karim"]!.post(path + "/inscription", [("action", "cancel")])
            #expect(try await statuses() == ["Karim Benali": "cancelled", "Sophie Martin": "confirmed", "Nadia Haddad": "confirmed", "Lucas Girard": "waiting"])
            #expect(try await ProposalTests.notifications(app, "nadia@demo.terreau.invalid", "notification.eventPromoted").count == 1)
            // The page tells the seats and the waiting list; hostile text stays text; JSON-LD describes the event.
            let page = try await app.get(path).text
            #expect(page.contains("0 place restante"))
            #expect(page.contains("1 personne en liste d&#39;attente"))
            #expect(!page.contains("<script>alert"))
            #expect(page.contains("<script type=\"application/ld+json\">"))
            #expect(page.contains("\"@type\":\"Event\""))
            #expect(page.contains("\\u003cscript\\u003ealert(1)\\u003c"), "the title inside JSON-LD cannot close the script element")

            // Reminders go the day before, once, to the confirmed.
            // `eventDay` is 08:00 UTC that day; the event starts at 18:30 in Paris.
            app.clock.freeze(at: eventDay.addingTimeInterval(-Self.day))
            #expect(try await EventReminders.send(app) == 0, "more than a day before")
            app.clock.freeze(at: eventDay)
            #expect(try await EventReminders.send(app) == 2)
            #expect(try await EventReminders.send(app) == 0)
            #expect(try await ProposalTests.notifications(app, "sophie@demo.terreau.invalid", "notification.eventReminder").count == 1)

            // After it: Sophie reports for the organising cooperative; Élise may not.
            app.clock.freeze(at: eventDay.addingTimeInterval(23 * 3600))
            b = try await RegisterTests.browsers(app, names)
            #expect(try await b["elise"]!.post(path + "/compte-rendu", [("minutes", "x")]).status == .forbidden)
            let nadia = try await MatchingTests.person(app, "nadia@demo.terreau.invalid")
            let gardens = try #require(try await OrganisationRecord.query(on: app.db).filter(\.$name == "Collectif des jardins de la Villeneuve").first()).id!
            _ = try await b["sophie"]!.post(path + "/compte-rendu", [("minutes", "Nous avons joué trois entretiens."), ("attendance", "14"),
                ("present[]", cooperative.uuidString), ("present[]", gardens.uuidString), ("attended[]", nadia.uuidString)])
            let done = try #require(try await EventRecord.find(event.id, on: app.db))
            #expect(done.minutes == "Nous avons joué trois entretiens.")
            #expect(done.attendance == 14)
            #expect(try await EventOrganiserRecord.query(on: app.db).filter(\.$role == "present").count() == 2)
            let after = try await app.get(path).text
            #expect(after.contains("14 participants."))
            #expect(after.contains("Collectif des jardins de la Villeneuve"))
            // The interviewing training attended shows to coordinators when they give roles.
            #expect(try await b["camille"]!.get("/c/grenoble-alpes/membres").text.contains("formé·e à l&#39;entretien le"))
            // Registration is closed once it is over.
            _ = try await b["lucas"]!.post(path + "/inscription", [("action", "cancel")])
            #expect(try await statuses()["Lucas Girard"] == "waiting")
        }
    }

    @Test("the agenda's iCalendar feed and an event's file; a programme period at its short address", arguments: Engine.available)
    func calendars(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            app.clock.freeze(at: start)
            let b = try await RegisterTests.browsers(app, ["camille", "sophie"])
            for (offset, title) in [(3.0, "Lancement du diagnostic"), (5.0, "Bal de la Fête"), (40.0, "Réunion d'automne")] {
                _ = try await b["camille"]!.post("/c/grenoble-alpes/agenda", [("kind", "festive"), ("title", title),
                    ("day", CalendarDay.format(start.addingTimeInterval(offset * Self.day))), ("starts", "19:00"), ("ends", "23:00"), ("address", "Place Saint-Bruno")])
            }
            #expect(try await app.count("events") == 3)
            let feed = try await app.get("/c/grenoble-alpes/agenda.ics")
            #expect(feed.headers.contentType?.description.hasPrefix("text/calendar") == true)
            let text = feed.text
            #expect(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris"))
            #expect(text.components(separatedBy: "BEGIN:VEVENT").count == 4)
            #expect(text.components(separatedBy: "\r\nUID:").count == 4)
            #expect(text.components(separatedBy: "\r\nDTSTAMP:").count == 4)
            #expect(text.contains("SUMMARY:Bal de la Fête"))
            let event = try #require(try await EventRecord.query(on: app.db).filter(\.$title == "Bal de la Fête").first())
            let single = try await app.get("/c/grenoble-alpes/agenda/\(event.id!.uuidString)/evenement.ics").text
            #expect(single.contains("UID:\(event.id!.uuidString.lowercased())@terreau"))
            #expect(single.components(separatedBy: "BEGIN:VEVENT").count == 2)

            // A programme period: only coordinators create it; its short address lists the events inside it.
            #expect(try await b["sophie"]!.post("/c/grenoble-alpes/agenda/fetes", [("festival_title", "x")]).status == .forbidden)
            let bad = try await b["camille"]!.post("/c/grenoble-alpes/agenda/fetes", [("festival_title", "Fête"), ("festival_slug", "Fête 2027!"),
                ("first_day", "2027-05-10"), ("last_day", "2027-05-01")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("L&#39;adresse courte : lettres minuscules"))
            #expect(bad.text.contains("Donnez un premier et un dernier jour, dans l&#39;ordre"))
            let made = try await b["camille"]!.post("/c/grenoble-alpes/agenda/fetes", [("festival_title", "Fête de la démocratie"),
                ("festival_slug", "fete-democratie"), ("festival_description", "Une semaine de débats et de fêtes."),
                ("first_day", CalendarDay.format(start)), ("last_day", CalendarDay.format(start.addingTimeInterval(7 * Self.day)))])
            #expect(made.location == "/fete/fete-democratie")
            let programme = try await app.get("/fete/fete-democratie").text
            #expect(programme.contains("Lancement du diagnostic"))
            #expect(programme.contains("Bal de la Fête"))
            #expect(!programme.contains("Réunion d&#39;automne"))
            #expect(try await app.get("/fete/inconnue").status == .notFound)
        }
    }

    @Test("studies: a PDF found by a word inside it; hostile uploads refused (S11) with nothing kept; served as an attachment with nosniff; requests answered in public",
          arguments: Engine.available)
    func studies(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await app.seedDemo()
            let b = try await RegisterTests.browsers(app, ["camille", "karim"])
            let fields = [("title", "Évaluation du contrat de ville"), ("commissioned_by", "Grenoble-Alpes Métropole"), ("author", "Cabinet Territoires"),
                          ("year", "2024"), ("amount", "38 500"), ("territory", "Villeneuve"), ("licence", "licence-ouverte-2.0"), ("themes[]", "logement-hebergement")]
            let directory = app.terreauConfig.filesDirectory
            func stored() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] }
            // Hostile files, whatever their names and claimed types, are refused and nothing is kept.
            for (name, type, bytes) in [("rapport.pdf", "application/pdf", Array("<html><script>alert(1)</script></html>".utf8)),
                                        ("rapport.svg", "image/svg+xml", Array("<svg onload=alert(1)></svg>".utf8)),
                                        ("vide.pdf", "application/pdf", [UInt8]())] {
                let refused = try await b["karim"]!.upload("/c/grenoble-alpes/etudes", fields, file: ("file", name, type, bytes))
                #expect(refused.status == .unprocessableEntity, "\(name)")
                #expect(refused.text.contains(bytes.isEmpty ? "Joignez le fichier PDF" : "n&#39;est pas un PDF"), "\(name)")
                #expect(refused.text.contains("value=\"Évaluation du contrat de ville\""))
            }
            let huge = try await b["karim"]!.upload("/c/grenoble-alpes/etudes", fields,
                                                     file: ("file", "enorme.pdf", "application/pdf", Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 65, count: StudyUpload.maximumBytes + 300_000)))
            #expect(huge.status == .payloadTooLarge)
            #expect(try await app.count("studies") == 0)
            #expect(stored().isEmpty)

            let uploaded = try await b["karim"]!.upload("/c/grenoble-alpes/etudes", fields,
                                                         file: ("file", "../../Public/rapport final.pdf", "application/octet-stream", Self.pdf("Diagnostic de la ressourcerie du quartier")))  // check-paths: not a path (a hostile upload name)
            #expect(uploaded.status == .seeOther)
            let study = try #require(try await StudyRecord.query(on: app.db).first())
            #expect(study.amount == 38_500)
            #expect(stored() == [study.storedName])
            #expect(!study.storedName.contains("rapport"))
            #expect(!directory.contains("/Public"))
            let hasTool = TextExtraction.tool != nil
            #expect(study.extraction == (hasTool ? "extracted" : "unavailable"))
            let search = try await app.get("/c/grenoble-alpes/etudes?q=RESSOURCERIE").text
            #expect(search.contains("Évaluation du contrat de ville") == hasTool, "found by a word inside the PDF")
            #expect(try await app.get("/c/grenoble-alpes/etudes?q=villeneuve").text.contains("Évaluation du contrat de ville"), "found by its metadata")
            #expect(!(try await app.get("/c/grenoble-alpes/etudes?q=piscine").text.contains("Évaluation du contrat de ville")))
            let file = try await app.get("/c/grenoble-alpes/etudes/\(study.id!.uuidString)/fichier")
            #expect(file.status == .ok)
            #expect(file.headers.contentType == .pdf)
            #expect(file.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            #expect(file.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(Array(file.body.readableBytesView) == Self.pdf("Diagnostic de la ressourcerie du quartier"))
            // Nothing under the web root holds it.
            #expect(try await app.get("/" + study.storedName).status == .notFound)

            // A request for a study, answered in public: found, with the study; the asker told.
            _ = try await b["karim"]!.post("/c/grenoble-alpes/etudes/demandes", [("request_title", "L'évaluation du contrat de ville 2024"), ("request_details", "Citée au conseil.")])
            let asked = try #require(try await StudyRequestRecord.query(on: app.db).first())
            #expect(try await b["karim"]!.post("/c/grenoble-alpes/etudes/demandes/\(asked.id!.uuidString)", [("status", "found")]).status == .forbidden)
            _ = try await b["camille"]!.post("/c/grenoble-alpes/etudes/demandes/\(asked.id!.uuidString)", [("status", "found")])
            #expect(try await StudyRequestRecord.find(asked.id, on: app.db)?.status == "open")
            _ = try await b["camille"]!.post("/c/grenoble-alpes/etudes/demandes/\(asked.id!.uuidString)", [("status", "found"), ("study", study.id!.uuidString),
                ("answer", "La voici.")])
            #expect(try await StudyRequestRecord.find(asked.id, on: app.db)?.status == "found")
            #expect(try await ProposalTests.notifications(app, "karim@demo.terreau.invalid", "notification.studyAnswer.found").count == 1)
            #expect(try await app.get("/c/grenoble-alpes/etudes").text.contains("La voici."))
        }
    }
}
