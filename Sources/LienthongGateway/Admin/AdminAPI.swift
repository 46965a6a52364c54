import Foundation
import LienthongAudit
import LienthongCore
import LienthongHTTP
import LienthongJSON
import Synchronization

/// The admin listener's handler: operators, by role, read the node's state and change its configuration.
///
/// Each route needs a role (``OperatorRole``): no credential is 401 with a `WWW-Authenticate` challenge, a role below
/// the route's is 403. Every change goes through the ``ConfigurationEditor`` (checked, written, reloaded) and is
/// recorded in the audit log with the operator's name.
final class AdminAPI: HTTPHandler, Sendable {
    /// A request of an authenticated operator, with the values of its route's `{name}` segments.
    struct Call: Sendable {
        let request: HTTPRequest
        let parameters: [String]
        let identity: OperatorIdentity
        /// The dashboard session the request came with, when that is how the operator was recognised.
        var session: DashboardSessions.Session? = nil
    }

    /// What a route and method answers, and the role it needs (`nil`: anyone, for `/healthz` and the sign-in).
    struct Endpoint: Sendable {
        let role: OperatorRole?
        /// A page for browsers: without a credential it sends them to the sign-in form instead of a 401.
        var page = false
        let handler: @Sendable (AdminAPI, Call) async -> HTTPResponse
    }

    let current: CurrentSnapshot
    let services: NodeServices
    let editor = ConfigurationEditor()
    let started = Date()
    /// The dashboard's signed-in browsers.
    let sessions = DashboardSessions()
    /// The node, for reloads; set once it exists (the node holds this handler's server).
    private let node = Mutex<WeakNode>(WeakNode())
    /// The operators of the snapshot generation they were read for.
    private let operators = Mutex<(generation: Int, authenticator: AdminAuthenticator)?>(nil)

    private struct WeakNode: @unchecked Sendable {
        // @unchecked: only read and written under the mutex; GatewayNode itself is Sendable.
        weak var node: GatewayNode?
    }

    init(current: CurrentSnapshot, services: NodeServices) {
        self.current = current
        self.services = services
    }

    /// Connects the handler to its node, for reloads.
    func attach(_ node: GatewayNode) { self.node.withLock { $0.node = node } }

    var attachedNode: GatewayNode? { node.withLock { $0.node } }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let segments = request.pathSegments
        let match = segments.flatMap(AdminRoute.match)
        let label = match?.route.rawValue ?? (segments == nil ? "invalid" : "unknown")
        let response = await answer(request, match)
        services.metrics.record(
            listener: "admin", route: label, status: response.status,
            code: response.headers[HTTPResponse.problemCodeHeader] ?? "ok", seconds: nil)
        return response
    }

    private func answer(_ request: HTTPRequest, _ match: (route: AdminRoute, parameters: [String])?) async
        -> HTTPResponse
    {
        guard let match else { return .problem(GatewayProblems.notFound, requestID: nil) }
        let methods = Self.endpoints[match.route] ?? [:]
        guard let endpoint = methods[request.method] else {
            var response = HTTPResponse.problem(GatewayProblems.methodNotAllowed, requestID: nil)
            response.headers["Allow"] = methods.keys.map(\.rawValue).sorted().joined(separator: ", ")
            return response
        }
        guard let required = endpoint.role else {
            let anyone = OperatorIdentity(name: "-", role: .viewer)
            return await endpoint.handler(self, Call(request: request, parameters: match.parameters, identity: anyone))
        }
        let identity: OperatorIdentity
        let session: DashboardSessions.Session?
        do throws(Problem) {
            (identity, session) = try authenticate(request)
        } catch {
            if endpoint.page, error.status == 401 { return Self.signInRedirect(request) }
            var response = HTTPResponse.problem(error, requestID: nil)
            if error.status == 401 { response.headers["WWW-Authenticate"] = AdminProblems.challenge }
            return response
        }
        guard identity.role >= required else { return .problem(AdminProblems.forbidden(required), requestID: nil) }
        let call = Call(request: request, parameters: match.parameters, identity: identity, session: session)
        return await endpoint.handler(self, call)
    }

    /// The operator behind `request`: its bearer token or client certificate, else its dashboard session cookie
    /// (whose state-changing requests must repeat the session's CSRF token). A browser's cross-site change is refused.
    private func authenticate(_ request: HTTPRequest) throws(Problem) -> (OperatorIdentity, DashboardSessions.Session?)
    {
        if DashboardSessions.isCrossSite(request) {
            throw AdminProblems.csrf("A browser sent this change from another site.")
        }
        let authenticator = try authenticator()
        let explicit = request.headers["Authorization"] != nil || !request.clientCertificateChain.isEmpty
            || request.clientCertificateRejected
        guard !explicit, let id = request.cookie(DashboardSessions.cookieName) else {
            return (try authenticator.authenticate(request), nil)
        }
        // The token is looked up again: an operator removed, or a token revoked, ends the session.
        guard let session = sessions.session(id, now: Date()),
            let identity = authenticator.identity(tokenHash: session.tokenHash)
        else { throw GatewayProblems.unauthenticated("The dashboard session has ended; sign in again.") }
        guard DashboardSessions.csrfHolds(request, in: session) else {
            throw AdminProblems.csrf("A change from the dashboard must carry the session's CSRF token.")
        }
        return (identity, session)
    }

    /// The operators of the current configuration, read again after each reload.
    func authenticator() throws(Problem) -> AdminAuthenticator {
        let snapshot = current.current
        if let cached = operators.withLock({ $0 }), cached.generation == snapshot.generation {
            return cached.authenticator
        }
        do {
            let authenticator = try AdminAuthenticator(snapshot.configuration)
            operators.withLock { $0 = (snapshot.generation, authenticator) }
            return authenticator
        } catch {
            throw GatewayProblems.unauthenticated("The operator credentials of this node cannot be read.")
        }
    }

    /// Records an operator's change in the audit log; `nil`, or the problem to answer when the log refuses it.
    func audit(_ call: Call, action: String, files: [String], status: Int, problemCode: String? = nil) async
        -> Problem?
    {
        let event = AuditEvent.admin(
            time: Date(), requestID: RandomUUID.lowercased(), operatorName: call.identity.name, action: action,
            files: files, status: status, problemCode: problemCode)
        return await services.audit.record([event], requestID: event.requestID)
    }
}
