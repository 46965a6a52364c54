import Foundation
import LienthongCore
import LienthongHTTP

extension SharingAPI {
    /// `GET /v1/federation/configuration` on a node not configured as the authority.
    static let notAnAuthority = Problem(
        status: 404, code: "federation.not-an-authority", title: "Not the federation's authority",
        detail: "this node does not publish a global configuration")
    /// `GET /v1/federation/configuration` on the authority before anything was published.
    static let notPublished = Problem(
        status: 503, code: "federation.not-published", title: "No global configuration published",
        detail: "no global configuration has been published yet", extensions: ["retryAfter": 60])

    /// `POST /v1/federation/records/{registry}/{key}` or `/v1/federation/persons/{personalId}/profile/{part}` on a
    /// node in no federation.
    static let notFederated = Problem(
        status: 404, code: "federation.not-federated", title: "Not a federation node",
        detail: "this node takes no lookups from other nodes")

    /// A lookup another node forwarded (``PeerEndpoint``).
    func forwardedRecord(_ routed: RoutedRequest) async -> HTTPResponse {
        guard let peerEndpoint else { return .problem(Self.notFederated, requestID: nil) }
        return await peerEndpoint.answer(routed.request, registry: routed.parameters[0], key: routed.parameters[1])
    }

    /// Another node asking, for its consumer, which of this node's services the consumer may use.
    func peerServices(_ routed: RoutedRequest) async -> HTTPResponse {
        guard let peerEndpoint else { return .problem(Self.notFederated, requestID: nil) }
        return await peerEndpoint.services(routed.request)
    }

    /// A part of a profile another node assembles (``PeerEndpoint``).
    func forwardedProfilePart(_ routed: RoutedRequest) async -> HTTPResponse {
        guard let peerEndpoint else { return .problem(Self.notFederated, requestID: nil) }
        return await peerEndpoint.answerPart(
            routed.request, member: routed.parameters[1], personalID: routed.parameters[0])
    }

    /// A document another node sends to a recipient here (``MessageExchange/receive(_:peers:)``).
    func peerDocument(_ routed: RoutedRequest) async -> HTTPResponse {
        guard let peers = messages.peers else { return .problem(Self.notFederated, requestID: nil) }
        return await messages.receive(routed.request, peers: peers)
    }

    /// The read receipt of a document this node sent, from the recipient's node.
    func peerReadReceipt(_ routed: RoutedRequest) async -> HTTPResponse {
        guard let peers = messages.peers else { return .problem(Self.notFederated, requestID: nil) }
        return await messages.takeReadReceipt(routed.request, peers: peers)
    }

    /// The authority's published global configuration, byte for byte as `lienthong federation publish` wrote it
    /// (read on each request, so a new publication is served at once; publish replaces the file atomically), or
    /// 304 when the caller's `If-None-Match` names it: every node polls it, and it can reach a megabyte.
    func publishedConfiguration(_ request: HTTPRequest) -> HTTPResponse {
        guard let authorityDocument else { return .problem(Self.notAnAuthority, requestID: nil) }
        guard let data = FileManager.default.contents(atPath: authorityDocument.path) else {
            return .problem(Self.notPublished, requestID: nil)
        }
        let bytes = [UInt8](data)
        let tag = GlobalConfigurationTag(of: bytes)
        if let held = request.headers["If-None-Match"], tag.isNamed(by: held) {
            return HTTPResponse(status: 304, headers: ["ETag": tag.header])
        }
        var response = HTTPResponse.jsonBytes(bytes)
        response.headers["ETag"] = tag.header
        return response
    }
}
