import Foundation
import Testing
import LienthongTesting

/// `lienthong schema …` and `lienthong config check`, run as the built binary.
struct CommandLineTests {
    static let root = Repository.root

    /// `$LIENTHONG_BIN`, or `lienthong` beside the test executable.
    static var binary: URL { Repository.executable("lienthong") }

    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs the binary in the repository root with `arguments`, feeding `input` on stdin.
    static func run(_ arguments: [String], input: String = "") throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "no lienthong binary at \(binary.path)")
        let result = try ChildProcess.run(binary, arguments, input: Data(input.utf8), currentDirectory: root)
        return Run(status: result.status, output: result.stdout, errors: result.stderr)
    }

    /// A temporary file with `text`.
    static func file(_ text: String, _ name: String = "instance.json") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static let person = """
        {"personalId": "001085012345", "fullName": "Nguyễn Văn An", "dateOfBirth": "1985-03-14", "sex": "male",
         "ethnicity": "Kinh", "nationality": "VN", "placeOfOrigin": "Hà Nội", "status": "alive",
         "permanentAddress": {"addressLine": "Số 8 Tràng Thi", "communeCode": "00070", "communeName": "Phường Hoàn Kiếm",
                              "provinceCode": "01", "provinceName": "Thành phố Hà Nội"}}
        """

    @Test func listShowsEveryCanonicalSchema() throws {
        let run = try Self.run(["schema", "list"])
        #expect(run.status == 0)
        #expect(run.output.contains("person.v1"))
        #expect(run.output.contains("Hồ sơ tổng hợp của công dân"))
        #expect(run.output.contains("<https://lienthong.gov.vn/schemas/config.v1>"))
    }

    @Test func showPrintsTheSchemaAndUnknownIdIsAUsageError() throws {
        let run = try Self.run(["schema", "show", "audit-record.v1"])
        #expect(run.status == 0)
        #expect(run.output.contains("\"$id\": \"https://lienthong.gov.vn/schemas/audit-record.v1\""))
        #expect(try Self.run(["schema", "show", "nothing.v9"]).status == 2)
    }

    @Test func validateReportsEachFileAndExitsOneWhenAnyIsInvalid() throws {
        let good = try Self.file(Self.person)
        let bad = try Self.file(Self.person.replacingOccurrences(of: "\"male\"", with: "\"female\""))
        let allGood = try Self.run(["schema", "validate", "--schema", "person.v1", good])
        #expect(allGood.status == 0)
        #expect(allGood.output == "\(good): valid\n")
        let mixed = try Self.run(["schema", "validate", "--schema", "person.v1", good, bad])
        #expect(mixed.status == 1)
        #expect(mixed.output.contains("\(bad): invalid\n  /personalId: must match the pattern ^[0-9]{3}[13579]"))
        let flag = try Self.run(["schema", "validate", "--schema", "person.v1", "--output", "flag", bad])
        #expect(flag.output == "\(bad): invalid\n")
    }

    @Test func validateReadsJSONLinesFromStdin() throws {
        let lines = Self.person.replacingOccurrences(of: "\n", with: " ") + "\n\n{\"personalId\": 1}\nnot json\n"
        let run = try Self.run(["schema", "validate", "--schema", "person.v1", "--jsonl", "-"], input: lines)
        #expect(run.status == 1)
        let results = run.output.split(separator: "\n").filter { !$0.hasPrefix("  ") }
        #expect(results == ["<stdin>:1: valid", "<stdin>:3: invalid", "<stdin>:4: not JSON (json.syntax, byte 0)"])
    }

    @Test func validateAgainstASchemaFile() throws {
        let schema = try Self.file(
            ##"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "array", "items": {"$ref": "https://lienthong.gov.vn/schemas/address.v1"}}"##,
            "addresses.json")
        let instance = try Self.file(##"[{"addressLine": "1", "communeCode": "0007", "communeName": "x", "provinceCode": "01", "provinceName": "y"}]"##)
        let run = try Self.run(["schema", "validate", "--schema", schema, "--json", instance])
        #expect(run.status == 1)
        #expect(run.output.contains(#""instanceLocation":"/0/communeCode""#))
    }

    @Test func schemaFileInvalidAgainstMetaSchemaIsRefusedWithTheReason() throws {
        let schema = try Self.file(##"{"type": "strin", "minLength": -1}"##, "broken.json")
        let instance = try Self.file("1")
        let run = try Self.run(["schema", "validate", "--schema", schema, instance])
        #expect(run.status == 2)
        #expect(run.errors.contains("not valid against the 2020-12 meta-schema"))
        #expect(run.errors.contains("/minLength: must be at least 0"))
        #expect(run.output.isEmpty)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Self.run(["schema", "validate", "Tests/x.json"]).status == 2)
        #expect(try Self.run(["schema", "validate", "--schema", "person.v1", "--output", "verbose", "-"]).status == 2)
        #expect(try Self.run(["schema", "validate", "--schema", "person.v1", "/nonexistent.json"]).status == 2)
        #expect(try Self.run(["schema", "frobnicate"]).status == 2)
        #expect(try Self.run(["config", "check", "/nonexistent"]).status == 2)
    }

    @Test func demoConfigurationIsValid() throws {
        let run = try Self.run(["config", "check", "config/demo"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output == "config/demo: configuration is valid\n")
    }

    @Test func brokenConfigurationReportsEachProblemWithFileAndPointer() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-config-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("config/demo"), to: directory)
        func edit(_ file: String, _ change: (String) -> String) throws {
            let url = directory.appendingPathComponent(file)
            try Data(change(try String(contentsOf: url, encoding: .utf8)).utf8).write(to: url)
        }
        try edit("grants.json") { $0.replacingOccurrences(of: "\"tax-administration\"]", with: "\"tax-evasion\"]") }
        // The copy's relative paths no longer lead to the repository's schemas and seeds.
        try edit("node.json") {
            $0.replacingOccurrences(of: "\"eventLoops\": 0", with: "\"eventLoops\": -1")
                .replacingOccurrences(of: "\"../../", with: "\"\(Self.root.path)/")
        }
        try edit("registries/insurance.json") { $0.replacingOccurrences(of: "\"poolSize\": 4", with: "\"poolSize\": \"4\"") }
        let run = try Self.run(["config", "check", directory.path])
        #expect(run.status == 1)
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("node.json#/eventLoops: must be at least 0") })
        #expect(lines.contains { $0.hasPrefix("registries/insurance.json#/connector/poolSize: must be of type integer") })
        #expect(lines.contains("grants.json#/4/purposes/0: unknown purpose tax-evasion"))
        #expect(lines.contains("grants.json#/5/purposes/0: unknown purpose tax-evasion"))
        // THUE's two events grants name the purpose too.
        #expect(lines.contains("grants.json#/8/purposes/0: unknown purpose tax-evasion"))
        #expect(lines.contains("grants.json#/9/purposes/0: unknown purpose tax-evasion"))
        #expect(lines.last == "\(directory.path): 6 problems")
    }
}
