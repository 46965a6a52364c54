import Foundation
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongNodeStore
import LienthongSchema

/// The body of `POST /v1/messages` taken apart: `multipart/related` or `multipart/form-data`, the signed envelope
/// first, then one part per attachment in the message's order, each named by `Content-Disposition` `name` (or
/// `Content-ID`) and written to the node's attachment store while it arrives from the client (the node streams this
/// route's body: ``HTTPRequest/bodyStream``), so no attachment is ever whole in memory.
///
/// The envelope is checked (``admit``) before any attachment byte is written, so a refused sender costs no disk.
/// On any failure every file written so far is removed: nothing of a refused request stays.
struct MessageUpload {
    /// The bytes handed to the splitter at a time.
    static let chunkBytes = 64 * 1024
    /// The media types a document may be sent as.
    static let mediaTypes: Set<String> = ["multipart/related", "multipart/form-data"]

    let schema: JSONSchema
    let store: any AttachmentStore
    let maxAttachmentBytes: Int

    /// The message and its attachments' uploads (finished, not yet committed), or the problem.
    /// - Parameter admit: checks the envelope (signature, sender, recipient, grant) once its part is complete.
    func read(
        _ request: HTTPRequest, admit: (DocumentMessage) async -> Problem?
    ) async -> Result<(DocumentMessage, [AttachmentUpload]), Problem> {
        var uploads: [AttachmentUpload] = []
        let result = await read(request, admit: admit, uploads: &uploads)
        if case .failure = result { for upload in uploads { await upload.discard() } }
        return result.map { ($0, uploads) }
    }

    private func read(
        _ request: HTTPRequest, admit: (DocumentMessage) async -> Problem?, uploads: inout [AttachmentUpload]
    ) async -> Result<DocumentMessage, Problem> {
        let contentType = request.headers["Content-Type"] ?? ""
        let mediaType = contentType.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard let mediaType, Self.mediaTypes.contains(mediaType),
            let boundary = MultipartSplitter.boundary(ofContentType: contentType)
        else { return .failure(MessageProblems.unsupportedMediaType) }
        var splitter: MultipartSplitter
        do {
            splitter = try MultipartSplitter(boundary: boundary)
        } catch {
            return .failure(MessageProblems.malformedMultipart(error.reason))
        }
        var state = ReadState()
        // The body streams in as it arrives on the node (a streamed route); buffered bodies are fed the same way.
        let body = request.bodyStream ?? HTTPRequestBody(bytes: request.body, chunkBytes: Self.chunkBytes)
        while true {
            let chunk: [UInt8]?
            do {
                chunk = try await body.next()
            } catch {
                return .failure(MessageProblems.malformedMultipart("the body ended early (\(error.code.wireCode))"))
            }
            guard let chunk else { break }
            let events: [MultipartSplitter.Event]
            do {
                events = try splitter.feed(chunk)
            } catch {
                return .failure(MessageProblems.malformedMultipart(error.reason))
            }
            for event in events {
                if let problem = await handle(event, &state, admit: admit, uploads: &uploads) {
                    return .failure(problem)
                }
            }
        }
        do {
            try splitter.finish()
        } catch {
            return .failure(MessageProblems.malformedMultipart(error.reason))
        }
        guard let message = state.message else { return .failure(MessageProblems.malformedMultipart("no parts")) }
        guard uploads.count == message.attachments.count else {
            return .failure(MessageProblems.attachmentMismatch("\(message.attachments[uploads.count].name) is missing"))
        }
        return .success(message)
    }

    private struct ReadState {
        var envelope: [UInt8]? = nil
        var message: DocumentMessage? = nil
        var current: AttachmentUpload? = nil
        var overLimit = false
    }

    private func handle(
        _ event: MultipartSplitter.Event, _ state: inout ReadState, admit: (DocumentMessage) async -> Problem?,
        uploads: inout [AttachmentUpload]
    ) async -> Problem? {
        switch event {
        case .partStart(let headers):
            guard let message = state.message else {
                state.envelope = []
                return nil
            }
            let index = uploads.count
            guard index < message.attachments.count else {
                return MessageProblems.attachmentMismatch("part \(index + 2) is not an attachment of the message")
            }
            let declared = message.attachments[index]
            guard Self.partName(headers)?.hasSameCodePoints(as: declared.name) == true else {
                return MessageProblems.attachmentMismatch("part \(index + 2) is not \(declared.name)")
            }
            guard declared.length <= maxAttachmentBytes else {
                return MessageProblems.attachmentTooLarge(declared.name, limit: maxAttachmentBytes)
            }
            do {
                let upload = try AttachmentUpload(
                    name: declared.name, sha256: declared.sha256, store: store, limit: maxAttachmentBytes)
                uploads.append(upload)
                state.current = upload
            } catch {
                return MessageProblems.storeUnavailable
            }
        case .body(let bytes):
            if let upload = state.current {
                do {
                    guard try await upload.write(bytes) else {
                        return MessageProblems.attachmentTooLarge(upload.name, limit: maxAttachmentBytes)
                    }
                } catch {
                    return MessageProblems.storeUnavailable
                }
            } else if state.envelope != nil {
                // Past the limit the parser refuses it as too large; more is not worth keeping.
                if state.envelope!.count <= DocumentMessage.maxEnvelopeBytes {
                    state.envelope!.append(contentsOf: bytes)
                }
            }
        case .partEnd:
            if let upload = state.current {
                state.current = nil
                return await finish(upload, declared: state.message!.attachments[uploads.count - 1])
            }
            guard state.message == nil, let envelope = state.envelope else { return nil }
            switch DocumentMessage.read(envelope, schema: schema) {
            case .failure(let problem): return problem
            case .success(let message):
                if let problem = await admit(message) { return problem }
                state.message = message
            }
        }
        return nil
    }

    private func finish(_ upload: AttachmentUpload, declared: DocumentMessage.Attachment) async -> Problem? {
        do {
            try await upload.finish()
        } catch {
            return MessageProblems.storeUnavailable
        }
        guard upload.length == declared.length else { return MessageProblems.attachmentLengthMismatch(declared.name) }
        guard upload.sha256.hasSameCodePoints(as: declared.sha256) else {
            return MessageProblems.attachmentHashMismatch(declared.name)
        }
        return nil
    }

    /// The part's name: `Content-Disposition` `name` (form-data), else `Content-ID` without its angle brackets.
    static func partName(_ headers: HTTPHeaders) -> String? {
        if let disposition = headers["Content-Disposition"] {
            for parameter in disposition.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "name" else {
                    continue
                }
                return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\""])
            }
        }
        return headers["Content-ID"]?.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["<", ">"])
    }
}
