import Foundation
import LienthongHTTP
import Testing

/// The dashboard's sign-in, session cookie and CSRF rule on the built binary, over plain HTTP requests (the browser
/// run is `DashboardBrowserTests`).
@Suite(.serialized)
struct DashboardSessionTests {
    static let form: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]

    /// Signs in with `token`; the session cookie (`name=value`) and the whole `Set-Cookie`.
    static func signIn(_ gateway: GatewayProcess, token: String, client: HTTPClient) async throws
        -> (cookie: String, setCookie: String)
    {
        let response = try await client.send(
            HTTPClientRequest(
                url: gateway.adminURL + "/dashboard/login", method: .post, headers: form,
                body: Array("token=\(token)&lang=en".utf8)))
        #expect(response.status == 303)
        #expect(response.headers["Location"] == "/dashboard?lang=en")
        let setCookie = try #require(response.headers["Set-Cookie"])
        return (String(setCookie.prefix { $0 != ";" }), setCookie)
    }

    /// The page of the session, and the CSRF token it carries.
    static func page(_ gateway: GatewayProcess, cookie: String, client: HTTPClient) async throws
        -> (status: Int, csrf: String?)
    {
        let response = try await client.send(
            HTTPClientRequest(url: gateway.adminURL + "/dashboard", headers: ["Cookie": cookie]))
        let html = String(decoding: response.body, as: UTF8.self)
        let marker = #"<meta name="lienthong-csrf" content=""#
        let csrf = html.range(of: marker).map { String(html[$0.upperBound...].prefix { $0 != "\"" }) }
        return (response.status, csrf)
    }

    static func test(_ gateway: GatewayProcess, headers: HTTPHeaders, client: HTTPClient) async throws
        -> HTTPClientResponse
    {
        try await client.send(
            HTTPClientRequest(
                url: gateway.adminURL + "/v1/connectors/population/test", method: .post, headers: headers))
    }

    @Test func aSessionReadsAndChangesOnlyWithItsCSRFTokenAndEndsOnSignOut() async throws {
        let gateway = try SharedGateway.get()
        let client = gateway.client()
        let anonymous = try await client.send(HTTPClientRequest(url: gateway.adminURL + "/dashboard"))
        #expect(anonymous.status == 303)
        #expect(anonymous.headers["Location"] == "/dashboard/login?lang=vi")
        let wrong = try await client.send(
            HTTPClientRequest(
                url: gateway.adminURL + "/dashboard/login", method: .post, headers: Self.form,
                body: Array("token=lt_wrong".utf8)))
        #expect(wrong.status == 401)
        #expect(wrong.headers["Set-Cookie"] == nil)
        #expect(String(decoding: wrong.body, as: UTF8.self).contains(#"id="login-error""#))

        let viewer = try await Self.signIn(gateway, token: try gateway.adminToken("viewer"), client: client)
        for attribute in ["HttpOnly", "Secure", "SameSite=Strict"] { #expect(viewer.setCookie.contains(attribute)) }
        let viewerPage = try await Self.page(gateway, cookie: viewer.cookie, client: client)
        #expect(viewerPage.status == 200)
        let viewerCSRF = try #require(viewerPage.csrf)
        let bare = try await Self.test(gateway, headers: ["Cookie": viewer.cookie], client: client)
        #expect(bare.status == 403 && bare.problemCode == "admin-csrf")
        let forged = try await Self.test(
            gateway, headers: ["Cookie": viewer.cookie, "Lienthong-CSRF": viewerCSRF], client: client)
        #expect(forged.status == 403 && forged.problemCode == "admin-forbidden")

        let operatorSession = try await Self.signIn(gateway, token: try gateway.adminToken("operator"), client: client)
        let operatorPage = try await Self.page(gateway, cookie: operatorSession.cookie, client: client)
        let operatorCSRF = try #require(operatorPage.csrf)
        #expect(operatorCSRF != viewerCSRF)
        let withoutToken = try await Self.test(gateway, headers: ["Cookie": operatorSession.cookie], client: client)
        #expect(withoutToken.status == 403 && withoutToken.problemCode == "admin-csrf")
        // Another session's token is no good either.
        let otherToken = try await Self.test(
            gateway, headers: ["Cookie": operatorSession.cookie, "Lienthong-CSRF": viewerCSRF], client: client)
        #expect(otherToken.status == 403 && otherToken.problemCode == "admin-csrf")
        let crossSite = try await Self.test(
            gateway,
            headers: ["Cookie": operatorSession.cookie, "Lienthong-CSRF": operatorCSRF, "Sec-Fetch-Site": "cross-site"],
            client: client)
        #expect(crossSite.status == 403 && crossSite.problemCode == "admin-csrf")
        let ran = try await Self.test(
            gateway, headers: ["Cookie": operatorSession.cookie, "Lienthong-CSRF": operatorCSRF], client: client)
        #expect(ran.status == 200 && ran.json["ok"] == true)

        let refusedSignOut = try await client.send(
            HTTPClientRequest(
                url: gateway.adminURL + "/dashboard/logout", method: .post,
                headers: ["Cookie": operatorSession.cookie, "Content-Type": "application/x-www-form-urlencoded"]))
        #expect(refusedSignOut.status == 403)
        let signOut = try await client.send(
            HTTPClientRequest(
                url: gateway.adminURL + "/dashboard/logout", method: .post,
                headers: ["Cookie": operatorSession.cookie, "Content-Type": "application/x-www-form-urlencoded"],
                body: Array("csrf=\(operatorCSRF)".utf8)))
        #expect(signOut.status == 303)
        #expect(signOut.headers["Set-Cookie"]?.contains("Max-Age=0") == true)
        #expect(try await Self.page(gateway, cookie: operatorSession.cookie, client: client).status == 303)
        // An ended session's browser is sent to the sign-in form, its cookie cleared, even when it signs out again.
        let again = try await client.send(
            HTTPClientRequest(
                url: gateway.adminURL + "/dashboard/logout", method: .post,
                headers: ["Cookie": operatorSession.cookie, "Content-Type": "application/x-www-form-urlencoded"],
                body: Array("csrf=\(operatorCSRF)".utf8)))
        #expect(again.status == 303 && again.headers["Location"] == "/dashboard/login?lang=vi")
        #expect(again.headers["Set-Cookie"]?.contains("Max-Age=0") == true)
        #expect(try await Self.page(gateway, cookie: viewer.cookie, client: client).status == 200)
    }

    @Test func aTokenOrCertificateReadsThePageWithoutASessionAndABrowsersCrossSiteChangeIsRefused() async throws {
        let gateway = try SharedGateway.get()
        let client = gateway.client()
        let page = try await gateway.admin("/dashboard?lang=vi", client: client)
        #expect(page.status == 200)
        #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(String(decoding: page.body, as: UTF8.self).contains("Bảng điều khiển Lienthong"))
        #expect(try await gateway.admin("/dashboard?month=2026-13", client: client).status == 400)
        let crossSite = try await client.send(
            HTTPClientRequest(
                url: gateway.adminURL + "/v1/connectors/population/test", method: .post,
                headers: [
                    "Authorization": "Bearer \(try gateway.adminToken("operator"))", "Sec-Fetch-Site": "cross-site",
                ]))
        #expect(crossSite.status == 403 && crossSite.problemCode == "admin-csrf")
    }
}
