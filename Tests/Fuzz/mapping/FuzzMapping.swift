import LienthongConnectors
import LienthongJSON
import LienthongTesting

/// libFuzzer entry: maps a native record to a canonical one with a demo registry's configuration
/// (`config/demo/registries`, chosen by the first byte). The rest of the input is the record: a JSON object (a
/// REST or document registry's record), or else lines of text taken as the values of the mapping's source columns
/// in order (a database or CSV row). Mapping may refuse a record, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapping(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let registry = registries[Int(selector) % registries.count]
    let rest = bytes.dropFirst()
    let record: JSONValue
    if let value = try? JSONValue.parse(rest), value.objectValue != nil {
        record = value
    } else {
        let values = String(decoding: rest, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var row: JSONObject = [:]
        for (field, value) in zip(registry.mapping.fields, values) {
            row[field.source.name] = value.isEmpty ? .null : .string(String(value))
        }
        record = .object(row)
    }
    _ = try? registry.mapping.map(record)
    return 0
}

private let registries: [RegistryConfiguration] = {
    let directory = Repository.root.appendingPathComponent("config/demo/registries").path
    do {
        return try RegistryConfiguration.loadDirectory(directory)
    } catch {
        fatalError("cannot load \(directory): \(error)")
    }
}()
