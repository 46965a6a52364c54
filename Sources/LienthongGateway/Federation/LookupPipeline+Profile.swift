import Foundation
import LienthongCore
import LienthongJSON
import LienthongNodeStore
import LienthongTrust

extension LookupPipeline {
    /// The profile on a node of a federation that lacks the registry of one of its parts (`person-profile.v2`):
    /// every part comes, concurrently, from the node that serves its registry (this node's own parts from its own
    /// registries), as an envelope its provider signed after applying its own grants; a part that did not come is
    /// withheld as in the one-node profile. This node signs the whole with the identity it holds for the consumer
    /// and audits one record per part, each with that part's own request and message hashes, so that every
    /// provider node's record has its twin here. `nil` when this node answers the profile alone (it serves every
    /// part's registry, or it is in no federation), or the caller is unknown (the one-node pipeline refuses it).
    func assembleProfile(
        _ request: LookupRequest, consumer authenticated: Result<Consumer, Problem>
    ) async -> LookupOutcome? {
        guard let peers, ProfilePart.all.contains(where: { registries[$0.registry] == nil }),
            case .success = authenticated
        else { return nil }
        var exchange = AuditedExchange(request, at: now(), audit: audit)
        var parts: [AuditedExchange.Part] = []
        do throws(Problem) {
            let consumer = try await identify(request, consumer: authenticated, in: &exchange)
            // The population service names the profile, as in the one-node profile.
            let service: ExchangeID
            if let population = registries["population"] {
                service = population.descriptor.service
                exchange.concerns(population.descriptor, service: service)
            } else if let destination = peers.destination(of: "population") {
                service = destination.serviceID
                exchange.concerns(service: destination.service.id, provider: destination.provider)
            } else {
                throw GatewayProblems.unknownRegistry("population")
            }
            RequestTrace.current?.asked("population")
            let purpose = try admission.purpose(of: request)
            let key: String
            do throws(IdentifierError) {
                key = try RegistryKeyKind.personalID.validate(request.key)
            } catch {
                throw error.problem
            }
            exchange.subject(key)
            guard let identity = peers.identities[consumer.id] else {
                throw FederationProblems.noSigningKey(consumer.id.description)
            }
            if request.requestIDGiven {
                // Once for the profile: each provider node remembers it per part.
                do throws(TrustError) {
                    try await admission.replay.admit([("\(consumer.id)|\(request.requestID)", nil)], now: now())
                } catch {
                    throw error.problem
                }
            }
            var normalised = request
            normalised.key = key
            let answers = await askParts(of: normalised, consumer: consumer, purpose: purpose, peers: peers)
            parts = answers.map(\.audited)
            for (part, answer) in zip(ProfilePart.all, answers) where part.search == nil {
                // A person the population registry lacks has no profile, as in the one-node profile.
                if case .failure(let problem) = answer.result, problem.code == "record-not-found" {
                    return .problem(await exchange.refuse(problem, parts: parts))
                }
            }
            var profile: JSONObject = [:]
            for (part, (answer, audited)) in zip(ProfilePart.all, zip(answers, parts)) {
                switch answer.result {
                case .success(let signed): profile[part.member] = signed.envelope
                case .failure: profile[part.member] = ProfileLookup.withheld(part, audited.outcome, purpose: purpose)
                }
            }
            let issuedAt = now()
            let message = ExchangeMessage(
                type: "profile", id: RandomUUID.lowercased(), requestID: request.requestID, issuedAt: issuedAt,
                provider: consumer.id, consumer: consumer.id, service: service, purpose: purpose,
                schema: "person-profile.v2",
                requestHash: ResponseSigning.requestHash(request, consumer: consumer.id, purpose: purpose),
                payload: ("record", .object(profile)))
            let signed: SignedEnvelope
            do {
                signed = try EnvelopeSigner.sign(message, identity: identity, issuedAt: issuedAt)
            } catch {
                throw GatewayProblems.internalError
            }
            if let problem = await exchange.release(parts, messageSHA256: signed.messageSHA256) {
                return .problem(problem)
            }
            return .envelope(signed.body)
        } catch {
            return .problem(parts.isEmpty ? await exchange.refuse(error) : await exchange.refuse(error, parts: parts))
        }
    }

    /// Every part, in profile order, asked concurrently: of its node, or of this node's own registry.
    private func askParts(
        of request: LookupRequest, consumer: Consumer, purpose: String, peers: PeerForwarding
    ) async -> [ProfilePartAnswer] {
        await withTaskGroup(of: (Int, ProfilePartAnswer).self) { group in
            for (index, part) in ProfilePart.all.enumerated() {
                group.addTask {
                    if registries[part.registry] != nil {
                        return (index, await localPart(part, of: request, consumer: consumer))
                    }
                    return (index, await peers.part(part, of: request, consumer: consumer, purpose: purpose))
                }
            }
            var answers = [ProfilePartAnswer?](repeating: nil, count: ProfilePart.all.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers.map { $0 ?? ProfilePartAnswer(result: .failure(GatewayProblems.internalError)) }
        }
    }

    /// A part this node serves itself, as a provider node would answer it: admitted by this node's grants for the
    /// part's service, fetched, and signed by the registry's provider.
    private func localPart(
        _ part: ProfilePart, of request: LookupRequest, consumer: Consumer
    ) async -> ProfilePartAnswer {
        var asked = request
        asked.registry = part.registry
        // The profile's request id is remembered once, for every part.
        asked.requestIDGiven = false
        let descriptor = registries[part.registry]?.descriptor
        var answer = ProfilePartAnswer(
            service: descriptor?.service.description, provider: descriptor?.provider.description,
            result: .failure(GatewayProblems.internalError))
        // The part's own exchange only collects what admission learns: the profile's exchange audits the part.
        var scratch = AuditedExchange(asked, at: now(), audit: audit)
        do throws(Problem) {
            let lookup = try await admit(ProfilePartLookup(), asked, for: consumer, in: &scratch)
            let (signed, projection) = try await self.answer(ProfilePartLookup(), lookup)
            guard let envelope = try? JSONValue.parse(signed.body) else { throw GatewayProblems.internalError }
            var fields: [String] = []
            if case .released(let released)? = projection.parts.first?.outcome { fields = released }
            answer.result = .success(
                ProfilePartAnswer.Envelope(envelope: envelope, messageSHA256: signed.messageSHA256, fields: fields))
        } catch {
            answer.result = .failure(error)
        }
        return answer
    }
}
