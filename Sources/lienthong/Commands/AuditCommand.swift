import Foundation
import LienthongAudit
import LienthongCommandLine
import LienthongTrust
import LienthongCore
import LienthongGateway

/// `lienthong audit verify|export|seal|reconcile`: offline checks, exports, seals and reconciliation of the audit
/// log.
struct AuditCommand: LienthongCommand {
    static let command = Command(
        "audit", summary: "offline checks, exports, seals and reconciliation of the audit log",
        subcommands: [
            Command(
                "verify", summary: "check the hash chain and every signed checkpoint offline",
                discussion: """
                    Prints `valid`, `invalid: CODE at seq N` for the first bad record, or `sealed: N break(s)` when
                    the chain holds but for breaks an operator sealed. With --witness, a log shorter than the
                    witness's latest head is `audit.truncated`, another hash at that seq `audit.replaced`.
                    Exit status: 0 valid, 1 invalid, 2 usage error, 3 valid but for sealed breaks.
                    """,
                arguments: [
                    Positional(
                        "DB|EXPORT|URL",
                        help: "an audit database, a JSON Lines export of one, or a postgresql:// URL (every node's "
                            + "chain; {NAME} placeholders from the environment)")
                ],
                options: [
                    .repeated("trust-anchor", "PEM", help: "a root certificate trusted for checkpoints", required: true),
                    .value("witness", "PATH", help: "the witness file whose latest head the log must reach"),
                    .repeated(
                        "tsa-anchor", "PEM", help: "a time-stamping authority's root: checks each checkpoint's stamp"),
                ]),
            Command(
                "export", summary: "write records and checkpoints as JSON Lines",
                discussion: """
                    On PostgreSQL (a postgresql:// URL), --month writes a signed archive of that past month: each
                    node's chain, ended by a checkpoint signed with the node key of --config/--data-dir. With
                    --detach, once the archive is written, synced and verified against --trust-anchor, the month's
                    partition is detached and dropped (the oldest month first; never the current one).
                    """,
                arguments: [
                    Positional(
                        "DB|URL", help: "the audit database (default: $LIENTHONG_DATA_DIR/audit.sqlite, else "
                            + ".lienthong/audit.sqlite), or a postgresql:// URL with --month", required: false)
                ],
                options: [
                    .value(
                        "from", "RFC3339", help: "records made at or after this time (default: from the first)",
                        format: .timestamp),
                    .value(
                        "to", "RFC3339", help: "records made before this time (default: to the last)",
                        format: .timestamp),
                    .value("out", "FILE", help: "write to FILE (default: standard output)"),
                    .value("month", "YYYY-MM", help: "PostgreSQL: the past month to archive"),
                    .flag("detach", help: "PostgreSQL: then detach and drop the month (needs --out, --trust-anchor)"),
                    .repeated("trust-anchor", "PEM", help: "a root certificate the archive is verified against"),
                    .value("config", "DIR", help: "the node's configuration (default: $LIENTHONG_CONFIG, else config/demo)"),
                    .value("data-dir", "DIR", help: "the node's data directory (default: $LIENTHONG_DATA_DIR, else node.json's)"),
                ]),
            Command(
                "seal", summary: "record the break a stopped node found in its audit log, so the node serves again",
                discussion: """
                    The break stays visible: a signed, witnessed seal names it and the operator. Refused while the
                    node runs (it holds the data directory's lock).
                    """,
                options: [
                    .value("operator", "NAME", help: "who seals the break (recorded in the seal)", required: true),
                    .value("config", "DIR", help: "the node's configuration (default: $LIENTHONG_CONFIG, else config/demo)"),
                    .value("data-dir", "DIR", help: "the node's data directory (default: $LIENTHONG_DATA_DIR, else node.json's)"),
                ]),
            reconcileCommand,
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() async throws -> Int32 {
        switch arguments.subcommand {
        case "verify": return try verify(arguments, anchors: arguments.values("trust-anchor"))
        case "seal": try seal(arguments)
        case "reconcile": return try reconcile(arguments)
        default: return try export(arguments)
        }
        return 0
    }

    private func verify(_ arguments: Arguments, anchors: [String]) throws -> Int32 {
        let path = arguments.positional[0]
        let store = try TrustStore.load(anchorFiles: anchors.map { URL(fileURLWithPath: $0) })
        if Self.isPostgresURL(path) {
            return try verifyPostgres(path, trust: CertificateVerifier(trustStore: store), arguments: arguments)
        }
        if AuditExport.isArchive(path: path) {
            return Self.report(try AuditExport.verifyChains(path: path, trust: CertificateVerifier(trustStore: store)))
        }
        let tsaAnchors = try arguments.values("tsa-anchor").flatMap { file in
            try Certificate.loadChain(from: URL(fileURLWithPath: file))
        }
        let result = try AuditLog.verify(
            path: path, trust: CertificateVerifier(trustStore: store),
            witness: arguments.option("witness").map(AuditWitnessFile.init(path:)),
            timestampAnchors: tsaAnchors.isEmpty ? nil : tsaAnchors)
        print(Self.describe(result))
        if !result.isValid { return 1 }
        return result.sealedBreaks.isEmpty ? 0 : 3
    }

    /// The verification result for people: first line `valid`, `invalid: CODE at seq N` or, when the chain holds
    /// but for breaks an operator sealed, `sealed: N break(s)`.
    static func describe(_ result: AuditVerification) -> String {
        var lines: [String] = []
        if let bad = result.firstBad {
            lines.append("invalid: \(bad.failure.rawValue) at seq \(bad.seq) (\(bad.detail))")
        } else if !result.sealedBreaks.isEmpty {
            lines.append("sealed: \(result.sealedBreaks.count) break(s), the chain holds since the last seal")
        } else {
            lines.append("valid")
        }
        for sealed in result.sealedBreaks {
            let seal = sealed.seal
            let found = sealed.found.map { "; verify finds \($0.failure.rawValue) at seq \($0.seq)" } ?? ""
            lines.append(
                "sealed break: \(seal.failure) at seq \(seal.breakSeq), sealed at seq \(seal.seq) "
                    + "by \(seal.operatorName) at \(seal.time)\(found)")
        }
        if let head = result.witnessedHead {
            lines.append("witnessed head: seq \(head.seq) at \(head.time)")
        }
        let span = result.firstSeq.map { first in " (seq \(first)-\(result.lastSeq ?? first))" } ?? ""
        lines.append("records checked: \(result.recordsChecked)\(span)")
        if result.startedMidChain {
            lines.append(
                "started mid-chain at seq \(result.firstSeq ?? 0) from its prevHash \(result.anchorHash) "
                    + "(taken as the anchor; records before it are not checked)")
        }
        let last = result.lastCheckpointSeq.map { ", last at seq \($0)" } ?? ""
        lines.append("checkpoints verified: \(result.checkpointsChecked)\(last)")
        if result.timestampsVerified {
            lines.append("time stamps verified: \(result.timestampsChecked) (checkpoints without one are not counted)")
        }
        if result.firstBad?.failure == .truncated {
            lines.append("missing records after the last present: at least \(result.missingRecords)")
        }
        if result.unprotectedRecords > 0 {
            lines.append(
                "warning: \(result.unprotectedRecords) record(s) after the last checkpoint are unprotected "
                    + "(their removal would not be detected)")
        }
        return lines.joined(separator: "\n")
    }

    private func export(_ arguments: Arguments) throws -> Int32 {
        let path = arguments.positional.first ?? AuditLog.defaultPath()
        if Self.isPostgresURL(path) { return try archivePostgres(path, arguments: arguments) }
        guard arguments.option("month") == nil, !arguments.flag("detach") else {
            throw UsageError("--month and --detach archive a postgresql:// store; give --from and --to for a file")
        }
        let from = try arguments.option("from").map { try Self.date($0, "--from") }
        let to = try arguments.option("to").map { try Self.date($0, "--to") }
        let output = try ExportOutput(arguments.option("out"))
        let counts = try AuditLog.export(path: path, from: from, to: to, output.write)
        try output.finish()
        FileHandle.standardError.write(
            Data("exported \(counts.records) records and \(counts.checkpoints) checkpoints\n".utf8))
        return 0
    }

    /// The node's configuration, as `serve` finds it: --config, --data-dir, then the environment.
    static func configuration(_ arguments: Arguments) throws -> GatewayConfiguration {
        let environment = ProcessInfo.processInfo.environment
        return try GatewayConfiguration.load(
            configDirectory: URL(
                fileURLWithPath: arguments.option("config") ?? environment["LIENTHONG_CONFIG"] ?? "config/demo"),
            dataDirectory: (arguments.option("data-dir") ?? environment["LIENTHONG_DATA_DIR"])
                .map { URL(fileURLWithPath: $0) })
    }

    /// Seals the break a stopped node's start check finds, naming the operator (see `GatewayNode.sealAudit`).
    private func seal(_ arguments: Arguments) throws {
        guard let name = arguments.option("operator"), !name.isEmpty else {
            throw UsageError("audit seal needs --operator NAME")
        }
        guard let seal = try GatewayNode.sealAudit(try Self.configuration(arguments), operatorName: name) else {
            print("nothing to seal: the audit log verifies")
            return
        }
        print(
            "sealed: \(seal.failure) at seq \(seal.breakSeq), seal at seq \(seal.seq) by \(seal.operatorName) "
                + "at \(seal.time); the node serves again on its next start")
    }

    static func date(_ text: String, _ option: String) throws(UsageError) -> Date {
        guard let date = Timestamp.parse(text) else { throw UsageError("\(option) needs an RFC 3339 time") }
        return date
    }
}
