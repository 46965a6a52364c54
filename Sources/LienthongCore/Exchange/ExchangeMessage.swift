public import Foundation
public import LienthongJSON

/// The message of a response envelope (ARCHITECTURE.md, "Signed envelope"): the members every response carries,
/// then its payload (`record` or `document`).
///
/// Written straight into its RFC 8785 bytes by ``canonicalBytes()``: those bytes are what the node signs and,
/// unchanged, the `message` of the body it sends (JCS output is JSON).
public struct ExchangeMessage: Sendable {
    /// `record`, `profile` or `document`.
    public var type: String
    /// A fresh id of this message.
    public var id: String
    /// The request's `Lienthong-Request-Id` or signed request id.
    public var requestID: String
    /// When the message was signed.
    public var issuedAt: Date
    /// The member that answers.
    public var provider: ExchangeID
    /// The member that asked.
    public var consumer: ExchangeID
    /// The service asked.
    public var service: ExchangeID
    /// The purpose the consumer declared.
    public var purpose: String
    /// The schema id of the payload (`person.v1`, `document.v1`, …).
    public var schema: String
    /// Binds the response to what was asked (see `RequestHash`).
    public var requestHash: String
    /// The payload's member name (not one of the names above) and value.
    public var payload: (name: String, value: JSONValue)

    /// A message of these members.
    public init(
        type: String, id: String, requestID: String, issuedAt: Date, provider: ExchangeID, consumer: ExchangeID,
        service: ExchangeID, purpose: String, schema: String, requestHash: String,
        payload: (name: String, value: JSONValue)
    ) {
        self.type = type
        self.id = id
        self.requestID = requestID
        self.issuedAt = issuedAt
        self.provider = provider
        self.consumer = consumer
        self.service = service
        self.purpose = purpose
        self.schema = schema
        self.requestHash = requestHash
        self.payload = payload
    }

    /// The message as a JSON value (for callers that need a tree; the node itself signs ``canonicalBytes()``).
    public var json: JSONValue {
        var object = JSONObject()
        for (name, text) in fixedMembers { object[name] = .string(text) }
        object[payload.name] = payload.value
        return .object(object)
    }

    /// The RFC 8785 form, written member by member into one buffer: no intermediate tree.
    /// - Throws: ``JSONError/Code/notFinite`` if the payload holds a NaN or infinite number.
    public func canonicalBytes() throws(JSONError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        var payloadWritten = false
        func name(_ name: String) {
            output.append(output.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
            JSONValue.appendString(name, to: &output)
            output.append(UInt8(ascii: ":"))
        }
        // The fixed names are in RFC 8785 order already; the payload goes where its name sorts.
        for (member, text) in fixedMembers {
            if !payloadWritten, JSONKey(payload.name) < JSONKey(member) {
                name(payload.name)
                try JCS.append(payload.value, to: &output)
                payloadWritten = true
            }
            name(member)
            JSONValue.appendString(text, to: &output)
        }
        if !payloadWritten {
            name(payload.name)
            try JCS.append(payload.value, to: &output)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// The string members, sorted by UTF-16 code units (all ASCII, so byte order).
    private var fixedMembers: [(String, String)] {
        [
            ("consumer", consumer.description), ("id", id), ("issuedAt", Timestamp.rfc3339(issuedAt)),
            ("provider", provider.description), ("purpose", purpose), ("requestHash", requestHash),
            ("requestId", requestID), ("schema", schema), ("service", service.description), ("type", type),
        ]
    }
}
