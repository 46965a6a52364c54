import LienthongConnectors
import LienthongJSON
import LienthongTesting
import Synchronization
import Testing

/// A back end that answers from a script, one entry per call (the last entry repeats).
final class ScriptedConnector: RegistryConnector {
    enum Step: Sendable {
        case record(NativeRecord?)
        case fail(ConnectorError.Code)
        /// Waits until the call is cancelled, then fails as unavailable.
        case hang
    }

    private let script: Mutex<[Step]>
    let calls = Atomic<Int>(0)

    init(_ script: [Step]) { self.script = Mutex(script) }

    func lookup(key: String) async throws(ConnectorError) -> NativeRecord? {
        calls.add(1, ordering: .relaxed)
        let step = script.withLock { script in script.count > 1 ? script.removeFirst() : script[0] }
        switch step {
        case .record(let record): return record
        case .fail(let code): throw ConnectorError(code: code, registry: "test", detail: "scripted")
        case .hang:
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            throw ConnectorError(code: .unavailable, registry: "test", detail: "cancelled", cause: "http-client.cancelled")
        }
    }

    func health() async -> ConnectorHealth { .up }
    func close() async {}
}

struct ResilientConnectorTests {
    static let record: NativeRecord = ["id": "1"]

    func connector(
        _ script: [ScriptedConnector.Step], _ configuration: ResilienceConfiguration, clock: ManualClock = ManualClock(),
        deadline: Duration = .seconds(5)
    ) -> (ResilientConnector<ManualClock>, ScriptedConnector) {
        let base = ScriptedConnector(script)
        return (ResilientConnector(base: base, registry: "test", configuration: configuration, deadline: deadline, clock: clock), base)
    }

    @Test func unavailableIsRetriedUntilSuccess() async throws {
        let (connector, base) = connector(
            [.fail(.unavailable), .fail(.unavailable), .record(Self.record)], .init(retries: 2, backoffMs: 0))
        #expect(try await connector.lookup(key: "1") == Self.record)
        #expect(base.calls.load(ordering: .relaxed) == 3)
        #expect(connector.breakerState == .closed(failures: 0))
    }

    @Test func retriesAreBounded() async throws {
        let (connector, base) = connector([.fail(.unavailable)], .init(failureThreshold: 100, retries: 2, backoffMs: 0))
        let error = try await #require(throws: ConnectorError.self) { try await connector.lookup(key: "1") }
        #expect(error.code == .unavailable)
        #expect(base.calls.load(ordering: .relaxed) == 3)
        #expect(connector.breakerState == .closed(failures: 3))
    }

    @Test(arguments: [ConnectorError.Code.upstreamContractViolation, .configuration, .unsupported])
    func nonTransientErrorsAreNotRetriedNorCounted(code: ConnectorError.Code) async throws {
        let (connector, base) = connector([.fail(code)], .init(failureThreshold: 1, retries: 2, backoffMs: 0))
        let error = try await #require(throws: ConnectorError.self) { try await connector.lookup(key: "1") }
        #expect(error.code == code)
        #expect(base.calls.load(ordering: .relaxed) == 1)
        #expect(connector.breakerState == .closed(failures: 0))
    }

    @Test func openBreakerFailsFastWithoutCallingTheBackEnd() async throws {
        let (connector, base) = connector([.fail(.unavailable)], .init(failureThreshold: 2, coolDownMs: 10_000, retries: 0))
        for _ in 0..<2 { await #expect(throws: ConnectorError(code: .unavailable, registry: "", detail: "")) { try await connector.lookup(key: "1") } }
        let error = try await #require(throws: ConnectorError.self) { try await connector.lookup(key: "1") }
        #expect(error.code == .circuitOpen && error.registry == "test")
        #expect(error.retryAfter == .seconds(10))
        #expect(error.problem.status == 503 && error.problem.code == "upstream-circuit-open")
        #expect(error.problem.extensions["retryAfter"] == 10)
        #expect(base.calls.load(ordering: .relaxed) == 2)
        #expect(await connector.health() == ConnectorHealth(status: .down, detail: "upstream-circuit-open"))
    }

    @Test func probeAfterCoolDownClosesTheBreaker() async throws {
        let clock = ManualClock()
        let (connector, base) = connector(
            [.fail(.unavailable), .record(Self.record)], .init(failureThreshold: 1, coolDownMs: 1_000, retries: 0), clock: clock)
        await #expect(throws: ConnectorError(code: .unavailable, registry: "", detail: "")) { try await connector.lookup(key: "1") }
        clock.advance(by: .milliseconds(999))
        await #expect(throws: ConnectorError(code: .circuitOpen, registry: "", detail: "")) { try await connector.lookup(key: "1") }
        clock.advance(by: .milliseconds(1))
        #expect(try await connector.lookup(key: "1") == Self.record)
        #expect(connector.breakerState == .closed(failures: 0))
        #expect(base.calls.load(ordering: .relaxed) == 2)
    }

    @Test func retryStopsWhenTheBreakerOpens() async throws {
        let (connector, base) = connector([.fail(.unavailable)], .init(failureThreshold: 2, retries: 5, backoffMs: 0))
        let error = try await #require(throws: ConnectorError.self) { try await connector.lookup(key: "1") }
        // The second failure opened the breaker; the third attempt was refused and the real failure reported.
        #expect(error.code == .unavailable || error.code == .circuitOpen)
        #expect(base.calls.load(ordering: .relaxed) == 2)
    }

    @Test func deadlineCancelsAHangingAttempt() async throws {
        let clock = ManualClock()
        let (connector, base) = connector([.hang], .init(retries: 2, backoffMs: 0), clock: clock, deadline: .seconds(3))
        let call = Task { () async throws(ConnectorError) -> NativeRecord? in try await connector.lookup(key: "1") }
        // The deadline timer is the only sleeper; wait until it is armed, then let the budget run out.
        try #require(try await Poll.until(every: .milliseconds(1)) { clock.sleeperCount > 0 })
        clock.advance(by: .seconds(3))
        let result = await call.result
        let error = try #require(throws: ConnectorError.self) { try result.get() }
        #expect(error.code == .timeout && error.cause == "deadline")
        // A timeout that used the whole budget is not repeated.
        #expect(base.calls.load(ordering: .relaxed) == 1)
        #expect(connector.breakerState == .closed(failures: 1))
    }

    @Test func configurationDecodesWithDefaults() throws {
        #expect(try JSONValueDecoder().decode(ResilienceConfiguration.self, from: [:]) == ResilienceConfiguration())
        let custom: JSONValue = ["failureThreshold": 3, "coolDownMs": 500, "retries": 0, "backoffMs": 10, "deadlineMs": 800]
        #expect(
            try JSONValueDecoder().decode(ResilienceConfiguration.self, from: custom)
                == ResilienceConfiguration(failureThreshold: 3, coolDownMs: 500, retries: 0, backoffMs: 10, deadlineMs: 800))
        #expect(throws: JSONError.self) { try JSONValueDecoder().decode(ResilienceConfiguration.self, from: ["retries": -1]) }
        #expect(ResilienceConfiguration(backoffMs: 50).backoff(beforeRetry: 3) == .milliseconds(200))
    }

    @Test func everyConfiguredConnectorIsResilient() throws {
        let configuration = try RegistryConfiguration.load(path: TestSupport.path("config/demo/registries/population.json"))
        #expect(configuration.resilience == ResilienceConfiguration(failureThreshold: 5, coolDownMs: 10_000, retries: 2, backoffMs: 50))
        let connector = try configuration.makeConnector(dataDirectory: "/nonexistent", httpClient: TestSupport.httpClient)
        #expect(connector is ResilientConnector<ContinuousClock>)
        let land = try RegistryConfiguration.load(path: TestSupport.path("config/demo/registries/land.json"))
        let rest = try #require(
            try land.makeConnector(dataDirectory: "/", httpClient: TestSupport.httpClient) as? ResilientConnector<ContinuousClock>)
        #expect(rest.deadline == .milliseconds(3_000))
    }
}

/// A back end that says it runs inline and reports the task each lookup ran in.
final class InlineConnector: RegistryConnector {
    let tasks = Mutex<[Int]>([])
    var runsInline: Bool { true }

    func lookup(key: String) async throws(ConnectorError) -> NativeRecord? {
        let task = withUnsafeCurrentTask { $0?.hashValue ?? 0 }
        tasks.withLock { $0.append(task) }
        return ["id": .string(key)]
    }

    func health() async -> ConnectorHealth { .up }
    func close() async {}
}

/// An inline back end (SQLite) is called in the caller's task: a deadline timer could not end its call sooner, and
/// a task group and a timer per call cost more than the read.
struct ResilientInlineConnectorTests {
    @Test func anInlineBackEndIsCalledInTheCallersTask() async throws {
        let base = InlineConnector()
        let connector = ResilientConnector(
            base: base, registry: "test", configuration: .init(), deadline: .seconds(5), clock: ManualClock())
        let caller = withUnsafeCurrentTask { $0?.hashValue ?? -1 }
        #expect(try await connector.lookup(key: "7") == ["id": "7"])
        #expect(base.tasks.withLock { $0 } == [caller])
    }

    @Test func theSQLiteConnectorRunsInline() throws {
        let connector = SQLiteConnector(
            registry: "population", configuration: .init(path: ":memory:", lookup: "SELECT 1 WHERE ?1 IS NOT NULL"))
        #expect(connector.runsInline)
    }
}
