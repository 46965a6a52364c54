import LienthongHTTP

/// libFuzzer entry: feeds raw bytes to ``MultipartSplitter`` (boundary `xyz`) once in one piece and once cut into
/// pieces at points the first input byte chooses. Where parts begin and end must not depend on how the body arrived:
/// both runs must find the same parts (headers and joined content) or refuse alike; and no event may hand on more
/// bytes than were fed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let first = bytes.first else { return 0 }
    let input = Array(bytes.dropFirst())
    var pieces: [ArraySlice<UInt8>] = []
    var start = 0
    var step = 0
    while start < input.count {
        let length = min(input.count - start, 1 + (Int(first) + step * 5) % 32)
        pieces.append(input[start..<start + length])
        start += length
        step += 1
    }
    let whole = split([input[...]])
    let cut = split(pieces)
    guard whole == cut else { fatalError("one piece gave \(whole), \(pieces.count) pieces gave \(cut)") }
    return 0
}

/// What a splitter made of `pieces`: the parts (headers and content), whether it finished, or the refusal.
private enum Outcome: Equatable {
    case parts([Part], finished: Bool)
    case refused(String)
}

private struct Part: Equatable {
    var headers: HTTPHeaders
    var content: [UInt8]
}

private func split(_ pieces: [ArraySlice<UInt8>]) -> Outcome {
    guard var splitter = try? MultipartSplitter(boundary: "xyz") else { fatalError("boundary refused") }
    var parts: [Part] = []
    var fed = 0
    var handed = 0
    do {
        for piece in pieces {
            fed += piece.count
            for event in try splitter.feed(piece) {
                switch event {
                case .partStart(let headers): parts.append(Part(headers: headers, content: []))
                case .body(let bytes):
                    guard !parts.isEmpty else { fatalError("content before any part") }
                    parts[parts.count - 1].content += bytes
                    handed += bytes.count
                case .partEnd: break
                }
            }
            guard handed <= fed else { fatalError("handed on \(handed) bytes of \(fed)") }
        }
    } catch {
        return .refused(error.reason)
    }
    return .parts(parts, finished: (try? splitter.finish()) != nil)
}
