import LienthongJSON

/// libFuzzer entry: parses the input as JSON (RFC 8259 + I-JSON) and checks that what parses survives a trip
/// through the serialiser and through RFC 8785 canonicalisation unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONValue.parse(bytes, limits: JSONLimits()) else { return 0 }
    let serialized = value.serializedBytes()
    guard let reparsed = try? JSONValue.parse(serialized), reparsed == value else {
        fatalError("serialised JSON does not parse back to the same value")
    }
    _ = value.serializedBytes(pretty: true)
    if let canonical = try? JCS.canonicalize(value) {
        guard let again = try? JSONValue.parse(canonical), again == value else {
            fatalError("canonical JSON does not parse back to the same value")
        }
        guard (try? JCS.canonicalize(again)) == canonical else { fatalError("canonical form is not idempotent") }
    }
    return 0
}
