public import LienthongCore

/// Where a recipient's documents travel: one stream per recipient member, one subject per recipient subsystem.
///
/// `VN/GOV/BTC/THUE` → stream `LIENTHONG_MSG_VN_GOV_BTC`, subjects `lienthong.msg.VN.GOV.BTC.>`, published on
/// `lienthong.msg.VN.GOV.BTC.THUE`. Identifier components are `[A-Za-z0-9_-]`, valid subject tokens as they are.
public struct BusSubjects: Sendable, Hashable {
    /// The prefix of every document subject.
    public static let prefix = "lienthong.msg"
    /// The durable consumer that delivers a member's documents into inboxes; one per stream, shared by the nodes.
    public static let durable = "lienthong-delivery"

    /// The member.
    public let member: ExchangeID

    /// The subjects of `recipient`'s member (any identifier of it: member, subsystem).
    public init(recipient: ExchangeID) {
        member = recipient.member
    }

    /// The member's stream.
    public var stream: String { "LIENTHONG_MSG_" + member.components.joined(separator: "_") }

    /// The stream's subjects: every subsystem of the member.
    public var filter: String { "\(Self.prefix).\(member.components.joined(separator: ".")).>" }

    /// The subject a document for `recipient` (a subsystem of this member) is published on.
    public static func subject(_ recipient: ExchangeID) -> String {
        "\(prefix).\(recipient.components.joined(separator: "."))"
    }
}
