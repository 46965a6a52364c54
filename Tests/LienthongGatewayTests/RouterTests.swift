import LienthongHTTP
import LienthongJSON
import Synchronization
import Testing
@testable import LienthongGateway

/// The ``Router`` as a value, without a socket: method sets per route, 404 and 405 with `Allow`, middleware order,
/// and the `WWW-Authenticate` challenge of a group's 401s.
struct RouterTests {
    /// Every route answers GET with its template and the parameters; `records` answers POST too.
    func router(middleware: [any RouterMiddleware] = []) -> Router {
        var builder = RouterBuilder()
        for item in middleware { builder.add(middleware: item) }
        for route in Route.allCases where route != .records && route != .services && route != .monthlyReport {
            builder.on(route, .get) { _ in .json(["route": .string(route.rawValue)]) }
        }
        builder.on(.records, .get, .post) { routed in
            .json(["route": .string(routed.label), "parameters": .array(routed.parameters.map { .string($0) })])
        }
        builder.group(AuthenticationChallenge.consumer) { group in
            group.on(.services, .get) { routed in
                routed.request.headers["Authorization"] == nil
                    ? .problem(GatewayProblems.unauthenticated("Present a client certificate or a bearer token."),
                        requestID: nil)
                    : .json(["services": []])
            }
        }
        builder.group(AuthenticationChallenge.operator) { group in
            group.on(.monthlyReport, .get) { _ in
                var response = HTTPResponse.problem(GatewayProblems.unauthenticated("x"), requestID: nil)
                response.headers["WWW-Authenticate"] = #"Bearer realm="own""#
                return response
            }
        }
        return builder.build()
    }

    @Test func aRouteAnswersItsMethodsWithItsParameters() async throws {
        let response = await router().handle(HTTPRequest(method: .post, target: "/v1/records/population/001190000000"))
        #expect(response.status == 200)
        let json = try JSONValue.parse(response.body)
        #expect(json["route"] == "/v1/records/{registry}/{key}")
        #expect(json["parameters"] == ["population", "001190000000"])
    }

    @Test(arguments: [
        (HTTPMethod.delete, "/v1/records/population/001190000000", "GET, POST"),
        (.put, "/v1/records/population/001190000000", "GET, POST"),
        (.head, "/v1/records/population/001190000000", "GET, POST"),
        (.unrecognised, "/v1/records/population/001190000000", "GET, POST"),
        (.post, "/healthz", "GET"),
        (.options, "/healthz", "GET"),
        (.unrecognised, "/v1/schemas/person.v1", "GET"),
    ])
    func anotherMethodIs405WithTheRoutesMethodsInAllow(method: HTTPMethod, path: String, allow: String) async {
        let response = await router().handle(HTTPRequest(method: method, target: path))
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == allow)
        #expect(response.headers[HTTPResponse.problemCodeHeader] == "method-not-allowed")
        #expect(response.headers["Content-Type"] == "application/problem+json")
    }

    @Test(arguments: ["/v1/nothing", "/v1/records/population", "/v1/records/%FF/1"])
    func aPathThatIsNoRouteIs404WithoutAllow(path: String) async {
        let response = await router().handle(HTTPRequest(method: .delete, target: path))
        #expect(response.status == 404)
        #expect(response.headers["Allow"] == nil)
        #expect(response.headers[HTTPResponse.problemCodeHeader] == "not-found")
    }

    @Test func middlewareRunsInOrderAroundEveryAnswerItsOwn404And405Too() async {
        let seen = Trail()
        let router = router(middleware: [Recorder(name: "outer", seen: seen), Recorder(name: "inner", seen: seen)])
        _ = await router.handle(HTTPRequest(method: .get, target: "/healthz"))
        _ = await router.handle(HTTPRequest(method: .get, target: "/v1/nothing"))
        _ = await router.handle(HTTPRequest(method: .put, target: "/healthz"))
        _ = await router.handle(HTTPRequest(method: .get, target: "/%FF"))
        #expect(
            seen.entries.withLock { $0 } == [
                "outer>/healthz", "inner>/healthz", "inner<200", "outer<200",
                "outer>unknown", "inner>unknown", "inner<404", "outer<404",
                "outer>/healthz", "inner>/healthz", "inner<405", "outer<405",
                "outer>invalid", "inner>invalid", "inner<404", "outer<404",
            ])
    }

    @Test func aGroups401CarriesItsChallengeAndOnlyThere() async {
        let router = router()
        let refused = await router.handle(HTTPRequest(method: .get, target: "/v1/services"))
        #expect(refused.status == 401)
        #expect(refused.headers["WWW-Authenticate"] == #"Bearer realm="lienthong""#)
        let allowed = await router.handle(
            HTTPRequest(method: .get, target: "/v1/services", headers: ["Authorization": "Bearer t"]))
        #expect(allowed.status == 200 && allowed.headers["WWW-Authenticate"] == nil)
        // The handler's own challenge stays; a 405 of the group's route is not a 401.
        let own = await router.handle(HTTPRequest(method: .get, target: "/v1/reports/monthly"))
        #expect(own.headers["WWW-Authenticate"] == #"Bearer realm="own""#)
        let wrongMethod = await router.handle(HTTPRequest(method: .post, target: "/v1/services"))
        #expect(wrongMethod.status == 405 && wrongMethod.headers["WWW-Authenticate"] == nil)
    }

    @Test func methodsOfARouteAreTheOnesAddedInRFC9110Order() {
        let router = router()
        #expect(router.methods(of: .records) == [.get, .post])
        #expect(router.methods(of: .healthz) == [.get])
    }
}

/// Notes each request's route label on the way in and each status on the way out.
private struct Recorder: RouterMiddleware {
    let name: String
    let seen: Trail

    func handle(_ request: RoutedRequest, next: (RoutedRequest) async -> HTTPResponse) async -> HTTPResponse {
        seen.entries.withLock { $0.append("\(name)>\(request.label)") }
        let response = await next(request)
        seen.entries.withLock { $0.append("\(name)<\(response.status)") }
        return response
    }
}

/// What the ``Recorder``s noted, in order.
private final class Trail: Sendable {
    let entries = Mutex<[String]>([])
}
