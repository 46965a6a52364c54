/// Makes 500 land parcels held by people or enterprises, in the land agency's JSON document format.
struct LandGenerator {
    static let count = 500

    static func make(people: [Person], enterprises: [Enterprise], using rng: inout SplitMix64) -> [SeedJSON] {
        let adults = people.filter { $0.isAlive && $0.birth.year <= 2005 }
        let companies = enterprises.filter { !$0.isBranch && $0.status != EnterpriseGenerator.dissolved }
        var usedParcels = Set<String>()
        var usedSerials = Set<String>()
        var parcels: [SeedJSON] = []
        let letters = Array("ABCDEFGHKLMNPQRSTUVXY")
        while parcels.count < count {
            let commune = rng.pick(AdministrativeUnits.communes)
            let mapSheet = rng.int(in: 1...60)
            let parcelNumber = rng.int(in: 1...999)
            guard usedParcels.insert("\(commune.code)-\(mapSheet)-\(parcelNumber)").inserted else { continue }
            var serial: String
            repeat {
                serial = String([rng.pick(letters), rng.pick(letters)]) + rng.digits(6)
            } while !usedSerials.insert(serial).inserted

            let held = rng.chance(0.15) ? "TC" : "CN"
            var holders: [SeedJSON] = []
            if held == "TC" {
                let company = rng.pick(companies)
                holders.append(holder(kind: "TC", document: company.code, name: company.name))
            } else {
                // Joint holders are usually a married couple.
                let first = rng.pick(adults)
                holders.append(holder(kind: "CN", document: first.personalID, name: first.fullName))
                if rng.chance(0.3) {
                    let second = rng.pick(adults.filter { $0.isMale != first.isMale && $0.commune.code == commune.code }
                        + adults.filter { $0.isMale != first.isMale }.prefix(1))
                    holders.append(holder(kind: "CN", document: second.personalID, name: second.fullName))
                }
            }
            let use =
                held == "TC"
                ? rng.weighted([("TMD", 6.0), ("SKC", 3), ("CLN", 1)])
                : commune.isWard ? rng.weighted([("ODT", 8.0), ("CLN", 1), ("TMD", 1)])
                : rng.weighted([("ONT", 5.0), ("LUC", 3), ("CLN", 2)])
            let areaTenths = rng.int(in: 300...25_000)
            let area = areaTenths % 10 == 0 ? String(areaTenths / 10) : "\(areaTenths / 10),\(areaTenths % 10)"
            let issued = Day.random(year: rng.int(in: 1995...2025), using: &rng)
            let province = AdministrativeUnits.province(commune.provinceCode)
            parcels.append(
                .object([
                    ("maXa", .string(commune.code)),
                    ("soToBanDo", .integer(mapSheet)),
                    ("soThua", .integer(parcelNumber)),
                    ("dienTich", .string(area)),
                    ("mucDichSuDung", .string(use)),
                    ("soSerieGCN", .string(serial)),
                    ("ngayCapGCN", .string("\(issued.iso)T00:00:00")),
                    ("diaChi", .string("Thửa đất số \(parcelNumber), tờ bản đồ số \(mapSheet), \(commune.name), \(province.name)")),
                    ("chuSuDung", .array(holders)),
                ])
            )
        }
        return parcels
    }

    private static func holder(kind: String, document: String, name: String) -> SeedJSON {
        .object([("loai", .string(kind)), ("soGiayTo", .string(document)), ("ten", .string(name))])
    }
}
