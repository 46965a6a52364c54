import Foundation
import LienthongCore
import LienthongTrust

/// Checks that a consumer's client certificate is not revoked, after the TLS layer verified its chain: against
/// the configured CRL files and the certificate's OCSP responder (``RevocationConfiguration``).
///
/// A revoked certificate is refused with 401 `trust.revoked-certificate`. When no source gives a current answer
/// (a CRL past its `nextUpdate` or none from the issuer; a responder down or answering `unknown`), a source set to
/// `fail-closed` refuses with 503 `trust.revocation-unavailable`; `fail-open` sources let it through with a
/// warning line. Clients do not staple OCSP answers to their certificates in TLS, so the node asks the responder.
struct ClientCertificateRevocation: Sendable {
    let crls: CRLFiles?
    let expiredCRL: RevocationConfiguration.Failure
    let ocsp: OCSPChecker?
    let ocspUnavailable: RevocationConfiguration.Failure
    let now: @Sendable () -> Date

    /// `nil` when revocation is not configured; otherwise reads the CRL files now.
    /// - Throws: ``ConfigurationError`` when a CRL file is missing or not a PEM CRL.
    static func make(
        _ configuration: GatewayConfiguration, services: NodeServices, now: @escaping @Sendable () -> Date
    ) throws -> ClientCertificateRevocation? {
        guard let settings = configuration.node.revocation else { return nil }
        var crls: CRLFiles?
        if let files = settings.crls, !files.isEmpty {
            do {
                crls = try CRLFiles(
                    files: files.map(configuration.dataPath), refreshInterval: settings.refreshInterval, now: now())
            } catch {
                throw ConfigurationError(file: "node.json", pointer: "/revocation/crls", message: error.description)
            }
        }
        var ocsp: OCSPChecker?
        if let settings = settings.ocsp {
            let anchors = configuration.node.trustAnchors.map(configuration.dataPath)
            ocsp = OCSPChecker(
                cache: services.ocspCache, client: services.httpClient,
                trustStore: try TrustStore.load(anchorFiles: anchors), responder: settings.responder,
                timeout: .milliseconds(Int((settings.timeoutSeconds ?? 5) * 1000)),
                cacheSeconds: settings.cacheSeconds ?? 300
            )
        }
        return ClientCertificateRevocation(
            crls: crls, expiredCRL: settings.expiredCRL ?? .failClosed, ocsp: ocsp,
            ocspUnavailable: settings.ocsp?.unavailable ?? .failClosed, now: now
        )
    }

    /// `nil` when the certificate may be used, else the problem to answer.
    /// - Parameter chain: the DER chain the TLS layer verified (leaf first, up to the trust anchor).
    func check(chain: [[UInt8]]) async -> Problem? {
        guard chain.count >= 2, let leaf = try? Certificate(derBytes: chain[0]),
            let issuer = try? Certificate(derBytes: chain[1])
        else { return nil }
        let time = now()
        var covered = false
        var failures: [(policy: RevocationConfiguration.Failure, reason: String)] = []
        if let crls {
            let lists = await crls.current(at: time).filter { $0.isIssued(by: issuer) }
            // An entry in an expired list still counts: a revocation is never undone.
            if lists.contains(where: { $0.revokes(leaf) }) { return GatewayProblems.certificateRevoked }
            covered = lists.contains { !$0.isExpired(at: time) }
            if !covered {
                failures.append((expiredCRL, lists.isEmpty ? "no CRL from the issuer" : "the issuer's CRL is expired"))
            }
        }
        if let ocsp {
            do {
                let status = try await ocsp.status(of: leaf, issuer: issuer, at: time)
                switch status.kind {
                case .good: covered = true
                case .revoked: return GatewayProblems.certificateRevoked
                case .unknown: failures.append((ocspUnavailable, "the OCSP responder does not know the certificate"))
                }
            } catch {
                failures.append((ocspUnavailable, error.detail))
            }
        }
        for failure in failures {
            Console.warn(
                "lienthong: revocation status of client certificate serial \(leaf.serialNumberHex): \(failure.reason)"
                    + (covered ? "" : failure.policy == .failOpen ? " (fail-open: accepted)" : " (fail-closed)"))
        }
        if covered || !failures.contains(where: { $0.policy == .failClosed }) { return nil }
        return GatewayProblems.revocationUnavailable
    }
}
