import Foundation
import LienthongCommandLine
import LienthongCore
import LienthongJSON
import LienthongTrust

/// `lienthong verify FILE|- --trust-anchor PEM ... [--crl PEM ...] [--at RFC3339]`: checks a signed envelope
/// offline and prints each signature's role (origin or countersignature), member and checks; a profile assembled
/// across nodes (`person-profile.v2`) is valid only if each part's own envelope verifies too. Exit 0 valid,
/// 1 invalid, 2 usage error.
struct VerifyCommand: LienthongCommand {
    static let command = Command(
        "verify", summary: "verify a signed envelope offline, each signature with its role and member",
        discussion: """
            Prints each signature's role (origin or countersignature), member and checks.
            A profile assembled across nodes (person-profile.v2) carries each part as its
            provider's envelope: each is verified on its own too, one line per part.
            Exit status: 0 valid, 1 invalid, 2 usage error.
            """,
        arguments: [Positional("FILE|-", help: "the envelope (JSON); - reads standard input")],
        options: [
            .repeated("trust-anchor", "PEM", help: "a trusted root certificate", required: true),
            .repeated("crl", "PEM", help: "a certificate revocation list"),
            .value("at", "RFC3339", help: "verify as of this time (default: now)", format: .timestamp),
            .value(
                "max-bytes", "N", help: "the largest envelope accepted, in bytes (default: \(EnvelopeParser.defaultMaxEnvelopeBytes))",
                format: .positiveInteger),
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    /// Runs the command and returns the exit status (usage errors are thrown).
    func run() throws -> Int32 {
        let anchors = arguments.values("trust-anchor")
        let crls = arguments.values("crl")
        let time = arguments.option("at").flatMap(Timestamp.parse) ?? Date()
        let maxBytes = arguments.option("max-bytes").flatMap { Int($0) } ?? EnvelopeParser.defaultMaxEnvelopeBytes
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
        let invalidParts = verifyParts(of: envelope, trust: trust, at: time)
        switch report.verdict {
        case .success where !invalidParts.isEmpty:
            print("result: invalid parts \(invalidParts.joined(separator: ", "))")
            return 1
        case .success:
            print("result: valid")
            return 0
        case .failure(let error):
            print("result: invalid \(error.code.wireCode) (\(error.detail))")
            return 1
        }
    }

    /// Verifies on its own each part of a profile assembled across nodes (`person-profile.v2`): a member of
    /// `message.record` that is an envelope, signed by its provider; prints one line per part.
    /// - Returns: the members of the parts that do not verify.
    private func verifyParts(of envelope: JSONValue, trust: CertificateVerifier, at time: Date) -> [String] {
        guard envelope["message"]?["type"]?.stringValue?.hasSameCodePoints(as: "profile") == true,
            let record = envelope["message"]?["record"]?.objectValue
        else { return [] }
        var invalid: [String] = []
        for (member, part) in record.map({ ("\($0.key)", $0.value) }).sorted(by: { $0.0 < $1.0 }) {
            guard part["signatures"] != nil else {
                if let code = part["code"]?.stringValue { print("part \(member): withheld (\(code))") }
                continue
            }
            do throws(TrustError) {
                let verified = try EnvelopeVerifier.verify(part, trust: trust, at: time)
                print("part \(member): valid, origin \(verified.member)")
            } catch {
                print("part \(member): invalid \(error.code.wireCode) (\(error.detail))")
                invalid.append(member)
            }
        }
        return invalid
    }
}
