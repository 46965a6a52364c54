import LienthongStorage

/// A transaction sent one statement at a time on a connection of a pool, on the caller's loop without blocking it
/// (``PostgresConnectionPool/run(_:)``): `BEGIN`, the statements of each step in turn, then `COMMIT`. A step sees
/// the results of the steps before it and answers its statements, or `nil` to roll back (what it read refuses the
/// change), so a transaction decides on what it found without holding a thread while the server answers.
struct PostgresTransaction: Sendable {
    /// The statements of one step, from the results of the statements before it (`BEGIN` left out); `nil` rolls the
    /// transaction back. Steps build no SQL text they could build once beforehand: they run for every statement.
    typealias Step = @Sendable (_ before: ArraySlice<PostgresResult>) -> [PostgresStatement]?

    private let steps: [Step]

    /// A transaction of `steps`, in order.
    init(_ steps: [Step]) {
        self.steps = steps
    }

    /// Runs the transaction on `pool`.
    /// - Returns: the results of the steps' statements in order, or `nil` when a step rolled it back.
    /// - Throws: the first failure; the transaction is rolled back.
    func run(on pool: PostgresConnectionPool) async throws(PostgresError) -> [PostgresResult]? {
        let results = try await pool.run { done in next(after: done).statement }
        guard case .commit = next(after: results.dropLast()) else { return nil }
        return Array(results.dropFirst().dropLast())
    }

    private enum Next {
        case statement(PostgresStatement)
        case commit
        case rollback
        case done

        var statement: PostgresStatement? {
            switch self {
            case .statement(let statement): statement
            case .commit: PostgresStatement("COMMIT")
            case .rollback: PostgresStatement("ROLLBACK")
            case .done: nil
            }
        }
    }

    /// What comes after the statements that gave `done`, `BEGIN`'s result first.
    private func next(after done: some Collection<PostgresResult>) -> Next {
        guard !done.isEmpty else { return .statement(PostgresStatement("BEGIN")) }
        let done = Array(done)
        var offset = 1
        for step in steps {
            guard let statements = step(done[1..<offset]) else { return done.count == offset ? .rollback : .done }
            if done.count < offset + statements.count { return .statement(statements[done.count - offset]) }
            offset += statements.count
        }
        return done.count == offset ? .commit : .done
    }
}
