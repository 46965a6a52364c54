import Foundation
import LienthongCommandLine
import LienthongTrust

/// `lienthong keys generate|csr|import|list|rotate`: the node's signing keys in a ``KeyDirectory``.
struct KeysCommand: LienthongCommand {
    private static let provider = Option.value(
        "provider", "ID", help: "the provider whose key it is", format: .nonEmpty, required: true)
    private static let keysDirectory = Option.value(
        "keys-dir", "DIR", help: "the keys directory (default: $LIENTHONG_DATA_DIR/keys, else .lienthong/keys)")
    /// The token options: `generate` makes the key in the token, `csr` signs with it; the PIN is never an argument.
    private static let tokenOptions: [Option] = [
        .value("token", "LABEL", help: "the PKCS#11 token that holds the key (generate: make the key in it)"),
        .value("module", "FILE", help: "the PKCS#11 module (default: \(PKCS11Token.defaultModule))"),
        .value("pin-file", "FILE", help: "a file holding the token's user PIN"),
        .value("pin-env", "VAR", help: "an environment variable holding the token's user PIN"),
    ]

    static let command = Command(
        "keys", summary: "the node's signing keys, for certificates from a real CA",
        subcommands: [
            Command(
                "generate", summary: "generate a new key version for a provider",
                options: [
                    provider,
                    .value(
                        "alg", "ES256|EdDSA|RS256|PS256", help: "the signing algorithm (default: ES256)",
                        format: .oneOf(["ES256", "EdDSA", "RS256", "PS256"])),
                    keysDirectory,
                ] + tokenOptions),
            Command(
                "csr", summary: "a certificate signing request for the provider's newest key without a certificate",
                options: [
                    provider,
                    .value("organization", "NAME", help: "the organization in the request's subject"),
                    .value("out", "FILE", help: "write the request to FILE (default: standard output)"),
                    keysDirectory,
                ] + tokenOptions),
            Command(
                "import", summary: "install a CA-issued certificate chain next to the key it certifies",
                options: [
                    provider, .value("certificate", "FILE", help: "the certificate chain (PEM)", required: true),
                    keysDirectory,
                ]),
            Command("list", summary: "list every provider's key versions", options: [keysDirectory]),
            Command(
                "rotate", summary: "make the provider's newest key with a valid certificate current",
                options: [provider, keysDirectory]),
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() throws -> Int32 {
        let keys = KeyDirectory(
            url: arguments.option("keys-dir").map { URL(fileURLWithPath: $0) } ?? KeyDirectory.defaultURL(),
            // Only generate and csr touch a private key; the rest read the URI and public key files.
            token: ["generate", "csr"].contains(arguments.subcommand) ? try token() : nil)
        let now = Date()
        switch arguments.subcommand {
        case "generate":
            let algorithm: JWSAlgorithm
            do {
                algorithm = try JWSAlgorithm(header: arguments.option("alg") ?? "ES256")
            } catch {
                throw UsageError("keys generate: --alg is one of ES256, EdDSA, RS256, PS256")
            }
            let version = try keys.generate(provider: try provider(), algorithm: algorithm, now: now)
            print("generated \(version.provider) \(version.name) (\(version.keyType), \(version.algorithm.rawValue))")
            if let uri = version.tokenURI {
                print("key: \(uri) (in the token; \(version.keyFile.lastPathComponent) holds only its URI)")
            } else {
                print("key: \(version.keyFile.path) (mode 0600)")
            }
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
            print("provider\tversion\tstore\talgorithm\tkid\tnotAfter\tcurrent")
            for provider in try keys.providers() {
                for version in try keys.versions(of: provider) {
                    print(
                        [
                            provider, version.name, version.tokenURI == nil ? "file" : "pkcs11",
                            version.algorithm.rawValue, version.keyID ?? "(no certificate)",
                            version.notAfter.map { dates.string(from: $0) } ?? "-", version.isCurrent ? "*" : "",
                        ].joined(separator: "\t"))
                }
            }
        case "rotate":
            let version = try keys.rotate(provider: try provider(), now: now)
            print("current key of \(version.provider) is \(version.name), kid \(version.keyID ?? "-")")
            print("a running node signs with it after 'lienthong reload' (or a restart)")
        default:
            throw UsageError("keys: unknown action '\(arguments.subcommand ?? "")'")
        }
        return 0
    }

    /// The token of `--token`, its PIN read from `--pin-file` or `--pin-env`; `nil` without `--token`.
    private func token() throws -> PKCS11Token? {
        guard let label = arguments.option("token") else {
            for option in ["module", "pin-file", "pin-env"] where arguments.option(option) != nil {
                throw UsageError("keys: --\(option) needs --token LABEL")
            }
            return nil
        }
        let source: PKCS11Token.PINSource
        switch (arguments.option("pin-file"), arguments.option("pin-env")) {
        case (.some(let file), nil): source = .file(URL(fileURLWithPath: file))
        case (nil, .some(let variable)): source = .environment(variable)
        default: throw UsageError("keys: --token needs one of --pin-file FILE or --pin-env VAR")
        }
        return PKCS11Token(
            module: arguments.option("module") ?? PKCS11Token.defaultModule, label: label, pin: try source.read())
    }

    private func provider() throws(UsageError) -> String {
        guard let provider = arguments.option("provider"), !provider.isEmpty else {
            throw UsageError("keys: --provider ID is needed")
        }
        return provider
    }
}
