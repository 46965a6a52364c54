import Foundation
import LienthongCore
import LienthongJSON
import LienthongNodeStore
import LienthongTrust

/// Signs `receipt.v1` envelopes with the node's key: a **delivery** receipt when a document enters the recipient's
/// inbox, a **read** receipt when the recipient acknowledges it. The node signs as ``issuer`` (a provider it holds
/// a key for, ``NodeSigningKeys``), so a receipt verifies offline with `lienthong verify` like any envelope.
struct ReceiptSigner: Sendable {
    /// What the receipt attests.
    enum Kind: String, Sendable {
        case delivery
        case read
    }

    /// The member the receipts name as `issuer`, whose certificate signs them.
    let issuer: String
    let identity: JWSSigningIdentity

    /// The issuer of `node.json` `messages.receiptIssuer`, else the first provider in id order; `nil` when the node
    /// signs for no provider (then nothing can be delivered).
    init?(keys: NodeSigningKeys, configured: String?) {
        let issuer = configured.flatMap(ExchangeID.init) ?? keys.signers.keys.sorted().first
        guard let issuer, let identity = keys.signers[issuer] else { return nil }
        self.issuer = issuer.description
        self.identity = identity
    }

    /// The signed receipt of `kind` for `message`, delivered at `receivedAt` (and read at `readAt`).
    func sign(
        _ kind: Kind, for message: QueuedMessage, receivedAt: Date, readAt: Date? = nil
    ) throws -> SignedEnvelope {
        let now = Date()
        func time(_ date: Date) -> JSONValue { .string(Timestamp.rfc3339(date, milliseconds: true)) }
        var receipt: JSONObject = [
            "type": "receipt", "kind": .string(kind.rawValue), "id": .string(RandomUUID.lowercased()),
            "messageId": .string(message.id), "messageHash": .string(message.messageHash),
            "attachments": .array(
                message.attachments.map { ["name": .string($0.name), "sha256": .string($0.sha256)] }),
            "receiver": .string(message.recipient), "receivedAt": time(receivedAt),
            "issuer": .string(issuer), "issuedAt": time(now),
        ]
        if let readAt { receipt["readAt"] = time(readAt) }
        return try EnvelopeSigner.sign(.object(receipt), identity: identity, issuedAt: now)
    }
}
