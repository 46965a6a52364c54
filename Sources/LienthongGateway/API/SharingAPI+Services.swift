import LienthongCore
import LienthongHTTP
import LienthongJSON

extension SharingAPI {
    /// What the caller may ask and why: each granted service with its purposes and fields; on a node in a
    /// federation, also the other nodes' services their grants give the caller (``FederatedServices``), each entry
    /// then saying where it is (`member`, `subsystem`, `node`) and whether its node answered (`available`).
    func services(_ request: HTTPRequest) async -> HTTPResponse {
        let consumer: Consumer
        switch await authenticate(request) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let authenticated): consumer = authenticated
        }
        var entries = GrantedServices(configuration: configuration, policy: policy).entries(for: consumer.id)
        if let federatedServices {
            entries = entries.map(Self.local) + (await federatedServices.entries(for: consumer))
        }
        return .json(["consumer": .string(consumer.id.description), "services": .array(entries)])
    }

    /// A local entry of a federation node's list: its member and subsystem, always available.
    private static func local(_ entry: JSONValue) -> JSONValue {
        guard var object = entry.objectValue, let service = object["service"]?.stringValue.flatMap(ExchangeID.init)
        else { return entry }
        object["member"] = .string(service.member.description)
        if let subsystem = service.subsystem { object["subsystem"] = .string(subsystem.description) }
        object["available"] = true
        return .object(object)
    }
}
