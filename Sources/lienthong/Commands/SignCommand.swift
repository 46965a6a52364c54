import Foundation
import LienthongJSON
import LienthongTrust

/// `lienthong sign FILE|- --key PEM --cert PEM [--countersign]`: signs a message (JSON) into an envelope as its
/// origin, or with `--countersign` adds a forwarding hop's countersignature to an envelope; prints the envelope.
///
/// A consumer signs a request for `POST /v1/records/…` with its client certificate and key this way.
struct SignCommand {
    let arguments: Arguments

    /// Prints the signed envelope (usage errors are thrown, signing failures too).
    func run() throws {
        guard arguments.positional.count == 1 else { throw UsageError("sign: expected one FILE or -") }
        guard let keyPath = arguments.option("key"), let certificatePath = arguments.option("cert") else {
            throw UsageError("sign: --key PEM and --cert PEM are needed")
        }
        let input: JSONValue
        do {
            input = try JSONValue.parse(try CommandInput.read(arguments.positional[0]))
        } catch let error as JSONError {
            throw UsageError("sign: the input is not JSON (\(error.code.wireCode))")
        }
        let key = try SigningKey.load(from: URL(fileURLWithPath: keyPath))
        let chain = try Certificate.loadChain(from: URL(fileURLWithPath: certificatePath))
        let envelope =
            arguments.flag("countersign")
            ? try EnvelopeSigner.countersign(input, key: key, chain: chain, issuedAt: Date())
            : try EnvelopeSigner.sign(message: input, key: key, chain: chain, issuedAt: Date())
        FileHandle.standardOutput.write(Data(envelope.serializedBytes() + [UInt8(ascii: "\n")]))
    }
}
