import Foundation
import LienthongTrust

/// `lienthong keys generate|csr|import|list|rotate`: the node's signing keys in a ``KeyDirectory``.
struct KeysCommand {
    static let usage = """
        keys generate --provider ID [--alg ES256|EdDSA|RS256|PS256] [--keys-dir DIR]
        keys csr --provider ID [--organization NAME] [--out FILE] [--keys-dir DIR]
        keys import --provider ID --certificate FILE [--keys-dir DIR]
        keys list [--keys-dir DIR]
        keys rotate --provider ID [--keys-dir DIR]
        """
    let arguments: Arguments

    init(_ words: some Sequence<String>) throws(UsageError) {
        arguments = try Arguments(words, valued: ["provider", "alg", "keys-dir", "out", "certificate", "organization"])
    }

    func run() throws {
        let keys = KeyDirectory(
            url: arguments.option("keys-dir").map { URL(fileURLWithPath: $0) } ?? KeyDirectory.defaultURL())
        guard let action = arguments.positional.first else { throw UsageError("keys: expected an action") }
        let now = Date()
        switch action {
        case "generate":
            let algorithm: JWSAlgorithm
            do {
                algorithm = try JWSAlgorithm(header: arguments.option("alg") ?? "ES256")
            } catch {
                throw UsageError("keys generate: --alg is one of ES256, EdDSA, RS256, PS256")
            }
            let version = try keys.generate(provider: try provider(), algorithm: algorithm, now: now)
            print("generated \(version.provider) \(version.name) (\(version.keyType), \(version.algorithm.rawValue))")
            print("key: \(version.keyFile.path) (mode 0600)")
            print("next: lienthong keys csr --provider \(version.provider)")
        case "csr":
            let (version, request) = try keys.signingRequest(
                provider: try provider(), organization: arguments.option("organization"))
            if let out = arguments.option("out") {
                do {
                    try Data(request.pemString.utf8).write(to: URL(fileURLWithPath: out))
                } catch {
                    throw UsageError("keys csr: cannot write \(out)")
                }
                print("CSR for \(version.provider) key \(version.name) written to \(out)")
            } else {
                print(request.pemString, terminator: "")
            }
        case "import":
            guard let file = arguments.option("certificate") else {
                throw UsageError("keys import: --certificate FILE is needed")
            }
            let chain = try Certificate.loadChain(from: URL(fileURLWithPath: file))
            let version = try keys.importCertificate(provider: try provider(), chain: chain, now: now)
            print("imported certificate for \(version.provider) key \(version.name), kid \(version.keyID ?? "-")")
            print(
                version.isCurrent
                    ? "it is current; 'lienthong reload' makes a running node sign with it"
                    : "run 'lienthong keys rotate --provider \(version.provider)' to use it")
        case "list":
            let dates = ISO8601DateFormatter()
            print("provider\tversion\talgorithm\tkid\tnotAfter\tcurrent")
            for provider in try keys.providers() {
                for version in try keys.versions(of: provider) {
                    print(
                        [
                            provider, version.name, version.algorithm.rawValue, version.keyID ?? "(no certificate)",
                            version.notAfter.map { dates.string(from: $0) } ?? "-", version.isCurrent ? "*" : "",
                        ].joined(separator: "\t"))
                }
            }
        case "rotate":
            let version = try keys.rotate(provider: try provider(), now: now)
            print("current key of \(version.provider) is \(version.name), kid \(version.keyID ?? "-")")
            print("a running node signs with it after 'lienthong reload' (or a restart)")
        default:
            throw UsageError("keys: unknown action '\(action)'")
        }
    }

    private func provider() throws(UsageError) -> String {
        guard let provider = arguments.option("provider"), !provider.isEmpty else {
            throw UsageError("keys: --provider ID is needed")
        }
        return provider
    }
}
