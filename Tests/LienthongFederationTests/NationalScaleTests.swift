import Foundation
import LienthongFederation
import Testing

/// The size and verification time of a national configuration: 63 members (the ministries and provinces), each
/// with subsystems offering 3,150 services in all, 126 nodes with two TLS fingerprints each. The figures go to the
/// README; the test holds the document under the size limit and checks it verifies.
struct NationalScaleTests {
    typealias Fixtures = FederationFixtures

    static func national() -> GlobalConfiguration {
        var configuration = Fixtures.configuration()
        configuration.members = (1...63).map { index in
            let id = "VN/GOV/M\(index)"
            return GlobalConfiguration.Member(
                id: id, name: "Member \(index) of the national platform", nameVi: "Thành viên \(index)", class: .gov,
                subsystems: (1...5).map { subsystem in
                    let subsystemID = "\(id)/SYS\(subsystem)"
                    return GlobalConfiguration.Subsystem(
                        id: subsystemID, name: "Information system \(subsystem)",
                        services: (1...10).map {
                            GlobalConfiguration.Service(
                                id: "\(subsystemID)/service-\($0)", registry: "registry-\(subsystem)-\($0)",
                                schema: "record-\($0).v1")
                        })
                })
        }
        configuration.nodes = (1...126).map { index in
            let member = "VN/GOV/M\((index - 1) / 2 + 1)"
            let hex = String(format: "%064x", index)
            return GlobalConfiguration.Node(
                id: "node-\(index)", address: "https://node-\(index).lienthong.gov.vn",
                tlsFingerprints: [hex, String(hex.reversed())], members: [member])
        }
        return configuration
    }

    @Test func aNationalConfigurationIsSmallAndQuickToVerify() throws {
        let configuration = Self.national()
        #expect(configuration.servicesByID.count == 3_150)
        let bytes = try Fixtures.signed(configuration)
        let anchor = try Fixtures.pki.anchor
        let clock = ContinuousClock()
        var verified: GlobalConfiguration?
        let elapsed = try clock.measure {
            verified = try SignedGlobalConfiguration.verify(bytes, anchor: anchor, schema: Fixtures.schema, at: Date())
                .configuration
        }
        #expect(verified == configuration)
        #expect(bytes.count < SignedGlobalConfiguration.maxBytes / 16)
        print("national configuration: 63 members, 3150 services, 126 nodes: \(bytes.count) bytes, verified in \(elapsed)")
    }
}
