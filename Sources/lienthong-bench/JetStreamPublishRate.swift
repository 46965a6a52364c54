import Foundation
import LienthongBus
import LienthongJSON
import Synchronization

/// `jetstream-publish`: the baseline of `messages` on JetStream. The bytes of one benchmark document's request
/// body published straight through libnats by N publishers, each waiting for its acknowledgement before the next
/// (as a send waits for its 202), each with its own `Nats-Msg-Id`, on a stream with as many replicas as servers:
/// what the cluster acknowledges per second without the gateway.
///
/// Prints one `direct` JSON line named `direct-jetstream-publish`, as ``DirectLookup`` does.
enum JetStreamPublishRate {
    static let stream = "LIENTHONG_BENCH_RAW"

    /// The publishers' merged tally.
    private final class Totals: Sendable {
        let merged = Mutex(DirectLookup.Tally())
    }

    static func run(servers: [String], dataDirectory: String, senders: Int, seconds: Double) async throws -> JSONValue {
        let payload = try DocumentFixture(dataDirectory: dataDirectory).document().body
        let connection = try JetStreamConnection(servers: servers, name: "lienthong-bench")
        defer { connection.close() }
        try connection.ensureStream(
            name: stream, subjects: ["lienthong.bench.raw"], replicas: servers.count,
            duplicateWindow: .seconds(600))
        let tally = Totals()
        let began = ContinuousClock.now
        let deadline = began + .milliseconds(Int64(seconds * 1000))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<senders {
                group.addTask {
                    var mine = DirectLookup.Tally()
                    while ContinuousClock.now < deadline {
                        let started = ContinuousClock.now
                        do {
                            _ = try await connection.publish(
                                subject: "lienthong.bench.raw", messageID: UUID().uuidString, payload: payload)
                            let elapsed = (ContinuousClock.now - started).components
                            mine.latencies.append(
                                UInt64(elapsed.seconds) * 1_000_000_000 + UInt64(elapsed.attoseconds / 1_000_000_000))
                        } catch {
                            mine.errors += 1
                            mine.firstError = mine.firstError ?? "\(error)"
                        }
                    }
                    tally.merged.withLock { $0.add(mine) }
                }
            }
        }
        let elapsed = (ContinuousClock.now - began).components
        return DirectLookup.line(
            scenario: "direct-jetstream-publish", client: "libnats", connections: senders,
            seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18, tally: tally.merged.withLock { $0 })
    }
}
