import LienthongCore

extension Command {
    /// Reads `words` (the command line without the tool's own name) against this tool's declaration.
    ///
    /// `--help` or `-h` anywhere before `--` asks for the help of the deepest command named, whatever else is
    /// wrong with the line. Options may come before, between or after positional arguments; `--name=VALUE` is the
    /// same as `--name VALUE`; after `--` every word is positional; `-` alone is positional (standard input).
    public func parse(_ words: some Collection<String>) -> Invocation {
        let words = Array(words)
        let wantsHelp = words.prefix { $0 != "--" }.contains { $0 == "--help" || $0 == "-h" }
        var path = [self]
        var index = 0
        while !path[path.count - 1].subcommands.isEmpty {
            let command = path[path.count - 1]
            guard index < words.count else {
                if wantsHelp || path.count == 1 { return .help(path) }
                let names = command.subcommands.map(\.name).joined(separator: ", ")
                return .refused(UsageError(.missingSubcommand, "\(command.name) needs a subcommand: \(names)"), path)
            }
            let word = words[index]
            if word == "--help" || word == "-h" { return .help(path) }
            guard let subcommand = command.subcommand(word) else {
                let kind = path.count == 1 ? "command" : "\(command.name) subcommand"
                if word.hasPrefix("-") {
                    let names = command.subcommands.map(\.name).joined(separator: ", ")
                    let message = "unknown option '\(word)': options follow the \(kind) (\(names))"
                    return .refused(UsageError(.unknownOption, message), path)
                }
                let hint = Self.suggestion(for: word, among: command.subcommands.map(\.name))
                return .refused(UsageError(.unknownCommand, "unknown \(kind) '\(word)'\(hint)"), path)
            }
            path.append(subcommand)
            index += 1
        }
        if wantsHelp { return .help(path) }
        do {
            return .run(try Self.read(words[index...], path: path))
        } catch {
            return .refused(error, path)
        }
    }

    /// The options and positional arguments of the command that runs.
    private static func read(_ words: ArraySlice<String>, path: [Command]) throws(UsageError) -> Arguments {
        var arguments = Arguments(path: path)
        let command = arguments.command
        var rest = words.makeIterator()
        var onlyPositional = false
        while let word = rest.next() {
            if onlyPositional || word == "-" || !word.hasPrefix("-") {
                arguments.positional.append(word)
                continue
            }
            if word == "--" {
                onlyPositional = true
                continue
            }
            let text = word.hasPrefix("--") ? word.dropFirst(2) : word.dropFirst()
            let name = String(text.prefix { $0 != "=" })
            let inline = text.firstIndex(of: "=").map { String(text[text.index(after: $0)...]) }
            guard word.hasPrefix("--"), let option = command.option(named: name) else {
                let hint = suggestion(for: "--\(name)", among: command.options.map { "--\($0.name)" } + ["--help"])
                throw UsageError(.unknownOption, "unknown option '\(word.prefix { $0 != "=" })'\(hint)")
            }
            if option.kind == .flag {
                guard inline == nil else { throw UsageError(.unexpectedValue, "--\(name) takes no value") }
                arguments.add("", for: name)
                continue
            }
            guard let value = inline ?? rest.next(), inline != nil || !value.hasPrefix("--") else {
                throw UsageError(.missingValue, "--\(name): missing value \(option.valueName)")
            }
            guard option.format.accepts(value) else {
                throw UsageError(.invalidValue, "--\(name): \"\(value)\" is not \(option.format.expected)")
            }
            arguments.add(value, for: name)
        }
        try check(arguments)
        return arguments
    }

    /// Required options present, and as many positional arguments as declared.
    private static func check(_ arguments: Arguments) throws(UsageError) {
        let command = arguments.command
        for option in command.options where option.isRequired && arguments.values(option.name).isEmpty {
            throw UsageError(.missingOption, "missing \(option.synopsis)")
        }
        let given = arguments.positional.count
        let required = command.arguments.filter(\.isRequired).count
        if given < required {
            throw UsageError(.missingArgument, "missing \(command.arguments[given].name)")
        }
        if command.arguments.last?.isRepeating != true && given > command.arguments.count {
            let extra = arguments.positional[command.arguments.count]
            throw UsageError(.unexpectedArgument, "unexpected argument '\(extra)'")
        }
    }

    /// ` (did you mean 'X'?)` when one candidate is a typing slip away from `word`, else empty.
    static func suggestion(for word: String, among candidates: [String]) -> String {
        let scored = candidates.map { (candidate: $0, distance: EditDistance.between(word, $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }),
            best.distance <= (best.candidate.count > 5 ? 2 : 1)
        else { return "" }
        return " (did you mean '\(best.candidate)'?)"
    }
}
