import Foundation
import LienthongFederation
import LienthongJSON
import LienthongTrust

/// The authority's configuration directory, read for `lienthong federation publish` (see
/// `config/federation/README.md`): `federation.json`, `members.json`, `nodes.json`, `purposes.json`,
/// `trust-anchors/*.pem`, `crls/*`.
struct FederationSource {
    /// A file that cannot be read or does not decode.
    struct Failure: Error {
        var file: String
        var message: String
    }

    var federationID: String
    var validitySeconds: Int?
    var members: [GlobalConfiguration.Member]
    var nodes: [GlobalConfiguration.Node]
    var purposes: [GlobalConfiguration.Purpose]
    var trustAnchors: [String]
    var crls: [String]

    /// Reads every part of `directory`.
    static func read(_ directory: URL) throws(Failure) -> FederationSource {
        let settings = try json(directory, "federation.json")
        guard let federationID = settings["federationId"]?.stringValue else {
            throw Failure(file: "federation.json", message: "federationId missing")
        }
        var trustAnchors: [String] = []
        for (file, text) in try pemFiles(directory.appendingPathComponent("trust-anchors")) {
            do {
                trustAnchors += try Certificate.chain(pem: text).map(\.pemString)
            } catch {
                throw Failure(file: "trust-anchors/\(file)", message: error.description)
            }
        }
        var crls: [String] = []
        for (file, text) in try pemFiles(directory.appendingPathComponent("crls")) {
            do {
                crls.append(try CertificateRevocationList(pem: text).pemString)
            } catch {
                throw Failure(file: "crls/\(file)", message: error.description)
            }
        }
        return FederationSource(
            federationID: federationID, validitySeconds: settings["validitySeconds"]?.numberValue?.int,
            members: try decode(directory, "members.json"), nodes: try decode(directory, "nodes.json"),
            purposes: try decode(directory, "purposes.json"), trustAnchors: trustAnchors, crls: crls)
    }

    private static func json(_ directory: URL, _ name: String) throws(Failure) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
            throw Failure(file: name, message: "cannot be read")
        }
        do {
            return try JSONValue.parse([UInt8](data))
        } catch {
            throw Failure(file: name, message: "not JSON (\(error.code.wireCode))")
        }
    }

    private static func decode<T: Decodable>(_ directory: URL, _ name: String) throws(Failure) -> T {
        let value = try json(directory, name)
        do {
            return try JSONValueDecoder().decode(T.self, from: value)
        } catch {
            throw Failure(file: name, message: error.description)
        }
    }

    /// The text of each file of `directory`, sorted by name; none when the directory is absent.
    private static func pemFiles(_ directory: URL) throws(Failure) -> [(String, String)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var files: [(String, String)] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else {
                throw Failure(file: "\(directory.lastPathComponent)/\(name)", message: "cannot be read as text")
            }
            files.append((name, text))
        }
        return files
    }
}
