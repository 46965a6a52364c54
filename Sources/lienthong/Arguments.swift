/// The words after a command: `--flag value` options, `--switch` flags and positional arguments.
struct Arguments {
    private(set) var positional: [String] = []
    private var options: [String: String] = [:]
    private var switches: Set<String> = []

    /// Parses `words`; `valued` names the options that take a value.
    init(_ words: some Sequence<String>, valued: Set<String>) throws(UsageError) {
        var iterator = words.makeIterator()
        while let word = iterator.next() {
            if word.hasPrefix("--") {
                let name = String(word.dropFirst(2))
                if let equals = name.firstIndex(of: "=") {
                    options[String(name[..<equals])] = String(name[name.index(after: equals)...])
                } else if valued.contains(name) {
                    guard let value = iterator.next() else { throw UsageError("--\(name) needs a value") }
                    options[name] = value
                } else {
                    switches.insert(name)
                }
            } else {
                positional.append(word)
            }
        }
    }

    /// The value of `--name`, if given.
    func option(_ name: String) -> String? { options[name] }

    /// Whether `--name` was given.
    func flag(_ name: String) -> Bool { switches.contains(name) }
}

/// A command line that cannot be run: exit status 2 with the message.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
