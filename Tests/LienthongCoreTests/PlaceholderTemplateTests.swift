import LienthongCore
import Testing

struct PlaceholderTemplateTests {
    @Test func eachPlaceholderIsReplacedByItsValueInOnePass() {
        let values = ["host": "db.example", "key": "{host}", "port": "5432"]
        let filled = PlaceholderTemplate.fill("http://{host}:{port}/v1/{key}/{port}") { values[$0] }
        // A value is inserted as it is: `{host}` inside the key's value is not a placeholder.
        #expect(filled == .success("http://db.example:5432/v1/{host}/5432"))
    }

    @Test func theFirstPlaceholderWithoutAValueIsNamed() {
        let filled = PlaceholderTemplate.fill("postgresql://{USER}:{PASSWORD}@{HOST}") { $0 == "USER" ? "app" : nil }
        guard case .failure(let missing) = filled else {
            Issue.record("filled without a password: \(filled)")
            return
        }
        #expect(missing.name == "PASSWORD")
    }

    @Test func textWithoutPlaceholdersOrWithAnUnclosedBraceIsKept() {
        #expect(PlaceholderTemplate.fill("plain text") { _ in nil } == .success("plain text"))
        #expect(PlaceholderTemplate.fill("a { b") { _ in nil } == .success("a { b"))
        #expect(PlaceholderTemplate.fill("") { _ in nil } == .success(""))
    }
}
