public import Foundation
import LienthongCore

/// Connection strings with `{NAME}` placeholders, as configuration files hold them: the password and the host stay
/// out of the file and come from the environment (`postgresql://lienthong:{PGPASSWORD}@{PGHOST}/lienthong`).
public enum PostgresConninfo {
    /// `template` with each `{NAME}` replaced by `variables[NAME]`, else the environment variable `NAME`; `nil`
    /// when a placeholder has no value. A value is inserted as it is and not scanned for placeholders itself.
    public static func resolve(
        _ template: String, variables: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        try? PlaceholderTemplate.fill(template) { variables[$0] ?? environment[$0] }.get()
    }

    /// The first placeholder of `template` without a value in `environment`, or `nil` when every one has one: to
    /// name it in an error without showing the template, which may hold a password.
    public static func missingPlaceholder(
        in template: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        if case .failure(let missing) = PlaceholderTemplate.fill(template, { environment[$0] }) { return missing.name }
        return nil
    }
}
