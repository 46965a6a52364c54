import Foundation
import LienthongGateway
import LienthongJSON
import LienthongTesting
import Testing

/// `config check` through the code it runs
/// (``GatewayConfiguration/resolve(configDirectory:dataDirectory:listen:schemas:)``,
/// the path `serve` takes too, and ``ConfigurationProbe``), one broken configuration per rule: each problem named
/// by file and JSON Pointer, or line and column.
struct ConfigurationCheckTests {
    /// A copy of the demo configuration after `edit`, checked with a new data directory.
    static func problems(
        probe: Bool = false, edit: (URL) throws -> Void = { _ in }
    ) async throws -> [String] {
        let directory = try GatewayProcess.demoConfiguration(edit: edit)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-check-\(UUID().uuidString)")
        switch GatewayConfiguration.resolve(configDirectory: directory, dataDirectory: data) {
        case .success(let configuration):
            return probe ? await ConfigurationProbe.run(configuration).map(\.description) : []
        case .failure(let invalid):
            return invalid.problems.map(\.description)
        }
    }

    /// Replaces `old` (which must occur) with `new` in a file of the configuration.
    static func replace(_ old: String, _ new: String, in file: String, of directory: URL) throws {
        let url = directory.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        try #require(text.contains(old), "\(file) has no \(old)")
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
    }

    static func editNode(_ directory: URL, _ change: (inout JSONObject) throws -> Void) throws {
        try GatewayProcess.editJSON(directory.appendingPathComponent("node.json"), change)
    }

    @Test func demoConfigurationIsValidAndItsConnectorsAnswerTheProbe() async throws {
        #expect(try await Self.problems(probe: true) == [])
    }

    @Test func listenPortOver65535IsAnError() async throws {
        let problems = try await Self.problems { try Self.editNode($0) { $0["listen"] = "127.0.0.1:70000" } }
        #expect(problems == ["node.json#/listen: port 70000 is not in 0-65535"])
    }

    @Test func citizenIdentityWithAKeySetURLWithoutHostIsAnError() async throws {
        let problems = try await Self.problems {
            try Self.editNode($0) {
                $0["citizenIdentity"] = [
                    "issuer": "https://id.example", "audience": "lienthong", "jwksURL": "https://",
                ]
            }
        }
        #expect(problems == ["node.json#/citizenIdentity/jwksURL: must be an https URL"])
    }

    @Test func revocationListThatIsMissingOrNoCRLIsAnError() async throws {
        let problems = try await Self.problems { directory in
            try Self.editNode(directory) { node in
                let notACRL = directory.appendingPathComponent("node.json").path
                node["revocation"] = .object(["crls": .array([.string("missing.crl.pem"), .string(notACRL)])])
            }
        }
        #expect(problems.count == 2)
        #expect(problems.first?.hasPrefix("node.json#/revocation/crls/0: ") == true)
        #expect(problems.first?.contains("missing.crl.pem does not exist") == true)
        #expect(problems.last?.hasPrefix("node.json#/revocation/crls/1: trust.malformed-certificate") == true)
    }

    @Test func unknownRevocationFailureModeIsAnError() async throws {
        let problems = try await Self.problems {
            try Self.editNode($0) { $0["revocation"] = .object(["expiredCRL": "fail-maybe"]) }
        }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("node.json#/revocation/expiredCRL") == true)
    }

    @Test func missingSchemasDirectoryIsOneError() async throws {
        let problems = try await Self.problems { try Self.editNode($0) { $0["schemas"] = "/nonexistent/schemas" } }
        #expect(problems == ["node.json#/schemas: directory /nonexistent/schemas does not exist"])
    }

    @Test func codeListTypoIsNamedWithTheClosestList() async throws {
        let problems = try await Self.problems {
            try Self.replace(
                "\"administrative-units/communes\"", "\"administrative-units/comunes\"",
                in: "registries/population.json", of: $0)
        }
        #expect(
            problems == [
                "registries/population.json#/mapping/9/transforms/0/codeList: unknown code list "
                    + "administrative-units/comunes (did you mean administrative-units/communes?)"
            ])
    }

    @Test func missingCodeListFileIsOneError() async throws {
        let problems = try await Self.problems {
            try Self.replace(
                "../codes/administrative-units.json", "../codes/units.json", in: "registries/land.json", of: $0)
        }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("registries/land.json#/codeLists/0: ") == true)
        #expect(problems.first?.hasSuffix("codes/units.json does not exist") == true)
    }

    @Test func missingTokenFileOfAProductionNodeIsAnError() async throws {
        let problems = try await Self.problems { try Self.editNode($0) { $0["developmentPKI"] = false } }
        #expect(
            problems.contains {
                $0.hasPrefix("consumers.json#/1/tokenFiles/0: ") && $0.contains("thue.token does not exist")
            })
        #expect(problems.contains { $0.hasPrefix("node.json#/trustAnchors/0: ") })
    }

    @Test func databasePathTypoIsAnError() async throws {
        let problems = try await Self.problems {
            try Self.replace("\"population.sqlite\"", "\"populaton.sqlite\"", in: "registries/population.json", of: $0)
        }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("registries/population.json#/connector/path: ") == true)
        #expect(problems.first?.contains("populaton.sqlite does not exist") == true)
    }

    @Test func mappingTargetNotInTheSchemaIsAnError() async throws {
        let problems = try await Self.problems {
            try Self.replace("\"/fullName\"", "\"/fulName\"", in: "registries/population.json", of: $0)
            try Self.replace(
                "\"/permanentAddress/addressLine\"", "\"/permanentAddress/adressLine\"",
                in: "registries/population.json", of: $0)
        }
        #expect(
            problems == [
                "registries/population.json#/mapping/1/target: /fulName is not in person.v1: fulName is not a member "
                    + "there (did you mean fullName?)",
                "registries/population.json#/mapping/7/target: /permanentAddress/adressLine is not in person.v1: "
                    + "adressLine is not a member there (did you mean addressLine?)",
            ])
    }

    @Test func grantedFieldNotInTheSchemaIsAnError() async throws {
        let problems = try await Self.problems {
            try Self.replace(
                "\"fullName\", \"permanentAddress\"", "\"fullNam\", \"permanentAddress\"", in: "grants.json", of: $0)
        }
        #expect(
            problems == [
                "grants.json#/5/fields/1: fullNam is not a field of person.v1; it would never be returned "
                    + "(did you mean fullName?)"
            ])
    }

    @Test func duplicateConsumerIdIsAnError() async throws {
        let problems = try await Self.problems {
            try Self.replace(
                "\"id\": \"VN/ORG/VCCI/HOIVIEN\"", "\"id\": \"VN/GOV/BTC/THUE\"", in: "consumers.json", of: $0)
        }
        #expect(problems.contains("consumers.json#/2/id: duplicate id VN/GOV/BTC/THUE (first at /1/id)"))
    }

    @Test func validFromAfterValidUntilIsAnError() async throws {
        let problems = try await Self.problems {
            try Self.replace(
                "\"validFrom\": \"2026-01-01\"", "\"validFrom\": \"2031-01-01\"", in: "grants.json", of: $0)
        }
        #expect(
            problems == [
                "grants.json#/5/conditions/validFrom: 2031-01-01 is after validUntil 2030-12-31: "
                    + "the grant would never hold"
            ])
    }

    @Test(arguments: ["ABCDEF", String(repeating: "A", count: 64), String(repeating: "g", count: 64)])
    func tokenHashThatIsNotALowercaseHexDigestIsAnError(digest: String) async throws {
        let problems = try await Self.problems {
            try Self.replace(
                "\"tokenFiles\": [\"secrets/thue.token\"]",
                "\"tokenFiles\": [\"secrets/thue.token\"], "
                    + "\"tokenSHA256\": [\"\(String(repeating: "0", count: 64))\", \"\(digest)\"]",
                in: "consumers.json", of: $0)
        }
        #expect(
            problems == [
                "consumers.json#/1/tokenSHA256/1: is not a SHA-256 digest in lowercase hex (64 of 0-9a-f); "
                    + "it would never match a token"
            ])
    }

    @Test func missingPurposesFileIsOneErrorWithoutKnockOns() async throws {
        let problems = try await Self.problems {
            try FileManager.default.removeItem(at: $0.appendingPathComponent("purposes.json"))
        }
        #expect(problems == ["purposes.json: does not exist"])
    }

    @Test func missingConnectorFileIsOneErrorWhereItIsNamed() async throws {
        let problems = try await Self.problems {
            try Self.replace("registries/land.json", "registries/lnd.json", in: "registries.json", of: $0)
        }
        #expect(
            problems == [
                "registries.json#/2/connector: registries/lnd.json does not exist (did you mean registries/land.json?)"
            ])
    }

    @Test func jsonSyntaxErrorHasLineAndColumn() async throws {
        let problems = try await Self.problems {
            try Self.replace(
                "\"fields\": [\"*\"] },\n  { \"consumer\": \"VN/GOV/HCM/MOTCUA\", \"service\": \"VN/GOV/BTC",
                "\"fields\": [\"*\"] },,\n  { \"consumer\": \"VN/GOV/HCM/MOTCUA\", \"service\": \"VN/GOV/BTC",
                in: "grants.json", of: $0)
        }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("grants.json:3:90: is not valid JSON (json.syntax") == true, "\(problems)")
    }

    @Test func enumErrorListsTheAllowedValues() async throws {
        let problems = try await Self.problems {
            try Self.replace(
                "\"keyKind\": \"personal-id\"", "\"keyKind\": \"personal-ids\"", in: "registries.json", of: $0)
        }
        #expect(problems.count == 1)
        #expect(
            problems.first?.hasPrefix("registries.json#/0/keyKind: must be one of \"personal-id\", ") == true,
            "\(problems)")
        #expect(problems.first?.contains("\"land-parcel\"") == true)
    }

    @Test func misspeltMemberGetsADidYouMean() async throws {
        let problems = try await Self.problems {
            try Self.editNode($0) { node in
                node["evenLoops"] = node.removeValue(forKey: "eventLoops")
            }
        }
        #expect(
            problems == [
                "node.json#/evenLoops: is not an allowed property (additionalProperties is false) "
                    + "(did you mean eventLoops?) [/properties/node.json/$ref/additionalProperties]"
            ])
    }

    @Test func unknownPurposeGetsADidYouMean() async throws {
        let problems = try await Self.problems {
            try Self.replace(
                "land-parcel\",\n    \"purposes\": [\"land-administration\"]",
                "land-parcel\",\n    \"purposes\": [\"land-adminstration\"]",
                in: "grants.json", of: $0)
        }
        #expect(
            problems == [
                "grants.json#/2/purposes/0: unknown purpose land-adminstration (did you mean land-administration?)"
            ])
    }

    @Test func probeKeyMustFitTheRegistryKeyKind() async throws {
        let problems = try await Self.problems {
            try Self.replace(
                "\"probeKey\": \"096089760382\"", "\"probeKey\": \"12345\"", in: "registries/population.json", of: $0)
        }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("registries/population.json#/probeKey: is not a valid personal-id (") == true)
    }

    @Test func probeReportsAMissingTableNamingTheRegistry() async throws {
        let problems = try await Self.problems(probe: true) {
            try Self.replace(
                "FROM cong_dan WHERE so_dinh_danh", "FROM cong_dn WHERE so_dinh_danh", in: "registries/population.json",
                of: $0)
        }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("registries/population.json#/connector/lookup: population: ") == true)
        #expect(problems.first?.contains("no such table: cong_dn") == true, "\(problems)")
    }

    @Test func probeReportsAMissingColumnOfASearchNamingTheRegistry() async throws {
        let problems = try await Self.problems(probe: true) {
            try Self.replace(
                "WHERE cccd_nguoi_dai_dien", "WHERE cccd_nguoi_dai", in: "registries/enterprise.json", of: $0)
        }
        #expect(problems.count == 1)
        #expect(
            problems.first?.hasPrefix("registries/enterprise.json#/connector/search/legalRepresentative: enterprise: ")
                == true)
        #expect(problems.first?.contains("no such column: cccd_nguoi_dai") == true, "\(problems)")
    }

    @Test func probeReportsAnUnreachableAPINamingTheRegistry() async throws {
        let problems = try await Self.problems(probe: true) {
            try Self.replace(
                "http://127.0.0.1:{port}/api/v1/thua-dat/{communeCode}/{mapSheet}/{parcelNumber}\"",
                "http://127.0.0.1:1/api/v1/thua-dat/{communeCode}/{mapSheet}/{parcelNumber}\"",
                in: "registries/land.json", of: $0)
        }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("registries/land.json#/connector/lookup: land: ") == true, "\(problems)")
        #expect(problems.first?.contains("upstream-unavailable") == true, "\(problems)")
    }
}

/// The rate limits of grants and registries (issue #20, point 8).
struct RateLimitConfigurationTests {
    /// Sets `rateLimit` on the first grant, or on the first registry.
    static func problems(grant limit: JSONValue? = nil, registry: JSONValue? = nil) async throws -> [String] {
        try await ConfigurationCheckTests.problems { directory in
            for (file, value) in [("grants.json", limit), ("registries.json", registry)] {
                guard let value else { continue }
                let url = directory.appendingPathComponent(file)
                var entries = try JSONValue.parse(Array(try Data(contentsOf: url))).arrayValue ?? []
                var first = try #require(entries.first?.objectValue)
                first["rateLimit"] = value
                entries[0] = .object(first)
                try Data(JSONValue.array(entries).serializedBytes(pretty: true)).write(to: url)
            }
        }
    }

    @Test func aPositiveRateWithOrWithoutABurstIsValid() async throws {
        #expect(try await Self.problems(grant: ["requestsPerSecond": 20, "burst": 40]) == [])
        #expect(try await Self.problems(registry: ["requestsPerSecond": 0.5]) == [])
    }

    @Test(arguments: [0, -1, -0.5])
    func aZeroOrNegativeRateIsRefused(_ rate: Double) async throws {
        let grant = try await Self.problems(grant: ["requestsPerSecond": .number(JSONNumber(rate))])
        #expect(grant.count == 1)
        #expect(grant.first?.hasPrefix("grants.json#/0/rateLimit/requestsPerSecond: ") == true, "\(grant)")
        let registry = try await Self.problems(registry: ["requestsPerSecond": .number(JSONNumber(rate))])
        #expect(registry.count == 1)
        #expect(registry.first?.hasPrefix("registries.json#/0/rateLimit/requestsPerSecond: ") == true, "\(registry)")
    }

    @Test func aZeroBurstAMissingRateAndAnUnknownMemberAreRefused() async throws {
        let burst = try await Self.problems(grant: ["requestsPerSecond": 1, "burst": 0])
        #expect(burst.count == 1 && burst.first?.hasPrefix("grants.json#/0/rateLimit/burst: ") == true, "\(burst)")
        let missing = try await Self.problems(grant: ["burst": 5])
        #expect(missing.count == 1 && missing.first?.hasPrefix("grants.json#/0/rateLimit: ") == true, "\(missing)")
        let misspelt = try await Self.problems(grant: ["requestPerSecond": 5])
        #expect(misspelt.contains { $0.contains("did you mean requestsPerSecond?") }, "\(misspelt)")
    }

    /// The first grant limited to `first`, and a grant of the same consumer and service for another purpose to
    /// `second`.
    static func problems(first: JSONValue, second: JSONValue) async throws -> [String] {
        try await ConfigurationCheckTests.problems { directory in
            let url = directory.appendingPathComponent("grants.json")
            var entries = try JSONValue.parse(Array(try Data(contentsOf: url))).arrayValue ?? []
            var grant = try #require(entries.first?.objectValue)
            grant["rateLimit"] = first
            entries[0] = .object(grant)
            grant["purposes"] = ["land-administration"]
            grant["rateLimit"] = second
            entries.append(.object(grant))
            try Data(JSONValue.array(entries).serializedBytes(pretty: true)).write(to: url)
        }
    }

    @Test func twoGrantsOfOneConsumerAndServiceMayNotStateDifferentLimits() async throws {
        // One limit written two ways is one limit: the default burst is a second's worth.
        let same = try await Self.problems(
            first: ["requestsPerSecond": 20], second: ["requestsPerSecond": 20, "burst": 20])
        #expect(same == [])
        let problems = try await Self.problems(first: ["requestsPerSecond": 20], second: ["requestsPerSecond": 5])
        #expect(problems.count == 1)
        // The appended grant follows the demo's twelve.
        let expected = "grants.json#/12/rateLimit: differs from the rateLimit of /0"
        #expect(problems.first?.hasPrefix(expected) == true, "\(problems)")
    }

    @Test func theBinaryRefusesAZeroRate() throws {
        let configuration = try GatewayProcess.demoConfiguration { directory in
            let url = directory.appendingPathComponent("grants.json")
            let text = try String(contentsOf: url, encoding: .utf8)
            let limited = text.replacingOccurrences(
                of: #""fields": ["*"] }"#, with: #""fields": ["*"], "rateLimit": {"requestsPerSecond": 0} }"#)
            try #require(limited != text)
            try Data(limited.utf8).write(to: url)
        }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        let check = try ChildProcess.run(
            GatewayProcess.binary, ["config", "check", configuration.path, "--data-dir", data.path])
        #expect(check.status == 1)
        #expect(check.stdout.contains("grants.json#/0/rateLimit/requestsPerSecond: "), "\(check.stdout)")
    }
}
