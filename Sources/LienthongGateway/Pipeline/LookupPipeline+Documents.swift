import LienthongConnectors
import LienthongCore
import LienthongJSON
import LienthongTrust

extension LookupPipeline {
    /// Admits a document request and opens the document; the problem is audited when the answer is one.
    func open(_ request: LookupRequest, consumer: Result<Consumer, Problem>) async -> DocumentLookup.Opening {
        let kind = DocumentLookup()
        let (exchange, admitted) = await admit(kind, request, consumer: consumer)
        do throws(Problem) {
            let lookup = try admitted.get()
            return .open(
                DocumentLookup.OpenDocument(
                    stream: try await kind.fetch(lookup, from: fetch), lookup: lookup, exchange: exchange))
        } catch {
            return .problem(await exchange.refuse(error))
        }
    }

    /// Passes the document's bytes to `write` as they arrive, then signs and audits it.
    /// - Parameter write: sends bytes to the consumer; `false` when the consumer is gone.
    func deliver(
        _ document: DocumentLookup.OpenDocument, write: ([UInt8]) async -> Bool
    ) async -> DocumentLookup.Ending {
        let hasher = SHA256Hasher()
        var length = 0
        while true {
            let chunk: [UInt8]?
            do {
                chunk = try await document.stream.next()
            } catch {
                RequestTrace.current?.failedUpstream(
                    error, registry: document.lookup.target.runtime.descriptor.name, key: document.lookup.key)
                return .failed(await document.exchange.refuse(error.problem))
            }
            guard let chunk else { break }
            hasher.update(chunk)
            length += chunk.count
            guard await write(chunk) else { return await abandon(document) }
        }
        let sha256 = Base64URL.encode(hasher.finalize())
        let payload: JSONValue = [
            "sha256": .string(sha256), "length": .number(JSONNumber(length)),
            "contentType": .string(document.stream.contentType),
        ]
        let signed: SignedEnvelope
        do throws(Problem) {
            signed = try signing.sign(
                document.lookup, type: "document", schema: "document.v1", payload: ("document", payload))
        } catch {
            return .failed(await document.exchange.refuse(error))
        }
        let released = AuditedExchange.Part(registry: nil, outcome: .released(fields: []))
        let problem = await document.exchange.release(
            [released], messageSHA256: signed.messageSHA256, documentSHA256: sha256)
        if let problem { return .failed(problem) }
        return .signed(signed.body)
    }

    /// Stops the transfer of a document the consumer no longer reads, and audits the exchange as failed.
    func abandon(_ document: DocumentLookup.OpenDocument) async -> DocumentLookup.Ending {
        document.stream.cancel()
        _ = await document.exchange.refuse(GatewayProblems.clientClosed)
        return .clientGone
    }
}
