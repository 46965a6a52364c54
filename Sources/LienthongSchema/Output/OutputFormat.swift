/// The JSON Schema 2020-12 output formats this validator produces.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// `{"valid": Bool}` only.
    case flag
    /// `{"valid": Bool, "errors": [OutputUnit]}`: a flat list of the failing keywords.
    case basic
}
