import LienthongHTTP

extension AdminAPI {
    /// Each route's methods, with the role each needs: reading is for viewers, changing for operators, keys for
    /// security officers.
    static let endpoints: [AdminRoute: [HTTPMethod: Endpoint]] = [
        .healthz: [.get: Endpoint(role: nil) { _, _ in .json(["status": "ok"]) }],
        .readyz: [.get: Endpoint(role: .viewer) { api, _ in await api.readiness() }],
        .metrics: [.get: Endpoint(role: .viewer) { api, _ in await api.metrics() }],
        .status: [.get: Endpoint(role: .viewer) { api, _ in api.status() }],
        .configuration: [.get: Endpoint(role: .viewer) { api, _ in api.configuration() }],
        .connectors: [.get: Endpoint(role: .viewer) { api, _ in await api.connectors() }],
        .connectorTest: [.post: Endpoint(role: .operator) { api, call in await api.testConnector(call) }],
        .audit: [.get: Endpoint(role: .viewer) { api, _ in api.auditStatus() }],
        .monthlyReport: [.get: Endpoint(role: .viewer) { api, call in await api.monthlyReport(call) }],
        .consumers: [
            .put: Endpoint(role: .operator) { api, call in await api.putConsumer(call) },
            .delete: Endpoint(role: .operator) { api, call in await api.deleteConsumer(call) },
        ],
        .consumerTokens: [
            .post: Endpoint(role: .operator) { api, call in await api.issueToken(call) },
            .delete: Endpoint(role: .operator) { api, call in await api.revokeToken(call) },
        ],
        .grants: [
            .put: Endpoint(role: .operator) { api, call in await api.putGrant(call) },
            .delete: Endpoint(role: .operator) { api, call in await api.deleteGrant(call) },
        ],
        .registries: [
            .put: Endpoint(role: .operator) { api, call in await api.putRegistry(call) },
            .delete: Endpoint(role: .operator) { api, call in await api.deleteRegistry(call) },
        ],
        .reload: [.post: Endpoint(role: .operator) { api, call in await api.reload(call) }],
        .keys: [.get: Endpoint(role: .viewer) { api, _ in api.keys() }],
        .keySigningRequest: [
            .post: Endpoint(role: .securityOfficer) { api, call in await api.keySigningRequest(call) }
        ],
        .keyImport: [.post: Endpoint(role: .securityOfficer) { api, call in await api.importKeyCertificate(call) }],
        .keyRotation: [.post: Endpoint(role: .securityOfficer) { api, call in await api.rotateKey(call) }],
        .dashboard: [.get: Endpoint(role: .viewer, page: true) { api, call in await api.dashboard(call) }],
        .dashboardLogin: [
            .get: Endpoint(role: nil) { api, call in api.signInForm(call) },
            .post: Endpoint(role: nil) { api, call in api.signIn(call) },
        ],
        .dashboardLogout: [.post: Endpoint(role: .viewer, page: true) { api, call in api.signOut(call) }],
    ]
}
