import Foundation
import LienthongFederation
import LienthongJSON
import Testing

/// The configuration value: its message round-trips, the schema and the rules between parts refuse what they
/// should, each with the location or rule named.
struct GlobalConfigurationTests {
    typealias Fixtures = FederationFixtures

    @Test func theMessageRoundTripsAndIsValidAgainstTheSchema() throws {
        let configuration = Fixtures.configuration(version: 3)
        let message = configuration.message
        #expect(Fixtures.schema.validate(message).errors == [])
        #expect(try GlobalConfiguration(message: message) == configuration)
        #expect(message["type"] == "global-configuration")
        #expect(message["provider"] == .string(Fixtures.authority))
    }

    @Test(arguments: [
        ("/members/0/id", JSONValue.string("VN/XYZ/BCA"), "/pattern"),
        ("/nodes/0/address", .string("http://bca.example"), "/pattern"),
        ("/nodes/0/tlsFingerprints", .array([]), "/minItems"),
        ("/nodes/0/tlsFingerprints", .array([.string("AB:CD")]), "/pattern"),
        ("/version", .number(JSONNumber(1.5)), "/type"),
        ("/expiresAt", .string("tomorrow"), "/format"),
    ])
    func theSchemaRefusesAnOutOfShapeMessage(pointer: String, value: JSONValue, keyword: String) throws {
        let message = try Fixtures.configuration().message.setting(try JSONPointer(pointer), value)
        let errors = Fixtures.schema.validate(message).errors
        #expect(
            errors.contains { $0.instanceLocation.hasPrefix(pointer) && $0.keywordLocation.hasSuffix(keyword) },
            "\(errors)")
    }

    @Test func theRulesBetweenPartsAreChecked() throws {
        func detail(_ change: (inout GlobalConfiguration) -> Void) -> String? {
            var configuration = Fixtures.configuration()
            change(&configuration)
            do {
                try configuration.checkConsistency()
                return nil
            } catch {
                #expect(error.code == .inconsistent)
                return error.detail
            }
        }
        #expect(detail { _ in } == nil)
        #expect(detail { $0.nodes[0].members = ["VN/GOV/XYZ"] }?.contains("not a member") == true)
        #expect(detail { $0.members[1].class = .com }?.contains("not of class COM") == true)
        #expect(detail { $0.members[0].subsystems[0].id = "VN/GOV/BTC/DANCU" }?.contains("is not under") == true)
        #expect(detail { $0.members[0].subsystems[0].services[0].id = "VN/GOV/BCA/OTHER/person" }?.contains("is not under") == true)
        #expect(detail { $0.members.append($0.members[0]) }?.contains("listed twice") == true)
        #expect(detail { $0.nodes.append($0.nodes[0]) }?.contains("node node-bca is listed twice") == true)
        #expect(detail { $0.expiresAt = $0.issuedAt }?.contains("expiresAt") == true)
    }
}

extension JSONValue {
    /// A copy with the value at `pointer` (whose parent exists) replaced.
    func setting(_ pointer: JSONPointer, _ value: JSONValue) throws -> JSONValue {
        guard let last = pointer.tokens.last, let parent = pointer.parent else { return value }
        var container = try #require(self[parent])
        switch container {
        case .object(var object):
            object[last] = value
            container = .object(object)
        case .array(var array):
            array[try #require(Int(last))] = value
            container = .array(array)
        default:
            Issue.record("\(parent) is not a container")
        }
        return try setting(parent, container)
    }
}
