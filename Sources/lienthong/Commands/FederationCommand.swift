import Foundation
import LienthongCommandLine
import LienthongCore
import LienthongFederation
import LienthongJSON
import LienthongSchema
import LienthongTrust

/// `lienthong federation publish|show|verify`: the authority signs a configuration directory into the published
/// global configuration; anyone prints or checks a published document offline.
struct FederationCommand: LienthongCommand {
    private static let schemas = Option.value(
        "schemas", "DIR", help: "the canonical schemas directory, for global-configuration.v1 (default: schemas)")

    static let command = Command(
        "federation", summary: "the federation's signed global configuration: publish, show, verify",
        subcommands: [
            Command(
                "publish", summary: "sign a configuration directory into the published global configuration",
                discussion: """
                    Reads federation.json, members.json, nodes.json, purposes.json, trust-anchors/*.pem and
                    crls/* from DIR (see config/federation/README.md), signs them with the authority's
                    configuration-signing key, and writes the document to FILE (atomically), its version one more
                    than the version FILE held (1 when FILE does not exist).
                    Exit status: 0 published, 1 refused (the directory is not a valid configuration), 2 usage error.
                    """,
                options: [
                    .value("config", "DIR", help: "the configuration directory", required: true),
                    .value("key", "PEM", help: "the authority's configuration-signing private key", required: true),
                    .value(
                        "cert", "PEM", help: "its certificate, then intermediates; its CN is the authority's id",
                        required: true),
                    .value("out", "FILE", help: "the published document, replaced", required: true),
                    .value(
                        "valid-for", "SECONDS",
                        help: "how long the document is valid (default: federation.json validitySeconds, else 86400)",
                        format: .positiveInteger),
                    schemas,
                ]),
            Command(
                "show", summary: "print a readable summary of a published document (its signature is not checked)",
                arguments: [Positional("FILE|-", help: "the published document; - reads standard input")]),
            Command(
                "verify", summary: "check a published document: signature by the anchor, schema, rules, expiry",
                discussion: """
                    Exit status: 0 valid; 1 refused (prints the code: federation.bad-signature,
                    federation.untrusted-signer, federation.schema-invalid, federation.inconsistent,
                    federation.malformed-document); 2 usage error; 3 valid but expired at --at.
                    """,
                arguments: [Positional("FILE|-", help: "the published document; - reads standard input")],
                options: [
                    .value(
                        "anchor", "PEM",
                        help: "the configuration anchor: the authority's certificate, then its CAs", required: true),
                    .value("at", "RFC3339", help: "verify as of this time (default: now)", format: .timestamp),
                    schemas,
                ]),
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() throws -> Int32 {
        switch arguments.subcommand {
        case "publish": return try publish()
        case "show": return try show()
        case "verify": return try verify()
        default: throw UsageError("federation: unknown action '\(arguments.subcommand ?? "")'")
        }
    }

    /// The compiled `global-configuration.v1` from `--schemas`.
    func schema() throws -> JSONSchema {
        let directory = arguments.option("schemas") ?? "schemas"
        let catalog: SchemaCatalog
        do {
            catalog = try SchemaCatalog.load(directory: URL(fileURLWithPath: directory))
        } catch {
            throw UsageError("schemas in \(directory): \(error)")
        }
        guard let schema = catalog.compiled(SignedGlobalConfiguration.schemaID) else {
            throw UsageError("schemas in \(directory): no \(SignedGlobalConfiguration.schemaID)")
        }
        return schema
    }

    private func show() throws -> Int32 {
        let bytes = try CommandInput.read(arguments.positional[0])
        do {
            let envelope = try JSONValue.parse(bytes)
            let configuration = try GlobalConfiguration(message: envelope["message"] ?? .null)
            for line in configuration.summaryLines { print(line) }
            let signatures = envelope["signatures"]?.arrayValue?.count ?? 0
            print("signatures: \(signatures) (not checked; lienthong federation verify checks them)")
            return 0
        } catch let error as FederationError {
            print("result: invalid \(error.code.wireCode) (\(error.detail))")
        } catch {
            print("result: invalid \(FederationError.Code.malformedDocument.wireCode) (not JSON)")
        }
        return 1
    }

    private func verify() throws -> Int32 {
        let bytes = try CommandInput.read(arguments.positional[0])
        let time = arguments.option("at").flatMap(Timestamp.parse) ?? Date()
        let schema = try schema()
        let anchor: ConfigurationAnchor
        do {
            anchor = try ConfigurationAnchor.load(from: URL(fileURLWithPath: arguments.option("anchor") ?? ""))
        } catch {
            throw UsageError("federation verify: \(error)")
        }
        do {
            let started = ContinuousClock.now
            let signed = try SignedGlobalConfiguration.verify(bytes, anchor: anchor, schema: schema, at: time)
            let elapsed = ContinuousClock.now - started
            let configuration = signed.configuration
            print("federation: \(configuration.federationID), version \(configuration.version)")
            print("signed by: \(configuration.authority) (the anchor's certificate)")
            print("size: \(bytes.count) bytes, verified in \(elapsed.formatted(.units(allowed: [.milliseconds])))")
            print("expires: \(Timestamp.rfc3339(configuration.expiresAt))")
            if configuration.isExpired(at: time) {
                print("result: expired \(FederationError.Code.expired.wireCode)")
                return 3
            }
            print("result: valid")
            return 0
        } catch {
            print("result: invalid \(error.code.wireCode) (\(error.detail))")
            return 1
        }
    }
}
