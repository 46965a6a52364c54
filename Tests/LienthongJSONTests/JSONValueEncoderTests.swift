import Testing

@testable import LienthongJSON

struct JSONValueEncoderTests {
    struct Message: Codable, Equatable {
        var type: String
        var id: String
        var count: Int
        var ratio: Double
        var small: Float
        var big: UInt64
        var flags: [Bool]
        var note: String?
        var record: JSONValue
        var inner: Inner

        struct Inner: Codable, Equatable { var a: [Int?] }
    }

    private let message = Message(
        type: "record", id: "x", count: -3, ratio: 0.25, small: 0.1, big: 18_446_744_073_709_551_615,
        flags: [true, false], note: nil, record: .object(["n": .number(JSONNumber(literal: "4.50", double: 4.5))]),
        inner: .init(a: [1, nil]))

    @Test func encodesStructsToSortedJSON() throws {
        let value = try JSONValueEncoder().encode(message)
        #expect(value.serializedString() == #"""
            {"big":18446744073709551615,"count":-3,"flags":[true,false],"id":"x","inner":{"a":[1,null]},\#
            "ratio":0.25,"record":{"n":4.5},"small":0.1,"type":"record"}
            """#)
        // The raw JSONValue keeps its literal.
        #expect(value["record"]?["n"]?.numberValue?.literal == "4.50")
    }

    @Test func roundTripsThroughTheDecoder() throws {
        let value = try JSONValueEncoder().encode(message)
        #expect(try JSONValueDecoder().decode(Message.self, from: value) == message)
    }

    @Test func nonFiniteDoublesAreRejectedWithPointer() {
        struct Probe: Encodable { var values: [Double] }
        let error = #expect(throws: JSONError.self) { try JSONValueEncoder().encode(Probe(values: [1, .nan])) }
        #expect(error?.code == .encoding)
        #expect(error?.pointer == "/values/1")
    }

    @Test func emptyEncodableBecomesEmptyObject() throws {
        struct Empty: Encodable {}
        #expect(try JSONValueEncoder().encode(Empty()) == [:])
        #expect(try JSONValueEncoder().encode([String: Int]()) == [:])
        #expect(try JSONValueEncoder().encode([Int]()) == [])
    }
}
