import LienthongConnectors
@testable import LienthongGateway
import Testing

/// What the pipeline notes for the error log about calls to a registry's back end.
struct RequestTraceTests {
    @Test func aFailedCallIsNotedWithItsCauseAndWithoutTheKey() async {
        let trace = RequestTrace()
        await RequestTrace.$current.withValue(trace) {
            _ = try? await RequestTrace.upstream("enterprise", key: "0123456789") {
                () async throws(ConnectorError) -> Int in
                throw ConnectorError(
                    code: .configuration, registry: "enterprise",
                    detail: #"invalid input syntax for type integer: "0123456789""#, cause: "postgres.22P02")
            }
        }
        let notes = trace.notes
        #expect(notes.calls.map(\.code) == ["connector-configuration"])
        #expect(notes.registries == ["enterprise"])
        let failure = notes.failures.first
        #expect(failure?.code == "internal-error")
        #expect(failure?.registry == "enterprise")
        #expect(failure?.cause.contains("postgres.22P02") == true)
        #expect(failure?.cause.contains("0123456789") == false)
    }

    @Test func aCallerErrorIsNoFailureAndASuccessIsTimed() async throws {
        let trace = RequestTrace()
        let value = try await RequestTrace.$current.withValue(trace) {
            _ = try? await RequestTrace.upstream("land", key: "k") { () async throws(ConnectorError) -> Int in
                throw ConnectorError(code: .searchTooBroad, registry: "land", detail: "too many")
            }
            return try await RequestTrace.upstream("land", key: "k") { () async throws(ConnectorError) -> Int in 42 }
        }
        #expect(value == 42)
        #expect(trace.notes.failures.isEmpty)
        #expect(trace.notes.calls.map(\.code) == ["search-too-broad", nil])
    }

    @Test func withoutATraceTheCallJustRuns() async throws {
        #expect(try await RequestTrace.upstream("land", key: "k") { () async throws(ConnectorError) -> Int in 1 } == 1)
    }
}
