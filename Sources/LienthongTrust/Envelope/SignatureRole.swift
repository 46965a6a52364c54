/// What a signature of an envelope stands for, by its position in `signatures`.
///
/// The first signature is the **origin**: the member the message claims (`consumer` of a request, `provider`
/// otherwise) signed it. Every further one is a **countersignature** added by a forwarding hop (a federation node)
/// with ``EnvelopeSigner/countersign(_:key:chain:algorithm:issuedAt:)``: it attests that this hop saw and passed on
/// the message, and may come from any member the trust anchors vouch for.
///
/// A countersignature covers `JCS(message)` only, with the same signing input as the origin
/// (`ASCII(protected) || "." || JCS(message)`), not the signatures before it: each signature verifies on its own
/// with any JOSE library, and hops may countersign in any order. The cost is that a countersignature can be
/// removed unnoticed; the origin cannot, since `signatures[0]` must always name the message's member.
public enum SignatureRole: String, Sendable, Hashable {
    /// `signatures[0]`, by the message's member.
    case origin
    /// `signatures[1...]`, by a forwarding hop.
    case countersignature

    /// The role of the signature at `index` in `signatures`.
    public init(index: Int) {
        self = index == 0 ? .origin : .countersignature
    }
}
