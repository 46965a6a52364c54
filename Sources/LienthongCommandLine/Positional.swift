/// A positional argument of a ``Command``, e.g. `FILE|-` or an optional `[DB]`.
public struct Positional: Sendable {
    /// The placeholder in help, e.g. `DB|EXPORT`.
    public let name: String
    /// One line for the argument's row in help.
    public let help: String
    /// Whether the command refuses to run without it.
    public let isRequired: Bool
    /// Whether it takes every remaining word (only the last argument may).
    public let isRepeating: Bool

    /// Declares an argument; `repeating` takes every remaining word, one at least when `required`.
    public init(_ name: String, help: String, required: Bool = true, repeating: Bool = false) {
        self.name = name
        self.help = help
        self.isRequired = required
        self.isRepeating = repeating
    }

    /// `NAME`, `[NAME]`, `NAME...` or `[NAME...]`, as the usage line writes it.
    var synopsis: String {
        let word = isRepeating ? "\(name)..." : name
        return isRequired ? word : "[\(word)]"
    }
}
