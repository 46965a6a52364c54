import LienthongJSON
import LienthongSchema
import LienthongTesting

/// libFuzzer entry. The first byte chooses: below 0xC0 it picks a canonical schema of `schemas/` and the rest is
/// an instance to validate against it; from 0xC0 the rest is a schema to compile against the catalogue (as
/// `config check` compiles one), validated then against itself. The fast path (``JSONSchema/isValid(_:)``) and
/// the full evaluation must agree, and no input may trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchema(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first, let value = try? JSONValue.parse(bytes.dropFirst()) else { return 0 }
    if selector < 0xC0 {
        let entry = catalog.list[Int(selector) % catalog.list.count]
        guard let schema = catalog.compiled(entry.id) else { fatalError("\(entry.id) is listed but not compiled") }
        check(schema, value)
    } else if let schema = try? catalog.compile(value) {
        check(schema, value)
    }
    return 0
}

private func check(_ schema: JSONSchema, _ instance: JSONValue) {
    let result = schema.validate(instance)
    guard result.isValid == schema.isValid(instance) else {
        fatalError("the fast path and the full evaluation disagree")
    }
    guard result.isValid == result.errors.isEmpty else { fatalError("a result's errors do not match its verdict") }
    for format in OutputFormat.allCases { _ = schema.validate(instance, output: format) }
}

private let catalog: SchemaCatalog = {
    do {
        return try SchemaCatalog.load(directory: Repository.root.appendingPathComponent("schemas"))
    } catch {
        fatalError("cannot load the schema catalogue: \(error)")
    }
}()
