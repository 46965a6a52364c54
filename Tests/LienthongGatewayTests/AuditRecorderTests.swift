import Foundation
import LienthongAudit
@testable import LienthongGateway
import Testing

/// What the audit recorder tells the request's trace: the subject as the audit log hashes it, and its own failure.
struct AuditRecorderTests {
    static func log() throws -> AuditLog {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).sqlite")
        return try AuditLog(path: path.path, subjectKey: Array("secret".utf8))
    }

    static func event(_ key: String) -> AuditEvent {
        AuditEvent(
            time: Date(), requestID: UUID().uuidString.lowercased(), subjectKey: key, outcome: .allowed, status: 200)
    }

    @Test func theTraceGetsTheSubjectHMACTheLogStores() async throws {
        let log = try Self.log()
        defer { log.close() }
        let trace = RequestTrace()
        let problem = await RequestTrace.$current.withValue(trace) {
            await AuditRecorder(log: log, enabled: true).record([Self.event("001190000000")], requestID: "r")
        }
        #expect(problem == nil)
        #expect(trace.notes.subjectHMAC == log.subjectHMAC("001190000000"))
        #expect(trace.notes.failures.isEmpty)
    }

    @Test func aFailedAppendIsAnAuditFailureWithItsCause() async throws {
        let log = try Self.log()
        log.close()
        let trace = RequestTrace()
        let problem = await RequestTrace.$current.withValue(trace) {
            await AuditRecorder(log: log, enabled: true).record([Self.event("001190000000")], requestID: "r")
        }
        #expect(problem?.code == "audit-unavailable")
        let failure = try #require(trace.notes.failures.first)
        #expect(failure.part == .audit)
        #expect(failure.code == "audit-unavailable")
        #expect(failure.cause.contains("audit.closed"), "\(failure.cause)")
        #expect(!failure.cause.contains("001190000000"))
    }
}
