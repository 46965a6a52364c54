public import Foundation

/// One change event as the log keeps it: its place in the registry's sequence and the signed envelope.
public struct StoredEvent: Sendable, Equatable {
    /// The event id (a UUID): what a subscriber deduplicates on.
    public var id: String
    /// The registry's sequence number of the event, from 1.
    public var sequence: Int64
    /// The event type, e.g. `person.deceased`.
    public var type: String
    /// The key of the record that changed.
    public var key: String
    /// When the node detected the change.
    public var detectedAt: Date
    /// The signed envelope (`change-event.v1`), as signed.
    public var envelope: [UInt8]

    /// An event.
    public init(id: String, sequence: Int64, type: String, key: String, detectedAt: Date, envelope: [UInt8]) {
        self.id = id
        self.sequence = sequence
        self.type = type
        self.key = key
        self.detectedAt = detectedAt
        self.envelope = envelope
    }
}

/// Where a registry's detection and its log stand.
public struct EventRegistryState: Sendable, Equatable {
    /// The change source's cursor just past the last change handled.
    public var cursor: String
    /// The last sequence number given (0 before the first event).
    public var lastSequence: Int64
    /// The first sequence still retained (`lastSequence + 1` when none is).
    public var firstRetained: Int64

    /// A state.
    public init(cursor: String, lastSequence: Int64, firstRetained: Int64) {
        self.cursor = cursor
        self.lastSequence = lastSequence
        self.firstRetained = firstRetained
    }
}

/// A consumer's subscription to event types of one registry, for one purpose.
public struct EventSubscription: Sendable, Equatable {
    /// The subscription id (a UUID).
    public var id: String
    /// The subscribing consumer subsystem.
    public var consumer: String
    /// The service subscribed to.
    public var service: String
    /// The registry that service reads.
    public var registry: String
    /// The event types, as asked.
    public var eventTypes: [String]
    /// The purpose code.
    public var purpose: String
    /// The filter (`{"field": "/…", "equals": …}`) as JSON, if any.
    public var filter: [UInt8]?
    /// When it was made.
    public var createdAt: Date
    /// The registry's last sequence when it was made: a read without `after` starts past it.
    public var startAfter: Int64

    /// A subscription.
    public init(
        id: String, consumer: String, service: String, registry: String, eventTypes: [String], purpose: String,
        filter: [UInt8]?, createdAt: Date, startAfter: Int64
    ) {
        self.id = id
        self.consumer = consumer
        self.service = service
        self.registry = registry
        self.eventTypes = eventTypes
        self.purpose = purpose
        self.filter = filter
        self.createdAt = createdAt
        self.startAfter = startAfter
    }
}
