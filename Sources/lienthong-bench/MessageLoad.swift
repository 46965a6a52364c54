import Foundation
import LienthongCore
import LienthongHTTP
import LienthongJSON
import Synchronization

/// `messages`: N senders post signed 1 KiB documents to a node, one after the other each, for a fixed time; then
/// every document answered 202 is looked up until its delivery receipt is stored. A document's latency runs from the
/// start of its send to the node's `deliveredAt` (the same clock: loopback); the rate is the documents delivered
/// over the time from the first send to the last delivery. The documents are signed before the clock starts, so
/// the client's signing does not take the node's CPU.
enum MessageLoad {
    /// A document answered 202 and when its send started.
    private struct Sent: Sendable {
        var id: String
        var started: Date
    }

    private final class Shared: Sendable {
        let next = Atomic<Int>(0)
        let sent = Mutex<[Sent]>([])
        let delivered = Mutex<[String: Date]>([:])
        let errors = Mutex<(count: Int, first: String?)>((0, nil))

        func fail(_ text: String) {
            errors.withLock { errors in
                errors.count += 1
                errors.first = errors.first ?? text
            }
        }
    }

    /// Enough documents for `seconds` at 3,000 a second: a pool that runs out ends the sending early (4,000 did after
    /// 1.5 to 2.5 s of a 10 s run at 64 senders on an idle 2-core machine, 2026-12-07).
    static func defaultPool(seconds: Double) -> Int { max(4000, Int(3000 * seconds)) }

    static func run(
        url: String, dataDirectory: String, scenario: String, senders: Int, seconds: Double, pool: Int
    ) async throws -> JSONValue {
        let fixture = try DocumentFixture(dataDirectory: dataDirectory)
        let documents = try (0..<pool).map { _ in try fixture.document() }
        let token = try String(contentsOfFile: dataDirectory + "/secrets/motcua.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let client = HTTPClient()
        defer { client.shutdown() }
        let shared = Shared()
        let began = Date()
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<senders {
                group.addTask {
                    while ContinuousClock.now < deadline {
                        let index = shared.next.add(1, ordering: .relaxed).oldValue
                        guard index < documents.count else { return }
                        let started = Date()
                        do {
                            let response = try await client.send(
                                request(url + "/v1/messages", token: token, body: documents[index].body))
                            if response.status == 202 {
                                shared.sent.withLock { $0.append(Sent(id: documents[index].id, started: started)) }
                            } else {
                                shared.fail("status \(response.status)")
                            }
                        } catch {
                            shared.fail("\(error)")
                        }
                    }
                }
            }
        }
        let sent = shared.sent.withLock { $0 }
        let delivered = await deliveries(of: sent, url: url, token: token, client: client, workers: senders)
        var tally = DirectLookup.Tally()
        var last = began
        for item in sent {
            guard let at = delivered[item.id] else {
                tally.errors += 1
                tally.firstError = tally.firstError ?? "not delivered within 120 s"
                continue
            }
            last = max(last, at)
            tally.latencies.append(UInt64(max(0, at.timeIntervalSince(item.started)) * 1e9))
        }
        let (count, first) = shared.errors.withLock { $0 }
        tally.errors += count
        tally.firstError = tally.firstError ?? first
        return DirectLookup.line(
            scenario: scenario, client: "lienthong-bench", connections: senders,
            seconds: last.timeIntervalSince(began), tally: tally)
    }

    /// Each sent document's `deliveredAt` from `GET /v1/messages/{id}`, asked once the sending is over (polling
    /// while sending would load the node the benchmark measures), in rounds of `workers` tasks over the documents
    /// not yet delivered, 200 ms apart, within 120 s.
    private static func deliveries(
        of sent: [Sent], url: String, token: String, client: HTTPClient, workers: Int
    ) async -> [String: Date] {
        let shared = Shared()
        let deadline = ContinuousClock.now + .seconds(120)
        var pending = sent.map(\.id)
        while !pending.isEmpty && ContinuousClock.now < deadline {
            let round = pending
            let next = Shared()
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<workers {
                    group.addTask {
                        while true {
                            let index = next.next.add(1, ordering: .relaxed).oldValue
                            guard index < round.count else { return }
                            let status = try? await client.send(
                                request(url + "/v1/messages/\(round[index])", token: token))
                            let body = status.flatMap { try? JSONValue.parse($0.body) }
                            if let text = body?["deliveredAt"]?.stringValue, let at = Timestamp.parse(text) {
                                shared.delivered.withLock { $0[round[index]] = at }
                            }
                        }
                    }
                }
            }
            let found = shared.delivered.withLock { Set($0.keys) }
            pending = round.filter { !found.contains($0) }
            if !pending.isEmpty { try? await Task.sleep(for: .milliseconds(200)) }
        }
        return shared.delivered.withLock { $0 }
    }

    private static func request(_ url: String, token: String, body: [UInt8]? = nil) -> HTTPClientRequest {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(token)")
        guard let body else { return HTTPClientRequest(url: url, headers: headers) }
        headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(DocumentFixture.boundary)")
        return HTTPClientRequest(url: url, method: .post, headers: headers, body: body)
    }
}
