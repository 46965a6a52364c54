import Foundation
import LienthongHTTP
import LienthongTrust
import Synchronization

/// The dashboard's browser sessions, held in memory: a random id in an HttpOnly, Secure, SameSite=Strict cookie,
/// with an absolute expiry and a CSRF token that every state-changing request of the session must repeat.
///
/// A session keeps the SHA-256 of the operator token it was opened with, not the operator: each request looks the
/// hash up in the current configuration, so an operator removed or a token revoked ends its sessions at once.
final class DashboardSessions: Sendable {
    /// One signed-in browser.
    struct Session: Sendable, Equatable {
        /// The cookie value: 32 random bytes.
        let id: String
        /// What state-changing requests repeat in ``DashboardSessions/csrfHeader`` or the form field `csrf`.
        let csrfToken: String
        let tokenHash: String
        var language: DashboardLanguage
        let expires: Date
    }

    static let cookieName = "lienthong_admin_session"
    static let csrfHeader = "Lienthong-CSRF"
    static let csrfField = "csrf"

    /// How long a session lasts from sign-in.
    let lifetime: TimeInterval
    /// How many sessions are held at most; opening one more drops the one closest to expiry.
    let capacity: Int
    private let sessions = Mutex<[String: Session]>([:])

    init(lifetime: TimeInterval = 8 * 3600, capacity: Int = 1000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Opens a session for the operator token with SHA-256 `tokenHash`.
    func open(tokenHash: String, language: DashboardLanguage, now: Date) -> Session {
        let session = Session(
            id: Base64URL.encode(SecureRandom.bytes(32)), csrfToken: Base64URL.encode(SecureRandom.bytes(32)),
            tokenHash: tokenHash, language: language, expires: now.addingTimeInterval(lifetime))
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.expires < $1.value.expires }) {
                sessions[oldest.key] = nil
            }
            sessions[session.id] = session
        }
        return session
    }

    /// The live session with cookie value `id`; `nil` when unknown or expired (an expired one is dropped).
    func session(_ id: String, now: Date) -> Session? {
        sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.expires > now else {
                sessions[id] = nil
                return nil
            }
            return session
        }
    }

    /// Remembers the language the session's browser chose last.
    func setLanguage(_ language: DashboardLanguage, of id: String) {
        sessions.withLock { $0[id]?.language = language }
    }

    /// Ends the session with cookie value `id`.
    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// Whether `request` may act in `session`: reads (GET, HEAD) always; anything else only when it repeats the
    /// session's CSRF token, in the header or in the form field.
    static func csrfHolds(_ request: HTTPRequest, in session: Session) -> Bool {
        if request.method == .get || request.method == .head { return true }
        guard let presented = request.headers[csrfHeader] ?? request.formValue(csrfField) else { return false }
        return HMAC.isEqual(Array(presented.utf8), Array(session.csrfToken.utf8))
    }

    /// The `Set-Cookie` value that hands `session` to the browser.
    func cookie(_ session: Session) -> String {
        "\(Self.cookieName)=\(session.id); Path=/; Max-Age=\(Int(lifetime)); HttpOnly; Secure; SameSite=Strict"
    }

    /// The `Set-Cookie` value that makes the browser forget its session.
    static let expiredCookie = "\(cookieName)=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
}

extension DashboardSessions {
    /// Whether a browser says it sent a state-changing `request` from another site (`Sec-Fetch-Site`), which no
    /// page of this listener does: refused whatever the credential, since a client certificate, like a cookie, is
    /// sent along by the browser. Tools such as curl send no such header.
    static func isCrossSite(_ request: HTTPRequest) -> Bool {
        guard request.method != .get, request.method != .head, let site = request.headers["Sec-Fetch-Site"] else {
            return false
        }
        return site != "same-origin" && site != "none"
    }
}
