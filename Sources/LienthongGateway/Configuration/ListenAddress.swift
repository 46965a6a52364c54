/// `HOST:PORT` or `[IPv6]:PORT`, as `--listen` and `node.json` write a listen address.
enum ListenAddress {
    static func parse(_ text: String) throws(ConfigurationError) -> (host: String, port: Int) {
        let invalid = ConfigurationError(file: "node.json", pointer: "/listen", message: "'\(text)' is not HOST:PORT")
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else { throw invalid }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw invalid }
        return (host, port)
    }
}
