import LienthongTesting
import Testing

/// The tests that need a running server: one cluster, one test at a time (some stop the server).
@Suite(.serialized, .postgresCluster)
struct PostgresServerTests {
    /// The suite's cluster.
    static func cluster() throws -> PostgresCluster {
        try #require(PostgresCluster.current, "the suite's cluster did not start")
    }
}
