import Testing

@testable import LienthongJSON

struct JSONSerializerTests {
    @Test func compactOutputSortsKeysAndKeepsNormalLiterals() throws {
        let value = try JSONValue.parse(#"{"b": 9007199254740993, "a": [4.50, 1E30, -0, 1.5e-7, "x\ny"], "c": null}"#)
        #expect(value.serializedString() == #"{"a":[4.5,1e+30,0,1.5e-7,"x\ny"],"b":9007199254740993,"c":null}"#)
    }

    @Test func prettyOutputIndentsTwoSpaces() {
        let value: JSONValue = ["b": [1, true], "a": [:], "c": []]
        #expect(value.serializedString(pretty: true) == """
            {
              "a": {},
              "b": [
                1,
                true
              ],
              "c": []
            }
            """)
    }

    @Test func nonFiniteNumbersSerialiseAsNull() {
        #expect(JSONValue.array([.number(JSONNumber(.nan)), .number(JSONNumber(.infinity))]).serializedString()
            == "[null,null]")
    }

    @Test(arguments: [
        ("0", true), ("-1", true), ("12.5", true), ("1e5", true), ("1e-7", true), ("1e+21", true),
        ("-0", false), ("4.50", false), ("1E30", false), ("01", false), ("1e05", false), ("1.", false), ("inf", false),
        ("nan", false), ("", false), ("1.0", false),
    ])
    func normalLiteralsAreRecognised(_ literal: String, _ normal: Bool) {
        #expect(JSONWriter.isNormalLiteral(literal) == normal)
    }

    @Test func roundTripsThroughTheParser() throws {
        let text = #"{"a":[1,2.5,"é\u0000",{"b":false}],"€":{"":null}}"#
        let value = try JSONValue.parse(text)
        #expect(try JSONValue.parse(value.serializedBytes()) == value)
        #expect(try JSONValue.parse(value.serializedBytes(pretty: true)) == value)
        #expect(value.serializedString() == #"{"a":[1,2.5,"é\u0000",{"b":false}],"€":{"":null}}"#)
    }
}
