import Foundation

extension Report {
    /// Section 9 of bench/run: document messages (send to delivery receipt stored) on SQLite and on JetStream, with
    /// the raw acknowledged JetStream publish rate of the same bytes beside them, and the JetStream ratio to it
    /// (the issue's target: at least 0.25).
    func messagesMarkdown() -> String {
        let scenarios = ["messages-sqlite", "messages-jetstream", "direct-jetstream-publish"]
        let found = directRuns.filter { scenarios.contains($0.scenario) }
        guard !found.isEmpty else { return "" }
        var out = "\n**Document messages** (1 KiB attachment; send → delivery receipt stored; raw: acknowledged "
        out += "publishes of the same request bytes through libnats, replicas 3)\n\n"
        out += "| senders | SQLite msg/s | p99 ms | JetStream msg/s | p99 ms | raw publish/s | p99 ms "
        out += "| JetStream / raw |\n"
        out += "|--:|--:|--:|--:|--:|--:|--:|--:|\n"
        for senders in Set(found.map(\.connections)).sorted() {
            func run(_ scenario: String) -> DirectRun? {
                found.first { $0.scenario == scenario && $0.connections == senders && $0.failure == nil }
            }
            let cells = scenarios.flatMap { scenario -> [String] in
                guard let run = run(scenario) else { return ["–", "–"] }
                return [String(format: "%.0f", run.opsPerSecond), String(format: "%.1f", run.p99)]
            }
            var ratio = "–"
            if let jetStream = run("messages-jetstream"), let raw = run("direct-jetstream-publish"),
                raw.opsPerSecond > 0
            {
                ratio = String(format: "%.3f", jetStream.opsPerSecond / raw.opsPerSecond)
            }
            out += "| \(senders) | " + (cells + [ratio]).joined(separator: " | ") + " |\n"
        }
        for failed in found where failed.failure != nil {
            out += "\n\(failed.scenario) c\(failed.connections): \(failed.failure ?? "")\n"
        }
        return out
    }
}
