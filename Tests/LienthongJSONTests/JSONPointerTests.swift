import Testing

@testable import LienthongJSON

struct JSONPointerTests {
    /// The example document of RFC 6901 section 5.
    private let document: JSONValue = [
        "foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, "k\"l": 6, " ": 7,
        "m~n": 8,
    ]

    @Test(arguments: [
        ("/foo", ["bar", "baz"] as JSONValue), ("/foo/0", "bar"), ("/", 0), ("/a~1b", 1), ("/c%d", 2), ("/e^f", 3),
        ("/g|h", 4), ("/i\\j", 5), ("/k\"l", 6), ("/ ", 7), ("/m~0n", 8),
    ])
    func resolvesRFC6901Examples(_ text: String, _ expected: JSONValue) throws {
        #expect(try JSONPointer(text).resolve(in: document) == expected)
    }

    @Test func emptyPointerIsTheWholeDocument() throws {
        let pointer = try JSONPointer("")
        #expect(pointer.tokens.isEmpty)
        #expect(pointer == .root)
        #expect(pointer.resolve(in: document) == document)
    }

    @Test(arguments: ["/foo/-", "/foo/2", "/foo/01", "/foo/+1", "/foo/-1", "/foo/ 1", "/missing", "/foo/0/x", "/a~1b/0"])
    func unresolvablePointersGiveNil(_ text: String) throws {
        #expect(try JSONPointer(text).resolve(in: document) == nil)
    }

    @Test(arguments: ["a", "foo/0", "/~2", "/a~", "/~a"])
    func malformedPointersAreRejected(_ text: String) {
        let error = #expect(throws: JSONError.self) { try JSONPointer(text) }
        #expect(error?.code == .pointerSyntax)
    }

    @Test func tokensAreUnescapedAndDescriptionReescapes() throws {
        let pointer = try JSONPointer("/a~1b/~01/~10/")
        #expect(pointer.tokens == ["a/b", "~1", "/0", ""])
        #expect(pointer.description == "/a~1b/~01/~10/")
    }

    @Test func appendingEscapesSpecialCharacters() {
        var pointer = JSONPointer.root.appending("a/b").appending("m~n").appending(index: 3)
        pointer.append("é")
        #expect(pointer.description == "/a~1b/m~0n/3/é")
        #expect(pointer.parent?.description == "/a~1b/m~0n/3")
        #expect(JSONPointer.root.parent == nil)
    }
}
