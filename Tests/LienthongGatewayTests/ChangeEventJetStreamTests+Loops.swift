import Foundation
import LienthongTesting
import Testing

extension ChangeEventJetStreamTests {
    /// A stream read that waits on the cluster (every server stopped: libnats waits out its timeout, 5 s here) runs on
    /// the node's pool for blocking work: the node's one event loop answers other requests meanwhile. (It ran on the
    /// loop of the request that asked, which answered nothing else until libnats gave up.)
    @Test(.timeLimit(.minutes(3)))
    func aStreamReadWaitingOnTheClusterLeavesTheEventLoopFree() async throws {
        let cluster = try await NATSCluster.start()
        defer { cluster.stop() }
        let gateway = try Self.gateway(cluster, eventLoops: 1)
        defer { gateway.stop() }
        let subscriber = EventSubscriber(gateway: gateway)
        let id = try await subscriber.subscribeToPersons()
        for server in cluster.servers { kill(server.pid, SIGSTOP) }
        defer { for server in cluster.servers { kill(server.pid, SIGCONT) } }

        let readEnded = Switch()
        let read = Task {
            defer { Task { await readEnded.turnOn() } }
            return try await subscriber.read(id).status
        }
        // Health checks, each on a connection of its own, for as long as the read waits: the loop answers them.
        var answered = 0
        while await !readEnded.isOn {
            let client = gateway.client()
            if try await gateway.get("/healthz", client: client).status == 200 { answered += 1 }
            client.shutdown()
        }
        _ = try await read.value
        #expect(answered >= 10, "the loop answered \(answered) health checks while the stream read waited")
    }
}
