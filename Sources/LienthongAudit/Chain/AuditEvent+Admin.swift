public import Foundation

extension AuditEvent {
    /// The `service` of an operator's change on the admin listener: kept in the chain beside the exchanges, left out
    /// of the exchange reports.
    public static let adminService = "lienthong:admin"

    /// An operator's change: `consumer` is `operator:<name>`, `purpose` the action (e.g. `grant.put`), `fields` the
    /// configuration files it wrote.
    public static func admin(
        time: Date, requestID: String, operatorName: String, action: String, files: [String], status: Int,
        problemCode: String? = nil
    ) -> AuditEvent {
        AuditEvent(
            time: time, requestID: requestID, consumer: "operator:\(operatorName)", service: adminService,
            purpose: action, fields: files, outcome: status < 400 ? .allowed : .failed, status: status,
            problemCode: problemCode)
    }

    /// Whether the event is an operator's change rather than an exchange.
    public var isAdmin: Bool { service == Self.adminService }
}
