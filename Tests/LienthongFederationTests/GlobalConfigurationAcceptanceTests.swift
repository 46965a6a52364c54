import Foundation
import LienthongFederation
import Testing

/// A node only moves forward: a lower version, the same version with other content, another federation and a
/// document fetched already expired are refused, each with its own code; the diff names what a new version changed.
struct GlobalConfigurationAcceptanceTests {
    typealias Fixtures = FederationFixtures
    typealias Acceptance = GlobalConfigurationAcceptance

    func code(_ candidate: GlobalConfiguration, over current: GlobalConfiguration?, from source: Acceptance.Source = .authority) -> FederationError.Code? {
        do {
            _ = try Acceptance.decide(candidate, over: current, from: source, at: Date())
            return nil
        } catch {
            return error.code
        }
    }

    @Test func versionsOnlyMoveForward() throws {
        let three = Fixtures.configuration(version: 3)
        #expect(code(Fixtures.configuration(version: 2), over: three) == .olderVersion)
        #expect(try Acceptance.decide(three, over: three, from: .authority, at: Date()) == .unchanged)
        var conflicting = three
        conflicting.nodes.removeLast()
        #expect(code(conflicting, over: three) == .versionConflict)
        var otherFederation = Fixtures.configuration(version: 4)
        otherFederation.federationID = "VN-OTHER"
        #expect(code(otherFederation, over: three) == .otherFederation)
        guard case .accepted(let diff) = try Acceptance.decide(
            Fixtures.configuration(version: 4), over: three, from: .authority, at: Date())
        else { Issue.record("version 4 over 3 not accepted"); return }
        #expect(diff.fromVersion == 3 && diff.toVersion == 4 && diff.isEmpty)
    }

    /// Federation ids are signed values: one in another normalisation form (NFD "é" against NFC) is another
    /// federation, though Swift's `==` calls the two strings equal.
    @Test func aFederationIdInAnotherNormalisationFormIsAnotherFederation() {
        var nfc = Fixtures.configuration(version: 3)
        nfc.federationID = "VN-LI\u{00CA}N-TH\u{00D4}NG"
        var nfd = Fixtures.configuration(version: 4)
        nfd.federationID = "VN-LIE\u{0302}N-THO\u{0302}NG"
        #expect(code(nfd, over: nfc) == .otherFederation)
    }

    @Test func anExpiredDocumentIsRefusedFromTheAuthorityButLoadedFromDisk() throws {
        let expired = Fixtures.configuration(version: 2, issuedAt: Fixtures.now.addingTimeInterval(-7200), validFor: 3600)
        #expect(code(expired, over: nil) == .expired)
        #expect(code(expired, over: nil, from: .disk) == nil)
        #expect(expired.isExpired(at: Date()))
        #expect(!expired.isExpired(at: Date(), grace: 7200))
    }

    @Test func theDiffNamesWhatWasAddedRemovedAndChanged() {
        let old = Fixtures.configuration(version: 1)
        var new = Fixtures.configuration(version: 2)
        new.members.removeLast()  // VN/GOV/HCM
        new.nodes[1].members = ["VN/GOV/BTC"]
        new.members[0].subsystems[0].services.append(Fixtures.service("VN/GOV/BCA/DANCU", "residence", "population"))
        new.members[1].subsystems[0].services[0].registry = "enterprise-v2"
        new.nodes.append(
            GlobalConfiguration.Node(
                id: "node-hcm", address: "https://hcm.example", tlsFingerprints: [String(repeating: "c", count: 64)],
                members: ["VN/GOV/BTC"]))
        new.purposes.append(GlobalConfiguration.Purpose(code: "tax-administration", name: "Tax administration"))
        let diff = GlobalConfigurationDiff(from: old, to: new)
        #expect(diff.members.removed == ["VN/GOV/HCM"])
        #expect(diff.members.changed == ["VN/GOV/BCA", "VN/GOV/BTC"])
        #expect(diff.members.added.isEmpty)
        #expect(diff.services.added == ["VN/GOV/BCA/DANCU/residence"])
        #expect(diff.services.changed == ["VN/GOV/BTC/DKKD/enterprise"])
        #expect(diff.services.removed.isEmpty)
        #expect(diff.nodes.added == ["node-hcm"])
        #expect(diff.nodes.changed == ["node-btc"])
        #expect(diff.purposes.added == ["tax-administration"])
        #expect(!diff.trustAnchorsChanged && !diff.crlsChanged)
        #expect(diff.logFields.map(\.name).contains("services added"))
        let first = GlobalConfigurationDiff(from: nil, to: new)
        #expect(first.members.added.count == 2 && first.fromVersion == nil && first.trustAnchorsChanged)
    }
}
