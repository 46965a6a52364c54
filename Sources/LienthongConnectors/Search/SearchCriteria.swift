import Foundation  // NFC, trimming

/// What a caller searches for: values of canonical top-level members, e.g. `fullName` and `dateOfBirth`.
///
/// Values are trimmed and normalised to NFC. The set of names chooses the registry's ``SearchDefinition``.
public struct SearchCriteria: Sendable, Equatable {
    /// Canonical member name to wanted value (NFC, trimmed).
    public let parameters: [String: String]

    /// Creates criteria.
    public init(_ parameters: [String: String]) {
        self.parameters = parameters.mapValues { ValueTransform.nfc(ValueTransform.trimmed($0)) }
    }
}
