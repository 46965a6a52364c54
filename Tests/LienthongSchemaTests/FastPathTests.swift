import Foundation
import LienthongJSON
@testable import LienthongSchema
import Testing

/// The valid/invalid fast path (fused object keywords, byte-compared names) gives the same answer
/// as the collecting path, on every canonical example and on variants broken one member at a time.
struct FastPathTests {
    @Test(arguments: CanonicalSchemaTests.names)
    func fastAndCollectingPathsAgree(name: String) throws {
        let schema = try CanonicalSchemaTests.schema(name)
        let examples = try #require(try CanonicalSchemaTests.document(name)["examples"]?.arrayValue)
        var variants: [JSONValue] = []
        for example in examples {
            variants.append(example)
            guard case .object(let object) = example else { continue }
            for key in object.keys {
                for replacement: JSONValue? in [nil, 1, "x", [], ["withheld": true, "reason": "r"]] {
                    var changed = object
                    changed[key] = replacement
                    variants.append(.object(changed))
                }
            }
            var extra = object
            extra["zz"] = 1
            variants.append(.object(extra))
            // Canonically equivalent but not byte-equal member name (NFD): Swift's String == matches it.
            if let first = object.keys.sorted().first {
                var renamed = object
                renamed["\(first)\u{301}"] = renamed.removeValue(forKey: first)
                variants.append(.object(renamed))
            }
        }
        var invalid = 0
        for variant in variants {
            let collected = schema.validateCollecting(variant)
            #expect(schema.isValid(variant) == collected.isValid, "\(name): \(variant.serializedString())")
            #expect(collected.isValid || !collected.errors.isEmpty)
            if !collected.isValid { invalid += 1 }
        }
        #expect(invalid > 0)
    }
}
