import Foundation
import LienthongCommandLine
import LienthongTrust

/// `lienthong pki init DIR [--provider ID ...] [--consumer ID ...]`: a development PKI (root, intermediate, one
/// signing certificate per provider, a localhost TLS certificate, one TLS client certificate per consumer).
struct PKICommand: LienthongCommand {
    static let command = Command(
        "pki", summary: "a development PKI (NOT FOR PRODUCTION)",
        subcommands: [
            Command(
                "init", summary: "create a development PKI (NOT FOR PRODUCTION)",
                discussion: """
                    A root and an intermediate CA, one signing certificate per provider, a localhost TLS
                    certificate and one TLS client certificate per consumer.
                    """,
                arguments: [Positional("DIR", help: "the directory to create the files in")],
                options: [
                    .repeated("provider", "ID", help: "a provider to issue a signing certificate for"),
                    .repeated("consumer", "ID", help: "a consumer to issue a TLS client certificate for"),
                ])
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() throws -> Int32 {
        let directory = URL(fileURLWithPath: arguments.positional[0])
        let files = try DevelopmentPKI.create(
            in: directory, providers: arguments.values("provider"), consumers: arguments.values("consumer"))
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
        return 0
    }
}
