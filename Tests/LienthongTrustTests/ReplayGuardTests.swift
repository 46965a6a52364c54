import Foundation
import LienthongCore
import LienthongNodeStore
import Testing

@testable import LienthongTrust

struct ReplayGuardTests {
    @Test func admitsOnceThenReportsReplayAndStaleRequests() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock()
        let replay = try ReplayGuard(path: directory.appendingPathComponent("replay.sqlite"), now: clock.now)
        try replay.admit(id: "req-1", issuedAt: nil, now: clock.now)
        #expect(throws: TrustError(.replayDetected, "")) {
            try replay.admit(id: "req-1", issuedAt: nil, now: clock.now)
        }
        #expect(throws: TrustError(.staleRequest, "")) {
            try replay.admit(id: "req-2", issuedAt: clock.now - 601, now: clock.now)
        }
        #expect(throws: TrustError(.staleRequest, "")) {
            try replay.admit(id: "req-3", issuedAt: clock.now + 3600, now: clock.now)
        }
        #expect(replay.count == 1)
    }

    @Test func problemsAre409ReplayDetectedAnd400StaleRequest() {
        let replayed = TrustError(.replayDetected, "id x").problem
        #expect(replayed.status == 409)
        #expect(replayed.code == "replay-detected")
        let stale = TrustError(.staleRequest, "id x").problem
        #expect(stale.status == 400)
        #expect(stale.code == "stale-request")
        let unreachable = TrustError(.replayStore, "replay window in PostgreSQL: connection").problem
        #expect(unreachable.status == 503)
        #expect(unreachable.code == "replay-store-unavailable")
        #expect(!unreachable.detail.contains("PostgreSQL"))
        #expect(TrustError(.envelopeTooLarge, "x").problem.status == 413)
    }

    @Test func windowSurvivesReopenAndDropsWhatExpiredMeanwhile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("replay.sqlite")
        var clock = ManualClock()
        do {
            let replay = try ReplayGuard(path: path, now: clock.now)
            try replay.admit(id: "early", issuedAt: nil, now: clock.now)
            clock.advance(300)
            try replay.admit(id: "late", issuedAt: clock.now, now: clock.now)
        }
        clock.advance(200)
        let reopened = try ReplayGuard(path: path, now: clock.now)
        #expect(reopened.count == 2)
        #expect(throws: TrustError(.replayDetected, "")) {
            try reopened.admit(id: "early", issuedAt: nil, now: clock.now)
        }
        #expect(throws: TrustError(.replayDetected, "")) {
            try reopened.admit(id: "late", issuedAt: clock.now - 200, now: clock.now)
        }
        // 10 minutes after "early" was admitted it has expired; a restart then does not bring it back.
        clock.advance(100)
        let again = try ReplayGuard(path: path, now: clock.now)
        #expect(again.count == 1)
        try again.admit(id: "early", issuedAt: nil, now: clock.now)
    }

    @Test func evictionFloorSurvivesReopen() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("replay.sqlite")
        var clock = ManualClock()
        let start = clock.now
        let configuration = ReplayWindow.Configuration(window: 600, clockSkew: 60, capacity: 2)
        do {
            let replay = try ReplayGuard(path: path, configuration: configuration, now: clock.now)
            for index in 0..<3 {
                try replay.admit(id: "sig-\(index)", issuedAt: clock.now, now: clock.now)
                clock.advance(1)
            }
        }
        let reopened = try ReplayGuard(path: path, configuration: configuration, now: clock.now)
        #expect(reopened.count == 2)
        #expect(throws: TrustError(.staleRequest, "")) {
            try reopened.admit(id: "sig-0", issuedAt: start, now: clock.now)
        }
    }

    @Test func concurrentAdmissionsOfOneIdAdmitExactlyOne() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let now = ManualClock().now
        let replay = try ReplayGuard(path: directory.appendingPathComponent("replay.sqlite"), now: now)
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    do {
                        try replay.admit(id: "same", issuedAt: now, now: now)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            var count = 0
            for await ok in group where ok { count += 1 }
            return count
        }
        #expect(admitted == 1)
    }

    @Test func idsOfOneRequestAreAdmittedAllOrNoneAndSurviveReopen() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("replay.sqlite")
        let clock = ManualClock()
        do {
            let replay = try ReplayGuard(path: path, now: clock.now)
            // A stale signature refuses the request and uses up none of its ids.
            #expect(throws: TrustError(.staleRequest, "")) {
                try replay.admit([("request-1", clock.now), ("signature-1", clock.now - 601)], now: clock.now)
            }
            #expect(replay.count == 0)
            #expect(throws: TrustError(.replayDetected, "")) {
                try replay.admit([("request-1", clock.now), ("request-1", clock.now)], now: clock.now)
            }
            try replay.admit([("request-1", clock.now), ("signature-1", clock.now)], now: clock.now)
            #expect(replay.count == 2)
            // Either id seen again refuses a later request.
            #expect(throws: TrustError(.replayDetected, "")) {
                try replay.admit([("request-2", clock.now), ("signature-1", clock.now)], now: clock.now)
            }
            #expect(replay.count == 2)
        }
        let reopened = try ReplayGuard(path: path, now: clock.now)
        #expect(reopened.count == 2)
        #expect(throws: TrustError(.replayDetected, "")) {
            try reopened.admit(id: "signature-1", issuedAt: clock.now, now: clock.now)
        }
        try reopened.admit(id: "request-2", issuedAt: clock.now, now: clock.now)
    }

    @Test func unopenableStoreIsAReplayStoreError() {
        #expect(throws: TrustError(.replayStore, "")) {
            try ReplayGuard(path: URL(fileURLWithPath: "/nonexistent-dir/replay.sqlite"), now: Date())
        }
    }
}
