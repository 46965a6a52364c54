/// A command line parsed against its ``Command``: which command, its positional arguments and option values.
public struct Arguments: Sendable {
    /// The commands from the tool down to the one that runs, e.g. `lienthong`, `audit`, `verify`.
    public let path: [Command]
    /// The positional arguments, in order.
    public internal(set) var positional: [String] = []
    private var values: [String: [String]] = [:]

    init(path: [Command]) { self.path = path }

    /// The command that runs.
    public var command: Command { path[path.count - 1] }

    /// The names from the tool down, e.g. `["lienthong", "audit", "verify"]`.
    public var names: [String] { path.map(\.name) }

    /// The name of the subcommand under a top-level command (`verify` for `lienthong audit verify`), if any.
    public var subcommand: String? { path.count > 2 ? path[2].name : nil }

    /// The value of `--name`, the last one if given several times.
    public func option(_ name: String) -> String? { checked(name).last }

    /// Every value of `--name`, in order.
    public func values(_ name: String) -> [String] { checked(name) }

    /// Whether `--name` was given.
    public func flag(_ name: String) -> Bool { !checked(name).isEmpty }

    mutating func add(_ value: String, for name: String) { values[name, default: []].append(value) }

    private func checked(_ name: String) -> [String] {
        assert(command.option(named: name) != nil, "--\(name) is not declared by \(names.joined(separator: " "))")
        return values[name] ?? []
    }
}
