import Testing

/// Starts one cluster around a suite and stops it afterwards, whether the tests passed or not.
///
/// If the cluster cannot start, the suite fails with the script's output; nothing is skipped.
struct PostgresClusterTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let cluster = try await PostgresCluster.create()
        do {
            try await PostgresCluster.$current.withValue(cluster) { try await function() }
        } catch {
            await cluster.destroy()
            throw error
        }
        await cluster.destroy()
    }
}

extension Trait where Self == PostgresClusterTrait {
    /// A PostgreSQL cluster for the suite; read it through `PostgresCluster.current`.
    static var postgresCluster: Self { Self() }
}
