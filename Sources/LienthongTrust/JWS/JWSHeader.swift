public import Foundation
import LienthongJSON

/// The protected header of a Lienthong signature, checked for shape (not yet for trust).
///
/// The `x5c` certificates are kept as sent: decoded from base64 and parsed as X.509 only by ``certificateChain()``,
/// so a chain the verifier has cached (found by its `x5c` text) is neither decoded nor parsed again.
///
/// `{"alg":…,"b64":false,"crit":["b64"],"iat":…,"kid":…,"typ":"lienthong-envelope+json","x5c":[…]}`
public struct JWSHeader: Sendable {
    /// The `typ` every Lienthong envelope signature carries.
    public static let envelopeType = "lienthong-envelope+json"
    /// Header parameters this implementation understands and therefore may be listed in `crit`.
    static let understoodCritical: [String] = ["b64"]

    /// `alg`: one of the allowed algorithms.
    public let algorithm: JWSAlgorithm
    /// `kid`: the base64url SHA-256 of the leaf certificate.
    public let keyID: String
    /// `x5c` as sent (base64 DER): the signer's certificate, then intermediates.
    public let encodedChain: [String]
    /// `iat`: when the signature was made.
    public let issuedAt: Date

    /// The header object for a new signature.
    static func json(
        algorithm: JWSAlgorithm, keyID: String, encodedChain: [String], issuedAt: Date
    ) -> JSONValue {
        .object([
            "alg": .string(algorithm.rawValue),
            "b64": .bool(false),
            "crit": .array([.string("b64")]),
            "iat": .number(JSONNumber(Int(issuedAt.timeIntervalSince1970.rounded(.down)))),
            "kid": .string(keyID),
            "typ": .string(envelopeType),
            "x5c": .array(encodedChain.map { .string($0) }),
        ])
    }

    /// Decodes and checks a protected header.
    /// - Throws: ``TrustError/Code/unsupportedAlgorithm`` for an `alg` off the allow-list;
    ///   ``TrustError/Code/malformedJWS`` for anything else out of shape: `b64` not `false`, `crit` other than
    ///   `["b64"]`, a wrong `typ`, a missing or non-integer `iat`, a missing `kid` or `x5c`, an `x5c` entry that is
    ///   not a string (``chainDER()`` decodes the base64).
    public init(protected: String) throws(TrustError) {
        let bytes: [UInt8]
        do {
            bytes = try Base64URL.decode(protected)
        } catch {
            throw TrustError(.malformedJWS, "protected header is not base64url")
        }
        let header: JSONObject
        do {
            guard
                let object = try JSONValue.parse(bytes, limits: JSONLimits(maxDepth: 8, maxBytes: 256 * 1024))
                    .objectValue
            else { throw TrustError(.malformedJWS, "protected header is not a JSON object") }
            header = object
        } catch let error as JSONError {
            throw TrustError(.malformedJWS, "protected header is not JSON (\(error.code.wireCode))")
        } catch let error as TrustError {
            throw error
        } catch {
            throw TrustError(.malformedJWS, "protected header is not JSON")
        }
        guard let alg = header["alg"]?.stringValue else { throw TrustError(.malformedJWS, "alg missing") }
        algorithm = try JWSAlgorithm(header: alg)
        // RFC 7797: the unencoded payload option must be present, false and marked critical; any other critical
        // parameter is one we do not understand, so the signature must be rejected (RFC 7515 §4.1.11).
        guard header["b64"] == .bool(false) else { throw TrustError(.malformedJWS, "b64 must be false") }
        guard let crit = header["crit"]?.arrayValue,
            crit == Self.understoodCritical.map(JSONValue.string)
        else { throw TrustError(.malformedJWS, "crit must be exactly [\"b64\"]") }
        guard header["typ"] == .string(Self.envelopeType) else {
            throw TrustError(.malformedJWS, "typ must be \(Self.envelopeType)")
        }
        guard let iat = header["iat"]?.numberValue?.int else { throw TrustError(.malformedJWS, "iat missing") }
        issuedAt = Date(timeIntervalSince1970: TimeInterval(iat))
        guard let kid = header["kid"]?.stringValue else { throw TrustError(.malformedJWS, "kid missing") }
        keyID = kid
        guard let x5c = header["x5c"]?.arrayValue, !x5c.isEmpty, x5c.count <= 8 else {
            throw TrustError(.malformedJWS, "x5c must hold one to eight certificates")
        }
        var texts: [String] = []
        for (index, entry) in x5c.enumerated() {
            guard let text = entry.stringValue else { throw TrustError(.malformedJWS, "x5c[\(index)] is not a string") }
            texts.append(text)
        }
        encodedChain = texts
    }

    /// The `x5c` certificates as DER.
    /// - Throws: ``TrustError/Code/malformedJWS`` for an entry that is not base64.
    public func chainDER() throws(TrustError) -> [[UInt8]] {
        var der: [[UInt8]] = []
        for (index, text) in encodedChain.enumerated() {
            do {
                der.append(try Base64.decode(text))
            } catch {
                throw TrustError(.malformedJWS, "x5c[\(index)]: \(error.code.wireCode)")
            }
        }
        return der
    }

    /// The `x5c` certificates, parsed and checked against each other and the `kid`.
    /// - Throws: ``TrustError/Code/malformedJWS`` for an entry that is not base64 or not a DER certificate;
    ///   ``TrustError/Code/chainOrder`` if a certificate is not issued by the next one;
    ///   ``TrustError/Code/kidMismatch`` if `kid` is not the thumbprint of the leaf.
    public func certificateChain() throws(TrustError) -> [Certificate] {
        var chain: [Certificate] = []
        for (index, der) in try chainDER().enumerated() {
            do {
                chain.append(try Certificate(derBytes: der))
            } catch {
                throw TrustError(.malformedJWS, "x5c[\(index)]: \(error.code.wireCode)")
            }
        }
        // x5c is leaf first, each certificate followed by its issuer (RFC 7515 §4.1.6); a reordered chain would
        // otherwise surface later as a confusing kid, key usage or signature failure.
        for index in chain.indices.dropLast() where !chain[index].isIssued(by: chain[index + 1]) {
            throw TrustError(.chainOrder, "x5c[\(index + 1)] is not the issuer of x5c[\(index)]")
        }
        try checkKeyID(thumbprint: chain[0].sha256Thumbprint)
        return chain
    }

    /// Checks that `kid` is `thumbprint`, the leaf's ``Certificate/sha256Thumbprint``.
    /// - Throws: ``TrustError/Code/kidMismatch``.
    func checkKeyID(thumbprint: String) throws(TrustError) {
        guard thumbprint.hasSameCodePoints(as: keyID) else {
            throw TrustError(.kidMismatch, "kid \(keyID.prefix(64)) is not the x5c leaf thumbprint")
        }
    }
}
