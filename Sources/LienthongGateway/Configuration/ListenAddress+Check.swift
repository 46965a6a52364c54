extension GatewayConfiguration {
    /// Whether `text` is a listen address ``load(configDirectory:dataDirectory:listen:)`` accepts (`HOST:PORT` or
    /// `[IPv6]:PORT`), so that `serve --listen` refuses a bad one naming the flag rather than node.json.
    public static func isListenAddress(_ text: String) -> Bool { (try? ListenAddress.parse(text)) != nil }
}
