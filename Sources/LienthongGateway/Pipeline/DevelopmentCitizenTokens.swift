import Foundation
import LienthongCore
import LienthongTrust

/// Development-only citizen credentials: `ct1.<personalId>.<base64url HMAC-SHA-256(key, "citizen:" + personalId)>`.
///
/// The key is the node's own `secrets/citizen-token.key` (not the audit secret: one key, one use). Anyone holding
/// the key can act as any citizen, so this provider is enabled only with `developmentPKI`; a production node
/// signs citizens in with ``OpenIDCitizenIdentity``.
struct DevelopmentCitizenTokens: CitizenIdentityProvider {
    private static let prefix = "ct1"
    let scheme = "Citizen"
    private let key: [UInt8]

    init(key: [UInt8]) {
        self.key = key
    }

    /// A token for `personalID`.
    func issue(personalID: String) -> String {
        "\(Self.prefix).\(personalID).\(Base64URL.encode(mac(personalID)))"
    }

    func personalID(credential: String) async throws(Problem) -> String {
        let parts = credential.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0] == Self.prefix, !parts[1].isEmpty, parts[1].utf8.count <= 32,
            let given = try? Base64URL.decode(parts[2]), HMAC.isEqual(given, mac(parts[1]))
        else { throw GatewayProblems.unauthenticated("The citizen token is not valid on this node.") }
        return parts[1]
    }

    private func mac(_ personalID: String) -> [UInt8] {
        HMAC.sha256(key: key, data: Array("citizen:\(personalID)".utf8))
    }
}
