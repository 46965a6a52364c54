import Foundation
import LienthongCore
import LienthongJSON

/// Builds the ``ExchangeMessage`` of a response (ARCHITECTURE.md, "Signed envelope").
enum ResponseMessage {
    /// A new message with a fresh id, bound to `request` by its `requestHash`.
    /// - Parameters:
    ///   - type: `record`, `profile` or `document`.
    ///   - schema: the schema id of the payload (`person.v1`, `document.v1`, …).
    ///   - payload: the payload's member name and value.
    static func make(
        type: String, schema: String, request: LookupRequest, consumer: ExchangeID, provider: ExchangeID,
        service: ExchangeID, purpose: String, issuedAt: Date, payload: (name: String, value: JSONValue)
    ) -> ExchangeMessage {
        ExchangeMessage(
            type: type, id: RandomUUID.lowercased(), requestID: request.requestID, issuedAt: issuedAt,
            provider: provider, consumer: consumer, service: service, purpose: purpose, schema: schema,
            requestHash: RecordLookup.requestHash(request, consumer: consumer, purpose: purpose), payload: payload)
    }
}
