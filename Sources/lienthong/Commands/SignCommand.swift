import Foundation
import LienthongCommandLine
import LienthongJSON
import LienthongTrust

/// `lienthong sign FILE|- --key PEM --cert PEM [--countersign]`: signs a message (JSON) into an envelope as its
/// origin, or with `--countersign` adds a forwarding hop's countersignature to an envelope; prints the envelope.
///
/// A consumer signs a request for `POST /v1/records/…` with its client certificate and key this way.
struct SignCommand: LienthongCommand {
    static let command = Command(
        "sign", summary: "sign a message into an envelope, or countersign an envelope",
        discussion: """
            Signs a message (e.g. a request.v1 message, as its consumer) into an envelope as its origin, or with
            --countersign adds a forwarding hop's countersignature to an envelope; prints the envelope.
            """,
        arguments: [Positional("FILE|-", help: "the message or envelope (JSON); - reads standard input")],
        options: [
            .value("key", "PEM", help: "the signing key", required: true),
            .value("cert", "PEM", help: "its certificate chain", required: true),
            .flag("countersign", help: "countersign the envelope FILE instead of signing a message"),
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    /// Prints the signed envelope (usage errors are thrown, signing failures too).
    func run() throws -> Int32 {
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
        return 0
    }
}
