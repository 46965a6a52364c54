import Testing

/// Suites that measure time, file descriptors or memory, or share the PostgreSQL cluster, run one at a time
/// (nested suites inherit `.serialized`), so that they do not measure each other.
@Suite(.serialized) enum SerializedSuites {}
