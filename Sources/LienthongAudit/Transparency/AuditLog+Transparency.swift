extension AuditLog {
    /// What the citizen transparency page lists about `subjectKey`, oldest first: every release of the person's
    /// data, and every request for it that was refused (marked ``AuditAccess/refused``), so a citizen also sees
    /// who tried. Failed exchanges (an upstream error) released nothing and asked nothing of policy: left out.
    public func accessesAndRefusals(subjectKey key: String) throws(AuditError) -> [AuditAccess] {
        try records(subjectKey: key).filter { $0.outcome != .failed }.map(AuditAccess.init(record:))
    }
}
