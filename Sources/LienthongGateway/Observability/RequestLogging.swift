import Foundation
import LienthongHTTP
import LienthongJSON

/// The access and error log around the API's handler: one `info` line per answered request, one `error` line per
/// failure (each failed upstream call or audit write, and every 5xx), `debug` lines per upstream call.
///
/// It sets the request's ``RequestTrace`` for the pipeline, and logs when the answer is complete: at once for a
/// plain body, when the producer ends for a streamed one (whose bytes it counts). The route is the template the
/// ``Router`` matched and noted (matching a path again costs more than the rest of a line on the request path).
/// A node whose level is `off` is not wrapped at all.
struct RequestLogging: HTTPHandler {
    /// The handler whose requests are logged: the router, or whatever wraps it.
    let next: any HTTPHandler
    let level: LogLevel
    let writer: LogWriter

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let started = ContinuousClock.now
        let trace = RequestTrace()
        var response = await RequestTrace.$current.withValue(trace) { await next.handle(request) }
        guard let producer = response.bodyProducer else {
            log(request, response, trace: trace, bytesOut: response.body.count, started: started)
            return response
        }
        let head = response
        response.bodyProducer = { writer in
            let counting = HTTPBodyWriter { bytes in
                trace.sent(bytes.count)
                return await writer.write(bytes)
            }
            let end = await RequestTrace.$current.withValue(trace) { await producer(counting) }
            log(request, head, trace: trace, bytesOut: trace.notes.streamedBytes, started: started)
            return end
        }
        return response
    }

    private func log(
        _ request: HTTPRequest, _ response: HTTPResponse, trace: RequestTrace, bytesOut: Int,
        started: ContinuousClock.Instant
    ) {
        let latency = started.duration(to: .now)
        let time = Date()
        let notes = trace.notes
        let route = notes.route ?? "-"
        let requestID = response.headers["Lienthong-Request-Id"]
        let problem = response.headers[HTTPResponse.problemCodeHeader]
            ?? (response.bodyProducer == nil ? nil : notes.auditedProblem)
        if level.logs(.debug) {
            for call in notes.calls { writer.write(UpstreamCallLogEntry(time: time, requestID: requestID, call: call)) }
        }
        if level.logs(.error) {
            var failures = notes.failures
            if failures.isEmpty, response.status >= 500 {
                // No stage said why: the problem's own detail is the cause (problem details hold no personal data).
                let detail = (try? JSONValue.parse(response.body))?["detail"]?.stringValue
                failures.append(
                    RequestTrace.Failure(
                        part: .gateway, registry: nil, code: problem ?? "-",
                        cause: detail ?? "status \(response.status)"))
            }
            for failure in failures {
                writer.write(
                    FailureLogEntry(
                        time: time, requestID: requestID, route: route, status: response.status, failure: failure))
            }
        }
        if level.logs(.info) {
            writer.write(
                AccessLogEntry(
                    time: time, requestID: requestID, method: String(request.method.rawValue.prefix(16)), route: route,
                    consumer: notes.consumer, registries: notes.registries, subjectHMAC: notes.subjectHMAC,
                    status: response.status, problem: problem, latency: latency,
                    upstream: notes.calls.map(\.duration).max(), bytesIn: Self.bytesIn(request), bytesOut: bytesOut))
        }
    }

    /// The body's length: a streamed body (read by the handler, not kept) counts as its declared length.
    private static func bytesIn(_ request: HTTPRequest) -> Int {
        guard request.bodyStream != nil else { return request.body.count }
        return request.headers["Content-Length"].flatMap { Int($0) } ?? 0
    }
}
