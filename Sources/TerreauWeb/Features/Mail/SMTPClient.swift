import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import TerreauCore

/// Where outgoing mail goes: an SMTP server, read from the environment.
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Upgrade the connection with STARTTLS before sending anything (refuse to go on without it).
    public var startTLS: Bool
    public var username: String?
    public var password: String?
    /// A PEM file of certificates to trust instead of the system's (a private relay, tests).
    public var trustedCertificatesFile: String?
    /// The name this server gives in EHLO.
    public var heloName: String

    public init(host: String, port: Int, startTLS: Bool, username: String? = nil, password: String? = nil, trustedCertificatesFile: String? = nil, heloName: String = "localhost") {
        self.host = host
        self.port = port
        self.startTLS = startTLS
        self.username = username
        self.password = password
        self.trustedCertificatesFile = trustedCertificatesFile
        self.heloName = heloName
    }
}

struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
}

struct SMTPError: Error, CustomStringConvertible {
    var description: String
}

/// A small SMTP client (RFC 5321) on SwiftNIO: EHLO, STARTTLS, AUTH PLAIN, one message per
/// connection. Errors name the step and the server's answer, never the credentials.
enum SMTPClient {
    static func send(_ message: MailMessage, settings: SMTPSettings, group: any EventLoopGroup, timeout: TimeAmount = .seconds(30)) async throws {
        let replies = SMTPReplyHandler(timeout: timeout)
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(replies)
                }
            }
            .connect(host: settings.host, port: settings.port).get()
        do {
            try await converse(message, settings: settings, channel: channel, replies: replies)
            try? await channel.close()
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private static func converse(_ message: MailMessage, settings: SMTPSettings, channel: any Channel, replies: SMTPReplyHandler) async throws {
        func next(_ step: String, expect: Int) async throws -> SMTPReply {
            let reply = try await channel.eventLoop.flatSubmit { replies.nextReply(on: channel.eventLoop) }.get()
            guard reply.code / 100 == expect / 100 else {
                throw SMTPError(description: "\(step) : le serveur a répondu \(reply.code) \(reply.lines.joined(separator: " "))")
            }
            return reply
        }
        func command(_ text: String, step: String, expect: Int) async throws -> SMTPReply {
            try await channel.writeAndFlush(ByteBuffer(string: text + "\r\n"))
            return try await next(step, expect: expect)
        }

        _ = try await next("accueil", expect: 220)
        var hello = try await command("EHLO \(settings.heloName)", step: "EHLO", expect: 250)
        if settings.startTLS {
            guard hello.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                throw SMTPError(description: "STARTTLS : le serveur ne le propose pas ; envoi refusé en clair")
            }
            _ = try await command("STARTTLS", step: "STARTTLS", expect: 220)
            var tls = TLSConfiguration.makeClientConfiguration()
            if let file = settings.trustedCertificatesFile { tls.trustRoots = .file(file) }
            let context = try NIOSSLContext(configuration: tls)
            try await channel.eventLoop.submit {
                // An IP address is checked against the certificate's addresses, not sent as SNI.
                let isAddress = (try? SocketAddress(ipAddress: settings.host, port: 0)) != nil
                let handler = try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : settings.host)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
            hello = try await command("EHLO \(settings.heloName)", step: "EHLO (TLS)", expect: 250)
        }
        if let username = settings.username, let password = settings.password {
            let credentials = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
            _ = try await command("AUTH PLAIN \(credentials)", step: "AUTH", expect: 235)
        }
        _ = try await command("MAIL FROM:<\(message.from)>", step: "MAIL FROM", expect: 250)
        _ = try await command("RCPT TO:<\(message.to)>", step: "RCPT TO", expect: 250)
        _ = try await command("DATA", step: "DATA", expect: 354)
        _ = try await command(MailMessage.dotStuffed(message.rendered()) + ".", step: "message", expect: 250)
        _ = try? await command("QUIT", step: "QUIT", expect: 221)
    }
}

/// Splits the byte stream into lines (CRLF or LF).
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4096 { throw SMTPError(description: "ligne de réponse trop longue") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        var line = buffer.readString(length: length) ?? ""
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}

/// Gathers multi-line replies (`250-…` then `250 …`) and hands them out in order. Only touched
/// on its channel's event loop.
final class SMTPReplyHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = String

    private var lines: [String] = []
    private var ready: [SMTPReply] = []
    private var waiting: [EventLoopPromise<SMTPReply>] = []
    private var failure: (any Error)?
    private let timeout: TimeAmount

    init(timeout: TimeAmount) { self.timeout = timeout }

    func nextReply(on loop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        if !ready.isEmpty { return loop.makeSucceededFuture(ready.removeFirst()) }
        if let failure { return loop.makeFailedFuture(failure) }
        let promise = loop.makePromise(of: SMTPReply.self)
        waiting.append(promise)
        let timer = loop.scheduleTask(in: timeout) {
            promise.fail(SMTPError(description: "délai dépassé en attendant le serveur"))
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        lines.append(line)
        let bytes = Array(line.utf8)
        // The last line of a reply has a space (or nothing) after its three-digit code.
        guard bytes.count < 4 || bytes[3] != UInt8(ascii: "-") else { return }
        let code = Int(String(line.prefix(3))) ?? 0
        let reply = SMTPReply(code: code, lines: lines.map { String($0.dropFirst(min(4, $0.count))) })
        lines = []
        if waiting.isEmpty { ready.append(reply) } else { waiting.removeFirst().succeed(reply) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPError(description: "connexion fermée par le serveur"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        failure = failure ?? error
        let pending = waiting
        waiting = []
        for promise in pending { promise.fail(error) }
    }
}
