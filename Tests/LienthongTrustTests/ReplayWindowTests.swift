import Foundation
import Testing

@testable import LienthongTrust

/// A clock the test moves by hand.
struct ManualClock {
    var now = Date(timeIntervalSince1970: 1_795_000_000)
    mutating func advance(_ seconds: TimeInterval) { now += seconds }
}

struct ReplayWindowTests {
    let configuration = ReplayWindow.Configuration(window: 600, clockSkew: 60, capacity: 100)

    @Test func firstSightIsFreshSecondIsReplay() {
        var clock = ManualClock()
        var window = ReplayWindow(configuration: configuration)
        #expect(window.check("a", at: clock.now) == .fresh)
        clock.advance(599)
        #expect(window.check("a", at: clock.now) == .replay)
        #expect(window.check("b", at: clock.now) == .fresh)
        #expect(window.count == 2)
    }

    @Test func idsCompareByCodePoints() {
        // NFC and NFD forms are two ids, as the persisted stores (which compare bytes) see them.
        let clock = ManualClock()
        var window = ReplayWindow(configuration: configuration)
        #expect(window.check("VN/GOV/BTC/DKKD|s\u{1EDF}", at: clock.now) == .fresh)
        #expect(window.check("VN/GOV/BTC/DKKD|so\u{31B}\u{309}", at: clock.now) == .fresh)
        #expect(window.check("VN/GOV/BTC/DKKD|s\u{1EDF}", at: clock.now) == .replay)
        #expect(window.count == 2)
    }

    @Test func idIsForgottenWhenItsWindowEnds() {
        var clock = ManualClock()
        var window = ReplayWindow(configuration: configuration)
        #expect(window.check("a", at: clock.now) == .fresh)
        #expect(window.expiry(of: "a") == clock.now + 600)
        clock.advance(600)
        #expect(window.check("a", at: clock.now) == .fresh)
        #expect(window.expiry(of: "a") == clock.now + 600)
    }

    @Test func issuedAtOutsideTheWindowIsRejectedAndNotRemembered() {
        let clock = ManualClock()
        var window = ReplayWindow(configuration: configuration)
        #expect(window.check("old", issuedAt: clock.now - 601, at: clock.now) == .tooOld)
        #expect(window.check("future", issuedAt: clock.now + 61, at: clock.now) == .tooNew)
        #expect(window.count == 0)
        #expect(window.check("edge", issuedAt: clock.now - 600, at: clock.now) == .fresh)
        #expect(window.check("skewed", issuedAt: clock.now + 60, at: clock.now) == .fresh)
        // An iat ahead of the clock keeps the id until iat + window, so it can never come back inside its window.
        #expect(window.expiry(of: "skewed") == clock.now + 660)
    }

    @Test func signedRequestCannotComeBackAfterItsEntryExpires() {
        var clock = ManualClock()
        var window = ReplayWindow(configuration: configuration)
        let issuedAt = clock.now
        #expect(window.check("sig", issuedAt: issuedAt, at: clock.now) == .fresh)
        clock.advance(300)
        #expect(window.check("sig", issuedAt: issuedAt, at: clock.now) == .replay)
        clock.advance(301)
        #expect(window.check("sig", issuedAt: issuedAt, at: clock.now) == .tooOld)
    }

    @Test func pruningDropsOnlyExpiredIds() {
        var clock = ManualClock()
        var window = ReplayWindow(configuration: configuration)
        for index in 0..<10 {
            #expect(window.check("id-\(index)", at: clock.now) == .fresh)
            clock.advance(60)
        }
        // Ids seen at t0 … t0+540; at t0+780 the four seen up to t0+180 have expired.
        clock.now = ManualClock().now + 780
        #expect(window.prune(at: clock.now) == 4)
        #expect(window.count == 6)
        #expect(window.check("id-3", at: clock.now) == .fresh)
        #expect(window.check("id-4", at: clock.now) == .replay)
    }

    @Test func capacityBoundsMemoryAndRaisesTheFloor() {
        var clock = ManualClock()
        var window = ReplayWindow(configuration: .init(window: 600, clockSkew: 60, capacity: 3))
        for index in 0..<5 {
            #expect(window.check("id-\(index)", issuedAt: clock.now, at: clock.now) == .fresh)
            clock.advance(1)
        }
        #expect(window.count == 3)
        // id-0 and id-1 were evicted; the floor is id-1's start, so neither can be replayed with its own iat.
        #expect(window.floor == ManualClock().now + 1)
        #expect(window.check("id-0", issuedAt: ManualClock().now, at: clock.now) == .tooOld)
        #expect(window.check("id-1", issuedAt: ManualClock().now + 1, at: clock.now) == .tooOld)
        #expect(window.check("id-2", issuedAt: ManualClock().now + 2, at: clock.now) == .replay)
    }

    @Test func forgottenIdIsFreshAgainAndStaleHeapEntriesAreHarmless() {
        var clock = ManualClock()
        var window = ReplayWindow(configuration: configuration)
        #expect(window.check("a", at: clock.now) == .fresh)
        window.forget("a")
        clock.advance(10)
        #expect(window.check("a", at: clock.now) == .fresh)
        clock.advance(595)
        // The first, forgotten entry's expiry has passed; the second one is still live.
        #expect(window.prune(at: clock.now) == 0)
        #expect(window.check("a", at: clock.now) == .replay)
    }
}
