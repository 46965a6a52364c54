import Foundation
import LienthongAudit
import LienthongTrust
import LienthongCore
import LienthongGateway

/// `lienthong audit verify|export|seal|_stress`: offline checks, exports and seals of the audit log.
struct AuditCommand {
    static let valued: Set<String> = [
        "from", "to", "out", "trust-anchor", "key", "cert", "every", "concurrency", "witness", "operator", "config",
        "data-dir", "tsa-anchor",
    ]

    let words: [String]

    init(_ words: some Sequence<String>) { self.words = Array(words) }

    func run() async throws {
        guard let sub = words.first else { throw UsageError("audit needs a subcommand: verify, export") }
        let rest = words.dropFirst()
        let arguments = try Arguments(rest, valued: Self.valued)
        switch sub {
        case "verify": try verify(arguments, anchors: Self.values(of: "trust-anchor", in: rest))
        case "export": try export(arguments)
        case "seal": try seal(arguments)
        case "_stress": try await stress(arguments)
        default: throw UsageError("unknown audit subcommand '\(sub)'")
        }
    }

    /// Every value of a repeatable option (`--name VALUE` or `--name=VALUE`).
    static func values(of name: String, in words: some Sequence<String>) -> [String] {
        var values: [String] = []
        var iterator = words.makeIterator()
        while let word = iterator.next() {
            if word == "--\(name)", let value = iterator.next() {
                values.append(value)
            } else if word.hasPrefix("--\(name)=") {
                values.append(String(word.dropFirst(name.count + 3)))
            }
        }
        return values
    }

    private func verify(_ arguments: Arguments, anchors: [String]) throws {
        guard arguments.positional.count == 1, let path = arguments.positional.first else {
            throw UsageError("audit verify needs one DB or EXPORT file")
        }
        guard !anchors.isEmpty else { throw UsageError("audit verify needs --trust-anchor PEM (repeatable)") }
        let store = try TrustStore.load(anchorFiles: anchors.map { URL(fileURLWithPath: $0) })
        let tsaAnchors = try Self.values(of: "tsa-anchor", in: words.dropFirst()).flatMap { file in
            try Certificate.loadChain(from: URL(fileURLWithPath: file))
        }
        let result = try AuditLog.verify(
            path: path, trust: CertificateVerifier(trustStore: store),
            witness: arguments.option("witness").map(AuditWitnessFile.init(path:)),
            timestampAnchors: tsaAnchors.isEmpty ? nil : tsaAnchors)
        print(Self.describe(result))
        if !result.isValid { exit(1) }
        if !result.sealedBreaks.isEmpty { exit(3) }
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

    private func export(_ arguments: Arguments) throws {
        guard arguments.positional.count <= 1 else { throw UsageError("audit export takes one DB") }
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

    /// Seals the break a stopped node's start check finds, naming the operator (see `GatewayNode.sealAudit`).
    private func seal(_ arguments: Arguments) throws {
        guard arguments.positional.isEmpty, let name = arguments.option("operator"), !name.isEmpty else {
            throw UsageError("audit seal needs --operator NAME (and the node's --config DIR, --data-dir DIR)")
        }
        let environment = ProcessInfo.processInfo.environment
        let configuration = try GatewayConfiguration.load(
            configDirectory: URL(
                fileURLWithPath: arguments.option("config") ?? environment["LIENTHONG_CONFIG"] ?? "config/demo"),
            dataDirectory: (arguments.option("data-dir") ?? environment["LIENTHONG_DATA_DIR"])
                .map { URL(fileURLWithPath: $0) })
        guard let seal = try GatewayNode.sealAudit(configuration, operatorName: name) else {
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

    /// Appends COUNT records as fast as it can, printing each seq once `append` returned (the record is durable).
    /// Used by the crash-durability test, which kills this process mid-run.
    private func stress(_ arguments: Arguments) async throws {
        guard arguments.positional.count == 2, let count = Int(arguments.positional[1]), count > 0 else {
            throw UsageError("audit _stress DB COUNT [--key PEM --cert PEM] [--every N] [--concurrency K]")
        }
        var signer: AuditCheckpointSigner?
        if let key = arguments.option("key"), let cert = arguments.option("cert") {
            signer = try AuditCheckpointSigner(
                key: SigningKey.load(from: URL(fileURLWithPath: key)),
                chain: Certificate.loadChain(from: URL(fileURLWithPath: cert)),
                everyRecords: Int(arguments.option("every") ?? "") ?? 1000)
        }
        let log = try AuditLog(path: arguments.positional[0], subjectKey: Array("stress-subject-key".utf8),
                               checkpoints: signer)
        let concurrency = max(1, Int(arguments.option("concurrency") ?? "") ?? 8)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var index = worker
                    while index < count {
                        let record = try await log.append(
                            AuditEvent(
                                time: Date(), requestID: "stress-\(index)", consumer: "VN/GOV/BTC/DKKD",
                                provider: "VN/GOV/BCA/DANCU", service: "VN/GOV/BCA/DANCU/person",
                                purpose: "stress", subjectKey: "0790850\(index % 100_000)", fields: ["fullName"],
                                outcome: .allowed, status: 200, latencyMicroseconds: 100))
                        // One write(2) per line: pipe writes this small are atomic, and nothing sits in a buffer
                        // when the process is killed.
                        let line = Array("\(record.seq)\n".utf8)
                        _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
                        index += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
        log.close()
    }
}
