import Foundation
import LienthongNodeStore
import LienthongStorage
import LienthongTesting
import LienthongTrust
import Testing

/// The replay window shared by several nodes in one real PostgreSQL: each "node" is its own store and pool.
@Suite(.serialized, .postgresCluster)
struct PostgresReplayGuardTests {
    private func node(window: TimeInterval = 600) throws -> any ReplayAdmitter {
        let cluster = try #require(PostgresCluster.current, "the suite's cluster did not start")
        return try PostgresNodeStore(conninfo: cluster.url, nodeID: "replay-\(UUID().uuidString.prefix(8))")
            .openReplay(.init(window: window), now: Date())
    }

    @Test func idAdmittedByOneNodeIsRefusedByAnother() async throws {
        let (a, b) = (try node(), try node())
        let id = "VN/GOV/HCM/MOTCUA|\(UUID().uuidString.lowercased())"
        try await a.admit([(id, nil)], now: Date())
        await #expect(throws: TrustError(.replayDetected, "")) { try await b.admit([(id, nil)], now: Date()) }
        await #expect(throws: TrustError(.replayDetected, "")) { try await a.admit([(id, nil)], now: Date()) }
    }

    @Test func concurrentAdmissionsOfOneIdOnTwoNodesAdmitExactlyOne() async throws {
        let nodes = [try node(), try node()]
        for _ in 0..<5 {
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

    @Test func idsOfOneRequestAreAdmittedAllOrNone() async throws {
        let (a, b) = (try node(), try node())
        let (request, taken) = (UUID().uuidString, "jws|\(UUID().uuidString)")
        try await a.admit([(taken, Date())], now: Date())
        await #expect(throws: TrustError(.replayDetected, "")) {
            try await b.admit([(request, nil), (taken, Date())], now: Date())
        }
        // The refused request used up nothing: its id is still fresh.
        try await b.admit([(request, nil)], now: Date())
        await #expect(throws: TrustError(.replayDetected, "")) {
            try await a.admit([(request, nil), (request, nil)], now: Date())
        }
    }

    @Test func expiredIdIsAdmittedAgainAndIatOutsideTheWindowIsStale() async throws {
        let (a, b) = (try node(window: 60), try node(window: 60))
        let id = UUID().uuidString
        let now = Date()
        try await a.admit([(id, nil)], now: now)
        await #expect(throws: TrustError(.replayDetected, "")) { try await b.admit([(id, nil)], now: now + 59) }
        try await b.admit([(id, nil)], now: now + 61)
        await #expect(throws: TrustError(.staleRequest, "")) {
            try await a.admit([(UUID().uuidString, now - 120)], now: now)
        }
        await #expect(throws: TrustError(.staleRequest, "")) {
            try await a.admit([(UUID().uuidString, now + 3600)], now: now)
        }
    }

    @Test func serverDownIsAReplayStoreErrorAndRecovers() async throws {
        let cluster = try #require(PostgresCluster.current)
        let a = try node()
        try await cluster.stop()
        do {
            await #expect(throws: TrustError(.replayStore, "")) {
                try await a.admit([(UUID().uuidString, nil)], now: Date())
            }
        }
        try await cluster.start()
        let id = UUID().uuidString
        try await a.admit([(id, nil)], now: Date())
        await #expect(throws: TrustError(.replayDetected, "")) { try await a.admit([(id, nil)], now: Date()) }
    }
}
