/// `HOST:PORT` or `[IPv6]:PORT`, as `--listen` and `node.json` write a listen address.
enum ListenAddress {
    /// The host and port of `text`.
    /// - Parameters:
    ///   - file: Where the address was written, for the error.
    ///   - pointer: Its JSON Pointer in `file`.
    static func parse(
        _ text: String, file: String = "node.json", pointer: String = "/listen"
    ) throws(ConfigurationError) -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw ConfigurationError(file: file, pointer: pointer, message: "'\(text)' is not HOST:PORT")
        }
        guard (0...65_535).contains(port) else {
            throw ConfigurationError(file: file, pointer: pointer, message: "port \(port) is not in 0-65535")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else {
            throw ConfigurationError(file: file, pointer: pointer, message: "'\(text)' is not HOST:PORT")
        }
        return (host, port)
    }
}
