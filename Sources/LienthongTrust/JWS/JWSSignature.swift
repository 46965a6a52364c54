public import LienthongJSON

/// One JWS signature over a detached payload: the `{ "protected", "signature" }` member of a general JWS JSON
/// serialisation (RFC 7515 §7.2.1), without a payload.
public struct JWSSignature: Sendable, Hashable {
    /// The base64url of the protected header's JSON text.
    public var protected: String
    /// The base64url of the signature bytes.
    public var signature: String

    /// A signature from its two base64url parts.
    public init(protected: String, signature: String) {
        self.protected = protected
        self.signature = signature
    }

    /// The members of a signature object, as `envelope.v1` lists them.
    static let members = ["protected", "signature"]

    /// Reads `{ "protected": …, "signature": … }`.
    /// - Throws: ``TrustError/Code/malformedJWS`` if either member is missing or not a string, or an unprotected
    ///   `header` is present (Lienthong protects every header parameter); ``TrustError/Code/unknownSignatureMember``
    ///   for any other member, which no signature would cover.
    public init(json: JSONValue) throws(TrustError) {
        guard let object = json.objectValue else { throw TrustError(.malformedJWS, "signature is not an object") }
        guard let protected = object["protected"]?.stringValue, let signature = object["signature"]?.stringValue else {
            throw TrustError(.malformedJWS, "signature needs string members protected and signature")
        }
        guard object["header"] == nil else { throw TrustError(.malformedJWS, "unprotected header is not accepted") }
        for name in object.keys.sorted() where !Self.members.contains(where: { $0.hasSameCodePoints(as: name) }) {
            throw TrustError(.unknownSignatureMember, "signature member \"\(name.prefix(32))\" is not in envelope.v1")
        }
        self.init(protected: protected, signature: signature)
    }

    /// `{ "protected": …, "signature": … }`.
    public var json: JSONValue { .object(["protected": .string(protected), "signature": .string(signature)]) }

    /// The JWS signing input for a detached, unencoded payload (RFC 7797): `ASCII(protected) || "." || payload`.
    public static func signingInput(protected: String, payload: [UInt8]) -> [UInt8] {
        // One allocation: the input is ~3 KB, built for every signature and verification.
        var input: [UInt8] = []
        input.reserveCapacity(protected.utf8.count + 1 + payload.count)
        input += protected.utf8
        input.append(UInt8(ascii: "."))
        input += payload
        return input
    }
}
