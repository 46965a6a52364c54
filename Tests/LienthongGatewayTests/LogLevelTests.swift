@testable import LienthongGateway
import Testing

struct LogLevelTests {
    @Test func theEnvironmentWinsThenNodeJSONThenInfo() throws {
        #expect(try LogLevel.resolve(environment: ["LIENTHONG_LOG_LEVEL": "error"], configured: .debug) == .error)
        #expect(try LogLevel.resolve(environment: ["LIENTHONG_LOG_LEVEL": "WARN"], configured: nil) == .warn)
        #expect(try LogLevel.resolve(environment: ["LIENTHONG_LOG_LEVEL": ""], configured: .debug) == .debug)
        #expect(try LogLevel.resolve(environment: [:], configured: nil) == .info)
    }

    @Test func anUnknownLevelIsRefused() {
        #expect(throws: ConfigurationError.self) {
            try LogLevel.resolve(environment: ["LIENTHONG_LOG_LEVEL": "verbose"], configured: nil)
        }
    }

    @Test(arguments: [
        (LogLevel.debug, [LogLevel.debug, .info, .warn, .error]), (.info, [.info, .warn, .error]),
        (.warn, [.warn, .error]), (.error, [.error]), (.off, []),
    ])
    func eachLevelWritesItselfAndAbove(level: LogLevel, written: [LogLevel]) {
        #expect([LogLevel.debug, .info, .warn, .error].filter(level.logs) == written)
    }
}
