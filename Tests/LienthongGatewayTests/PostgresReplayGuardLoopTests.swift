import Foundation
import LienthongHTTP
import LienthongNodeStore
import LienthongStorage
import LienthongTesting
import LienthongTrust
import Testing

/// The PostgreSQL replay window with the event loops installed: its statements (the all-or-none transaction of a
/// request's ids among them) run on the nonblocking connections of the auxiliary loop, not on a blocking connection.
@Suite(.serialized, .postgresCluster)
struct PostgresReplayGuardLoopTests {
    private func node() throws -> any ReplayAdmitter {
        EventLoopSockets.install()
        let cluster = try #require(PostgresCluster.current, "the suite's cluster did not start")
        return try PostgresNodeStore(conninfo: cluster.url, nodeID: "replay-loop-\(UUID().uuidString.prefix(8))")
            .openReplay(.init(window: 600), now: Date())
    }

    @Test func idsOfOneRequestAreAdmittedAllOrNoneOnTheLoop() async throws {
        let (a, b) = (try node(), try node())
        let (request, taken) = (UUID().uuidString, "jws|\(UUID().uuidString)")
        try await a.admit([(taken, Date())], now: Date())
        await #expect(throws: TrustError(.replayDetected, "")) {
            try await b.admit([(request, nil), (taken, Date())], now: Date())
        }
        // The refused request used up nothing: its id is still fresh, and the connection is usable after the
        // rollback.
        try await b.admit([(request, nil), ("jws|\(UUID().uuidString)", Date())], now: Date())
        await #expect(throws: TrustError(.replayDetected, "")) { try await a.admit([(request, nil)], now: Date()) }
    }

    @Test func concurrentAdmissionsOfOneIdAdmitExactlyOne() async throws {
        let nodes = [try node(), try node()]
        let id = UUID().uuidString
        let outcomes = await withTaskGroup(of: TrustError.Code?.self) { group in
            for index in 0..<16 {
                group.addTask {
                    do throws(TrustError) {
                        try await nodes[index % 2].admit([(id, nil)], now: Date())
                        return nil
                    } catch {
                        return error.code
                    }
                }
            }
            return await group.reduce(into: [TrustError.Code?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.filter { $0 == .replayDetected }.count == 15)
    }
}
