import Foundation
import LienthongJSON
import LienthongTrust

// lienthong-bench-crypto: ES256 and EdDSA sign/s and verify/s through LienthongTrust for an envelope-sized
// (~1 KB JCS) message, next to `openssl speed` figures parsed from --openssl FILE. Prints a Markdown table.
//
//   lienthong-bench-crypto [--seconds N] [--openssl FILE] [--sample-envelope FILE] [--profile-verify]
//
// --profile-verify runs only the cached envelope verification (each algorithm for N CPU seconds) and prints its
// rate: the loop to put under `perf record -g`, without the other figures' samples.
//
// Two LienthongTrust figures per operation:
// - "JWS": JWSSigningIdentity.sign (the node's prepared signer) / PublicKey.verify over the JWS signing input
//   (protected || "." || JCS(message)), the same primitive `openssl speed` measures (plus SHA-256 of ~2.6 KB);
// - "envelope": EnvelopeSigner.sign with the node's identity (JCS, header with x5c, base64url) and
//   EnvelopeVerifier.verify (the header and its chain from the trust store's HeaderCache, member check, JCS,
//   signature), what the gateway pays per response, with its ratio to openssl speed (issue 14 target for verify:
//   >= 0.7); then verify from the envelope's bytes (JSON parse included) and with the chain validated every time
//   (a new trust store per call: the cost before the cache).

struct BenchError: Error, CustomStringConvertible {
    var description: String
}

var seconds = 3.0
var opensslFile: String?
var sampleFile: String?
var profileVerify = false
var arguments = CommandLine.arguments.dropFirst()
while let word = arguments.popFirst() {
    switch word {
    case "--seconds": seconds = Double(arguments.popFirst() ?? "") ?? seconds
    case "--openssl": opensslFile = arguments.popFirst()
    case "--sample-envelope": sampleFile = arguments.popFirst()
    case "--profile-verify": profileVerify = true
    default:
        FileHandle.standardError.write(
            Data("usage: lienthong-bench-crypto [--seconds N] [--openssl FILE] [--profile-verify]\n".utf8))
        exit(2)
    }
}

/// CPU seconds used by this thread so far.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Runs `body` in batches until it has used `seconds` of CPU time; returns operations per CPU second.
///
/// CPU time, not wall-clock time, because `openssl speed` counts user CPU time unless given `-elapsed`: the two
/// figures of a row then measure the same thing, and other work on the machine does not skew the ratio.
func measure(seconds: Double, _ body: () throws -> Void) rethrows -> Double {
    let start = threadCPUSeconds()
    var count = 0
    while threadCPUSeconds() - start < seconds {
        for _ in 0..<32 { try body() }
        count += 32
    }
    return Double(count) / (threadCPUSeconds() - start)
}

/// `sign/s` and `verify/s` of the `openssl speed` line whose text contains `marker`.
func opensslFigures(_ text: String, marker: String) -> (sign: Double, verify: Double)? {
    for line in text.split(separator: "\n") where line.contains(marker) {
        let numbers = line.split(separator: " ").compactMap { Double($0) }
        if numbers.count >= 2 { return (numbers[numbers.count - 2], numbers[numbers.count - 1]) }
    }
    return nil
}

// A ~1 KB canonical record message, like the gateway's person.v1 responses.
var record: JSONObject = [
    "personalId": "001090012345", "fullName": "Nguyễn Văn An", "birthDate": "1990-05-17", "sex": "male",
    "nationality": "VN", "ethnicity": "Kinh", "religion": "none",
    "permanentAddress": [
        "line": "Số 12, ngõ 34, phố Trần Duy Hưng", "ward": "Phường Trung Hòa", "district": "Quận Cầu Giấy",
        "province": "Thành phố Hà Nội", "country": "VN",
    ],
    "currentAddress": [
        "line": "Số 56, đường Nguyễn Trãi", "ward": "Phường Thượng Đình", "district": "Quận Thanh Xuân",
        "province": "Thành phố Hà Nội", "country": "VN",
    ],
    "householdHeadId": "001060054321", "relationshipToHead": "son", "maritalStatus": "married",
]
record["documents"] = [
    ["type": "cccd", "number": "001090012345", "issuedOn": "2021-04-01", "issuedBy": "Cục Cảnh sát QLHC về TTXH"]
]
let message: JSONValue = [
    "type": "record", "id": "0b6f5c2e-8a51-4b8e-9a51-0c1f6a8e7d11", "requestId": "5a4c9e7b-1f0d-4f5e-8b3a-2d6c7e8f9a01",
    "issuedAt": "2026-11-26T10:00:00Z", "provider": "VN/GOV/BCA/DANCU", "consumer": "VN/GOV/BTC/DKKD",
    "service": "VN/GOV/BCA/DANCU/person", "purpose": "enterprise-registration", "schema": "person.v1",
    "requestHash": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", "record": .object(record),
]

do {
    let payload = try JCS.canonicalize(message)
    let now = Date()
    let root = try CertificateIssuer.selfSignedRoot(
        subject: DistinguishedName(commonName: "Bench Root CA"), key: SigningKey.generate(),
        notBefore: now - 86_400, notAfter: now + 86_400 * 365)
    let intermediateKey = try SigningKey.generate()
    let intermediate = try CertificateIssuer(
        certificate: root.issue(
            .intermediateCA, subject: DistinguishedName(commonName: "Bench Intermediate CA"),
            publicKey: intermediateKey.publicKey, notBefore: now - 86_400, notAfter: now + 86_400 * 365),
        key: intermediateKey)
    let verifier = CertificateVerifier(trustStore: try TrustStore(anchors: [root.certificate]))

    var opensslText = ""
    if let opensslFile {
        guard let data = FileManager.default.contents(atPath: opensslFile) else {
            throw BenchError(description: "cannot read \(opensslFile)")
        }
        opensslText = String(decoding: data, as: UTF8.self)
    }

    #if DEBUG
        let build = "DEBUG build: figures are not meaningful"
    #else
        let build = "release build"
    #endif
    print("JCS(message) = \(payload.count) bytes; \(seconds) CPU s per figure, counted per CPU second like openssl speed; \(build)")
    if !profileVerify {
        print("")
        print("| algorithm | operation | openssl speed /s (20-byte input) | LienthongTrust /s, same 20 bytes | ratio "
            + "| LienthongTrust /s, JWS signing input | ratio | LienthongTrust envelope /s | ratio "
            + "| envelope from bytes /s | envelope, chain validated each time /s |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    }
    var inputSizes: [String] = []
    for (type, algorithm, marker) in [
        (KeyType.p256, JWSAlgorithm.es256, "(nistp256)"), (.ed25519, .edDSA, "(Ed25519)"),
    ] {
        let key = try SigningKey.generate(type)
        let leaf = try intermediate.issue(
            .nodeSigning, subject: DistinguishedName(commonName: "VN/GOV/BCA/DANCU"), publicKey: key.publicKey,
            notBefore: now - 86_400, notAfter: now + 86_400 * 30)
        let chain = [leaf, intermediate.certificate]
        let identity = try JWSSigningIdentity(key: key, chain: chain, algorithm: algorithm)
        let envelope = try EnvelopeSigner.sign(message: message, identity: identity, issuedAt: now)
        if let sampleFile, algorithm == .es256 {
            try Data(envelope.serializedBytes(pretty: true)).write(to: URL(fileURLWithPath: sampleFile))
            try Data(root.certificate.pemString.utf8).write(to: URL(fileURLWithPath: sampleFile + ".root.pem"))
        }
        guard let protected = envelope["signatures"]?[0]?["protected"]?.stringValue else {
            throw BenchError(description: "signed envelope has no protected header")
        }
        let input = JWSSignature.signingInput(protected: protected, payload: payload)
        inputSizes.append("\(algorithm.rawValue) \(input.count) bytes")
        let signature = try key.sign(input, algorithm: algorithm)
        let publicKey = key.publicKey
        guard publicKey.verify(signature: signature, data: input, algorithm: algorithm) else {
            throw BenchError(description: "\(algorithm.rawValue) signature does not verify")
        }

        if profileVerify {
            _ = try EnvelopeVerifier.verify(envelope, trust: verifier, at: now)
            let rate = try measure(seconds: seconds) {
                _ = try EnvelopeVerifier.verify(envelope, trust: verifier, at: now)
            }
            print("\(algorithm.rawValue) envelope verify, chain cached: \(String(format: "%.0f", rate))/s")
            continue
        }

        // `openssl speed` signs a 20-byte buffer: the same input isolates Lienthong's own overhead.
        let short = [UInt8](repeating: 0x2a, count: 20)
        let shortSignature = try identity.sign(short)
        let shortSign = try measure(seconds: seconds) { _ = try identity.sign(short) }
        let shortVerify = measure(seconds: seconds) {
            _ = publicKey.verify(signature: shortSignature, data: short, algorithm: algorithm)
        }
        let jwsSign = try measure(seconds: seconds) { _ = try identity.sign(input) }
        let jwsVerify = measure(seconds: seconds) {
            _ = publicKey.verify(signature: signature, data: input, algorithm: algorithm)
        }
        let envelopeSign = try measure(seconds: seconds) {
            _ = try EnvelopeSigner.sign(message: message, identity: identity, issuedAt: now)
        }
        // The first call validates the chain and caches it; the figure is the cached path the gateway runs.
        _ = try EnvelopeVerifier.verify(envelope, trust: verifier, at: now)
        let envelopeVerify = try measure(seconds: seconds) {
            _ = try EnvelopeVerifier.verify(envelope, trust: verifier, at: now)
        }
        let envelopeBytes = envelope.serializedBytes()
        let bytesVerify = try measure(seconds: seconds) {
            _ = try EnvelopeVerifier.verify(bytes: envelopeBytes, trust: verifier, at: now)
        }
        let uncachedVerify = try measure(seconds: seconds / 2) {
            let fresh = CertificateVerifier(trustStore: try TrustStore(anchors: [root.certificate]))
            _ = try EnvelopeVerifier.verify(envelope, trust: fresh, at: now)
        }

        let reference = opensslFigures(opensslText, marker: marker)
        func row(
            _ operation: String, _ same: Double, _ jws: Double, _ theirs: Double?, _ full: Double,
            _ extra: [Double?]
        ) {
            func figure(_ value: Double) -> String { String(format: "%.0f", value) }
            func ratio(_ ours: Double) -> String { theirs.map { String(format: "%.2f", ours / $0) } ?? "n/a" }
            print(
                "| \(algorithm.rawValue) | \(operation) | \(theirs.map(figure) ?? "n/a") | \(figure(same)) | \(ratio(same)) "
                    + "| \(figure(jws)) | \(ratio(jws)) | \(figure(full)) | \(ratio(full)) | "
                    + extra.map { $0.map(figure) ?? "–" }.joined(separator: " | ") + " |")
        }
        row("sign", shortSign, jwsSign, reference?.sign, envelopeSign, [nil, nil])
        row("verify", shortVerify, jwsVerify, reference?.verify, envelopeVerify, [bytesVerify, uncachedVerify])
    }
    print("")
    print("JWS signing input (protected header with its x5c chain, \".\", JCS(message)): \(inputSizes.joined(separator: ", "))")
} catch {
    FileHandle.standardError.write(Data("lienthong-bench-crypto: \(error)\n".utf8))
    exit(1)
}
