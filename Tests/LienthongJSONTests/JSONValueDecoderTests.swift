import Testing

@testable import LienthongJSON

struct JSONValueDecoderTests {
    struct Upstream: Decodable, Equatable {
        var url: String
        var timeoutSeconds: Double
        var retries: Int?
        var tags: [String]
        var enabled: Bool
    }

    struct Config: Decodable, Equatable {
        var name: String
        var port: UInt16
        var upstreams: [Upstream]
        var limits: [String: Int]
        var extra: JSONValue?
        var nested: [[Int8]]
    }

    private let decoder = JSONValueDecoder()

    private func decodeError<T: Decodable>(_ type: T.Type, _ text: String) throws -> JSONError? {
        let value = try JSONValue.parse(text)
        return #expect(throws: JSONError.self) { try decoder.decode(T.self, from: value) }
    }

    @Test func decodesNestedConfiguration() throws {
        let value = try JSONValue.parse(#"""
            {"name": "node-1", "port": 8443, "limits": {"rps": 100, "burst": 20}, "extra": {"any": [1, "x"]},
             "nested": [[1, -2], []],
             "upstreams": [{"url": "https://a", "timeoutSeconds": 2.5, "tags": ["x"], "enabled": true, "retries": null},
                           {"url": "https://b", "timeoutSeconds": 1e1, "tags": [], "enabled": false, "retries": 3}]}
            """#)
        let config = try decoder.decode(Config.self, from: value)
        #expect(config == Config(
            name: "node-1", port: 8443,
            upstreams: [
                Upstream(url: "https://a", timeoutSeconds: 2.5, retries: nil, tags: ["x"], enabled: true),
                Upstream(url: "https://b", timeoutSeconds: 10, retries: 3, tags: [], enabled: false),
            ],
            limits: ["rps": 100, "burst": 20], extra: ["any": [1, "x"]], nested: [[1, -2], []]))
    }

    @Test func typeMismatchNamesThePointer() throws {
        let error = try decodeError(Config.self, #"""
            {"name": "n", "port": 1, "limits": {}, "nested": [],
             "upstreams": [{"url": "u", "timeoutSeconds": 1, "tags": ["a", 7], "enabled": true}]}
            """#)
        #expect(error?.code == .typeMismatch)
        #expect(error?.pointer == "/upstreams/0/tags/1")
        #expect(error?.detail == "expected a string, found a number")
    }

    @Test func missingKeyNamesThePointer() throws {
        let error = try decodeError(Config.self, #"{"name": "n", "port": 1, "limits": {}, "nested": [], "upstreams": [{}]}"#)
        #expect(error?.code == .missingKey)
        #expect(error?.pointer == "/upstreams/0/url")
    }

    @Test func integersMustBeExactAndInRange() throws {
        #expect(try decoder.decode(Int.self, from: .parse("1e3")) == 1000)
        #expect(try decoder.decode(Int64.self, from: .parse("9223372036854775807")) == .max)
        #expect(try decoder.decode(UInt8.self, from: .parse("-0")) == 0)
        for (text, code) in [("1.5", JSONError.Code.invalidValue), ("256", .invalidValue), ("1e300", .invalidValue),
                             ("\"1\"", .typeMismatch), ("null", .typeMismatch)] {
            let error = try decodeError(UInt8.self, text)
            #expect(error?.code == code, "\(text)")
        }
        #expect(try decodeError(Int.self, "9007199254740993.0")?.code == .invalidValue)
    }

    @Test func floatsAndDoublesDecode() throws {
        #expect(try decoder.decode(Double.self, from: .parse("0.1")) == 0.1)
        #expect(try decoder.decode(Float.self, from: .parse("0.1")) == Float(0.1))
        #expect(try decodeError(Float.self, "1e300")?.code == .invalidValue)
    }

    @Test func optionalsDistinguishNullAndMissing() throws {
        struct Probe: Decodable { var a: Int?; var b: Int? }
        let probe = try decoder.decode(Probe.self, from: .parse(#"{"a": null}"#))
        #expect(probe.a == nil && probe.b == nil)
        #expect(try decoder.decode([Int?].self, from: .parse("[1, null, 3]")) == [1, nil, 3])
    }

    @Test func customErrorsAreWrappedWithoutTheirText() throws {
        struct Picky: Decodable {
            struct Secret: Error { let value = "SECRET" }
            init(from decoder: any Decoder) throws { throw Secret() }
        }
        let error = try decodeError(Picky.self, "1")
        #expect(error?.code == .invalidValue)
        #expect(error.map { "\($0)".contains("SECRET") } == false)
    }

    @Test func unkeyedContainerReportsItsEnd() throws {
        struct Pair: Decodable {
            var first: Int, second: Int
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                first = try container.decode(Int.self)
                second = try container.decode(Int.self)
            }
        }
        #expect(try decoder.decode(Pair.self, from: [1, 2]).second == 2)
        let error = try decodeError(Pair.self, "[1]")
        #expect(error?.code == .typeMismatch)
        #expect(error?.pointer == "/1")
    }

    @Test func enumsAndRawValuesDecode() throws {
        enum Mode: String, Decodable { case strict, lenient }
        #expect(try decoder.decode([Mode].self, from: ["strict", "lenient"]) == [.strict, .lenient])
        #expect(try decodeError(Mode.self, #""other""#)?.code == .invalidValue)
    }

    @Test func userInfoReachesInitFromDecoder() throws {
        let key = try #require(CodingUserInfoKey(rawValue: "node"))
        struct Probe: Decodable {
            var node: String?
            init(from decoder: any Decoder) throws {
                node = decoder.userInfo[CodingUserInfoKey(rawValue: "node")!] as? String
            }
        }
        let probe = try JSONValueDecoder(userInfo: [key: "n1"]).decode(Probe.self, from: [:])
        #expect(probe.node == "n1")
    }
}
