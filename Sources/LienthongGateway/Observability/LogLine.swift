import Foundation
import LienthongCore
import LienthongJSON

/// One JSON log line written field by field, in order, straight into bytes: the writer thread formats a line for
/// every request, so it builds no `JSONValue` first.
struct LogLine {
    private var bytes: [UInt8] = []

    /// Starts the line with its `time` and `level`.
    init(time: Date, level: LogLevel) {
        bytes.reserveCapacity(384)
        bytes.append(UInt8(ascii: "{"))
        field("time", Timestamp.rfc3339(time, milliseconds: true))
        field("level", level.rawValue)
    }

    /// `"name":"value"`, the value escaped as JSON.
    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        JSONValue.appendString(value, to: &bytes)
    }

    /// `"name":123`.
    mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Milliseconds to the microsecond (`12.345`, `0.058`, `7`), or `null` without a duration.
    mutating func field(_ name: StaticString, milliseconds duration: Duration?) {
        key(name)
        guard let duration else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        let microseconds = max(0, duration.wholeMicroseconds)
        bytes.append(contentsOf: String(microseconds / 1000).utf8)
        var fraction = microseconds % 1000
        guard fraction > 0 else { return }
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        bytes.append(UInt8(ascii: "."))
        let text = String(fraction)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits - text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }

    /// The finished line: `}` and a newline.
    consuming func finished() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    private mutating func key(_ name: StaticString) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }
}
