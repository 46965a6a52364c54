import Synchronization

/// The body of a request read while it arrives (a ``StreamedBodyRoute``), one chunk at a time.
///
/// The server reads from the socket only while the handler keeps up: once the chunks it holds pass a high-water
/// mark it stops reading until ``next()`` has taken them, so memory stays bounded whatever the body's size. A
/// client that sent `Expect: 100-continue` is told to go on at the first ``next()``: a handler that refuses before
/// reading the body never makes it send.
public struct HTTPRequestBody: Sendable {
    private let read: @Sendable () async -> Result<[UInt8]?, HTTPRequestBodyError>

    /// A body read by `read`, which gives the next chunk, `nil` at the end (the server does this).
    public init(read: @escaping @Sendable () async -> Result<[UInt8]?, HTTPRequestBodyError>) {
        self.read = read
    }

    /// A body already in memory, given in chunks of `chunkBytes` (a buffered request, tests).
    public init(bytes: [UInt8], chunkBytes: Int = 64 * 1024) {
        let offset = Offset()
        self.read = {
            let start = offset.value.withLock { offset in
                defer { offset = min(bytes.count, offset + max(1, chunkBytes)) }
                return offset
            }
            guard start < bytes.count else { return .success(nil) }
            return .success(Array(bytes[start..<min(bytes.count, start + max(1, chunkBytes))]))
        }
    }

    /// The next chunk of the body, `nil` once it is complete.
    /// - Throws: ``HTTPRequestBodyError`` when the body cannot be read to its end.
    public func next() async throws(HTTPRequestBodyError) -> [UInt8]? {
        try await read().get()
    }

    private final class Offset: Sendable {
        let value = Mutex(0)
    }
}

/// Why a streamed request body ended before its declared length.
public struct HTTPRequestBodyError: Error, Sendable, Equatable {
    /// A stable error code.
    public struct Code: Hashable, Sendable {
        private enum Kind: String {
            case connectionLost = "http-request-body.connection-lost"
            case abandoned = "http-request-body.abandoned"
        }
        private let kind: Kind
        /// The client closed the connection, or the server cut it (a deadline, the minimum rate, shutdown).
        public static let connectionLost = Code(kind: .connectionLost)
        /// The handler answered before reading the whole body: the rest is discarded.
        public static let abandoned = Code(kind: .abandoned)
        /// The stable wire code.
        public var wireCode: String { kind.rawValue }
    }

    /// What happened.
    public var code: Code

    /// Creates an error.
    public init(code: Code) {
        self.code = code
    }
}
