public import Foundation
public import LienthongTrust

/// What a node trusts its global configuration by: the authority's configuration-signing certificate, installed
/// once by the operator, then the CA certificates it chains to (none when it is self-signed).
///
/// A document is trusted only if its one signature is by exactly that certificate (pinned by its DER) and the
/// certificate is valid at the verification time; any other certificate of the national PKI, however valid, is not
/// the authority.
public struct ConfigurationAnchor: Sendable {
    /// The authority's configuration-signing certificate.
    public let certificate: Certificate
    /// Validates the signing certificate's chain: the anchor file's certificates are its only anchors.
    let verifier: CertificateVerifier

    /// An anchor from a chain: the signing certificate first, then its CAs up to a self-signed one.
    /// - Throws: ``FederationError/Code/anchorUnusable`` for an empty chain or one OpenSSL refuses as a store.
    public init(chain: [Certificate]) throws(FederationError) {
        guard let first = chain.first else { throw FederationError(.anchorUnusable, "the anchor holds no certificate") }
        do {
            verifier = CertificateVerifier(trustStore: try TrustStore(anchors: chain), clockSkew: 0)
        } catch {
            throw FederationError(.anchorUnusable, "anchor: \(error.code.wireCode)")
        }
        certificate = first
    }

    /// The anchor in a PEM file.
    /// - Throws: ``FederationError/Code/anchorUnusable`` when the file cannot be read or holds no certificate.
    public static func load(from file: URL) throws(FederationError) -> ConfigurationAnchor {
        do {
            return try ConfigurationAnchor(chain: try Certificate.loadChain(from: file))
        } catch let error as FederationError {
            throw error
        } catch {
            throw FederationError(.anchorUnusable, "anchor \(file.lastPathComponent): \(error)")
        }
    }
}
