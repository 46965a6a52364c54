import Foundation
import LienthongConnectors
import LienthongJSON
import LienthongSchema

// lienthong-bench-schema [--config DIR] [--seeds DIR] [--schemas DIR] [--schema ID] [--rounds N]
//                        [--profile-validate PASSES]
// Parses the seed person records (population.csv mapped to canonical JSON by the registry's own
// mapping) and parses + validates them against a canonical schema, in the same run, and prints a
// Markdown table: instances per second and the ratio (parse + validate) / parse; also the JCS
// (RFC 8785) form of the parsed records, the bytes a node signs.

var configDirectory = "config/demo"
var seedsDirectory = "seeds"
var schemasDirectory = "schemas"
var schemaID = "person.v1"
var rounds = 7
var profilePasses = 0
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--config": configDirectory = arguments.popFirst() ?? configDirectory
    case "--seeds": seedsDirectory = arguments.popFirst() ?? seedsDirectory
    case "--schemas": schemasDirectory = arguments.popFirst() ?? schemasDirectory
    case "--schema": schemaID = arguments.popFirst() ?? schemaID
    case "--rounds": rounds = arguments.popFirst().flatMap(Int.init) ?? rounds
    // Only validation, N passes, no table: for a profiler (valgrind --tool=callgrind, perf).
    case "--profile-validate": profilePasses = arguments.popFirst().flatMap(Int.init) ?? 1
    default:
        FileHandle.standardError.write(Data("lienthong-bench-schema: unknown argument \(argument)\n".utf8))
        exit(2)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("lienthong-bench-schema: \(message)\n".utf8))
    exit(1)
}

// The instances: each seed row through the population registry's mapping, serialised once.
let registry: RegistryConfiguration
do {
    registry = try RegistryConfiguration.load(path: "\(configDirectory)/registries/population.json")
} catch {
    fail("\(error)")
}
guard let csvText = try? String(contentsOfFile: "\(seedsDirectory)/population.csv", encoding: .utf8),
    let table = CSVTable(text: csvText)
else { fail("cannot read \(seedsDirectory)/population.csv") }
var mapped: [[UInt8]] = []
for row in table.records {
    let native = JSONValue.object(JSONObject(row.mapValues { JSONValue.string($0) }))
    do {
        mapped.append(try registry.mapping.map(native).serializedBytes())
    } catch {
        fail("mapping: \(error)")
    }
}
let documents = mapped
let totalBytes = documents.reduce(0) { $0 + $1.count }

let catalog: SchemaCatalog
do {
    catalog = try SchemaCatalog.load(directory: URL(fileURLWithPath: schemasDirectory))
} catch {
    fail("\(error)")
}
guard let schema = catalog.compiled(schemaID) else { fail("no schema \(schemaID)") }

/// Runs `body` over every document `repeats` times; returns seconds per instance.
@inline(never)
func measure(_ documents: [[UInt8]], repeats: Int, _ body: ([UInt8]) -> Bool) -> (seconds: Double, failures: Int) {
    var failures = 0
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for _ in 0..<repeats {
            for document in documents where !body(document) { failures += 1 }
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (seconds / Double(repeats * documents.count), failures / repeats)
}

func parseOnly(_ bytes: [UInt8]) -> Bool {
    (try? JSONValue.parse(bytes)) != nil
}

func parseAndValidate(_ bytes: [UInt8], _ schema: JSONSchema) -> Bool {
    guard let value = try? JSONValue.parse(bytes) else { return false }
    return schema.validate(value).isValid
}

/// Validation alone over pre-parsed instances; returns seconds per instance.
@inline(never)
func measureValidateOnly(_ values: [JSONValue], _ schema: JSONSchema, repeats: Int) -> Double {
    let clock = ContinuousClock()
    var valid = 0
    let elapsed = clock.measure {
        for _ in 0..<repeats {
            for value in values where schema.validate(value).isValid { valid += 1 }
        }
    }
    precondition(valid >= 0)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return seconds / Double(repeats * values.count)
}
let parsed = documents.compactMap { try? JSONValue.parse($0) }

/// The canonical form of pre-parsed instances; returns seconds per instance.
@inline(never)
func measureCanonicalize(_ values: [JSONValue], repeats: Int) -> Double {
    let clock = ContinuousClock()
    var bytes = 0
    let elapsed = clock.measure {
        for _ in 0..<repeats {
            for value in values { bytes += (try? JCS.canonicalize(value).count) ?? 0 }
        }
    }
    precondition(bytes > 0)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return seconds / Double(repeats * values.count)
}

if profilePasses > 0 {
    print(String(format: "%.3f µs per validation", measureValidateOnly(parsed, schema, repeats: profilePasses) * 1e6))
    exit(0)
}

// Warm up, then alternate the two measurements and keep each one's best round.
_ = measure(documents, repeats: 2, parseOnly)
_ = measure(documents, repeats: 2, { parseAndValidate($0, schema) })
var bestParse = Double.infinity
var bestBoth = Double.infinity
var invalid = 0
var bestValidateOnly = Double.infinity
var bestCanonical = Double.infinity
for _ in 0..<rounds {
    bestCanonical = min(bestCanonical, measureCanonicalize(parsed, repeats: 20))
    bestValidateOnly = min(bestValidateOnly, measureValidateOnly(parsed, schema, repeats: 20))
    bestParse = min(bestParse, measure(documents, repeats: 20, parseOnly).seconds)
    let both = measure(documents, repeats: 20, { parseAndValidate($0, schema) })
    bestBoth = min(bestBoth, both.seconds)
    invalid = both.failures
}

func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

print("Schema validation benchmark: \(documents.count) seed person records (\(totalBytes / documents.count) bytes each on average), schema \(schemaID), best of \(rounds) rounds of 20 passes")
print("")
print("| measurement | µs / instance | instances / s |")
print("|---|---:|---:|")
print("| parse | \(format(bestParse * 1e6, 2)) | \(format(1 / bestParse, 0)) |")
print("| parse + validate | \(format(bestBoth * 1e6, 2)) | \(format(1 / bestBoth, 0)) |")
print("| validate (difference) | \(format((bestBoth - bestParse) * 1e6, 2)) | \(format(1 / (bestBoth - bestParse), 0)) |")
print("| validate alone (pre-parsed) | \(format(bestValidateOnly * 1e6, 2)) | \(format(1 / bestValidateOnly, 0)) |")
print("| JCS of the parsed record | \(format(bestCanonical * 1e6, 2)) | \(format(1 / bestCanonical, 0)) |")
print("")
print("ratio (parse + validate) / parse: **\(format(bestBoth / bestParse, 2))** (target ≤ 2.00); invalid instances: \(invalid)")
if invalid > 0 { exit(1) }
