/// An identifier of the exchange (ARCHITECTURE.md): a member `VN/GOV/BCA`, a subsystem
/// `VN/GOV/BCA/DANCU` or a service `VN/GOV/BCA/DANCU/person`.
///
/// Members, subsystems and services are configuration: this type only checks the shape.
public struct ExchangeID: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The member classes of the exchange.
    public static let memberClasses: Set<String> = ["GOV", "COM", "ORG"]

    /// The `/`-separated components, e.g. `["VN", "GOV", "BCA", "DANCU"]`.
    public let components: [String]
    /// The identifier as text, `VN/GOV/BCA/DANCU`: joined once, since a lookup writes its consumer's and
    /// provider's ids several times (trace, request hash, message, audit record).
    public let description: String

    /// Parses an identifier of 3 (member), 4 (subsystem) or 5 (service) components.
    /// - Returns: `nil` when the text is not of that shape.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (3...5).contains(parts.count), Self.memberClasses.contains(parts[1]),
            parts.allSatisfy({ part in
                !part.isEmpty && part.utf8.count <= 64
                    && part.utf8.allSatisfy { byte in
                        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                    }
            })
        else { return nil }
        self.init(components: parts)
    }

    /// The member this identifier belongs to (its first three components).
    public var member: ExchangeID { ExchangeID(components: Array(components.prefix(3))) }

    /// The subsystem this identifier belongs to, if it names one.
    public var subsystem: ExchangeID? { components.count >= 4 ? ExchangeID(components: Array(components.prefix(4))) : nil }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ExchangeID(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an exchange identifier like VN/GOV/BCA/DANCU")
            )
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static func < (lhs: ExchangeID, rhs: ExchangeID) -> Bool { lhs.description < rhs.description }

    private init(components: [String]) {
        self.components = components
        self.description = components.joined(separator: "/")
    }

    /// Equal when the components are: the text is made of them.
    public static func == (lhs: ExchangeID, rhs: ExchangeID) -> Bool { lhs.components == rhs.components }

    /// Hashes the components, as equality compares them.
    public func hash(into hasher: inout Hasher) { hasher.combine(components) }
}
