/// Every seed file, generated from one fixed seed so the output is byte-for-byte reproducible.
struct SeedSet {
    /// The generator's fixed seed; changing it changes every file.
    static let seed: UInt64 = 0x4C49_454E_5448_4F4E  // "LIENTHON"

    /// File name (relative to the seeds directory) and its contents.
    let files: [(String, String)]
    /// The code list, written to `config/demo/codes/administrative-units.json`.
    let administrativeUnits: String

    init() {
        var rng = SplitMix64(seed: Self.seed)
        let people = PopulationGenerator.make(using: &rng)
        let enterprises = EnterpriseGenerator.make(people: people, using: &rng)
        let land = LandGenerator.make(people: people, enterprises: enterprises, using: &rng)
        let insurance = InsuranceGenerator.make(people: people, enterprises: enterprises, using: &rng)
        files = [
            ("population.csv", Self.population(people)),
            ("enterprise.csv", Self.enterprise(enterprises)),
            ("land.json", SeedJSON.array(land).text),
            ("insurance.csv", insurance.text),
        ]
        administrativeUnits = Self.codeList()
    }

    private static func population(_ people: [Person]) -> String {
        var csv = CSVWriter(header: [
            "so_dinh_danh", "ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc", "quoc_tich", "que_quan",
            "dia_chi_chi_tiet", "ma_xa", "ma_tinh", "trang_thai",
        ])
        for person in people {
            csv.append([
                person.personalID, person.storedName, person.birth.slashed, person.isMale ? "Nam" : "Nữ",
                person.ethnicity, "Việt Nam", person.placeOfOrigin, person.addressLine, person.commune.code,
                person.commune.provinceCode, person.isAlive ? "Còn sống" : "Đã mất",
            ])
        }
        return csv.text
    }

    private static func enterprise(_ enterprises: [Enterprise]) -> String {
        var csv = CSVWriter(header: [
            "ma_so_doanh_nghiep", "ten_doanh_nghiep", "ten_tieng_anh", "loai_hinh", "tinh_trang", "ngay_thanh_lap",
            "von_dieu_le", "dia_chi_tru_so", "ma_xa", "ma_tinh", "cccd_nguoi_dai_dien", "ho_ten_nguoi_dai_dien",
            "nganh_nghe", "ma_so_doanh_nghiep_me",
        ])
        for enterprise in enterprises {
            csv.append([
                enterprise.code, enterprise.name, enterprise.englishName, enterprise.typeCode, enterprise.status,
                enterprise.registeredOn.compact, String(enterprise.charterCapital), enterprise.addressLine,
                enterprise.commune.code, enterprise.commune.provinceCode, enterprise.representative.personalID,
                enterprise.representative.fullName, enterprise.businessLines.joined(separator: ";"),
                enterprise.parentCode,
            ])
        }
        return csv.text
    }

    private static func codeList() -> String {
        let provinces = AdministrativeUnits.provinces.map { province in
            SeedJSON.object([
                ("code", .string(province.code)),
                ("name", .string(province.name)),
                (
                    "communes",
                    .array(province.communes.map { .object([("code", .string($0.code)), ("name", .string($0.name))]) })
                ),
            ])
        }
        return SeedJSON.object([
            ("codeList", .string("administrative-units")),
            ("version", .string("2025-07-01")),
            (
                "note",
                .string(
                    "Demo subset: the 34 provinces in force from 2025-07-01 with their national codes, and a few "
                        + "communes each. Commune codes other than Hà Nội's are illustrative."
                )
            ),
            ("provinces", .array(provinces)),
        ]).text
    }
}
