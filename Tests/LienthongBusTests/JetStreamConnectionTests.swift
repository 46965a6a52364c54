import Foundation
import LienthongBus
import LienthongTesting
import Testing

/// The connection's stream management against a three-server cluster on loopback.
@Suite(.serialized)
struct JetStreamConnectionTests {
    /// Making a replicated stream waits for the cluster to place it and elect its leader, which can take seconds in a
    /// cluster just formed; a node configured to fail publishes fast must still be able to make its streams.
    @Test func streamsAndConsumersAreMadeWithinTheirOwnBoundNotThePublishTimeout() async throws {
        let cluster = try await NATSCluster.start()
        defer { cluster.stop() }
        // No acknowledgement comes within a millisecond from three servers that each write to disk.
        let connection = try JetStreamConnection(
            servers: cluster.urls, name: "test", ackTimeout: .milliseconds(1))
        defer { connection.close() }
        #expect(connection.managementTimeout >= .seconds(10))
        for stream in ["FIRST", "SECOND"] {
            try connection.ensureStream(
                name: stream, subjects: ["test.\(stream.lowercased())"], replicas: 3, duplicateWindow: .seconds(60))
        }
        // The second call on an existing stream reads it and updates it, under the same bound.
        try connection.ensureStream(
            name: "FIRST", subjects: ["test.first"], replicas: 3, duplicateWindow: .seconds(120))
        let consumer = try connection.pullConsumer(
            stream: "FIRST", subject: "test.first", durable: "reader", ackWait: .seconds(30))
        consumer.close()
    }
}
