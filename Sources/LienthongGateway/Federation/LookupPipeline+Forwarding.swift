import LienthongCore

extension LookupPipeline {
    /// A record lookup of a registry this node does not hold but another node of the federation serves: the caller
    /// and its signed request are checked here, the record comes through ``PeerForwarding``, and this node audits
    /// its side of the exchange. `nil` when the registry is local or no node serves it: the pipeline answers then.
    func forward(_ request: LookupRequest, consumer authenticated: Result<Consumer, Problem>) async -> LookupOutcome? {
        // An unauthenticated caller is refused (and audited) by the pipeline, as for a local registry.
        guard registries[request.registry] == nil, let peers, peers.serves(request.registry),
            case .success = authenticated
        else { return nil }
        var exchange = AuditedExchange(request, at: now(), audit: audit)
        let consumer: Consumer
        do throws(Problem) {
            consumer = try await identify(request, consumer: authenticated, in: &exchange)
        } catch {
            return .problem(await exchange.refuse(error))
        }
        switch await peers.forward(request, consumer: consumer, exchange: &exchange) {
        case .none:
            // The global configuration changed since `serves`: no node reads the registry any more.
            return .problem(await exchange.refuse(GatewayProblems.unknownRegistry(request.registry)))
        case .failure(let problem):
            return .problem(await exchange.refuse(problem))
        case .success(let forwarded):
            let part = AuditedExchange.Part(registry: nil, outcome: .released(fields: forwarded.fields))
            if let problem = await exchange.release([part], messageSHA256: forwarded.messageSHA256) {
                return .problem(problem)
            }
            return .envelope(forwarded.body)
        }
    }
}
