public import Testing

/// Starts one cluster around a suite and stops it afterwards, whether the tests passed or not.
///
/// If the cluster cannot start, the suite fails with the script's output; nothing is skipped.
public struct PostgresClusterTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        try await PostgresCluster.with { cluster in
            try await PostgresCluster.$current.withValue(cluster) { try await function() }
        }
    }
}

extension Trait where Self == PostgresClusterTrait {
    /// A PostgreSQL cluster for the suite; read it through `PostgresCluster.current`.
    public static var postgresCluster: Self { Self() }
}
