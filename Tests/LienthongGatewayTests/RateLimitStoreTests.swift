import LienthongCore
import LienthongTesting
import Testing

@testable import LienthongGateway

/// The node's rate-limit state under a manual clock: limits counted all or none, the longest wait named.
struct RateLimitStoreTests {
    typealias Store = RateLimitStore<ManualClock>
    static let motcua = ExchangeID("VN/GOV/HCM/MOTCUA")!
    static let thue = ExchangeID("VN/GOV/BTC/THUE")!
    static let person = ExchangeID("VN/GOV/BCA/DANCU/person")!

    static func consumer(_ id: ExchangeID, _ limit: RateLimit) -> Store.Charge {
        Store.Charge(scope: .consumer(id, service: person), limit: limit)
    }

    static func service(_ limit: RateLimit) -> Store.Charge { Store.Charge(scope: .service(person), limit: limit) }

    @Test func aRefusalSpendsNoOtherLimit() {
        let clock = ManualClock()
        let store = Store(clock: clock)
        let generous = RateLimit(requestsPerSecond: 1, burst: 3)
        let strict = RateLimit(requestsPerSecond: 1, burst: 1)
        #expect(store.admit([Self.consumer(Self.motcua, generous), Self.service(strict)]) == nil)
        // The registry's limit refuses; the consumer's is not charged for it.
        let refusal = store.admit([Self.consumer(Self.motcua, generous), Self.service(strict)])
        #expect(refusal == Store.Refusal(scope: .service(Self.person), retryAfter: .seconds(1)))
        #expect(store.admit([Self.consumer(Self.motcua, generous)]) == nil)
        #expect(store.admit([Self.consumer(Self.motcua, generous)]) == nil)
        #expect(store.admit([Self.consumer(Self.motcua, generous)]) != nil)
    }

    @Test func consumersHaveTheirOwnStateAndTheLongestWaitIsNamed() {
        let clock = ManualClock()
        let store = Store(clock: clock)
        let limit = RateLimit(requestsPerSecond: 0.25, burst: 1)
        #expect(store.admit([Self.consumer(Self.motcua, limit)]) == nil)
        #expect(store.admit([Self.consumer(Self.thue, limit)]) == nil)
        clock.advance(by: .seconds(1))
        #expect(store.admit([Self.service(RateLimit(requestsPerSecond: 1, burst: 1))]) == nil)
        let both = store.admit([
            Self.service(RateLimit(requestsPerSecond: 1, burst: 1)), Self.consumer(Self.motcua, limit),
        ])
        #expect(both == Store.Refusal(scope: .consumer(Self.motcua, service: Self.person), retryAfter: .seconds(3)))
        clock.advance(by: .seconds(3))
        #expect(store.admit([Self.consumer(Self.motcua, limit)]) == nil)
        #expect(store.admit([]) == nil)
    }

    @Test func idleScopesAreForgottenSoTheStateStaysBounded() {
        let clock = ManualClock()
        let store = Store(clock: clock, pruneInterval: 10)
        let limit = RateLimit(requestsPerSecond: 1, burst: 5)
        // Nine consumers, say of a configuration a reload replaced, each send one request.
        for index in 0..<9 {
            let consumer = ExchangeID("VN/GOV/TEST/C\(index)")!
            #expect(store.admit([Self.consumer(consumer, limit)]) == nil)
        }
        #expect(store.scopeCount == 9)
        clock.advance(by: .seconds(1))
        // The tenth request sweeps: the nine others are full again, so their state says nothing.
        #expect(store.admit([Self.consumer(Self.motcua, limit)]) == nil)
        #expect(store.scopeCount == 1)
    }
}
