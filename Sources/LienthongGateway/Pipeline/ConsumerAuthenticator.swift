import LienthongCore
import Foundation
import LienthongJSON
import LienthongTrust

/// Finds the consumer behind a request: its verified TLS client certificate, or a bearer token bound to it
/// in configuration. Nothing else counts (no identity header is trusted).
struct ConsumerAuthenticator: Sendable {
    /// By certificate subject `CN`, compared by code points (a canonically equivalent name is another name).
    private let bySubject: [JSONKey: Consumer]
    private let byTokenHash: [String: Consumer]

    /// - Parameter tokenHashes: hex SHA-256 of tokens by consumer, from `tokenSHA256` and `tokenFiles`.
    init(consumers: [Consumer], tokenHashes: [ExchangeID: [String]]) {
        var bySubject: [JSONKey: Consumer] = [:]
        var byTokenHash: [String: Consumer] = [:]
        for consumer in consumers where !consumer.revoked {
            for subject in consumer.certificateSubjects { bySubject[JSONKey(subject)] = consumer }
            for hash in consumer.tokenSHA256 + (tokenHashes[consumer.id] ?? []) { byTokenHash[hash.lowercased()] = consumer }
        }
        self.bySubject = bySubject
        self.byTokenHash = byTokenHash
    }

    /// The consumer, or a 401 problem.
    /// - Parameters:
    ///   - certificateChain: DER chain the TLS layer verified against the client CAs (leaf first).
    ///   - certificateRejected: a certificate was presented but did not verify.
    ///   - authorization: the `Authorization` header.
    func authenticate(
        certificateChain: [[UInt8]], certificateRejected: Bool, authorization: String?
    ) throws(Problem) -> Consumer {
        if certificateRejected {
            throw GatewayProblems.unauthenticated("The client certificate does not chain to a trusted CA.")
        }
        var fromCertificate: Consumer?
        if let leaf = certificateChain.first {
            guard let certificate = try? Certificate(derBytes: leaf), let subject = certificate.subjectCommonName,
                let consumer = bySubject[JSONKey(subject)]
            else { throw GatewayProblems.unauthenticated("The client certificate names no known consumer.") }
            fromCertificate = consumer
        }
        var fromToken: Consumer?
        if let authorization {
            guard let consumer = byTokenHash[try BearerToken.hash(authorization: authorization)] else {
                throw GatewayProblems.unauthenticated("The bearer token is unknown or revoked.")
            }
            fromToken = consumer
        }
        switch (fromCertificate, fromToken) {
        case (let certificate?, let token?) where certificate.id != token.id:
            throw GatewayProblems.unauthenticated("The bearer token and the client certificate name different consumers.")
        case (let consumer?, _), (nil, let consumer?):
            RequestTrace.current?.identified(consumer.id)
            return consumer
        case (nil, nil):
            throw GatewayProblems.unauthenticated("Present a client certificate or a bearer token.")
        }
    }
}
