import Foundation
import LienthongCore
public import LienthongJSON

extension GlobalConfiguration {
    /// The envelope message: `type`, `provider` (the authority, whose certificate signs it) and the configuration.
    public var message: JSONValue {
        let encoder = JSONValueEncoder()
        // Plain Codable values of strings and arrays: encoding cannot fail.
        func encoded(_ value: some Encodable) -> JSONValue {
            (try? encoder.encode(value)) ?? .null
        }
        return .object([
            "type": .string(Self.messageType),
            "provider": .string(authority),
            "federationId": .string(federationID),
            "version": .number(JSONNumber(version)),
            "issuedAt": .string(Timestamp.rfc3339(issuedAt)),
            "expiresAt": .string(Timestamp.rfc3339(expiresAt)),
            "members": encoded(members),
            "nodes": encoded(nodes),
            "trustAnchors": encoded(trustAnchors),
            "crls": encoded(crls),
            "purposes": encoded(purposes),
        ])
    }

    /// Reads a configuration from its envelope message; the message was checked against
    /// `global-configuration.v1` first, so a shape error here is one the schema does not catch.
    /// - Throws: ``FederationError/Code/malformedDocument`` for a message that does not decode.
    public init(message: JSONValue) throws(FederationError) {
        let decoder = JSONValueDecoder()
        func field<T: Decodable>(_ name: String, _ type: T.Type) throws(FederationError) -> T {
            guard let value = message[name] else { throw FederationError(.malformedDocument, "message.\(name) missing") }
            do {
                return try decoder.decode(type, from: value)
            } catch {
                throw FederationError(.malformedDocument, "message.\(name): \(error.code.wireCode)")
            }
        }
        func date(_ name: String) throws(FederationError) -> Date {
            guard let date = Timestamp.parse(try field(name, String.self)) else {
                throw FederationError(.malformedDocument, "message.\(name) is not an RFC 3339 time")
            }
            return date
        }
        guard message["type"]?.stringValue?.hasSameCodePoints(as: Self.messageType) == true else {
            throw FederationError(.malformedDocument, "message.type is not \(Self.messageType)")
        }
        self.init(
            federationID: try field("federationId", String.self), authority: try field("provider", String.self),
            version: try field("version", Int.self), issuedAt: try date("issuedAt"), expiresAt: try date("expiresAt"),
            members: try field("members", [Member].self), nodes: try field("nodes", [Node].self),
            trustAnchors: try field("trustAnchors", [String].self), crls: try field("crls", [String].self),
            purposes: try field("purposes", [Purpose].self))
    }
}
