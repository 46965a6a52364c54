import Foundation
import LienthongConnectors
import LienthongCore
import Synchronization

/// What the pipeline learns about one request for its log lines: the consumer, the registries asked, the subject's
/// keyed hash, each upstream call's time, and every failure with its cause.
///
/// ``RequestLogging`` sets ``current`` (a task-local) around the request, so the lookups note facts where they
/// learn them without carrying the trace in their signatures, the way swift-distributed-tracing carries its context.
/// With logging off there is no trace and every note is skipped.
final class RequestTrace: Sendable {
    /// The trace of the request the current task is answering.
    @TaskLocal static var current: RequestTrace?

    /// Something that failed, for an `error` line: what, where, the code and the cause, without personal data.
    struct Failure: Sendable, Equatable {
        /// The part that failed.
        enum Part: String, Sendable {
            /// A registry's back end: unreachable, timed out, answered outside its contract, misconfigured.
            case connector
            /// The audit log: an append or a read.
            case audit
            /// The gateway itself (a 5xx whose cause no stage noted).
            case gateway
        }

        var part: Part
        var registry: String?
        /// The problem `code` the caller got (or would have got, for a withheld profile part).
        var code: String
        /// The underlying error's own text: codes, registry, the failing rule or the library's message.
        var cause: String
    }

    /// One call to a registry's back end.
    struct UpstreamCall: Sendable, Equatable {
        var registry: String
        var duration: Duration
        /// The connector error's code when it failed.
        var code: String?
    }

    /// Everything noted so far.
    struct Notes: Sendable {
        /// The route template the router matched (`unknown`, `invalid` for none).
        var route: String?
        var consumer: String?
        var registries: [String] = []
        var subjectHMAC: String?
        var calls: [UpstreamCall] = []
        var failures: [Failure] = []
        /// The audited problem code of a single-event exchange (a streamed document's end).
        var auditedProblem: String?
        /// Bytes of a streamed body sent so far.
        var streamedBytes = 0
    }

    private let state = Mutex(Notes())

    /// What was noted so far.
    var notes: Notes { state.withLock { $0 } }

    /// The router matched `route`, a template: the router's label, so that the log need not match the path again.
    func matched(_ route: String) {
        state.withLock { $0.route = route }
    }

    /// The consumer authenticated.
    func identified(_ consumer: ExchangeID) {
        let id = consumer.description
        state.withLock { $0.consumer = id }
    }

    /// The request concerns `registry` (a configured name, never the path's text).
    func asked(_ registry: String) {
        state.withLock { if !$0.registries.contains(registry) { $0.registries.append(registry) } }
    }

    /// The subject's keyed hash, as the audit log stores it.
    func subject(hmac: String) {
        state.withLock { $0.subjectHMAC = hmac }
    }

    /// The audit recorded the exchange with `problemCode` (`nil`: released).
    func audited(problemCode: String?) {
        state.withLock { $0.auditedProblem = problemCode }
    }

    /// Notes a failure.
    func failed(_ failure: Failure) {
        state.withLock { $0.failures.append(failure) }
    }

    /// Counts bytes of a streamed body.
    func sent(_ count: Int) {
        state.withLock { $0.streamedBytes += count }
    }

    private func called(_ call: UpstreamCall) {
        state.withLock { state in
            if !state.registries.contains(call.registry) { state.registries.append(call.registry) }
            state.calls.append(call)
        }
    }

    /// Runs `call` against `registry`'s back end, noting on the current trace how long it took and, when it fails
    /// with a 5xx, the failure with the connector error's text (`key` blanked out of it); counts it in the metrics.
    static func upstream<Value>(
        _ registry: String, key: String, _ call: () async throws(ConnectorError) -> Value
    ) async throws(ConnectorError) -> Value {
        let trace = current
        let metrics = RequestMetrics.current
        guard trace != nil || metrics != nil else { return try await call() }
        let started = ContinuousClock.now
        do {
            let value = try await call()
            let duration = started.duration(to: .now)
            trace?.called(UpstreamCall(registry: registry, duration: duration))
            metrics?.called(registry, seconds: duration.secondsValue, code: nil)
            return value
        } catch {
            let duration = started.duration(to: .now)
            trace?.called(UpstreamCall(registry: registry, duration: duration, code: error.code.wireCode))
            trace?.failedUpstream(error, registry: registry, key: key)
            metrics?.called(registry, seconds: duration.secondsValue, code: error.code.wireCode)
            throw error
        }
    }

    /// Notes a connector error that the caller answers with a 5xx (or withholds a profile part for).
    func failedUpstream(_ error: ConnectorError, registry: String, key: String) {
        let problem = error.problem
        guard problem.status >= 500 else { return }
        failed(
            Failure(
                part: .connector, registry: registry, code: problem.code,
                cause: Self.blank(key, in: error.description)))
    }

    /// Notes a record that breaks its registry's contract (the problem's detail names the rule, not the value).
    func failedContract(_ problem: Problem, registry: String) {
        failed(Failure(part: .connector, registry: registry, code: problem.code, cause: problem.detail))
    }

    /// A back end's message may quote the key it was asked (a database's "invalid input syntax for …"): never log it.
    static func blank(_ key: String, in text: String) -> String {
        key.isEmpty ? text : text.replacingOccurrences(of: key, with: "{key}")
    }
}
