/// Why a global configuration was refused, or why the node cannot take part in cross-node exchanges now.
///
/// A struct around a private enum so a new code breaks no caller's `switch`; equality compares the code only.
/// `detail` names ids, versions and the underlying trust or schema code: never key bytes.
public struct FederationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable code (the problem+json `code`, and the `code` of the operator log line).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case malformedDocument = "federation.malformed-document"
            case badSignature = "federation.bad-signature"
            case untrustedSigner = "federation.untrusted-signer"
            case schemaInvalid = "federation.schema-invalid"
            case inconsistent = "federation.inconsistent"
            case olderVersion = "federation.older-version"
            case versionConflict = "federation.version-conflict"
            case otherFederation = "federation.other-federation"
            case expired = "federation.expired"
            case fetchFailed = "federation.fetch-failed"
            case configurationExpired = "federation.configuration-expired"
            case configurationMissing = "federation.configuration-missing"
            case storeFailed = "federation.store-failed"
            case anchorUnusable = "federation.anchor-unusable"
        }
        private let kind: Kind

        /// Not JSON, not an envelope, or a message that does not decode.
        public static let malformedDocument = Code(kind: .malformedDocument)
        /// The signature does not verify, or its certificate chain is not valid (the trust code is in the detail).
        public static let badSignature = Code(kind: .badSignature)
        /// A valid signature, but not by the configuration anchor's certificate.
        public static let untrustedSigner = Code(kind: .untrustedSigner)
        /// The message is not valid against `global-configuration.v1`.
        public static let schemaInvalid = Code(kind: .schemaInvalid)
        /// Valid against the schema, but its parts disagree (a node serving an unlisted member, a repeated id).
        public static let inconsistent = Code(kind: .inconsistent)
        /// A lower version than the configuration the node holds.
        public static let olderVersion = Code(kind: .olderVersion)
        /// The version the node holds, with other content.
        public static let versionConflict = Code(kind: .versionConflict)
        /// Another federation id than the configuration the node holds.
        public static let otherFederation = Code(kind: .otherFederation)
        /// The document had already expired when it was received.
        public static let expired = Code(kind: .expired)
        /// The authority could not be reached, or did not answer 200.
        public static let fetchFailed = Code(kind: .fetchFailed)
        /// The last good configuration expired longer ago than the grace: no cross-node exchange.
        public static let configurationExpired = Code(kind: .configurationExpired)
        /// No configuration has been fetched or stored yet: no cross-node exchange.
        public static let configurationMissing = Code(kind: .configurationMissing)
        /// The last good configuration could not be written to the data directory.
        public static let storeFailed = Code(kind: .storeFailed)

        /// The configuration anchor file cannot be read or holds no usable certificate.
        public static let anchorUnusable = Code(kind: .anchorUnusable)

        /// The wire form, e.g. `federation.older-version`.
        public var wireCode: String { kind.rawValue }
        /// Same as ``wireCode``.
        public var description: String { kind.rawValue }
    }

    /// What failed.
    public var code: Code
    /// Which document, version or check: identifiers only.
    public var detail: String

    /// An error with `code` and `detail`.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `code: detail`.
    public var description: String { "\(code.wireCode): \(detail)" }

    /// Equal when the codes are.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
