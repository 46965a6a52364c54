extension Command {
    /// The usage line of the last command of `path` (the tool first), e.g.
    /// `usage: lienthong report --month YYYY-MM [--format FORMAT] [--db PATH]`.
    public static func usage(path: [Command]) -> String {
        let command = path[path.count - 1]
        let prefix = "usage: " + path.map(\.name).joined(separator: " ")
        guard command.subcommands.isEmpty else {
            return prefix + (path.count == 1 ? " <command> [options]" : " <subcommand> [options]")
        }
        let required = command.options.filter(\.isRequired).map(\.synopsis)
        let optional = command.options.filter { !$0.isRequired }.map { "[\($0.synopsis)]" }
        let words = command.arguments.map(\.synopsis) + required + optional
        return TextLayout.wrap(words, after: prefix)
    }

    /// The whole help of the last command of `path`: usage, summary, discussion, then its arguments and options,
    /// or the commands under it with their summaries.
    public static func help(path: [Command]) -> String {
        let command = path[path.count - 1]
        var sections = [usage(path: path), command.summary]
        if !command.discussion.isEmpty { sections.append(command.discussion) }
        if command.subcommands.isEmpty {
            var rows = command.arguments.map { (left: $0.name, right: $0.help) }
            if !rows.isEmpty { sections.append("arguments:\n" + TextLayout.table(rows)) }
            rows = command.options.map { (left: $0.synopsis, right: $0.help + ($0.isRequired ? " (required)" : "")) }
            rows.append((left: "-h, --help", right: "show this help"))
            sections.append("options:\n" + TextLayout.table(rows))
        } else {
            let names = path.map(\.name).joined(separator: " ")
            let rows = command.leaves().map { (left: $0.names.joined(separator: " "), right: $0.summary) }
            sections.append((path.count == 1 ? "commands:\n" : "subcommands:\n") + TextLayout.table(rows))
            sections.append("'\(names) <\(path.count == 1 ? "command" : "subcommand")> --help' shows its options.")
        }
        return sections.joined(separator: "\n\n")
    }

    /// Every command under this one that runs (has no subcommands), with its names below this one.
    private func leaves() -> [(names: [String], summary: String)] {
        subcommands.flatMap { child in
            child.subcommands.isEmpty
                ? [(names: [child.name], summary: child.summary)]
                : child.leaves().map { (names: [child.name] + $0.names, summary: $0.summary) }
        }
    }
}
