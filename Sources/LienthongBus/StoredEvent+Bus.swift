import Foundation
import LienthongNodeStore

/// A change event as a message of its registry's stream: the signed envelope is the payload, the rest travels in
/// headers (key and cursor base64, as they may hold any character); the stream sequence is the event's.
extension StoredEvent {
    static let typeHeader = "Lienthong-Type"
    static let keyHeader = "Lienthong-Key"
    static let detectedHeader = "Lienthong-Detected-Ms"
    /// Where detection resumes if this is the stream's last event (see ``JetStreamEventLog``).
    static let cursorHeader = "Lienthong-Cursor"
    /// The sequences of the append the event belongs to, `FIRST-LAST`, and when it was published.
    static let batchHeader = "Lienthong-Batch"
    static let publishedHeader = "Lienthong-Published-Ms"
    static let idHeader = "Nats-Msg-Id"
    static let busHeaders = [idHeader, typeHeader, keyHeader, detectedHeader, cursorHeader]
    static let positionHeaders = [cursorHeader, batchHeader, publishedHeader]

    /// The headers of this event published with resume cursor `cursor` as part of the append of `batch` (the id
    /// goes as the publish's `MsgId`).
    func busHeaders(cursor: String, batch: ClosedRange<Int64>) -> [(String, String)] {
        [
            (Self.typeHeader, type), (Self.keyHeader, Data(key.utf8).base64EncodedString()),
            (Self.detectedHeader, String(Self.milliseconds(detectedAt))),
            (Self.cursorHeader, Data(cursor.utf8).base64EncodedString()),
            (Self.batchHeader, "\(batch.lowerBound)-\(batch.upperBound)"),
            (Self.publishedHeader, String(Self.milliseconds(Date()))),
        ]
    }

    /// The sequences of the append in `headers`, if any.
    static func batch(in headers: [String: String]) -> ClosedRange<Int64>? {
        guard let bounds = headers[batchHeader]?.split(separator: "-"), bounds.count == 2,
            let first = Int64(bounds[0]), let last = Int64(bounds[1]), first <= last
        else { return nil }
        return first...last
    }

    /// When the event in `headers` was published, if said.
    static func published(in headers: [String: String]) -> Date? {
        headers[publishedHeader].flatMap(Int64.init).map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) }
    }

    private static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// The event stored at `sequence` with `headers`, or `nil` if they are not an event's.
    init?(sequence: UInt64, payload: [UInt8], headers: [String: String]) {
        guard let id = headers[Self.idHeader], let type = headers[Self.typeHeader],
            let key = headers[Self.keyHeader].flatMap(Self.decoded),
            let milliseconds = headers[Self.detectedHeader].flatMap(Int64.init)
        else { return nil }
        self.init(
            id: id, sequence: Int64(sequence), type: type, key: key,
            detectedAt: Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000), envelope: payload)
    }

    /// The resume cursor in `headers`, if any.
    static func cursor(in headers: [String: String]) -> String? { headers[cursorHeader].flatMap(decoded) }

    private static func decoded(_ base64: String) -> String? {
        Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) }
    }
}
