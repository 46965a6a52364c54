import Foundation
import LienthongJSON
import LienthongTrust

/// `lienthong verify FILE|- --trust-anchor PEM ... [--crl PEM ...] [--at RFC3339]`: checks a signed envelope
/// offline and prints each signature's role (origin or countersignature), member and checks. Exit 0 valid,
/// 1 invalid, 2 usage error.
struct VerifyCommand {
    let words: [String]

    init(_ words: some Sequence<String>) { self.words = Array(words) }

    /// Runs the command and returns the exit status (usage errors are thrown).
    func run() throws -> Int32 {
        let arguments = try Arguments(words, valued: ["trust-anchor", "crl", "at", "max-bytes"])
        guard arguments.positional.count == 1 else { throw UsageError("verify: expected one FILE or -") }
        let anchors = Arguments.values(of: "trust-anchor", in: words)
        guard !anchors.isEmpty else { throw UsageError("verify: at least one --trust-anchor PEM is needed") }
        let crls = Arguments.values(of: "crl", in: words)
        var time = Date()
        if let text = arguments.option("at") {
            guard let parsed = ISO8601DateFormatter().date(from: text) else {
                throw UsageError("verify: --at needs an RFC 3339 time such as 2026-11-26T10:00:00Z")
            }
            time = parsed
        }
        var maxBytes = EnvelopeParser.defaultMaxEnvelopeBytes
        if let text = arguments.option("max-bytes") {
            guard let value = Int(text), value > 0 else { throw UsageError("verify: --max-bytes needs a number") }
            maxBytes = value
        }
        let bytes = try CommandInput.read(arguments.positional[0])
        for file in anchors + crls where !FileManager.default.isReadableFile(atPath: file) {
            throw UsageError("verify: cannot read \(file)")
        }
        let trust: CertificateVerifier
        do {
            trust = CertificateVerifier(
                trustStore: try TrustStore.load(
                    anchorFiles: anchors.map { URL(fileURLWithPath: $0) },
                    revocationListFiles: crls.map { URL(fileURLWithPath: $0) }))
        } catch {
            throw UsageError("verify: trust anchors or CRLs unusable: \(error)")
        }

        let envelope: JSONValue
        do {
            envelope = try EnvelopeParser.parse(bytes, maxEnvelopeBytes: maxBytes)
        } catch {
            print("result: invalid \(error.code.wireCode) (\(error.detail))")
            return 1
        }
        let report = EnvelopeInspector.inspect(envelope, trust: trust, at: time)
        let dates = ISO8601DateFormatter()
        print("message: type \(report.messageType ?? "-"), member \(report.member ?? "-")")
        print("at: \(dates.string(from: time))")
        for signature in report.signatures {
            print("signature \(signature.index): \(signature.role.rawValue)")
            print("  signer: \(signature.signer ?? "-")")
            print("  member: \(signature.member ?? "-")")
            print("  algorithm: \(signature.algorithm?.rawValue ?? "-")")
            print("  kid: \(signature.keyID ?? "-")")
            print("  iat: \(signature.issuedAt.map { dates.string(from: $0) } ?? "-")")
            for check in signature.checks {
                switch check.outcome {
                case .passed: print("  \(check.name.rawValue): ok")
                case .failed(let error):
                    print("  \(check.name.rawValue): FAILED \(error.code.wireCode) (\(error.detail))")
                case .skipped(let reason): print("  \(check.name.rawValue): skipped (\(reason))")
                }
            }
        }
        switch report.verdict {
        case .success:
            print("result: valid")
            return 0
        case .failure(let error):
            print("result: invalid \(error.code.wireCode) (\(error.detail))")
            return 1
        }
    }
}
