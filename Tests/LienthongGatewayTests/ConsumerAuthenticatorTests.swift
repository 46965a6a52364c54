@testable import LienthongGateway
import LienthongCore
import LienthongTrust
import Testing

struct ConsumerAuthenticatorTests {
    let motcua = Consumer(id: ExchangeID("VN/GOV/HCM/MOTCUA")!, name: "m", certificateSubjects: ["VN/GOV/HCM/MOTCUA"])
    let revoked = Consumer(id: ExchangeID("VN/ORG/VCCI/HOIVIEN")!, name: "v", revoked: true)

    func hash(_ token: String) -> String { Hex.encode(Digest.sha256(Array(token.utf8))) }

    var authenticator: ConsumerAuthenticator {
        ConsumerAuthenticator(
            consumers: [motcua, revoked],
            tokenHashes: [motcua.id: [hash("good-token")], revoked.id: [hash("revoked-token")]]
        )
    }

    @Test func bearerTokenIdentifiesItsConsumer() throws {
        let consumer = try authenticator.authenticate(
            certificateChain: [], certificateRejected: false, authorization: "Bearer good-token"
        )
        #expect(consumer.id == motcua.id)
    }

    @Test(arguments: [nil, "Bearer revoked-token", "Bearer nope", "Basic Z29vZC10b2tlbg==", "Bearer"])
    func otherCredentialsAreRefused(authorization: String?) {
        #expect(throws: Problem.self) {
            try authenticator.authenticate(certificateChain: [], certificateRejected: false, authorization: authorization)
        }
    }

    @Test func rejectedCertificateIsRefusedEvenWithAGoodToken() {
        #expect(throws: Problem.self) {
            try authenticator.authenticate(
                certificateChain: [], certificateRejected: true, authorization: "Bearer good-token"
            )
        }
    }
}
