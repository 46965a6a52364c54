/// One enterprise or branch of the demo business register.
struct Enterprise {
    let code: String
    let name: String
    let englishName: String
    let typeCode: String  // TNHH1TV, TNHH2TV, CP, DNTN, HD, CN
    let status: String
    let registeredOn: Day
    let charterCapital: Int
    let addressLine: String
    let commune: Commune
    let representative: Person
    let businessLines: [String]
    let parentCode: String

    var isBranch: Bool { typeCode == "CN" }
    var isActive: Bool { status == "Đang hoạt động" }
}

/// Makes 200 enterprises, about one in ten a branch (`<parent code>-001`) of another.
struct EnterpriseGenerator {
    static let count = 200
    static let branchCount = 20

    static let active = "Đang hoạt động"
    static let suspended = "Tạm ngừng kinh doanh"
    static let dissolved = "Đã giải thể"

    static func make(people: [Person], using rng: inout SplitMix64) -> [Enterprise] {
        let representatives = people.filter { $0.isAlive && $0.birth.year <= 2003 }
        var usedCodes = Set<String>()
        var enterprises: [Enterprise] = []
        while enterprises.count < count - branchCount {
            let code = "0" + String(rng.int(in: 1...9)) + rng.digits(8)
            guard usedCodes.insert(code).inserted else { continue }
            let typeCode = rng.weighted([("TNHH1TV", 35.0), ("TNHH2TV", 25), ("CP", 25), ("DNTN", 12), ("HD", 3)])
            let (tradeVN, tradeEN, lines) = rng.pick(VietnameseNames.trades)
            let (brandVN, brandEN) = rng.pick(VietnameseNames.tradeNames)
            let (prefix, suffix) = legalForm(typeCode)
            let representative = rng.pick(representatives)
            let commune = rng.pick(AdministrativeUnits.communes)
            let capitalUnit = typeCode == "DNTN" ? rng.int(in: 2...50) : rng.int(in: 5...500)
            enterprises.append(
                Enterprise(
                    code: code,
                    name: "\(prefix) \(tradeVN) \(brandVN)",
                    englishName: rng.chance(0.6) && !suffix.isEmpty
                        ? "\(brandEN.uppercased()) \(tradeEN.uppercased()) \(suffix)" : "",
                    typeCode: typeCode,
                    status: rng.weighted([(active, 85.0), (suspended, 10), (dissolved, 5)]),
                    registeredOn: Day.random(year: rng.int(in: 1995...2024), using: &rng),
                    charterCapital: capitalUnit * 100_000_000,
                    addressLine: PopulationGenerator.addressLine(in: commune, using: &rng),
                    commune: commune,
                    representative: representative,
                    businessLines: Array(lines.prefix(rng.int(in: 1...lines.count))),
                    parentCode: ""
                )
            )
        }
        var branchesOf: [String: Int] = [:]
        let parents = enterprises.filter { $0.isActive && $0.typeCode != "DNTN" && $0.typeCode != "HD" }
        for _ in 0..<branchCount {
            let parent = rng.pick(parents)
            let number = (branchesOf[parent.code] ?? 0) + 1
            branchesOf[parent.code] = number
            let commune = rng.pick(AdministrativeUnits.communes)
            let province = AdministrativeUnits.province(commune.provinceCode)
            enterprises.append(
                Enterprise(
                    code: "\(parent.code)-\(padded(number, 3))",
                    name: "Chi nhánh \(parent.name) tại \(province.name)",
                    englishName: parent.englishName.isEmpty ? "" : "\(parent.englishName) - BRANCH \(number)",
                    typeCode: "CN",
                    status: rng.chance(0.9) ? active : suspended,
                    registeredOn: Day.random(year: rng.int(in: max(parent.registeredOn.year, 2000)...2025), using: &rng),
                    charterCapital: 0,  // a branch has no capital of its own
                    addressLine: PopulationGenerator.addressLine(in: commune, using: &rng),
                    commune: commune,
                    representative: rng.pick(representatives),
                    businessLines: parent.businessLines,
                    parentCode: parent.code
                )
            )
        }
        return enterprises
    }

    private static func legalForm(_ typeCode: String) -> (String, String) {
        switch typeCode {
        case "TNHH1TV": ("Công ty TNHH Một thành viên", "ONE MEMBER COMPANY LIMITED")
        case "TNHH2TV": ("Công ty TNHH", "COMPANY LIMITED")
        case "CP": ("Công ty Cổ phần", "JOINT STOCK COMPANY")
        case "HD": ("Công ty Hợp danh", "PARTNERSHIP")
        default: ("Doanh nghiệp tư nhân", "")
        }
    }
}
