/// Holds the signed heads of a node's audit chain outside the node's data directory, so that removing or
/// replacing the log's tail (records and checkpoints together) is still detected.
///
/// The embedded default is ``AuditWitnessFile``; the federation authority or a peer node can be another.
/// ``AuditLog`` hands every checkpoint to ``witness(_:)`` after committing it, once per checkpoint, never per
/// record.
public protocol AuditWitness: Sendable {
    /// Keeps `head` durably; returns once it is stored.
    /// - Throws: ``AuditError/Code/witness`` if it cannot be stored.
    func witness(_ head: AuditCheckpoint) throws(AuditError)

    /// The latest head kept, or `nil` if none.
    /// - Throws: ``AuditError/Code/witness`` if the witness cannot be read.
    func latestHead() throws(AuditError) -> AuditCheckpoint?
}
