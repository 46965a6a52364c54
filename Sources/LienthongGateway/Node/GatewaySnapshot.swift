import Foundation
import LienthongAccess
import LienthongConnectors
import LienthongCore
import LienthongJSON
import LienthongSchema
import LienthongTrust

/// One immutable generation of what a node serves: configuration, signing keys, registries and the router built
/// from them. A request reads the current snapshot once when it starts (``CurrentSnapshot``) and finishes on it,
/// whatever a reload swaps in meanwhile.
final class GatewaySnapshot: Sendable {
    /// 0 for the configuration the node started with, then one more per applied reload.
    let generation: Int
    /// The configuration, with the settings only a restart changes kept as the node started.
    let configuration: GatewayConfiguration
    /// The signing keys read from the key store.
    let keys: NodeSigningKeys
    /// The registries, by configuration order.
    let registries: [RegistryRuntime]
    /// The sharing API over all of the above.
    let router: Router
    /// Documents between agencies under this snapshot's grants, consumers and keys (the delivery worker uses it).
    let messages: MessageExchange

    private init(
        generation: Int, configuration: GatewayConfiguration, keys: NodeSigningKeys, registries: [RegistryRuntime],
        router: Router, messages: MessageExchange
    ) {
        self.generation = generation
        self.configuration = configuration
        self.keys = keys
        self.registries = registries
        self.router = router
        self.messages = messages
    }

    /// Builds a snapshot.
    /// - Parameters:
    ///   - registries: the registries, each with its connector open (``GatewayNode`` reuses unchanged ones).
    static func make(
        generation: Int, configuration: GatewayConfiguration, keys: NodeSigningKeys, registries: [RegistryRuntime],
        services: NodeServices
    ) throws -> GatewaySnapshot {
        let schemas = configuration.catalog
        let openAPI = try OpenAPIDocument.load(
            directory: configuration.schemaDirectory, catalog: schemas, registries: configuration.registries,
            purposes: configuration.policy.purposes.map(\.code)
        )
        let dataDirectory = DataDirectory(configuration: configuration)
        let policy = AccessPolicy(configuration.policy)
        let (signers, audit, replay) = (keys.signers, services.audit, services.replay)
        // Signed requests are verified against the node's trust anchors, in the same replay window.
        let anchors = configuration.node.trustAnchors.map(configuration.dataPath)
        let trust = CertificateVerifier(trustStore: try TrustStore.load(anchorFiles: anchors))
        let signedRequests = SignedRequestVerifier(trust: trust, replay: replay, now: { Date() })
        var messages = try messageExchange(configuration, keys: keys, trust: trust, services: services)
        guard let requestSchema = schemas.compiled("request.v1") else {
            throw ConfigurationError(
                file: "node.json", pointer: "/schemas", message: "schema request.v1 is not in the schema directory"
            )
        }
        let rateLimits = LookupRateLimits(policy: policy, store: services.rateLimits)
        let admission = LookupAdmission(policy: policy, rateLimits: rateLimits, replay: replay, now: { Date() })
        var lookups = LookupPipeline(
            registries: Dictionary(registries.map { ($0.descriptor.name, $0) }, uniquingKeysWith: { a, _ in a }),
            signedRequests: signedRequests, admission: admission, fetch: RegistryFetch(),
            signing: ResponseSigning(signers: signers, now: { Date() }), audit: audit
        )
        // Consumers' client certificates and other nodes' pass the same revocation sources.
        let revocation = try ClientCertificateRevocation.make(configuration, services: services, now: { Date() })
        // The provider side takes the pipeline as it is; the consumer side forwards what is not local.
        let peerEndpoint = services.peers.map { peers in
            PeerEndpoint(
                peers: peers, lookups: lookups, requestSchema: requestSchema,
                services: Dictionary(
                    configuration.registries.map { ($0.name, $0.service.description) },
                    uniquingKeysWith: { a, _ in a }),
                granted: GrantedServices(configuration: configuration, policy: policy), revocation: revocation)
        }
        lookups.peers = try services.peers.map { peers in
            try PeerForwarding.make(configuration, peers: peers, keys: keys, developmentPKI: services.developmentPKI)
        }
        let federatedServices = lookups.peers.map { forwarding in
            FederatedServices(
                peers: forwarding.peers, identities: forwarding.identities,
                localRegistries: Set(configuration.registries.map(\.name)), now: { Date() })
        }
        // Documents to and from other nodes sign and countersign with the same identities as forwarded lookups.
        messages.peers = try services.peers.flatMap { peers in
            try lookups.peers.map {
                try PeerMessaging.make(configuration, peers: peers, forwarding: $0, revocation: revocation)
            }
        }
        let router = SharingAPI(
            lookups: lookups, messages: messages,
            events: EventExchange(
                log: services.events, policy: EventPolicy(configuration.policy),
                publishers: EventExchange.publishers(configuration), signers: signers, audit: audit, now: { Date() }),
            requestSchema: requestSchema,
            authenticator: ConsumerAuthenticator(
                consumers: configuration.policy.consumers, tokenHashes: try dataDirectory.tokenHashes()
            ),
            revocation: revocation,
            policy: policy, schemas: SchemaEndpoints(catalog: schemas),
            transparency: TransparencyEndpoint(
                audit: audit.log, identities: try citizenIdentities(configuration, dataDirectory: dataDirectory),
                consumerNames: Dictionary(
                    configuration.policy.consumers.map { ($0.id.description, $0.name) }, uniquingKeysWith: { a, _ in a }
                )
            ),
            reports: ReportEndpoint(
                audit: audit.log,
                operators: OperatorAuthenticator(tokenHashes: try dataDirectory.operatorTokenHashes())
            ),
            openAPI: openAPI, configuration: configuration, metrics: services.metrics,
            readiness: { [federation = services.federation] in
                await NodeReadiness.check(
                    registries: registries, audit: audit.log, storage: replay, federation: federation)
            },
            authorityDocument: configuration.node.authority.map { configuration.dataPath($0.published) },
            peerEndpoint: peerEndpoint, federatedServices: federatedServices
        ).makeRouter()
        return GatewaySnapshot(
            generation: generation, configuration: configuration, keys: keys, registries: registries, router: router,
            messages: messages
        )
    }

    /// The document exchange of this snapshot: its grants, its consumers as recipients, its receipt key.
    private static func messageExchange(
        _ configuration: GatewayConfiguration, keys: NodeSigningKeys, trust: CertificateVerifier,
        services: NodeServices
    ) throws -> MessageExchange {
        guard let schema = configuration.catalog.compiled("document-message.v1") else {
            throw ConfigurationError(
                file: "node.json", pointer: "/schemas",
                message: "schema document-message.v1 is not in the schema directory")
        }
        let settings = (configuration.node.messages ?? MessagesConfiguration()).resolved
        return MessageExchange(
            queue: services.messages, store: services.attachments,
            upload: MessageUpload(
                schema: schema, store: services.attachments, maxAttachmentBytes: settings.maxAttachmentBytes),
            trust: trust, policy: MessagePolicy(configuration.policy),
            recipients: Set(configuration.policy.consumers.filter { !$0.revoked }.map(\.id.description)),
            settings: settings, receipts: ReceiptSigner(keys: keys, configured: settings.receiptIssuer),
            audit: services.audit, now: { Date() })
    }

    /// The citizen identity providers: the configured OpenID Connect issuer, and development tokens on a
    /// development node.
    private static func citizenIdentities(
        _ configuration: GatewayConfiguration, dataDirectory: DataDirectory
    ) throws -> [any CitizenIdentityProvider] {
        var identities: [any CitizenIdentityProvider] = []
        if let settings = configuration.node.citizenIdentity {
            identities.append(try OpenIDCitizenIdentity(settings, dataPath: configuration.dataPath, now: { Date() }))
        }
        if let tokens = try dataDirectory.citizenTokens() { identities.append(tokens) }
        return identities
    }
}
