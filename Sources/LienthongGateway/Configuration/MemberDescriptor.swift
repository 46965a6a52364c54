public import LienthongCore

/// A member of the exchange (`members.json`): an agency, with its display names.
public struct MemberDescriptor: Sendable, Hashable, Codable {
    public var id: ExchangeID
    public var name: String
    public var nameVi: String
}
