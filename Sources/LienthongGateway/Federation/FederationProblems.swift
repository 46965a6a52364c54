import LienthongCore

/// The problems of exchanges between nodes: a calling node the global configuration does not vouch for (at the
/// provider node), an answer that does not verify (at the consumer node), a consumer this node cannot sign for.
enum FederationProblems {
    /// The calling node presented no client certificate, or one that does not chain to the federation's anchors.
    static func untrustedNode(_ detail: String) -> Problem {
        Problem(status: 403, code: "federation.untrusted-node", title: "Calling node not trusted", detail: detail)
    }

    /// The calling node's certificate is in no node of the global configuration (never listed, or removed).
    static let unknownNode = Problem(
        status: 403, code: "federation.unknown-node", title: "Calling node not in the global configuration",
        detail: "the client certificate's fingerprint is listed for no node of the global configuration")

    /// The calling node is listed, but not for the member the forwarded request claims to come from.
    static func nodeNotServingMember(node: String, member: String) -> Problem {
        Problem(
            status: 403, code: "federation.node-not-serving-member", title: "Calling node does not serve the consumer",
            detail: "node \(node) is not listed for member \(member)")
    }

    /// The provider node's answer did not verify against the global configuration, or does not answer what was
    /// asked.
    static func badResponse(_ registry: String, _ detail: String) -> Problem {
        Problem(
            status: 502, code: "federation.bad-response", title: "The provider node's answer does not verify",
            detail: detail, extensions: ["registry": .string(registry)])
    }

    /// The called node presented a TLS certificate under the anchors whose fingerprint the global configuration does
    /// not list for it (a rotation not yet published, or a node impersonated): nothing was sent to it.
    static func unlistedNodeCertificate(node: String, registry: String) -> Problem {
        Problem(
            status: 502, code: "federation.unlisted-node-certificate",
            title: "The provider node's certificate is not in the global configuration",
            detail: "node \(node) presented a TLS certificate the global configuration does not list for it",
            extensions: ["registry": .string(registry)])
    }

    /// This node holds no key to sign a forwarded request for the consumer.
    static func noSigningKey(_ consumer: String) -> Problem {
        Problem(
            status: 500, code: "federation.no-signing-key", title: "No key to sign the forwarded request",
            detail: "this node holds no signing key for \(consumer)")
    }

    /// The recipient node's delivery receipt did not verify against the global configuration, or names another
    /// message; the sender's node tries the delivery again.
    static let badReceipt = Problem(
        status: 502, code: "federation.bad-receipt", title: "The recipient node's receipt does not verify",
        detail: "the delivery receipt is not signed by a member of the recipient node for this message")
}
