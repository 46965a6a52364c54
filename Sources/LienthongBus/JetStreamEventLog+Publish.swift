import Foundation
import LienthongNodeStore

extension JetStreamEventLog {
    /// The node store's cursor of a registry: detection's cursor and the stream sequence it was written after, so
    /// that ``JetStreamEventLog/state(registry:)`` can tell whether the stream went on without it.
    struct Mark: Equatable {
        var sequence: UInt64
        var cursor: String

        init(sequence: UInt64, cursor: String) {
            self.sequence = sequence
            self.cursor = cursor
        }

        /// `SEQUENCE CURSOR`, as the node store keeps it.
        init?(encoded: String) {
            guard let space = encoded.firstIndex(of: " "), let sequence = UInt64(encoded[..<space]) else { return nil }
            self.init(sequence: sequence, cursor: String(encoded[encoded.index(after: space)...]))
        }

        var encoded: String { "\(sequence) \(cursor)" }
    }

    /// Publishes `event` as the stream's next message after `event.sequence - 1`, tried again (same id, same
    /// expectation) while JetStream does not answer within the acknowledgement timeout, e.g. while a server that
    /// died is replaced.
    /// - Throws: ``EventLogError/Code/sequenceConflict`` if another event holds that place,
    ///   ``EventLogError/Code/storage`` if JetStream did not acknowledge in time.
    func publish(
        _ event: StoredEvent, registry: String, resume: String, batch: ClosedRange<Int64>
    ) throws(EventLogError) {
        let subjects = EventSubjects(registry: registry)
        let place = UInt64(event.sequence)
        let deadline = ContinuousClock.now + settings.ackTimeout
        while true {
            let outcome: JetStreamConnection.ExpectedPublish
            do throws(JetStreamError) {
                outcome = try connection.publish(
                    subject: subjects.subject, messageID: event.id, payload: event.envelope,
                    headers: event.busHeaders(cursor: resume, batch: batch), expectedLast: place - 1)
            } catch {
                guard ContinuousClock.now < deadline else { throw EventLogError(.storage, error.description) }
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            switch outcome {
            case .stored(let sequence, _) where sequence == place:
                return
            case .stored, .wrongLastSequence:
                // Ours anyway if an earlier try was stored but its acknowledgement lost.
                if try storedID(subjects, at: place) == event.id { return }
                throw EventLogError(.sequenceConflict, "append to \(registry)")
            }
        }
    }

    /// The id of the event at `sequence`, if it is retained.
    private func storedID(_ subjects: EventSubjects, at sequence: UInt64) throws(EventLogError) -> String? {
        try bus("append") { () throws(JetStreamError) in
            try connection.message(stream: subjects.stream, sequence: sequence, headers: [StoredEvent.idHeader])?
                .headers[StoredEvent.idHeader]
        }
    }

    /// Creates or updates `subjects`' stream to the settings, once per stream since start.
    func prepare(_ subjects: EventSubjects) throws(EventLogError) {
        guard !preparedStreams.withLock({ $0.contains(subjects.stream) }) else { return }
        try bus("stream") { () throws(JetStreamError) in
            try connection.ensureStream(
                name: subjects.stream, subjects: [subjects.subject], replicas: settings.replicas,
                duplicateWindow: settings.duplicateWindow,
                retention: .limits(maxMessages: settings.retentionEvents, maxAge: settings.retention))
        }
        preparedStreams.withLock { _ = $0.insert(subjects.stream) }
    }

    /// Runs `body`, a JetStream failure reported as ``EventLogError/Code/storage`` of `operation`.
    func bus<T>(_ operation: String, _ body: () throws(JetStreamError) -> T) throws(EventLogError) -> T {
        do throws(JetStreamError) {
            return try body()
        } catch {
            throw EventLogError(.storage, "\(operation): \(error.description)")
        }
    }
}
