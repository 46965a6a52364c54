import LienthongCore

/// How an envelope lookup ended.
enum LookupOutcome: Sendable {
    /// The signed envelope; its audit record is durable.
    case envelope([UInt8])
    /// The problem that stopped the lookup; it is audited too.
    case problem(Problem)
}
