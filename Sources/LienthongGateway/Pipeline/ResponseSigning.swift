import Foundation
import LienthongCore
import LienthongJSON
import LienthongTrust

/// The sign stage: the answer's ``ExchangeMessage`` (ARCHITECTURE.md, "Signed envelope"), signed by its provider's
/// identity into the body that is sent, whose `message` is byte for byte the signed JCS.
struct ResponseSigning: Sendable {
    let signers: [ExchangeID: JWSSigningIdentity]
    let now: @Sendable () -> Date

    /// The identity that signs `provider`'s answers; resolved before a back end is asked, so nothing is fetched
    /// that could not be signed.
    func signer(for provider: ExchangeID) throws(Problem) -> JWSSigningIdentity {
        guard let signer = signers[provider] else { throw GatewayProblems.internalError }
        return signer
    }

    /// The signed envelope answering `lookup`.
    /// - Parameters:
    ///   - type: `record`, `profile` or `document`.
    ///   - schema: the schema id of the payload (`person.v1`, `document.v1`, …).
    ///   - payload: the payload's member name and value.
    func sign(
        _ lookup: AdmittedLookup, type: String, schema: String, payload: (name: String, value: JSONValue)
    ) throws(Problem) -> SignedEnvelope {
        let issuedAt = now()
        let message = ExchangeMessage(
            type: type, id: RandomUUID.lowercased(), requestID: lookup.request.requestID, issuedAt: issuedAt,
            provider: lookup.target.runtime.descriptor.provider, consumer: lookup.consumer.id,
            service: lookup.target.service, purpose: lookup.purpose, schema: schema,
            requestHash: Self.requestHash(lookup.request, consumer: lookup.consumer.id, purpose: lookup.purpose),
            payload: payload)
        do {
            return try EnvelopeSigner.sign(message, identity: lookup.signer, issuedAt: issuedAt)
        } catch {
            throw GatewayProblems.internalError
        }
    }

    /// Binds the response to what was asked: the signed request's hash (``RequestHash/signedRequest(_:)``), else
    /// ``RequestHash/lookup(method:path:query:consumer:purpose:requestId:)``.
    static func requestHash(_ request: LookupRequest, consumer: ExchangeID, purpose: String) -> String {
        if let signed = request.signed { return signed.requestHash }
        return RequestHash.lookup(
            method: "GET", path: request.path, query: request.query ?? "", consumer: consumer.description,
            purpose: purpose, requestId: request.requestID
        )
    }
}
