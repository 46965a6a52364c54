import Foundation

extension Command {
    /// Runs the tool this command declares on the process's arguments, then exits: status 0 after printing help,
    /// 2 after a usage error (``UsageError`` thrown by `body` included), 1 after any other error, else the status
    /// `body` returns.
    ///
    /// ```swift
    /// await tool.main { arguments in
    ///     switch arguments.names[1] { … }
    /// }
    /// ```
    public func main(_ body: (Arguments) async throws -> Int32) async -> Never {
        switch parse(CommandLine.arguments.dropFirst()) {
        case .help(let path):
            print(Self.help(path: path))
            exit(0)
        case .refused(let error, let path):
            refuse(error, path)
        case .run(let arguments):
            do {
                exit(try await body(arguments))
            } catch let error as UsageError {
                refuse(error, arguments.path)
            } catch {
                FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
                exit(1)
            }
        }
    }

    /// Prints the error and the usage of the command it concerns to standard error, and exits 2.
    private func refuse(_ error: UsageError, _ path: [Command]) -> Never {
        let names = path.map(\.name).joined(separator: " ")
        let text = "\(name): \(error)\n\(Self.usage(path: path))\nSee '\(names) --help'.\n"
        FileHandle.standardError.write(Data(text.utf8))
        exit(2)
    }
}
