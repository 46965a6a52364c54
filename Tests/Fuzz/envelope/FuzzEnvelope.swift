import Foundation
import LienthongJSON
import LienthongTesting
import LienthongTrust

/// libFuzzer entry: reads the input as a signed envelope off the wire and verifies it against the development PKI
/// whose root is `Tests/Fuzz/envelope/pki/root.pem` (the seeds are signed under it), then takes it apart as
/// `lienthong verify` does. Neither may trap, and the inspector's verdict must be the verifier's.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvelope(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let verdict = Result { () throws(TrustError) in try EnvelopeVerifier.verify(bytes: bytes, trust: trust, at: time) }
    guard let envelope = try? EnvelopeParser.parse(bytes) else { return 0 }
    let inspection = EnvelopeInspector.inspect(envelope, trust: trust, at: time)
    switch (verdict, inspection.verdict) {
    case (.success, .success): break
    case (.failure(let first), .failure(let second)) where first.code == second.code: break
    default: fatalError("the inspector's verdict differs from the verifier's")
    }
    return 0
}

/// Inside the validity of the committed PKI and its seed signatures (made 2026-12-06).
private let time = Date(timeIntervalSince1970: 1_797_000_000)

private let trust: CertificateVerifier = {
    let root = Repository.root.appendingPathComponent("Tests/Fuzz/envelope/pki/root.pem")
    do {
        return CertificateVerifier(trustStore: try TrustStore.load(anchorFiles: [root]))
    } catch {
        fatalError("cannot load \(root.path): \(error)")
    }
}()
