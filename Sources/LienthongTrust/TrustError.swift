/// Why a key, certificate or signature operation failed.
///
/// A struct around a private enum so a new code breaks no caller's `switch`; equality compares the code only.
/// `detail` names identifiers (a `kid`, a member id, a file name, an OpenSSL reason): never key bytes.
public struct TrustError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable error code (the problem+json `code`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case badSignature = "trust.bad-signature"
            case untrustedCertificate = "trust.untrusted-certificate"
            case expiredCertificate = "trust.expired-certificate"
            case notYetValidCertificate = "trust.not-yet-valid-certificate"
            case revokedCertificate = "trust.revoked-certificate"
            case missingIntermediate = "trust.missing-intermediate"
            case revocationUnavailable = "trust.revocation-unavailable"
            case keyUsage = "trust.key-usage"
            case wrongMember = "trust.wrong-member"
            case unsupportedAlgorithm = "trust.unsupported-algorithm"
            case malformedJWS = "trust.malformed-jws"
            case kidMismatch = "trust.kid-mismatch"
            case malformedEnvelope = "trust.malformed-envelope"
            case malformedBase64 = "trust.malformed-base64"
            case malformedKey = "trust.malformed-key"
            case malformedCertificate = "trust.malformed-certificate"
            case keyMismatch = "trust.key-mismatch"
            case fileAccess = "trust.file-access"
            case cryptoFailure = "trust.crypto-failure"
            case replayDetected = "trust.replay-detected"
            case staleRequest = "trust.stale-request"
            case replayStore = "trust.replay-store"
            case duplicateKey = "trust.duplicate-key"
            case envelopeTooLarge = "trust.envelope-too-large"
            case chainOrder = "trust.chain-order"
            case malformedSignature = "trust.malformed-signature"
            case unknownMember = "trust.unknown-member"
            case unknownSignatureMember = "trust.unknown-signature-member"
            case duplicateSignature = "trust.duplicate-signature"
            case tooManySignatures = "trust.too-many-signatures"
            case tokenFailure = "trust.token-failure"
        }
        private let kind: Kind

        /// A signature does not verify over the signing input.
        public static let badSignature = Code(kind: .badSignature)
        /// A certificate does not chain to a configured trust anchor.
        public static let untrustedCertificate = Code(kind: .untrustedCertificate)
        /// A certificate in the chain has expired at the verification time.
        public static let expiredCertificate = Code(kind: .expiredCertificate)
        /// A certificate in the chain is not yet valid at the verification time.
        public static let notYetValidCertificate = Code(kind: .notYetValidCertificate)
        /// A certificate in the chain is revoked by a configured CRL.
        public static let revokedCertificate = Code(kind: .revokedCertificate)
        /// The issuer of a certificate in the chain is neither in the chain nor a trust anchor.
        public static let missingIntermediate = Code(kind: .missingIntermediate)
        /// Revocation was required but no current CRL covers the certificate.
        public static let revocationUnavailable = Code(kind: .revocationUnavailable)
        /// The certificate does not allow the use (e.g. `digitalSignature`).
        public static let keyUsage = Code(kind: .keyUsage)
        /// The certificate names another member than the one the message claims.
        public static let wrongMember = Code(kind: .wrongMember)
        /// The algorithm is not on the allow-list (e.g. `none`, `HS256`) or does not fit the key.
        public static let unsupportedAlgorithm = Code(kind: .unsupportedAlgorithm)
        /// A JWS header or signature is not well formed.
        public static let malformedJWS = Code(kind: .malformedJWS)
        /// The JWS `kid` is not the thumbprint of the `x5c` leaf certificate.
        public static let kidMismatch = Code(kind: .kidMismatch)
        /// A signed envelope is not well formed.
        public static let malformedEnvelope = Code(kind: .malformedEnvelope)
        /// Text is not valid base64url (or base64).
        public static let malformedBase64 = Code(kind: .malformedBase64)
        /// A key cannot be parsed or has an unsupported type.
        public static let malformedKey = Code(kind: .malformedKey)
        /// A certificate, CSR or CRL cannot be parsed.
        public static let malformedCertificate = Code(kind: .malformedCertificate)
        /// A private key does not match the certificate it is used with.
        public static let keyMismatch = Code(kind: .keyMismatch)
        /// A key or certificate file cannot be read or written.
        public static let fileAccess = Code(kind: .fileAccess)
        /// OpenSSL failed unexpectedly (allocation, generation).
        public static let cryptoFailure = Code(kind: .cryptoFailure)
        /// A request id or signature was already seen within the replay window.
        public static let replayDetected = Code(kind: .replayDetected)
        /// A signed request's `iat` lies outside the replay window (too old, or too far in the future).
        public static let staleRequest = Code(kind: .staleRequest)
        /// The persisted replay window cannot be read or written.
        public static let replayStore = Code(kind: .replayStore)
        /// A JSON object in a signed envelope has the same member name twice.
        public static let duplicateKey = Code(kind: .duplicateKey)
        /// A signed envelope is larger than the configured limit.
        public static let envelopeTooLarge = Code(kind: .envelopeTooLarge)
        /// The `x5c` chain is not in order: each certificate must be issued by the one after it.
        public static let chainOrder = Code(kind: .chainOrder)
        /// A signature value has the wrong length for its algorithm and key.
        public static let malformedSignature = Code(kind: .malformedSignature)
        /// An envelope has a top-level member other than `message` and `signatures`: content no signature covers.
        public static let unknownMember = Code(kind: .unknownMember)
        /// A signature object has a member other than `protected` and `signature`.
        public static let unknownSignatureMember = Code(kind: .unknownSignatureMember)
        /// An envelope lists the same signature twice (also as its malleated ECDSA twin).
        public static let duplicateSignature = Code(kind: .duplicateSignature)
        /// An envelope has more than ``EnvelopeParser/maxSignatures`` signatures.
        public static let tooManySignatures = Code(kind: .tooManySignatures)
        /// A PKCS#11 token refused an operation: no such token or key, a wrong PIN, a missing module or tool.
        public static let tokenFailure = Code(kind: .tokenFailure)

        /// The code as it appears on the wire, e.g. `trust.bad-signature`.
        public var wireCode: String { kind.rawValue }
        /// The wire code.
        public var description: String { kind.rawValue }
    }

    /// What failed.
    public var code: Code
    /// Context without secrets: ids, file names, OpenSSL reasons.
    public var detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `code: detail`.
    public var description: String { "\(code.wireCode): \(detail)" }

    /// Errors compare by code only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
