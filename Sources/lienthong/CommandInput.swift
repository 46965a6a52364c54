import Foundation
import LienthongCommandLine

/// The bytes a command reads from a FILE argument, where `-` is standard input.
enum CommandInput {
    /// The whole of `path` (or standard input for `-`).
    /// - Throws: ``UsageError`` if the file cannot be read.
    static func read(_ path: String) throws(UsageError) -> [UInt8] {
        if path == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }
        return [UInt8](data)
    }
}
