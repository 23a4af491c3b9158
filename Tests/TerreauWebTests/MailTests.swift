import Fluent
import Foundation
import NIOCore
import NIOPosix
import Testing
import TerreauCore
import Vapor
@testable import TerreauWeb

/// A real SMTP server for the test: `aiosmtpd` (PyPI), saving what it receives in a maildir.
/// `.ci/run` installs it in a virtual environment and names its Python in TERREAU_TEST_PYTHON.
final class TestSMTPServer {
    static let python = ProcessInfo.processInfo.environment["TERREAU_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }

    let port: Int
    let maildir: String
    let process = Process()

    init(tlsCertificate: (cert: String, key: String)? = nil) async throws {
        port = Int.random(in: 30000...45000)
        maildir = FileManager.default.temporaryDirectory.appendingPathComponent("terreau-maildir-\(UUID().uuidString)").path
        process.executableURL = URL(fileURLWithPath: try #require(Self.python))
        var arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)"]
        if let tls = tlsCertificate { arguments += ["--tlscert", tls.cert, "--tlskey", tls.key] }
        arguments += ["-c", "aiosmtpd.handlers.Mailbox", maildir]
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get())
                .map({ $0.close(promise: nil) }) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("aiosmtpd did not start on port \(port)")
    }

    /// aiosmtpd stops its loop on SIGINT, not on SIGTERM: without this the servers outlived
    /// the tests. Killed outright if it has not stopped within a second.
    func stop() {
        process.interrupt()
        for _ in 0..<20 where process.isRunning { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: maildir)
    }

    var messages: [String] {
        let directory = maildir + "/new"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasSuffix(".json") }.sorted()
        return names.map { directory + "/" + $0 }
    }

    /// Reads a received message with Python's own e-mail parser: an independent check that the
    /// headers and body decode as intended.
    func decoded(_ path: String) async throws -> (to: String, subject: String, body: String) {
        let script = """
            import email, email.policy, sys, json
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            json.dump({"to": str(m['to']), "subject": str(m['subject']), "body": m.get_content()}, open(sys.argv[2], 'w'))
            """
        let output = path + ".json"
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: try #require(Self.python))
        reader.arguments = ["-c", script, path, output]
        try reader.run()
        try await reader.finished()
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        let fields = try JSONDecoder().decode([String: String].self, from: data)
        return (fields["to"] ?? "", fields["subject"] ?? "", fields["body"] ?? "")
    }
}

@Suite("E-mail delivery over SMTP", .enabled(if: TestSMTPServer.python != nil, "no SMTP server: set TERREAU_TEST_PYTHON to a Python that has aiosmtpd"), .serialized)
struct MailTests {
    static let subject = "Bienvenue à « Grenoble-Alpes en commun » — été 2026"
    static let body = "Bonjour Éloïse,\n\nVotre adhésion est enregistrée. Ça commence !\n.Une ligne qui commence par un point.\n\n— L'équipe"

    func enqueue(_ app: Application) async throws {
        try await Mailer(database: app.db, now: app.clock.now()).enqueue(.notification, to: "eloise@exemple.fr", person: nil, subject: Self.subject, body: Self.body)
    }

    @Test("a French message reaches a real SMTP server intact")
    func delivers() async throws {
        let server = try await TestSMTPServer()
        defer { server.stop() }
        try await TestApp.with(.sqlite, configure: {
            $0.mail = .smtp(SMTPSettings(host: "127.0.0.1", port: server.port, startTLS: false))
            $0.mailFrom = "terreau@exemple.fr"
        }) { app in
            try await enqueue(app)
            #expect(try await MailDelivery.deliverDue(app) == 1)
            let record = try #require(try await OutboxRecord.query(on: app.db).first())
            #expect(record.status == "sent")
            #expect(record.attempts == 1)
            let files = server.messages
            #expect(files.count == 1)
            let message = try await server.decoded(try #require(files.first))
            #expect(message.to == "eloise@exemple.fr")
            #expect(message.subject == Self.subject)
            #expect(message.body.replacingOccurrences(of: "\r\n", with: "\n").hasPrefix(Self.body))
        }
    }

    @Test("STARTTLS upgrades the connection before anything is sent")
    func startTLS() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("terreau-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        try await openssl.finished()
        let server = try await TestSMTPServer(tlsCertificate: (directory + "/cert.pem", directory + "/key.pem"))
        defer { server.stop() }
        try await TestApp.with(.sqlite, configure: {
            $0.mail = .smtp(SMTPSettings(host: "localhost", port: server.port, startTLS: true, trustedCertificatesFile: directory + "/cert.pem"))
        }) { app in
            try await enqueue(app)
            #expect(try await MailDelivery.deliverDue(app) == 1)
            let message = try await server.decoded(try #require(server.messages.first))
            #expect(message.subject == Self.subject)
        }
    }

    @Test("a failed send is retried with back-off, delivered once the server answers, and reported when it never does")
    func retries() async throws {
        let server = try await TestSMTPServer()
        defer { server.stop() }
        let closedPort = server.port + 1
        try await TestApp.with(.sqlite, configure: { $0.mail = .smtp(SMTPSettings(host: "127.0.0.1", port: closedPort, startTLS: false)) }) { app in
            try await app.seedDemo()
            try await enqueue(app)
            #expect(try await MailDelivery.deliverDue(app) == 0)
            var record = try #require(try await OutboxRecord.query(on: app.db).first())
            #expect(record.status == "pending")
            #expect(record.attempts == 1)
            #expect(record.lastError != nil)
            #expect(record.nextAttemptAt.timeIntervalSince(app.clock.now()) > 50)
            // Not due yet: nothing is tried.
            #expect(try await MailDelivery.deliverDue(app) == 0)
            #expect(try await OutboxRecord.query(on: app.db).first()?.attempts == 1)
            for _ in 2...MailRetry.maximumAttempts {
                app.clock.advance(by: 3601)
                try await MailDelivery.deliverDue(app)
            }
            record = try #require(try await OutboxRecord.query(on: app.db).first())
            #expect(record.status == "failed")
            #expect(record.attempts == MailRetry.maximumAttempts)
            // The instance's administrator (Camille, in the demo) sees it on the outbox page, with the reason.
            let camille = Browser(app)
            try await camille.signIn("camille@demo.terreau.invalid")
            let page = try await camille.get("/admin/courriels")
            #expect(page.text.contains("échec définitif"))
            #expect(page.text.contains("6 tentatives"))
        }
        try await TestApp.with(.sqlite, configure: { $0.mail = .smtp(SMTPSettings(host: "127.0.0.1", port: closedPort, startTLS: false)) }) { app in
            try await enqueue(app)
            try await MailDelivery.deliverDue(app)
            app.terreauConfig.mail = .smtp(SMTPSettings(host: "127.0.0.1", port: server.port, startTLS: false))
            app.clock.advance(by: 61)
            #expect(try await MailDelivery.deliverDue(app) == 1)
            let record = try #require(try await OutboxRecord.query(on: app.db).first())
            #expect(record.status == "sent")
            #expect(record.attempts == 2)
            #expect(server.messages.count == 1)
        }
    }
}

extension Process {
    /// Waits without blocking a concurrency thread (`waitUntilExit` can hang there on Linux).
    func finished() async throws {
        for _ in 0..<600 where isRunning { try await Task.sleep(for: .milliseconds(50)) }
    }
}
