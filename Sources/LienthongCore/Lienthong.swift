/// Lienthong's core: identifiers, canonical records, the envelope model, problems and configuration.
/// Nothing in this module performs I/O.
public enum Lienthong {
    /// The gateway's version string.
    public static let version = "0.1.0"
}
