import Foundation

/// The usual `process_*` series, read from `/proc/self` at scrape time (Linux).
struct ProcessMetrics {
    /// Clock ticks per second of `/proc`'s CPU times.
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private static let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    /// Writes CPU seconds, resident and virtual memory, open and maximum descriptors and the start time.
    static func write(to text: inout PrometheusText) {
        // Fields after the command name, which is in parentheses and may hold spaces.
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return }
        let fields = stat[stat.index(after: close)...].split(separator: " ").map(String.init)
        // fields[0] is field 3 (state): utime is field 14, stime 15, starttime 22, vsize 23, rss 24.
        func field(_ number: Int) -> Double { fields.count > number - 3 ? Double(fields[number - 3]) ?? 0 : 0 }
        text.family("process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.")
        text.sample("process_cpu_seconds_total", (field(14) + field(15)) / ticksPerSecond)
        text.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
        text.sample("process_resident_memory_bytes", field(24) * pageSize)
        text.family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.")
        text.sample("process_virtual_memory_bytes", field(23))
        if let bootTime {
            text.family("process_start_time_seconds", "gauge", "Start time of the process since the epoch, in seconds.")
            text.sample("process_start_time_seconds", bootTime + field(22) / ticksPerSecond)
        }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        text.family("process_open_fds", "gauge", "Open file descriptors.")
        text.sample("process_open_fds", descriptors)
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            text.family("process_max_fds", "gauge", "The most file descriptors the process may open.")
            text.sample("process_max_fds", Double(limit.rlim_cur))
        }
    }

    /// The system's boot time, seconds since the epoch (`btime` of `/proc/stat`).
    private static let bootTime: Double? = {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        let line = stat.split(separator: "\n").first { $0.hasPrefix("btime ") }
        return line.flatMap { Double($0.dropFirst(6)) }
    }()
}
