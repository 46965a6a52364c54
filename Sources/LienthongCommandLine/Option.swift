/// An option of a ``Command``: a `--switch`, a `--name VALUE`, or a `--name VALUE` that may be repeated.
public struct Option: Sendable {
    /// How many values the option takes.
    public enum Kind: Sendable, Equatable {
        /// No value: present or not.
        case flag
        /// One value; given twice, the last one counts.
        case value
        /// One value each time; every one is kept, in order.
        case repeated
    }

    /// The name without its dashes, e.g. `listen` for `--listen`.
    public let name: String
    /// How many values it takes.
    public let kind: Kind
    /// The value's placeholder in help, e.g. `HOST:PORT`; empty for a flag.
    public let valueName: String
    /// One line for the option's row in help.
    public let help: String
    /// Whether the command refuses to run without it.
    public let isRequired: Bool
    /// What a value must look like.
    public let format: ValueFormat

    /// A `--name` switch.
    public static func flag(_ name: String, help: String) -> Option {
        Option(name: name, kind: .flag, valueName: "", help: help, isRequired: false, format: .any)
    }

    /// A `--name VALUE` option given at most once (the last one counts if given twice).
    public static func value(
        _ name: String, _ valueName: String, help: String, format: ValueFormat = .any, required: Bool = false
    ) -> Option {
        Option(name: name, kind: .value, valueName: valueName, help: help, isRequired: required, format: format)
    }

    /// A `--name VALUE` option that may be given several times.
    public static func repeated(
        _ name: String, _ valueName: String, help: String, format: ValueFormat = .any, required: Bool = false
    ) -> Option {
        Option(name: name, kind: .repeated, valueName: valueName, help: help, isRequired: required, format: format)
    }

    /// `--name VALUE`, `--name VALUE...` or `--name`, as the usage line writes it.
    var synopsis: String {
        switch kind {
        case .flag: "--\(name)"
        case .value: "--\(name) \(valueName)"
        case .repeated: "--\(name) \(valueName)..."
        }
    }
}
