import Foundation
import LienthongCore
import LienthongJSON

/// The message of a response envelope (ARCHITECTURE.md, "Signed envelope"): the members every response carries,
/// then its payload (`record` or `document`).
enum ResponseMessage {
    /// A new message with a fresh id, bound to `request` by its `requestHash`.
    /// - Parameters:
    ///   - type: `record`, `profile` or `document`.
    ///   - schema: the schema id of the payload (`person.v1`, `document.v1`, …).
    ///   - payload: the payload's member name and value.
    static func make(
        type: String, schema: String, request: LookupRequest, consumer: ExchangeID, provider: ExchangeID,
        service: ExchangeID, purpose: String, issuedAt: Date, payload: (name: String, value: JSONValue)
    ) -> JSONValue {
        .object([
            "type": .string(type),
            "id": .string(RandomUUID.lowercased()),
            "requestId": .string(request.requestID),
            "issuedAt": .string(Timestamp.rfc3339(issuedAt)),
            "provider": .string(provider.description),
            "consumer": .string(consumer.description),
            "service": .string(service.description),
            "purpose": .string(purpose),
            "schema": .string(schema),
            "requestHash": .string(RecordLookup.requestHash(request, consumer: consumer, purpose: purpose)),
            payload.name: payload.value,
        ])
    }
}
