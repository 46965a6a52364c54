import Foundation  // files
import LienthongJSON
import LienthongStorage

/// Builds the four demo registries' SQLite databases from `seeds/`, each in its agency's native schema.
///
/// `population.sqlite` (table `cong_dan`), `enterprise.sqlite` (`doanh_nghiep`), `insurance.sqlite`
/// (`qua_trinh_tham_gia`) and `land.sqlite` (`thua_dat`, the store behind the demo land agency API: one JSON
/// document per parcel). Keys are primary keys. Empty CSV fields become `NULL`.
///
/// Each also records its changes for change events, as its agency's database would: `cong_dan` and `thua_dat` through
/// triggers into a change table (`thay_doi`; the land agency API serves its as a feed), `doanh_nghiep` and `qua_trinh_tham_gia` through a `cap_nhat_luc` column (Unix time in
/// milliseconds, 0 for seeded rows) that a trigger sets on every update. They are created after the seeding, so the
/// seed rows are no change.
///
/// Idempotent: a database is rebuilt only when it is missing or its seed file changed (a fingerprint of the seed
/// bytes is kept in table `lienthong_seed`); a rebuild writes a new file and renames it into place.
public enum DemoRegistries {
    /// One demo table: its seed file and native schema.
    struct Table {
        let registry: String
        let seedFile: String
        let table: String
        let columns: [(name: String, type: String)]
        let key: [String]
        let extraIndexes: [String]
        /// Statements run after the seed rows are in: how the database records its changes.
        var changeTracking: [String] = []
    }

    static let schemaVersion = "2"

    /// A `cap_nhat_luc` column of `table` set to the time of every update of one of `columns` (then the trigger's own
    /// update names only that column and fires nothing more).
    static func updatedAt(_ table: String, key: String, columns: [String]) -> [String] {
        [
            "ALTER TABLE \(table) ADD COLUMN cap_nhat_luc INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX \(table)_cap_nhat_luc ON \(table) (cap_nhat_luc, \(key))",
            """
            CREATE TRIGGER \(table)_cap_nhat AFTER UPDATE OF \(columns.joined(separator: ", ")) ON \(table) BEGIN
                UPDATE \(table) SET cap_nhat_luc = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
                WHERE \(key) = NEW.\(key);
            END
            """,
        ]
    }

    static let tables: [Table] = [
        Table(
            registry: "population", seedFile: "population.csv", table: "cong_dan",
            columns: [
                ("so_dinh_danh", "TEXT"), ("ho_ten", "TEXT"), ("ngay_sinh", "TEXT"), ("gioi_tinh", "TEXT"),
                ("dan_toc", "TEXT"), ("quoc_tich", "TEXT"), ("que_quan", "TEXT"), ("dia_chi_chi_tiet", "TEXT"),
                ("ma_xa", "TEXT"), ("ma_tinh", "TEXT"), ("trang_thai", "TEXT"),
            ],
            key: ["so_dinh_danh"], extraIndexes: [],
            changeTracking: [
                """
                CREATE TABLE thay_doi (ma_thay_doi INTEGER PRIMARY KEY AUTOINCREMENT, so_dinh_danh TEXT NOT NULL,
                    thoi_diem TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
                """,
                """
                CREATE TRIGGER cong_dan_sua AFTER UPDATE ON cong_dan BEGIN
                    INSERT INTO thay_doi (so_dinh_danh) VALUES (NEW.so_dinh_danh);
                END
                """,
                """
                CREATE TRIGGER cong_dan_them AFTER INSERT ON cong_dan BEGIN
                    INSERT INTO thay_doi (so_dinh_danh) VALUES (NEW.so_dinh_danh);
                END
                """,
            ]
        ),
        Table(
            registry: "enterprise", seedFile: "enterprise.csv", table: "doanh_nghiep",
            columns: [
                ("ma_so_doanh_nghiep", "TEXT"), ("ten_doanh_nghiep", "TEXT"), ("ten_tieng_anh", "TEXT"),
                ("loai_hinh", "TEXT"), ("tinh_trang", "TEXT"), ("ngay_thanh_lap", "TEXT"), ("von_dieu_le", "INTEGER"),
                ("dia_chi_tru_so", "TEXT"), ("ma_xa", "TEXT"), ("ma_tinh", "TEXT"), ("cccd_nguoi_dai_dien", "TEXT"),
                ("ho_ten_nguoi_dai_dien", "TEXT"), ("nganh_nghe", "TEXT"), ("ma_so_doanh_nghiep_me", "TEXT"),
            ],
            key: ["ma_so_doanh_nghiep"], extraIndexes: ["cccd_nguoi_dai_dien"],
            changeTracking: updatedAt(
                "doanh_nghiep", key: "ma_so_doanh_nghiep",
                columns: [
                    "ten_doanh_nghiep", "ten_tieng_anh", "loai_hinh", "tinh_trang", "ngay_thanh_lap", "von_dieu_le",
                    "dia_chi_tru_so", "ma_xa", "ma_tinh", "cccd_nguoi_dai_dien", "ho_ten_nguoi_dai_dien", "nganh_nghe",
                    "ma_so_doanh_nghiep_me",
                ])
        ),
        Table(
            registry: "insurance", seedFile: "insurance.csv", table: "qua_trinh_tham_gia",
            columns: [
                ("ma_so_bhxh", "TEXT"), ("so_cccd", "TEXT"), ("ho_ten", "TEXT"), ("ngay_sinh", "TEXT"),
                ("ma_don_vi", "TEXT"), ("trang_thai", "INTEGER"), ("tu_thang", "TEXT"), ("den_thang", "TEXT"),
                ("muc_luong", "INTEGER"),
            ],
            key: ["ma_so_bhxh"], extraIndexes: ["so_cccd"],
            changeTracking: updatedAt(
                "qua_trinh_tham_gia", key: "ma_so_bhxh",
                columns: ["so_cccd", "ho_ten", "ngay_sinh", "ma_don_vi", "trang_thai", "tu_thang", "den_thang", "muc_luong"])
        ),
        Table(
            registry: "land", seedFile: "land.json", table: "thua_dat",
            columns: [("ma_xa", "TEXT"), ("so_to_ban_do", "INTEGER"), ("so_thua", "INTEGER"), ("tai_lieu", "TEXT")],
            key: ["ma_xa", "so_to_ban_do", "so_thua"], extraIndexes: [],
            changeTracking: [
                """
                CREATE TABLE thay_doi (ma_thay_doi INTEGER PRIMARY KEY AUTOINCREMENT, khoa TEXT NOT NULL)
                """,
                """
                CREATE TRIGGER thua_dat_sua AFTER UPDATE ON thua_dat BEGIN
                    INSERT INTO thay_doi (khoa) VALUES (NEW.ma_xa || '-' || NEW.so_to_ban_do || '-' || NEW.so_thua);
                END
                """,
            ]
        ),
    ]

    /// The names of the database files ``build(seedsDirectory:dataDirectory:)`` writes, e.g. `population.sqlite`.
    public static var databaseFiles: [String] { tables.map { "\($0.registry).sqlite" } }

    /// The database file of each registry inside `dataDirectory`.
    public static func databasePath(registry: String, dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("\(registry).sqlite")
    }

    /// Builds (or keeps) the four databases.
    /// - Parameters:
    ///   - seedsDirectory: The directory holding `population.csv`, `enterprise.csv`, `insurance.csv`, `land.json`.
    ///   - dataDirectory: Where the databases go; created if missing.
    /// - Returns: The registries that were (re)built; empty when everything was up to date.
    /// - Throws: `connector-configuration` for an unreadable or malformed seed file, `registry-unavailable` when a
    ///   database cannot be written (cause: the storage code).
    @discardableResult
    public static func build(seedsDirectory: String, dataDirectory: String) throws(ConnectorError) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConnectorError(code: .unavailable, registry: "demo", detail: "data directory cannot be created")
        }
        var built: [String] = []
        for table in tables {
            let seedPath = (seedsDirectory as NSString).appendingPathComponent(table.seedFile)
            guard let data = FileManager.default.contents(atPath: seedPath) else {
                throw ConnectorError(code: .configuration, registry: table.registry, detail: "seed file \(table.seedFile) is missing")
            }
            let bytes = Array(data)
            let fingerprint = "\(schemaVersion):\(fnv1a64(bytes))"
            let path = databasePath(registry: table.registry, dataDirectory: dataDirectory)
            if storedFingerprint(path: path) == fingerprint { continue }
            let rows = try rows(of: table, bytes: bytes)
            do {
                try write(table, rows: rows, fingerprint: fingerprint, to: path)
            } catch {
                throw ConnectorError(
                    code: .unavailable, registry: table.registry, detail: "database cannot be written: \(error.detail)",
                    cause: error.code.wireCode)
            }
            built.append(table.registry)
        }
        return built
    }

    // MARK: Reading seeds

    private static func rows(of table: Table, bytes: [UInt8]) throws(ConnectorError) -> [[SQLiteValue]] {
        func malformed(_ detail: String) -> ConnectorError {
            ConnectorError(code: .configuration, registry: table.registry, detail: "seed file \(table.seedFile): \(detail)")
        }
        if table.seedFile.hasSuffix(".json") {
            guard let parcels = (try? JSONValue.parse(bytes))?.arrayValue else { throw malformed("not a JSON array") }
            var rows: [[SQLiteValue]] = []
            for parcel in parcels {
                guard let commune = parcel["maXa"]?.stringValue, let sheet = parcel["soToBanDo"]?.numberValue?.int,
                    let number = parcel["soThua"]?.numberValue?.int
                else { throw malformed("a parcel lacks maXa, soToBanDo or soThua") }
                rows.append([.text(commune), .integer(Int64(sheet)), .integer(Int64(number)), .text(parcel.serializedString())])
            }
            return rows
        }
        guard let csv = CSVTable(text: String(decoding: bytes, as: UTF8.self)) else { throw malformed("not valid CSV") }
        guard csv.header == table.columns.map(\.name) else { throw malformed("header differs from the native schema") }
        return csv.rows.map { fields in
            zip(fields, table.columns).map { field, column in
                if field.isEmpty { return .null }
                if column.type == "INTEGER", let int = Int64(field) { return .integer(int) }
                return .text(field)
            }
        }
    }

    // MARK: Writing databases

    private static func storedFingerprint(path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path),
            let db = try? SQLiteDatabase(path: path, mode: .readOnly),
            let rows = try? db.query("SELECT fingerprint FROM lienthong_seed"),
            case .text(let fingerprint) = rows.first?.first
        else { return nil }
        return fingerprint
    }

    private static func write(_ table: Table, rows: [[SQLiteValue]], fingerprint: String, to path: String)
        throws(StorageError)
    {
        let temporary = path + ".building"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let db = try SQLiteDatabase(path: temporary, mode: .readWriteCreate)
            let columns = table.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
            try db.execute(
                """
                CREATE TABLE \(table.table) (\(columns), PRIMARY KEY (\(table.key.joined(separator: ", "))));
                CREATE TABLE lienthong_seed (fingerprint TEXT NOT NULL);
                """
            )
            for column in table.extraIndexes {
                try db.execute("CREATE INDEX \(table.table)_\(column) ON \(table.table) (\(column))")
            }
            try db.transaction { db throws(StorageError) in
                let placeholders = table.columns.indices.map { "?\($0 + 1)" }.joined(separator: ", ")
                let insert = try db.prepare("INSERT INTO \(table.table) VALUES (\(placeholders))")
                for row in rows {
                    for (index, value) in row.enumerated() { try insert.bind(value, at: Int32(index + 1)) }
                    try insert.step()
                    insert.reset()
                }
                let mark = try db.prepare("INSERT INTO lienthong_seed VALUES (?1)")
                try mark.bind(.text(fingerprint), at: 1)
                try mark.step()
            }
            for statement in table.changeTracking { try db.execute(statement) }
        }
        // rename(2) replaces the old file atomically: a reader sees the old or the new database, never half.
        guard rename(temporary, path) == 0 else {
            throw StorageError(code: .open, detail: "rename into place failed")
        }
    }

    /// FNV-1a, 64 bits: enough to notice that a seed file changed.
    static func fnv1a64(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}
