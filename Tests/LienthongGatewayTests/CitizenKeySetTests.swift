import Foundation
import LienthongJSON
import LienthongTrust
import Synchronization
import Testing

@testable import LienthongGateway

/// The issuer's key set is fetched once, again for a `kid` it lacks (at most once per interval), and again when
/// it grows old; driven by a manual clock over a JWKS file.
struct CitizenKeySetTests {
    /// A manual clock the key set reads.
    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_796_000_000))
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
        var now: Date { time.withLock { $0 } }
    }

    /// A JWKS with one P-256 key per kid.
    func jwks(_ kids: [String]) throws -> [UInt8] {
        let keys: [JSONValue] = try kids.map { kid in
            let point = Array(try SigningKey.generate(.p256).publicKey.derBytes.suffix(64))
            return [
                "kty": "EC", "crv": "P-256", "kid": .string(kid),
                "x": .string(Base64URL.encode(Array(point.prefix(32)))),
                "y": .string(Base64URL.encode(Array(point.suffix(32)))),
            ]
        }
        return JSONValue.object(["keys": .array(keys)]).serializedBytes()
    }

    @Test func unknownKidRefetchesAtMostOncePerInterval() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jwks-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(try jwks(["a"])).write(to: file)
        let clock = Clock()
        let keys = CitizenKeySet(source: .file(file), minimumRefresh: 60, maximumAge: 3600, now: { clock.now })
        #expect(try await keys.keys(for: "a").key(for: "a") != nil)

        // The issuer rotates: "b" is published, but the node fetched 10 s ago.
        try Data(try jwks(["a", "b"])).write(to: file)
        clock.advance(10)
        #expect(try await keys.keys(for: "b").key(for: "b") == nil)
        clock.advance(50)
        #expect(try await keys.keys(for: "b").key(for: "b") != nil)

        // A known kid uses the cached set until it is an hour old.
        try Data(try jwks(["c"])).write(to: file)
        clock.advance(3000)
        #expect(try await keys.keys(for: "a").key(for: "a") != nil)
        clock.advance(600)
        #expect(try await keys.keys(for: "a").key(for: "a") == nil)
    }

    @Test func unreadableKeySetIsKeysUnavailable() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)")
        let keys = CitizenKeySet(source: .file(missing), minimumRefresh: 60, now: { Date() })
        await #expect(throws: IDTokenError(.keysUnavailable, "")) { try await keys.keys(for: "a") }
        #expect(IDTokenError(.keysUnavailable, "").problem.status == 503)
    }

    @Test func refreshStateMachine() {
        let start = Date(timeIntervalSince1970: 0)
        var refresh = KeySetRefresh(minimumInterval: 60, maximumAge: 3600)
        #expect(refresh.lookUp(known: false, at: start) == .fetch)
        #expect(refresh.lookUp(known: true, at: start + 1) == .useCurrent)
        #expect(refresh.lookUp(known: false, at: start + 59) == .useCurrent)
        #expect(refresh.lookUp(known: false, at: start + 60) == .fetch)
        #expect(refresh.lookUp(known: true, at: start + 3659) == .useCurrent)
        #expect(refresh.lookUp(known: true, at: start + 3660) == .fetch)
    }
}
