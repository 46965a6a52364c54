/// A request received by ``HTTPServer``: fully read (head and body) before the handler runs, except the body of a
/// ``StreamedBodyRoute``, which arrives through ``bodyStream`` while the handler runs.
public struct HTTPRequest: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The request target as received, e.g. `/v1/records/population/123?fields=a,b`.
    public var target: String
    /// The raw (still percent-encoded) path of the target, e.g. `/v1/records/population/123`.
    public var path: String
    /// The raw query string without `?`, or `nil` when the target has none.
    public var query: String?
    /// The header fields.
    public var headers: HTTPHeaders
    /// The body bytes (empty when there is none, or when it streams through ``bodyStream``).
    public var body: [UInt8]
    /// The body as it arrives, for a ``StreamedBodyRoute``; `nil` when ``body`` holds it.
    public var bodyStream: HTTPRequestBody?
    /// The peer address, e.g. `127.0.0.1`.
    public var remoteAddress: String
    /// The peer port.
    public var remotePort: Int
    /// Whether the request arrived over TLS.
    public var isTLS: Bool
    /// The client certificate chain (DER, leaf first), present only when TLS verified it against the
    /// configured client CA; empty otherwise.
    public var clientCertificateChain: [[UInt8]]
    /// Whether the client presented a certificate that did not verify against the client CA.
    public var clientCertificateRejected: Bool

    /// Creates a request (the server does this; tests and in-memory transports may too).
    public init(
        method: HTTPMethod,
        target: String,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        bodyStream: HTTPRequestBody? = nil,
        remoteAddress: String = "127.0.0.1",
        remotePort: Int = 0,
        isTLS: Bool = false,
        clientCertificateChain: [[UInt8]] = [],
        clientCertificateRejected: Bool = false
    ) {
        self.method = method
        self.target = target
        if let mark = target.firstIndex(of: "?") {
            self.path = String(target[..<mark])
            self.query = String(target[target.index(after: mark)...])
        } else {
            self.path = target
            self.query = nil
        }
        self.headers = headers
        self.body = body
        self.bodyStream = bodyStream
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.isTLS = isTLS
        self.clientCertificateChain = clientCertificateChain
        self.clientCertificateRejected = clientCertificateRejected
    }

    /// The path split into percent-decoded segments; `nil` if a segment is not valid percent-encoded UTF-8.
    ///
    /// `/v1/records/a%2Fb` gives `["v1", "records", "a/b"]`: an encoded slash stays inside its segment.
    public var pathSegments: [String]? {
        var segments: [String] = []
        // An ASCII path (any path a client percent-encodes) is split on its bytes: splitting the String walks its
        // characters, and only outside ASCII can a "/" begin a longer character (a combining mark after it).
        if path.utf8.allSatisfy({ $0 < 0x80 }) {
            for raw in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
                guard let decoded = PercentDecoding.decode(Substring(raw), plusAsSpace: false) else { return nil }
                segments.append(decoded)
            }
            return segments
        }
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = PercentDecoding.decode(raw, plusAsSpace: false) else { return nil }
            segments.append(decoded)
        }
        return segments
    }

    /// The query as decoded name/value pairs in order (`+` is a space); malformed pairs are skipped.
    public var queryItems: [(name: String, value: String)] {
        guard let query else { return [] }
        return PercentDecoding.pairs(query[...])
    }

    /// The first decoded value of the query parameter `name`, or `nil`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }
}

/// Percent-decoding of URI components (RFC 3986 section 2.1).
enum PercentDecoding {
    /// `name=value&…` (a query, or an `application/x-www-form-urlencoded` body) as decoded pairs in order (`+` is a
    /// space); malformed pairs are skipped.
    static func pairs(_ text: Substring) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(parts[0], plusAsSpace: true) else { return nil }
            let value = parts.count > 1 ? PercentDecoding.decode(parts[1], plusAsSpace: true) : ""
            guard let value else { return nil }
            return (name, value)
        }
    }

    /// Decodes `%XX` escapes (and `+` when asked); `nil` for a bad escape or invalid UTF-8.
    static func decode(_ text: Substring, plusAsSpace: Bool) -> String? {
        // Nothing to decode (most segments and values): the text as it is.
        if !text.utf8.contains(UInt8(ascii: "%")), !plusAsSpace || !text.utf8.contains(UInt8(ascii: "+")) {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusAsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
