import Foundation
import LienthongHTTP
import LienthongTrust

/// The identity provider's signing keys (its JWKS), fetched over HTTPS with libcurl or read from a file, cached,
/// and fetched again as ``KeySetRefresh`` decides.
///
/// Concurrent lookups that need a fetch share one: the others wait for it rather than fetching again.
actor CitizenKeySet {
    /// Where the key set comes from.
    enum Source: Sendable {
        /// An `https` URL and the client that fetches it.
        case url(String, HTTPClient)
        /// A file, re-read like a fetch.
        case file(URL)
    }

    private let source: Source
    private let now: @Sendable () -> Date
    private var refresh: KeySetRefresh
    private var current: JSONWebKeySet?
    private var inFlight: Task<Result<JSONWebKeySet, IDTokenError>, Never>?

    init(
        source: Source, minimumRefresh: TimeInterval, maximumAge: TimeInterval = 3600,
        now: @escaping @Sendable () -> Date
    ) {
        self.source = source
        self.now = now
        self.refresh = KeySetRefresh(minimumInterval: minimumRefresh, maximumAge: maximumAge)
    }

    /// The key set to check a token with `kid` against: the cached one, or a fresh one when `kid` is new to it.
    /// - Throws: ``IDTokenError/Code/keysUnavailable`` if no set could ever be read.
    func keys(for kid: String) async throws(IDTokenError) -> JSONWebKeySet {
        if let inFlight {
            _ = await inFlight.value
        } else if refresh.lookUp(known: current?.key(for: kid) != nil, at: now()) == .fetch {
            // A task rather than a plain await, so that lookups arriving meanwhile wait for this fetch (above)
            // instead of starting their own.
            let task = Task { [source] in await Self.load(source) }
            inFlight = task
            let result = await task.value
            inFlight = nil
            switch result {
            case .success(let keys): current = keys
            case .failure(let error): Console.warn("lienthong: citizen identity key set: \(error)")
            }
        }
        // Re-read after the awaits above: another lookup may have stored a newer set meanwhile.
        guard let current else { throw IDTokenError(.keysUnavailable, "the issuer's key set is not available") }
        return current
    }

    private static func load(_ source: Source) async -> Result<JSONWebKeySet, IDTokenError> {
        let bytes: [UInt8]
        switch source {
        case .file(let url):
            guard let data = try? Data(contentsOf: url) else {
                return .failure(IDTokenError(.keysUnavailable, "cannot read \(url.lastPathComponent)"))
            }
            bytes = Array(data)
        case .url(let url, let client):
            var headers = HTTPHeaders()
            headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
            do {
                let response = try await client.send(
                    HTTPClientRequest(
                        url: url, headers: headers, connectTimeout: .seconds(5), totalTimeout: .seconds(10),
                        maxResponseBytes: JSONWebKeySet.maxBytes))
                guard response.status == 200 else {
                    return .failure(IDTokenError(.keysUnavailable, "the key set URL answered \(response.status)"))
                }
                bytes = response.body
            } catch {
                return .failure(IDTokenError(.keysUnavailable, "fetching the key set failed (\(error.code))"))
            }
        }
        return Result { () throws(IDTokenError) in try JSONWebKeySet(bytes: bytes) }
    }
}
