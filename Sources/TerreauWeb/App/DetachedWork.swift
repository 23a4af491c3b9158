import NIOConcurrencyHelpers
import Vapor

/// Work a request starts and does not wait for, so that its answer takes the same time whatever
/// that work turns out to be: a reset link is issued and mailed only for an address that has an
/// account, and waiting for it would tell who has one (finding F6). Errors are logged; the work
/// is awaited before the databases close at shutdown.
final class DetachedWork: LifecycleHandler, Sendable {
    private let tasks = NIOLockedValueBox<[UUID: Task<Void, Never>]>([:])

    func start(_ app: Application, _ label: String, _ body: @escaping @Sendable () async throws -> Void) {
        let id = UUID()
        tasks.withLockedValue { tasks in
            tasks[id] = Task(priority: .background) {
                do { try await body() } catch { app.logger.error("\(label) failed: \(String(reflecting: type(of: error)))") }
                self.tasks.withLockedValue { $0[id] = nil }
            }
        }
    }

    /// Waits until everything started so far has finished.
    func settle() async {
        while true {
            let running = tasks.withLockedValue { Array($0.values) }
            if running.isEmpty { return }
            for task in running { await task.value }
        }
    }

    func shutdownAsync(_ app: Application) async { await settle() }
}

extension Response {
    /// This response, starting `work` only once its body has been handed to the connection:
    /// work that ran while the page was still being written would slow it, and the delay would
    /// say what the work was.
    func startingAfterSent(_ work: @escaping @Sendable () -> Void) -> Response {
        let page = body.buffer ?? ByteBuffer(data: body.data ?? Data())
        body = .init(managedAsyncStream: { writer in
            try await writer.write(.buffer(page))
            work()
        })
        return self
    }
}

extension Application {
    private struct DetachedWorkKey: StorageKey { typealias Value = DetachedWork }

    var detachedWork: DetachedWork {
        get { storage[DetachedWorkKey.self]! }
        set { storage[DetachedWorkKey.self] = newValue }
    }
}
