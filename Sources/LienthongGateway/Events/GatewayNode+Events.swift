import Foundation

extension GatewayNode {
    /// The change publisher: detects and publishes the declared events of every registry until cancelled (at
    /// shutdown); a failing registry is reported on the operator log and tried again at the next poll.
    func publishEvents() async {
        let configuration = current.current.configuration
        let sources: [ChangePublisher.Source]
        do {
            sources = try ChangePublisher.sources(
                configuration, httpClient: services.httpClient, variables: services.connectorVariables)
        } catch {
            report("events", "\(error)")
            return
        }
        let publisher = ChangePublisher(
            sources: sources, log: services.events,
            settings: (configuration.node.events ?? EventsConfiguration()).resolved,
            signer: { [current] provider in current.current.keys.signers[provider] })
        await publisher.run { [self] registry, detail in report(registry, detail) }
    }
}
