import LienthongHTTP

/// The demo land agency's scanned parcel file (`GET /api/v1/tai-lieu/{maXa}/{soTo}/{soThua}?size=N`): a
/// deterministic byte pattern seeded by the parcel, `size` bytes long (default 50 MiB), generated while it is
/// sent, so any size costs the agency no memory.
struct DemoParcelDocument: Sendable {
    /// The default length, 50 MiB.
    static let defaultSize = 50 * 1024 * 1024
    /// The largest length served, 1 GiB.
    static let maxSize = 1024 * 1024 * 1024
    /// The pattern repeats every block.
    private static let blockSize = 64 * 1024

    let parcel: String
    let size: Int

    /// The streaming response.
    func response() -> HTTPResponse {
        let block = Self.block(seed: parcel)
        let size = self.size
        return .streaming(headers: ["Content-Type": "application/octet-stream"]) { writer in
            var sent = 0
            while sent < size {
                let count = min(Self.blockSize, size - sent)
                guard await writer.write(count == block.count ? block : Array(block.prefix(count))) else {
                    return .abort
                }
                sent += count
            }
            return .complete
        }
    }

    /// One block of the parcel's pattern: xorshift64* seeded with the FNV-1a hash of the parcel key.
    private static func block(seed: String) -> [UInt8] {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in seed.utf8 { state = (state ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(blockSize)
        while bytes.count < blockSize {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            withUnsafeBytes(of: (state &* 0x2545_f491_4f6c_dd1d).littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}
