import Foundation
import LienthongCore
import LienthongHTTP
import LienthongNodeStore
import Synchronization

/// The `multipart/form-data` body of a document sent to another node, as `POST /v1/messages` takes it: the envelope
/// part, then each attachment's part, its bytes read from the attachment store a piece at a time while libcurl
/// sends them (``HTTPUploadBody``): the whole body is never in memory.
struct PeerMessageBody: Sendable {
    /// One piece of the body in order: bytes made here, or an attachment's stored bytes.
    private enum Segment: Sendable {
        case bytes([UInt8])
        case attachment(sha256: String)
    }

    /// Where the reading stands.
    private struct Cursor: Sendable {
        var index = 0
        var source: (any AttachmentSource)?
    }

    let contentType: String
    /// The body's length: the parts' headers and the attachments' declared lengths.
    let length: Int
    private let segments: [Segment]
    private let store: any AttachmentStore

    /// The body of `envelope` with `attachments` from `store`.
    init(envelope: [UInt8], attachments: [QueuedMessage.Attachment], store: any AttachmentStore) {
        let boundary = "lienthong-\(RandomUUID.lowercased())"
        contentType = "multipart/form-data; boundary=\(boundary)"
        var segments: [Segment] = [
            .bytes(
                Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"envelope\"\r\n".utf8)
                    + Array("Content-Type: application/json\r\n\r\n".utf8) + envelope)
        ]
        var length = 0
        // Names match `document-message.v1`'s pattern (letters, digits, `._-`): nothing to quote.
        for attachment in attachments {
            segments.append(
                .bytes(
                    Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"\(attachment.name)\"".utf8)
                        + Array("\r\nContent-Type: \(attachment.mediaType)\r\n\r\n".utf8)))
            segments.append(.attachment(sha256: attachment.sha256))
            length += attachment.length
        }
        segments.append(.bytes(Array("\r\n--\(boundary)--\r\n".utf8)))
        for case .bytes(let bytes) in segments { length += bytes.count }
        self.segments = segments
        self.length = length
        self.store = store
    }

    /// The body for ``HTTPClientRequest/upload``: each call yields the next piece; an attachment missing from the
    /// store, or a store that fails, aborts the transfer.
    var upload: HTTPUploadBody {
        let cursor = Mutex(Cursor())
        return HTTPUploadBody(length: length) { [segments, store] in
            try cursor.withLock { cursor throws -> [UInt8] in
                while cursor.index < segments.count {
                    switch segments[cursor.index] {
                    case .bytes(let bytes):
                        cursor.index += 1
                        return bytes
                    case .attachment(let sha256):
                        if cursor.source == nil {
                            guard let source = try store.open(sha256: sha256) else {
                                throw MessageQueueError(.storage, "attachment \(sha256) is not stored")
                            }
                            cursor.source = source
                        }
                        if let chunk = try cursor.source?.read(), !chunk.isEmpty { return chunk }
                        cursor.source?.close()
                        cursor.source = nil
                        cursor.index += 1
                    }
                }
                return []
            }
        }
    }
}
