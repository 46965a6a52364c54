extension EventRegistryState {
    /// Whether an append of `events` read from `previous` may go on a registry now at `current`: the same cursor
    /// and last sequence (pruning moves only the first retained, which the detection did not read), and the events
    /// numbered on from that last sequence without a gap. Every engine decides by this, inside its transaction.
    public static func accepts(_ events: [StoredEvent], from previous: Self?, at current: Self?) -> Bool {
        guard current?.cursor == previous?.cursor, current?.lastSequence == previous?.lastSequence else { return false }
        let last = previous?.lastSequence ?? 0
        return events.enumerated().allSatisfy { offset, event in event.sequence == last + Int64(offset) + 1 }
    }
}
