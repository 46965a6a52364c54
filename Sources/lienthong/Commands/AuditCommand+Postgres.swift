import Foundation
import LienthongAudit
import LienthongCommandLine
import LienthongGateway
import LienthongNodeStore
import LienthongStorage
import LienthongTrust

extension AuditCommand {
    /// Whether the argument names a PostgreSQL database rather than a file.
    static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// `audit verify postgresql://…` (or an archive of one): every node's chain in the shared database. The first line is `valid: N node
    /// chain(s)`, `invalid: node X: CODE at seq N` for the first node that fails, or `sealed: …`; then each node's
    /// lines as for one file. Exit status as for one file, over all nodes.
    func verifyPostgres(_ url: String, trust: CertificateVerifier, arguments: Arguments) throws -> Int32 {
        guard arguments.option("witness") == nil, arguments.values("tsa-anchor").isEmpty else {
            throw UsageError("--witness and --tsa-anchor check a node's own files: give its audit database")
        }
        return Self.report(try PostgresAuditStorage.verifyAll(conninfo: try Self.conninfo(url), trust: trust))
    }

    /// The connection string of `url`, its placeholders filled from the environment.
    static func conninfo(_ url: String) throws(UsageError) -> String {
        guard let conninfo = PostgresConninfo.resolve(url) else {
            // The URL is not echoed: it may hold a password beside its placeholders.
            let name = PostgresConninfo.missingPlaceholder(in: url) ?? "?"
            throw UsageError("placeholder {\(name)} of the URL has no value in the environment")
        }
        return conninfo
    }

    /// Prints the verification of several chains (a database, an archive) and returns the exit status.
    static func report(_ results: [(nodeID: String, verification: AuditVerification)]) -> Int32 {
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

    /// `audit export postgresql://… --month YYYY-MM [--out FILE] [--detach]`: the month's signed archive
    /// (``PostgresAuditArchive``); with --detach, the partition goes only once the archive is on disk (synced) and
    /// verifies against the trust anchors, each chain whole.
    func archivePostgres(_ url: String, arguments: Arguments) throws -> Int32 {
        guard let text = arguments.option("month"), let month = AuditMonth(text) else {
            throw UsageError("audit export of a postgresql:// URL needs --month YYYY-MM")
        }
        let detach = arguments.flag("detach")
        let anchors = arguments.values("trust-anchor")
        guard !detach || (arguments.option("out") != nil && !anchors.isEmpty) else {
            throw UsageError("--detach needs --out FILE and --trust-anchor PEM: the archive is verified first")
        }
        let conninfo = try Self.conninfo(url)
        let signer = try GatewayNode.offlineCheckpointSigner(try Self.configuration(arguments))
        let out = arguments.option("out")
        let output = try ExportOutput(out)
        let chains = try PostgresAuditArchive.export(conninfo: conninfo, month: month, signer: signer, output.write)
        // On disk (the file, then its directory entry) before anything is dropped.
        try output.finish()
        let summary = chains.map { ", \($0.nodeID) \($0.records) records to seq \($0.lastSeq)" }.joined()
        FileHandle.standardError.write(Data("archived \(month): \(chains.count) node chain(s)\(summary)\n".utf8))
        guard detach, let out else { return 0 }
        let trust = CertificateVerifier(
            trustStore: try TrustStore.load(anchorFiles: anchors.map { URL(fileURLWithPath: $0) }))
        let verified = try AuditExport.verifyChains(path: out, trust: trust)
        let whole = verified.count == chains.count && zip(verified, chains).allSatisfy(Self.holds)
        guard whole else {
            FileHandle.standardError.write(Data("the archive does not verify whole: nothing detached\n".utf8))
            _ = Self.report(verified)
            return 1
        }
        try PostgresAuditArchive.detach(conninfo: conninfo, month: month, chains: chains)
        FileHandle.standardError.write(Data("detached and dropped \(month)\n".utf8))
        return 0
    }

    /// Whether an archive's chain verified whole (no break, sealed or not; every record under a checkpoint) and
    /// holds what was written of it.
    private static func holds(
        _ checked: (nodeID: String, verification: AuditVerification), _ written: PostgresAuditArchive.Chain
    ) -> Bool {
        let result = checked.verification
        guard checked.nodeID == written.nodeID, result.isValid, result.sealedBreaks.isEmpty else { return false }
        return result.unprotectedRecords == 0 && result.recordsChecked == written.records
            && result.lastSeq == written.lastSeq
    }
}
