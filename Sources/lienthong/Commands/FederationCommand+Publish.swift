import Foundation
import LienthongCommandLine
import LienthongFederation
import LienthongJSON
import LienthongSchema
import LienthongTrust

extension FederationCommand {
    /// The default validity of a published document: one day.
    static let defaultValiditySeconds = 86_400

    /// Signs the configuration directory into `--out`, one version above what `--out` held.
    func publish() throws -> Int32 {
        let directory = URL(fileURLWithPath: arguments.option("config") ?? "")
        let out = URL(fileURLWithPath: arguments.option("out") ?? "")
        let identity: JWSSigningIdentity
        do {
            identity = try JWSSigningIdentity(
                key: try SigningKey.load(from: URL(fileURLWithPath: arguments.option("key") ?? "")),
                chain: try Certificate.loadChain(from: URL(fileURLWithPath: arguments.option("cert") ?? "")))
        } catch {
            throw UsageError("federation publish: key or certificate unusable: \(error)")
        }
        guard let authority = identity.chain.first?.member else {
            throw UsageError("federation publish: the certificate has no single CN to name the authority")
        }
        let schema = try self.schema()
        do {
            let source = try FederationSource.read(directory)
            let previous = try Self.previousVersion(out)
            // Whole seconds: RFC 3339 in the document carries no fraction, so the value round-trips exactly.
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let validity = arguments.option("valid-for").flatMap { Int($0) } ?? source.validitySeconds
                ?? Self.defaultValiditySeconds
            let configuration = GlobalConfiguration(
                federationID: source.federationID, authority: authority, version: previous + 1, issuedAt: now,
                expiresAt: now.addingTimeInterval(TimeInterval(validity)), members: source.members,
                nodes: source.nodes, trustAnchors: source.trustAnchors, crls: source.crls,
                purposes: source.purposes)
            if let first = schema.validate(configuration.message).errors.first {
                throw FederationError(
                    .schemaInvalid, "message\(first.instanceLocation): \(first.error) [\(first.keywordLocation)]")
            }
            try configuration.checkConsistency()
            let signed = try SignedGlobalConfiguration.sign(configuration, identity: identity, at: now)
            try FileManager.default.createDirectory(
                at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Atomic: the authority serves the file while it is replaced.
            try Data(signed.bytes).write(to: out, options: .atomic)
            print("published \(configuration.federationID) version \(configuration.version) to \(out.path)")
            print("members \(configuration.members.count), services \(configuration.servicesByID.count), "
                + "nodes \(configuration.nodes.count), \(signed.bytes.count) bytes")
            return 0
        } catch let error as FederationError {
            print("result: refused \(error.code.wireCode) (\(error.detail))")
            return 1
        } catch let error as FederationSource.Failure {
            print("result: refused \(error.file): \(error.message)")
            return 1
        }
    }

    /// The version of the document `out` holds, or 0 when there is none yet.
    /// - Throws: ``FederationError/Code/malformedDocument`` for a file that is there but holds no version: the
    ///   authority must not start again from 1 over a document it cannot read.
    static func previousVersion(_ out: URL) throws(FederationError) -> Int {
        guard let data = FileManager.default.contents(atPath: out.path) else { return 0 }
        guard
            let envelope = try? EnvelopeParser.parse(
                [UInt8](data), maxEnvelopeBytes: SignedGlobalConfiguration.maxBytes),
            let version = envelope["message"]?["version"]?.numberValue?.int
        else {
            throw FederationError(.malformedDocument, "\(out.lastPathComponent) holds no readable version")
        }
        return version
    }
}
