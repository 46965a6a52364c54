import Testing

@testable import LienthongJSON

struct JSONValueTests {
    @Test func convenienceInitialisersBuildTheExpectedCases() {
        #expect(JSONValue(UInt64.max).numberValue?.literal == "18446744073709551615")
        #expect(JSONValue(Int8(-5)) == .number(JSONNumber(-5)))
        #expect(JSONValue(2.5) == .number(JSONNumber(2.5)))
        #expect(JSONValue("s") == .string("s"))
        #expect(JSONValue(true) == .bool(true))
        #expect(JSONValue(nil as JSONValue?) == .null)
    }

    @Test func subscriptsReachIntoArraysAndPointers() throws {
        let value: JSONValue = ["a": [10, ["b": "x"]]]
        #expect(value["a"]?[0] == 10)
        #expect(value["a"]?[2] == nil)
        #expect(value["a"]?[-1] == nil)
        #expect(value[try JSONPointer("/a/1/b")] == "x")
    }

    @Test func numbersCompareByValueButKeepLiterals() throws {
        let value = try JSONValue.parse("[1, 1.0, 1e0]")
        let numbers = try #require(value.arrayValue)
        #expect(numbers[0] == numbers[1] && numbers[1] == numbers[2])
        #expect(numbers.compactMap(\.numberValue?.literal) == ["1", "1.0", "1e0"])
    }
}
