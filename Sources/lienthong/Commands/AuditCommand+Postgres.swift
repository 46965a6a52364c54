import Foundation
import LienthongAudit
import LienthongCommandLine
import LienthongNodeStore
import LienthongStorage
import LienthongTrust

extension AuditCommand {
    /// Whether the argument names a PostgreSQL database rather than a file.
    static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// `audit verify postgresql://…`: every node's chain in the shared database. The first line is `valid: N node
    /// chain(s)`, `invalid: node X: CODE at seq N` for the first node that fails, or `sealed: …`; then each node's
    /// lines as for one file. Exit status as for one file, over all nodes.
    func verifyPostgres(_ url: String, trust: CertificateVerifier, arguments: Arguments) throws -> Int32 {
        guard arguments.option("witness") == nil, arguments.values("tsa-anchor").isEmpty else {
            throw UsageError("--witness and --tsa-anchor check a node's own files: give its audit database")
        }
        guard let conninfo = PostgresConninfo.resolve(url) else {
            // The URL is not echoed: it may hold a password beside its placeholders.
            let name = PostgresConninfo.missingPlaceholder(in: url) ?? "?"
            throw UsageError("placeholder {\(name)} of the URL has no value in the environment")
        }
        let results = try PostgresAuditStorage.verifyAll(conninfo: conninfo, trust: trust)
        var lines: [String] = []
        if let failed = results.first(where: { !$0.verification.isValid }), let bad = failed.verification.firstBad {
            lines.append("invalid: node \(failed.nodeID): \(bad.failure.rawValue) at seq \(bad.seq)")
        } else if results.contains(where: { !$0.verification.sealedBreaks.isEmpty }) {
            lines.append("sealed: a node's chain holds only since its last seal")
        } else {
            lines.append("valid: \(results.count) node chain(s)")
        }
        for (node, verification) in results {
            lines.append("node \(node):")
            lines += Self.describe(verification).split(separator: "\n").map { "  \($0)" }
        }
        print(lines.joined(separator: "\n"))
        if results.contains(where: { !$0.verification.isValid }) { return 1 }
        return results.contains(where: { !$0.verification.sealedBreaks.isEmpty }) ? 3 : 0
    }
}
