import Foundation
import LienthongJSON
import LienthongTesting
import Testing

/// `lienthong federation publish|show|verify` as an operator runs them: versions grow with each publication, and
/// verify's exit status says valid (0), refused with its code (1), or valid but expired (3).
struct FederationCommandTests {
    static func verify(_ file: URL, anchor: URL, at time: String? = nil) throws -> ChildProcess.Output {
        try ChildProcess.run(
            GatewayProcess.binary,
            [
                "federation", "verify", file.path, "--anchor", anchor.path,
                "--schemas", Repository.root.appendingPathComponent("schemas").path,
            ] + (time.map { ["--at", $0] } ?? []))
    }

    @Test func publishedDocumentsVerifyAndEachRefusalHasItsCodeAndExitStatus() throws {
        let federation = try FederationAuthority()
        let out = federation.directory.appendingPathComponent("published.json")
        #expect(try federation.publish(to: out).stdout.contains("version 1"))
        #expect(try federation.publish(to: out, validFor: 60).stdout.contains("version 2"))

        let valid = try Self.verify(out, anchor: federation.anchor)
        #expect(valid.status == 0, "\(valid.stdout)")
        #expect(valid.stdout.contains("version 2") && valid.stdout.hasSuffix("result: valid\n"))

        let shown = try ChildProcess.run(GatewayProcess.binary, ["federation", "show", out.path])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("members: 5, subsystems: 5, services: 5"), "\(shown.stdout)")
        #expect(shown.stdout.contains("node-hcm  https://lienthong.hcm.example"))

        // Valid, but past its expiry at --at (the signing certificate is still valid then).
        let document = try JSONValue.parse(Array(try Data(contentsOf: out)))
        let expiry = try #require(document["message"]?["expiresAt"]?.stringValue)
        let later = try #require(ISO8601DateFormatter().date(from: expiry))
        let expired = try Self.verify(
            out, anchor: federation.anchor, at: ISO8601DateFormatter().string(from: later.addingTimeInterval(60)))
        #expect(expired.status == 3, "\(expired.stdout)")
        #expect(expired.stdout.contains("federation.expired"))

        // A root of the same PKI is not the anchor: the document is signed by a certificate under it, not by it.
        let root = federation.directory.appendingPathComponent("pki/root-ca.crt.pem")
        let untrusted = try Self.verify(out, anchor: root)
        #expect(untrusted.status == 1)
        #expect(untrusted.stdout.contains("result: invalid federation.untrusted-signer"), "\(untrusted.stdout)")

        var envelope = try #require(try JSONValue.parse(Array(try Data(contentsOf: out))).objectValue)
        var message = try #require(envelope["message"]?.objectValue)
        message["federationId"] = "VN-OTHER"
        envelope["message"] = .object(message)
        let tampered = federation.directory.appendingPathComponent("tampered.json")
        try Data(JSONValue.object(envelope).serializedBytes()).write(to: tampered)
        let bad = try Self.verify(tampered, anchor: federation.anchor)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("result: invalid federation.bad-signature"), "\(bad.stdout)")
    }

    @Test func publishRefusesADirectoryWhosePartsDisagreeAndKeepsTheLastDocument() throws {
        let federation = try FederationAuthority()
        let out = federation.directory.appendingPathComponent("published.json")
        try federation.publish(to: out)
        let before = try Data(contentsOf: out)
        try federation.edit("nodes.json") { nodes in
            nodes.append([
                "id": "node-x", "address": "https://x.example",
                "tlsFingerprints": [.string(String(repeating: "4", count: 64))], "members": ["VN/GOV/NOBODY"],
            ])
        }
        let refused = try federation.tryPublishing(to: out)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("federation.inconsistent") && refused.stdout.contains("VN/GOV/NOBODY"))
        #expect(try Data(contentsOf: out) == before)
    }
}
