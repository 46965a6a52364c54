internal import CLienthongShims

/// `fdatasync(2)` of many open files at once (Linux AIO): the file system commits its journal once for all of them
/// where one `fdatasync` after the other commits it once each (how a group commit of many small files shares a
/// sync), without writing out every other dirty file of the file system as `syncfs(2)` would.
///
/// Holds one AIO context for its life (destroying one waits for a kernel grace period): keep one per writer thread.
package final class DataSync: Sendable {
    /// The most requests in flight at once.
    static let capacity: Int32 = 128
    // The kernel's context id (0: AIO unavailable, files are synced one after the other).
    private let context: UInt

    /// A context for one writer.
    package init() {
        context = lt_aio_setup(Self.capacity)
    }

    deinit { lt_aio_destroy(context) }

    /// Syncs the data of every file in `descriptors` and waits for all.
    /// - Returns: 0, or the first failure's `errno`.
    package func sync(_ descriptors: [Int32]) -> Int32 {
        descriptors.withUnsafeBufferPointer {
            lt_fdatasync_all(context, Self.capacity, $0.baseAddress, Int32($0.count))
        }
    }
}
