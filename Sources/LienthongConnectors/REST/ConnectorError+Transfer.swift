public import LienthongHTTP

extension ConnectorError {
    /// The connector error for a failed HTTP exchange with an agency API: `upstream-timeout` when it took too long,
    /// `upstream-contract-violation` when the answer outgrew its limit, `upstream-unavailable` otherwise (refused,
    /// reset, cut short); the client's code is the `cause`. The client's message (libcurl's, e.g. "Failed to connect
    /// to 127.0.0.1 port 9 …") ends the detail of the first and last kinds, whose problems never show it to the
    /// caller: it is for the error log.
    public init(transfer error: HTTPClientError, registry: String) {
        switch error.code {
        case .timeout:
            self.init(
                code: .timeout, registry: registry, detail: "no answer in time: \(error.detail)",
                cause: error.code.wireCode)
        case .responseTooLarge:
            self.init(
                code: .upstreamContractViolation, registry: registry, detail: "the answer exceeds the size limit",
                cause: error.code.wireCode)
        default:
            self.init(
                code: .unavailable, registry: registry, detail: "the agency API could not be reached: \(error.detail)",
                cause: error.code.wireCode)
        }
    }
}
