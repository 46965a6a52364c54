import Foundation
import LienthongAudit
import LienthongCommandLine
import LienthongTrust
import LienthongCore

/// `lienthong audit verify|export`: offline checks and exports of the audit log.
struct AuditCommand: LienthongCommand {
    static let command = Command(
        "audit", summary: "offline checks and exports of the audit log",
        subcommands: [
            Command(
                "verify", summary: "check the hash chain and every signed checkpoint offline",
                discussion: """
                    Prints `valid`, or `invalid: CODE at seq N` for the first bad record.
                    Exit status: 0 valid, 1 invalid, 2 usage error.
                    """,
                arguments: [Positional("DB|EXPORT", help: "an audit database, or a JSON Lines export of one")],
                options: [
                    .repeated("trust-anchor", "PEM", help: "a root certificate trusted for checkpoints", required: true)
                ]),
            Command(
                "export", summary: "write records and checkpoints as JSON Lines",
                arguments: [
                    Positional(
                        "DB", help: "the audit database (default: $LIENTHONG_DATA_DIR/audit.sqlite, else "
                            + ".lienthong/audit.sqlite)", required: false)
                ],
                options: [
                    .value(
                        "from", "RFC3339", help: "records made at or after this time (default: from the first)",
                        format: .timestamp),
                    .value(
                        "to", "RFC3339", help: "records made before this time (default: to the last)",
                        format: .timestamp),
                    .value("out", "FILE", help: "write to FILE (default: standard output)"),
                ]),
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() async throws -> Int32 {
        switch arguments.subcommand {
        case "verify": return try verify(arguments, anchors: arguments.values("trust-anchor"))
        default: try export(arguments)
        }
        return 0
    }

    private func verify(_ arguments: Arguments, anchors: [String]) throws -> Int32 {
        let path = arguments.positional[0]
        let store = try TrustStore.load(anchorFiles: anchors.map { URL(fileURLWithPath: $0) })
        let result = try AuditLog.verify(path: path, trust: CertificateVerifier(trustStore: store))
        print(Self.describe(result))
        return result.isValid ? 0 : 1
    }

    /// The verification result for people: first line `valid` or `invalid: CODE at seq N`.
    static func describe(_ result: AuditVerification) -> String {
        var lines: [String] = []
        if let bad = result.firstBad {
            lines.append("invalid: \(bad.failure.rawValue) at seq \(bad.seq) (\(bad.detail))")
        } else {
            lines.append("valid")
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

    private func export(_ arguments: Arguments) throws {
        let path = arguments.positional.first ?? AuditLog.defaultPath()
        let from = try arguments.option("from").map { try Self.date($0, "--from") }
        let to = try arguments.option("to").map { try Self.date($0, "--to") }
        let output: FileHandle
        if let out = arguments.option("out") {
            guard FileManager.default.createFile(atPath: out, contents: nil) else {
                throw UsageError("cannot create \(out)")
            }
            output = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        } else {
            output = FileHandle.standardOutput
        }
        var buffer: [UInt8] = []
        let counts = try AuditLog.export(path: path, from: from, to: to) { line in
            buffer.append(contentsOf: line.utf8)
            if buffer.count >= 1 << 16 {
                output.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        output.write(Data(buffer))
        if arguments.option("out") != nil {
            try output.synchronize()
            try output.close()
        }
        FileHandle.standardError.write(
            Data("exported \(counts.records) records and \(counts.checkpoints) checkpoints\n".utf8))
    }

    static func date(_ text: String, _ option: String) throws(UsageError) -> Date {
        guard let date = Timestamp.parse(text) else { throw UsageError("\(option) needs an RFC 3339 time") }
        return date
    }
}
