import Foundation
import LienthongCore
import LienthongJSON
import LienthongTrust

/// The canonical change event (`change-event.v1`): what changed in which registry, with the carried canonical
/// fields, signed by the registry's provider like a lookup's answer (so `lienthong verify` checks it offline).
///
/// The registry key is not a member: a subscriber learns the record only through the fields its grant releases.
struct ChangeEventMessage: Sendable {
    let id: String
    let sequence: Int64
    let eventType: String
    let descriptor: RegistryDescriptor
    let detectedAt: Date
    /// The carried fields of the canonical record (or the granted part of them).
    let record: JSONValue

    /// The message, as signed.
    var message: JSONValue {
        let time = JSONValue.string(Timestamp.rfc3339(detectedAt, milliseconds: true))
        return [
            "type": "change-event", "id": .string(id), "sequence": .number(JSONNumber(Int(sequence))),
            "eventType": .string(eventType), "registry": .string(descriptor.name),
            "provider": .string(descriptor.provider.description), "service": .string(descriptor.service.description),
            "schema": .string(descriptor.schema), "detectedAt": time, "record": record,
        ]
    }

    /// The envelope signed with `identity` (the provider's key).
    func sign(with identity: JWSSigningIdentity) throws(TrustError) -> SignedEnvelope {
        try EnvelopeSigner.sign(message, identity: identity, issuedAt: Date())
    }

    /// The event as it left the log: its stored envelope's message read back, `nil` if it is not one.
    init?(stored envelope: JSONValue, descriptor: RegistryDescriptor) {
        let message = envelope["message"]
        guard let id = message?["id"]?.stringValue, let sequence = message?["sequence"]?.numberValue?.int,
            let eventType = message?["eventType"]?.stringValue, let record = message?["record"],
            let detected = message?["detectedAt"]?.stringValue, let detectedAt = Timestamp.parse(detected)
        else { return nil }
        self.init(
            id: id, sequence: Int64(sequence), eventType: eventType, descriptor: descriptor, detectedAt: detectedAt,
            record: record)
    }

    init(
        id: String, sequence: Int64, eventType: String, descriptor: RegistryDescriptor, detectedAt: Date,
        record: JSONValue
    ) {
        self.id = id
        self.sequence = sequence
        self.eventType = eventType
        self.descriptor = descriptor
        self.detectedAt = detectedAt
        self.record = record
    }
}
