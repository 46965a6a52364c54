import Foundation
import LienthongFederation
import Testing

@testable import LienthongGateway

/// The one gate of cross-node exchanges: open while the last good configuration is within its expiry plus the
/// grace, a 503 problem with a stable code otherwise; readiness names the same reason.
struct FederationStateTests {
    static let issued = Date(timeIntervalSince1970: 1_800_000_000)

    static func configuration(version: Int = 1) -> GlobalConfiguration {
        GlobalConfiguration(
            federationID: "VN-TEST", authority: "VN/GOV/BTTTT/FEDERATION", version: version, issuedAt: issued,
            expiresAt: issued.addingTimeInterval(3600), members: [], nodes: [], trustAnchors: [], crls: [],
            purposes: [])
    }

    @Test func withoutAConfigurationNoCrossNodeExchangeIsAdmitted() throws {
        let state = FederationState(grace: 600)
        let problem = try #require(state.admitCrossNodeExchange(at: Self.issued))
        #expect(problem.status == 503)
        #expect(problem.code == "federation.configuration-missing")
        #expect(state.readinessComponent(at: Self.issued).status == .down)
    }

    @Test func anExpiredConfigurationIsAdmittedUntilTheGraceEnds() throws {
        let state = FederationState(grace: 600)
        state.hold(Self.configuration(version: 7))
        let expiry = Self.issued.addingTimeInterval(3600)
        #expect(state.admitCrossNodeExchange(at: Self.issued) == nil)
        #expect(state.admitCrossNodeExchange(at: expiry.addingTimeInterval(600)) == nil)
        let problem = try #require(state.admitCrossNodeExchange(at: expiry.addingTimeInterval(601)))
        #expect(problem.status == 503)
        #expect(problem.code == "federation.configuration-expired")
        #expect(problem.detail.contains("version 7"))
        let component = state.readinessComponent(at: expiry.addingTimeInterval(601))
        #expect(component.name == "global-configuration" && component.status == .down)
        #expect(component.detail?.contains("federation.configuration-expired") == true)
    }

    @Test func readinessNamesTheLastRefusalUntilAFetchSucceeds() {
        let state = FederationState(grace: 0)
        state.hold(Self.configuration(version: 2))
        state.refused(FederationError(.olderVersion, "version 1, this node holds 2"))
        let refused = state.readinessComponent(at: Self.issued)
        #expect(refused.status == .up)
        #expect(refused.detail?.contains("version 2") == true)
        #expect(refused.detail?.contains("federation.older-version") == true)
        state.unchanged()
        #expect(state.readinessComponent(at: Self.issued).detail?.contains("refused") == false)
    }
}
