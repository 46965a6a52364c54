import Foundation
import LienthongTrust

/// `lienthong pki init DIR [--provider ID ...] [--consumer ID ...]`: a development PKI (root, intermediate, one
/// signing certificate per provider, a localhost TLS certificate, one TLS client certificate per consumer).
struct PKICommand {
    let words: [String]

    init(_ words: some Sequence<String>) { self.words = Array(words) }

    func run() throws {
        let arguments = try Arguments(words, valued: ["provider", "consumer"])
        guard arguments.positional.first == "init" else { throw UsageError("pki: expected 'init DIR'") }
        guard arguments.positional.count == 2 else { throw UsageError("pki init: expected one directory") }
        let directory = URL(fileURLWithPath: arguments.positional[1])
        let files = try DevelopmentPKI.create(
            in: directory, providers: Arguments.values(of: "provider", in: words),
            consumers: Arguments.values(of: "consumer", in: words))
        print("NOT FOR PRODUCTION: development PKI; never trust its root outside development and demos.")
        print("root CA (trust anchor)  \(files.root.certificate.path)")
        print("intermediate CA         \(files.intermediate.certificate.path)")
        for (provider, credential) in files.signing.sorted(by: { $0.key < $1.key }) {
            print("signing \(provider)  \(credential.certificate.path)  \(credential.key.path)")
        }
        print("TLS server (localhost)  \(files.server.certificate.path)  \(files.server.key.path)")
        for (consumer, credential) in files.clients.sorted(by: { $0.key < $1.key }) {
            print("TLS client \(consumer)  \(credential.certificate.path)  \(credential.key.path)")
        }
    }
}

extension Arguments {
    /// Every value of a repeatable option, `--name VALUE` or `--name=VALUE`, in order.
    static func values(of name: String, in words: [String]) -> [String] {
        var values: [String] = []
        var index = words.startIndex
        while index < words.endIndex {
            let word = words[index]
            if word == "--\(name)", index + 1 < words.endIndex {
                values.append(words[index + 1])
                index += 2
                continue
            }
            if word.hasPrefix("--\(name)=") { values.append(String(word.dropFirst(name.count + 3))) }
            index += 1
        }
        return values
    }
}
