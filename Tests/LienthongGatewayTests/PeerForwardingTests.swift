import Foundation
import LienthongFederation
import Testing

@testable import LienthongGateway

struct PeerForwardingTests {
    /// The land registry as config/federation lists it: its parcels and, first by id, its documents.
    static let configuration = GlobalConfiguration(
        federationID: "test", authority: "VN/GOV/BTTTT", version: 1, issuedAt: Date(), expiresAt: Date() + 60,
        members: [
            GlobalConfiguration.Member(
                id: "VN/GOV/BNNMT", name: "Land", class: .gov,
                subsystems: [
                    GlobalConfiguration.Subsystem(
                        id: "VN/GOV/BNNMT/DATDAI",
                        services: [
                            GlobalConfiguration.Service(
                                id: "VN/GOV/BNNMT/DATDAI/land-parcel", registry: "land", schema: "land-parcel.v1"),
                            GlobalConfiguration.Service(
                                id: "VN/GOV/BNNMT/DATDAI/land-document", registry: "land", schema: "document.v1"),
                        ])
                ])
        ],
        nodes: [], trustAnchors: [], crls: [], purposes: [])

    @Test func aRecordLookupNamesTheRegistrysRecordServiceNotItsDocuments() {
        let service = PeerForwarding.recordService(of: "land", in: Self.configuration)
        #expect(service?.id == "VN/GOV/BNNMT/DATDAI/land-parcel")
        #expect(PeerForwarding.recordService(of: "population", in: Self.configuration) == nil)
    }
}
