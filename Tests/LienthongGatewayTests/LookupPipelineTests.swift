import Foundation
import LienthongAudit
import LienthongCore
import LienthongJSON
import LienthongTrust
import Testing
@testable import LienthongGateway

/// The stages of ``LookupPipeline`` in memory (``PipelineFixture``): the order of the checks, what each kind
/// audits, and that the body carries the bytes that were signed.
struct LookupPipelineTests {
    /// The lookup kinds, as the routes run them.
    enum Kind: String, CaseIterable, Sendable {
        case record, profile, document
    }

    /// Runs `request` as `kind`; the body of an answer or its problem.
    static func answer(
        _ fixture: PipelineFixture, _ kind: Kind, _ request: LookupRequest,
        consumer: Result<Consumer, Problem> = .success(PipelineFixture.motcua)
    ) async -> Result<[UInt8], Problem> {
        let outcome: LookupOutcome
        switch kind {
        case .record: outcome = await fixture.pipeline.run(RecordLookup(), request, consumer: consumer)
        case .profile: outcome = await fixture.pipeline.run(ProfileLookup(), request, consumer: consumer)
        case .document:
            switch await fixture.pipeline.open(request, consumer: consumer) {
            case .open: return .failure(Problem(status: 200, code: "opened", title: "", detail: ""))
            case .problem(let problem): return .failure(problem)
            }
        }
        switch outcome {
        case .envelope(let body): return .success(body)
        case .problem(let problem): return .failure(problem)
        }
    }

    @Test(arguments: Kind.allCases)
    func anUnknownConsumerIs401BeforeAnythingElseAndAudited(kind: Kind) async throws {
        let fixture = try PipelineFixture()
        defer { fixture.audit.close() }
        let request = PipelineFixture.request("no-such-registry", key: "12345", purpose: nil, requestID: UUID().uuidString)
        let problem = GatewayProblems.unauthenticated("Present a client certificate or a bearer token.")
        let answer = await Self.answer(fixture, kind, request, consumer: .failure(problem))
        #expect(answer.failure?.code == "unauthenticated")
        let record = try #require(try fixture.records(request.requestID).first)
        #expect(record.outcome == .denied)
        #expect(record.status == 401)
        #expect(record.consumer == nil)
        #expect(record.service == nil)
        #expect(fixture.connectors["population"]?.lookups == 0)
    }

    /// Unknown registry, then purpose, then key, then policy: the first that fails answers.
    @Test(arguments: [
        ("no-such-registry", nil, "12345", ["population"], "unknown-registry"),
        ("population", nil, "12345", ["population"], "purpose-required"),
        ("population", PipelineFixture.purpose, "12345", ["population"], "invalid-identifier"),
        ("population", PipelineFixture.purpose, PipelineFixture.person, [], "access-denied"),
    ] as [(String, String?, String, [String], String)])
    func theFirstFailingCheckAnswers(
        registry: String, purpose: String?, key: String, grants: [String], code: String
    ) async throws {
        let fixture = try PipelineFixture(grants: grants)
        defer { fixture.audit.close() }
        let request = PipelineFixture.request(registry, key: key, purpose: purpose)
        let answer = await Self.answer(fixture, .record, request)
        #expect(answer.failure?.code == code)
        let record = try #require(try fixture.records(request.requestID).first)
        #expect(record.problemCode == code)
        #expect(record.consumer == "VN/GOV/HCM/MOTCUA")
        // The service is known once the registry is.
        #expect(record.service == (registry == "population" ? "VN/GOV/BCA/DANCU/person" : nil))
        #expect(fixture.connectors["population"]?.lookups == 0)
    }

    /// Every kind names its registry on the request's trace (the access log's `registry`), refused or not; the
    /// profile did not, so a refused profile's access line said `-`.
    @Test(arguments: Kind.allCases)
    func aRefusedLookupNamesItsRegistryOnTheTrace(kind: Kind) async throws {
        let fixture = try PipelineFixture(grants: [])
        defer { fixture.audit.close() }
        let trace = RequestTrace()
        let answer = await RequestTrace.$current.withValue(trace) {
            await Self.answer(fixture, kind, PipelineFixture.request())
        }
        #expect(answer.failure?.code == "access-denied")
        #expect(trace.notes.registries == ["population"])
    }

    @Test func aRecordBodyCarriesTheSignedBytesAndItsAuditTheirDigestAndFields() async throws {
        let fixture = try PipelineFixture()
        defer { fixture.audit.close() }
        let request = PipelineFixture.request(fields: "fullName")
        let body = try await Self.answer(fixture, .record, request).get()
        let envelope = try JSONValue.parse(body)
        let message = try #require(envelope["message"])
        #expect(message["record"] == ["fullName": "Nguyễn Văn A"])
        let canonical = try JCS.canonicalize(message)
        let prefix = Array(#"{"message":"#.utf8)
        #expect(Array(body.prefix(prefix.count + canonical.count)) == prefix + canonical)
        let record = try #require(try fixture.records(request.requestID).first)
        #expect(record.outcome == .allowed)
        #expect(record.fields == ["fullName"])
        #expect(record.messageSHA256 == Base64URL.encode(Digest.sha256(canonical)))
        #expect(record.subjectHMAC == fixture.audit.subjectHMAC(PipelineFixture.person))
    }

    @Test func aProfileAuditsEachPartAndWithholdsThoseOfRegistriesNotHosted() async throws {
        let fixture = try PipelineFixture()
        defer { fixture.audit.close() }
        let request = PipelineFixture.request()
        let body = try await Self.answer(fixture, .profile, request).get()
        let profile = try #require(try JSONValue.parse(body)["message"]?["record"])
        #expect(profile["person"]?["fullName"] == "Nguyễn Văn A")
        #expect(profile["enterprises"]?["withheld"] == true)
        #expect(profile["enterprises"]?["code"] == "unknown-registry")
        let records = try fixture.records(request.requestID)
        #expect(records.map(\.outcome) == [.allowed, .failed, .failed, .failed])
        #expect(records.map(\.problemCode) == [nil, "unknown-registry", "unknown-registry", "unknown-registry"])
        #expect(records[0].fields == ["fullName", "personalId"])
        #expect(Set(records.map(\.service)) == ["VN/GOV/BCA/DANCU/person"])
    }

    @Test func aProfilePartIsAuditedUnderItsOwnService() async throws {
        let fixture = try PipelineFixture(
            registries: ["population", "insurance"], grants: ["population"])
        defer { fixture.audit.close() }
        let request = PipelineFixture.request()
        _ = try await Self.answer(fixture, .profile, request).get()
        let insurance = try #require(try fixture.records(request.requestID).last)
        #expect(insurance.outcome == .denied)
        #expect(insurance.problemCode == "access-denied")
        #expect(insurance.service == "VN/GOV/BHXH/BHXH/insurance")
        #expect(fixture.connectors["insurance"]?.lookups == 0)
    }

    /// A lookup that could not be signed is refused before its back end is asked.
    @Test(arguments: [Kind.record, .profile])
    func withoutTheProvidersKeyNoBackEndIsAsked(kind: Kind) async throws {
        let fixture = try PipelineFixture(signers: false)
        defer { fixture.audit.close() }
        let answer = await Self.answer(fixture, kind, PipelineFixture.request())
        #expect(answer.failure?.code == "internal-error")
        #expect(fixture.connectors["population"]?.lookups == 0)
    }

    /// A caller-chosen request id is admitted once per consumer, for every kind alike.
    @Test(arguments: [Kind.record, .profile])
    func aGivenRequestIDIsAReplayTheSecondTime(kind: Kind) async throws {
        let fixture = try PipelineFixture()
        defer { fixture.audit.close() }
        let id = UUID().uuidString.lowercased()
        #expect(await (try? Self.answer(fixture, kind, PipelineFixture.request(requestID: id)).get()) != nil)
        let again = await Self.answer(fixture, kind, PipelineFixture.request(requestID: id))
        #expect(again.failure?.code == "replay-detected")
        #expect(fixture.connectors["population"]?.lookups == 1)
    }

    /// The rate limit counts before the replay window, so a refused request may be sent again with its id.
    @Test func aRateLimitedRequestDoesNotSpendItsRequestID() async throws {
        let fixture = try PipelineFixture(rateLimit: RateLimit(requestsPerSecond: 1, burst: 1))
        defer { fixture.audit.close() }
        _ = try await Self.answer(fixture, .record, PipelineFixture.request()).get()
        let id = UUID().uuidString.lowercased()
        let limited = await Self.answer(fixture, .profile, PipelineFixture.request(requestID: id))
        #expect(limited.failure?.code == "rate-limited")
        #expect(fixture.connectors["population"]?.lookups == 1)
    }
}

extension Result where Failure == Problem {
    /// The problem, if this is one.
    var failure: Problem? {
        if case .failure(let problem) = self { return problem }
        return nil
    }
}
