@testable import LienthongHTTP

/// libFuzzer entry: feeds raw bytes to the edge's connection state machine (and so to ``RequestHeadCheck`` and the
/// chunked body scanner) as the loop would, once in one read and once cut into reads at points the first input
/// byte chooses. Where a request ends must not depend on how TCP cut it: both runs must refuse with the same code,
/// or hand evhttp the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let first = bytes.first else { return 0 }
    let cut = Int(first)
    let input = Array(bytes.dropFirst())
    let whole = feed([input[...]])
    var reads: [ArraySlice<UInt8>] = []
    var start = 0
    var step = 0
    while start < input.count {
        // Read sizes of 1 to 16 bytes, varied by the cut byte so CRLF and chunk-size lines fall across reads.
        let length = min(input.count - start, 1 + (cut + step * 7) % 16)
        reads.append(input[start..<start + length])
        start += length
        step += 1
    }
    let pieces = feed(reads)
    guard whole == pieces else {
        fatalError("one read gave \(whole), \(reads.count) reads gave \(pieces)")
    }
    pipeline(input)
    return 0
}

private let limits = EventLoop.StateMachine.Limits(
    maxHeaderBytes: 1024, maxBodyBytes: 4096, headerTimeout: .seconds(10), handshakeTimeout: .seconds(10),
    minBodyBytesPerSecond: 100)

/// The outcome of one connection: the refusal, or what evhttp was given.
private enum Outcome: Equatable {
    case refused(RequestHeadError)
    case passed([UInt8])
}

private func feed(_ reads: [ArraySlice<UInt8>]) -> Outcome {
    let now = ContinuousClock.now
    var machine = EventLoop.StateMachine(limits: limits, isTLS: false, now: now)
    var passed: [UInt8] = []
    for read in reads {
        switch machine.received(Array(read), at: now) {
        case .pass: passed += read
        case .hold, .discard: break
        case .release(let bytes): passed += bytes
        // No route streams here; a streamed body would go to the handler, not evhttp.
        case .stream: break
        case .reject(let error): return .refused(error)
        }
        // A bad chunk line is passed on for evhttp to fail on; the machine has refused the request already.
        if let error = machine.rejection { return .refused(error) }
    }
    return .passed(passed)
}

/// Treats every accepted head as a whole request and hands the rest back as the next pipelined one.
private func pipeline(_ input: [UInt8]) {
    let now = ContinuousClock.now
    var machine = EventLoop.StateMachine(limits: limits, isTLS: true, now: now)
    _ = machine.tick(at: now, handshakeFinished: true)
    var action = machine.received(input, at: now)
    for _ in 0..<8 {
        guard case .release(let bytes) = action, let end = RequestHeadCheck.headEnd(in: bytes, from: 0) else { break }
        machine.requestDelivered()
        action = machine.requestCompleted(buffered: Array(bytes[end...]), at: now)
    }
    _ = machine.tick(at: now + .seconds(11), handshakeFinished: true)
}
