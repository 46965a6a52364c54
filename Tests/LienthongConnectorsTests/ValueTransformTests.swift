import Foundation
import LienthongConnectors
import LienthongJSON
import Testing

struct ValueTransformTests {
    /// Maps `value` (column `col`) through `transforms` into `/out`.
    private func map(_ value: JSONValue, _ transforms: JSONValue, codeLists: CodeLists = CodeLists()) throws(MappingError)
        -> JSONValue?
    {
        let mapping = try RecordMapping(
            registry: "test", configuration: [["target": "/out", "source": "col", "transforms": transforms]],
            codeLists: codeLists)
        return try mapping.map(["col": value])["out"]
    }

    private func failure(_ value: JSONValue, _ transforms: JSONValue, codeLists: CodeLists = CodeLists()) throws
        -> MappingError
    {
        let error = try #require(throws: MappingError.self) { _ = try map(value, transforms, codeLists: codeLists) }
        #expect(error.field == "col" && error.target == "/out" && error.registry == "test")
        if case .string(let text) = value { #expect(!error.detail.contains(text) && !error.description.contains(text)) }
        return error
    }

    @Test(arguments: [
        ("dd/MM/yyyy", "05/09/1990", "1990-09-05"), ("dd/MM/yyyy", "29/02/2000", "2000-02-29"),
        ("yyyyMMdd", "20240131", "2024-01-31"), ("MM/yyyy", "03/2015", "2015-03-01"),
        ("yyyy-MM-dd'T'HH:mm:ss", "2019-03-04T00:00:00", "2019-03-04"),
    ])
    func dateFormats(pattern: String, input: String, iso: String) throws {
        #expect(try map(.string(input), [["date": .string(pattern)]]) == .string(iso))
    }

    @Test(arguments: [
        ("dd/MM/yyyy", "29/02/1900"), ("dd/MM/yyyy", "1990-09-05"), ("yyyyMMdd", "2024013"), ("MM/yyyy", "13/2015"),
        ("yyyy-MM-dd'T'HH:mm:ss", "2019-03-04T25:00:00"), ("dd/MM/yyyy", "05/09/1990 "),
    ])
    func invalidDatesNameTheRule(pattern: String, input: String) throws {
        let error = try failure(.string(input), [["date": .string(pattern)]])
        #expect(error.code == .invalidDate)
        #expect(error.rule == "date(\(pattern))")
    }

    @Test func yyyyMMddAcceptsAnIntegerColumn() throws {
        #expect(try map(20240131, [["date": "yyyyMMdd"]]) == "2024-01-31")
    }

    @Test func nfcComposesAndTrimTrims() throws {
        let nfd = "Đặng Thị Ánh".decomposedStringWithCanonicalMapping
        let out = try #require(try map(.string("  \(nfd)\n"), ["trim", "nfc"])?.stringValue)
        #expect(Array(out.unicodeScalars) == Array("Đặng Thị Ánh".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(out.unicodeScalars.count == "Đặng Thị Ánh".precomposedStringWithCanonicalMapping.unicodeScalars.count)
        let error = try failure(["nested": 1], ["nfc"])
        #expect(error.code == .typeMismatch && error.rule.hasPrefix("nfc"))
    }

    @Test(arguments: [
        ("\u{00A0}Hà  Nội\u{3000}", "Hà  Nội"), ("\tHà Nội\r\n", "Hà Nội"), ("Hà Nội", "Hà Nội"), (" a ", "a"),
        ("x\u{2028}", "x"),
    ])
    func trimRemovesSurroundingSpaceOnly(input: String, expected: String) throws {
        #expect(try map(.string(input), ["trim"]) == .string(expected))
    }

    @Test func nfcKeepsASCIIAndComposesTheRest() throws {
        #expect(try map("CCCD 001090012345", ["nfc"]) == "CCCD 001090012345")
        let composed = try #require(try map(.string("Nguyễn".decomposedStringWithCanonicalMapping), ["nfc"])?.stringValue)
        #expect(composed.unicodeScalars.count == 6)
    }

    /// Text already in NFC is kept as it is; the rest is composed: either way the result is Foundation's NFC.
    @Test(arguments: [
        "Nguyễn Thị Ánh", "Nguyễn".decomposedStringWithCanonicalMapping, "a\u{0302}\u{0323}", "a\u{0323}\u{0302}",
        "\u{212B}ngström", "\u{0958}", "\u{1100}\u{1161}", "\u{0B47}\u{0B3E}", "Đắk Lắk", "東京", "x\u{0301}\u{0301}",
    ])
    func nfcAgreesWithFoundation(input: String) throws {
        let expected = Array(input.precomposedStringWithCanonicalMapping.unicodeScalars)
        let mapped = try #require(try map(.string(input), ["nfc"])?.stringValue)
        #expect(Array(mapped.unicodeScalars) == expected)
    }

    @Test func inlineCodeListMatchesDecomposedInput() throws {
        #expect(try map(.string("Nữ".decomposedStringWithCanonicalMapping), [["codeList": ["Nam": "male", "Nữ": "female"]]]) == "female")
        #expect(try map(2, [["codeList": ["1": "a", "2": "b"]]]) == "b")
        let error = try failure("Khác", [["codeList": ["Nam": "male"]]])
        #expect(error.code == .unknownCode && error.rule == "codeList(inline)")
    }

    @Test func namedCodeListFromAdministrativeUnits() throws {
        let lists = try RecordMappingTests.codeLists()
        #expect(try map("00004", [["codeList": "administrative-units/communes"]], codeLists: lists) == "Phường Ba Đình")
        #expect(try map("79", [["codeList": "administrative-units/provinces"]], codeLists: lists) == "Thành phố Hồ Chí Minh")
        let error = try failure("99999", [["codeList": "administrative-units/communes"]], codeLists: lists)
        #expect(error.code == .unknownCode && error.rule == "codeList(administrative-units/communes)")
    }

    @Test func integerFromTextOrNumber() throws {
        #expect(try map("5500000000", ["integer"]) == .number(JSONNumber(5_500_000_000)))
        #expect(try map(42, ["integer"]) == 42)
        #expect(try failure("12,5", ["integer"]).code == .invalidInteger)
        #expect(try failure(.number(JSONNumber(1.5)), ["integer"]).rule == "integer")
    }

    @Test func decimalWithCommaOrPoint() throws {
        #expect(try map("123,5", ["decimal"])?.numberValue?.double == 123.5)
        #expect(try map("1.234,25", ["decimal"])?.numberValue?.double == 1234.25)
        #expect(try map("85.5", ["decimal"])?.numberValue?.double == 85.5)
        #expect(try map("200", ["decimal"])?.numberValue?.double == 200)
        let error = try failure("12,3,4", ["decimal"])
        #expect(error.code == .invalidDecimal && error.rule == "decimal")
        #expect(try failure("abc", ["decimal"]).code == .invalidDecimal)
    }

    @Test func splitThenTransformEachElement() throws {
        #expect(try map("4610; 4659;;6201", [["split": ";"]]) == ["4610", "4659", "6201"])
        #expect(try map("01;79", [["split": ";"], ["codeList": ["01": "HN", "79": "HCM"]]]) == ["HN", "HCM"])
        #expect(try failure(true, [["split": ";"]]).code == .typeMismatch)
    }

    @Test func blankOrNullSourceIsMissing() throws {
        // Blank is every character white space: a character's first scalar decides, a combining mark follows it.
        for value: JSONValue in [.null, "", "   ", "\t\r\n", "\u{00A0}\u{3000}", " \u{0301}"] {
            let error = try failure(value, ["trim"])
            #expect(error.code == .missingField && error.rule == "required")
        }
        #expect(try map("\u{0301}", ["nfc"]) == "\u{0301}")
    }

    /// Text beyond plain ASCII, and patterns with a literal beyond one ASCII byte, are read character by character:
    /// a literal matches a canonically equivalent one (U+212A KELVIN SIGN is "K") and CR LF is one character.
    @Test(arguments: [
        ("yyyy'\u{212A}'MM", "2020K05", "2020-05-01"), ("yyyy'\r\n'MM", "2020\r\n05", "2020-05-01"),
        ("dd.MM.yyyy", "05.09.0990", "0990-09-05"), ("yyyy'é'MM", "2020e\u{0301}05", "2020-05-01"),
    ])
    func datesReadCharacterByCharacter(pattern: String, input: String, iso: String) throws {
        #expect(try map(.string(input), [["date": .string(pattern)]]) == .string(iso))
    }

    /// A digit carrying a combining mark, or a digit other than ASCII, is no digit; a CR alone is not CR LF.
    @Test(arguments: [
        ("dd/MM/yyyy", "05/0\u{0301}9/1990"), ("yyyy'\r\n'MM", "2020\r05"),
        ("yyyyMM", "\u{FF12}\u{FF10}\u{FF12}\u{FF10}05"), ("yyyy'\u{212A}'MM", "2020k05"),
        ("dd/MM/yyyy", "05/09/1990\u{0301}"),
    ])
    func datesWithMarksOrOtherDigitsAreInvalid(pattern: String, input: String) throws {
        #expect(try failure(.string(input), [["date": .string(pattern)]]).code == .invalidDate)
    }
}
