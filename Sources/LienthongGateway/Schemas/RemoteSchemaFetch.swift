import Foundation
public import LienthongHTTP
import LienthongJSON
public import LienthongSchema

/// Fetching of remote `$ref` targets over HTTP(S) through libcurl, for schemas that reference documents the
/// registry does not hold. Off unless a caller installs it (`lienthong schema validate --allow-remote-refs`).
public enum RemoteSchemaFetch {
    /// A ``SchemaRegistry/Fetch`` hook: GET with a total timeout and a size limit, the body parsed as JSON.
    ///
    /// The hook is synchronous (the validator compiles synchronously): it waits for the transfer, so call
    /// `compile` from a thread that may block, never from a task on Swift's cooperative pool.
    public static func hook(
        client: HTTPClient, timeout: Duration = .seconds(5), maxBytes: Int = 1 << 20
    ) -> SchemaRegistry.Fetch {
        { uri in
            guard uri.hasPrefix("http://") || uri.hasPrefix("https://") else { return nil }
            let outcome = Outcome()
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                do throws(HTTPClientError) {
                    let response = try await client.send(
                        HTTPClientRequest(
                            url: uri, connectTimeout: timeout, totalTimeout: timeout, maxResponseBytes: maxBytes
                        )
                    )
                    outcome.set(.success(response))
                } catch {
                    outcome.set(.failure(error))
                }
                done.signal()
            }
            done.wait()
            let response = try outcome.get()
            guard (200..<300).contains(response.status) else { return nil }
            return try JSONValue.parse(response.body)
        }
    }

    /// The transfer's result, handed from the task to the waiting thread.
    private final class Outcome: @unchecked Sendable {
        // @unchecked: `result` is written once before the semaphore is signalled and read after it is waited on.
        private var result: Result<HTTPClientResponse, HTTPClientError>?

        func set(_ value: Result<HTTPClientResponse, HTTPClientError>) { result = value }

        func get() throws -> HTTPClientResponse {
            guard let result else { throw HTTPClientError(code: .failed, detail: "no result") }
            return try result.get()
        }
    }
}
