import Foundation
import LienthongCore
import LienthongHTTP

/// The HTTP form of a document exchange: `multipart/mixed` (RFC 2046) whose first part is the document, streamed
/// as the agency sends it, and whose last part is the signed envelope that carries the document's SHA-256.
///
/// ```
/// Content-Type: multipart/mixed; boundary="lienthong-<uuid>"
///
/// --lienthong-<uuid>
/// Content-Type: application/octet-stream
///
/// <document bytes>
/// --lienthong-<uuid>
/// Content-Type: application/json
///
/// {"message":{"type":"document",…,"document":{"sha256":"…","length":52428800,"contentType":"…"}},"signatures":[…]}
/// --lienthong-<uuid>--
/// ```
/// The boundary is random per response (122 random bits), so it does not occur in the document. When the agency
/// fails mid-document (or the exchange cannot be audited) the last part is an `application/problem+json` part
/// instead of the envelope: a response without the envelope part, or whose document does not hash to the
/// envelope's `sha256` and `length`, is invalid, whatever else it holds.
enum DocumentResponse {
    /// The streaming response delivering `document` through `pipeline`.
    static func make(_ document: DocumentLookup.OpenDocument, pipeline: LookupPipeline) -> HTTPResponse {
        let boundary = "lienthong-\(RandomUUID.lowercased())"
        let headers: HTTPHeaders = [
            "Content-Type": "multipart/mixed; boundary=\"\(boundary)\"", "Cache-Control": "no-store",
            "Lienthong-Request-Id": document.lookup.request.requestID,
        ]
        return .streaming(headers: headers) { writer in
            guard await writer.write(part(boundary, contentType: document.stream.contentType, first: true)) else {
                _ = await pipeline.abandon(document)
                return .abort
            }
            let last: [UInt8]
            switch await pipeline.deliver(document, write: { await writer.write($0) }) {
            case .signed(let envelope):
                last = part(boundary, contentType: "application/json", first: false) + envelope
            case .failed(let problem):
                last = part(boundary, contentType: "application/problem+json", first: false)
                    + problem.json().serializedBytes()
            case .clientGone:
                return .abort
            }
            guard await writer.write(last + Array("\r\n--\(boundary)--\r\n".utf8)) else { return .abort }
            return .complete
        }
    }

    /// A part's delimiter and header; the delimiter of every part but the first begins with the CRLF that ends
    /// the previous part's body.
    private static func part(_ boundary: String, contentType: String, first: Bool) -> [UInt8] {
        Array("\(first ? "" : "\r\n")--\(boundary)\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
    }
}
