import Foundation  // NFD decomposition of legacy names

/// Makes 1,000 social insurance participation records of distinct living adults, employed by demo enterprises
/// (or voluntary participants with no employer).
struct InsuranceGenerator {
    static let count = 1_000

    static func make(people: [Person], enterprises: [Enterprise], using rng: inout SplitMix64) -> CSVWriter {
        var csv = CSVWriter(header: [
            "ma_so_bhxh", "so_cccd", "ho_ten", "ngay_sinh", "ma_don_vi", "trang_thai", "tu_thang", "den_thang",
            "muc_luong",
        ])
        var eligible = people.filter { $0.isAlive && (1955...2005).contains($0.birth.year) }
        let employers = enterprises.filter { $0.status != EnterpriseGenerator.dissolved }
        var usedNumbers = Set<String>()
        let lastMonth = Month(year: 2025, month: 11)
        for _ in 0..<count {
            let person = eligible.remove(at: rng.int(in: 0...(eligible.count - 1)))
            var number: String
            repeat {
                number = person.commune.provinceCode + rng.digits(8)
            } while !usedNumbers.insert(number).inserted
            let employer = rng.chance(0.9) ? rng.pick(employers).code : ""
            let status = rng.weighted([("1", 75.0), ("2", 10), ("3", 15)])
            let firstPossible = max(Month(year: 1995, month: 1).ordinal, Month(year: person.birth.year + 18, month: person.birth.month).ordinal)
            let start = Month(ordinal: rng.int(in: firstPossible...(lastMonth.ordinal - 2)))
            let end = status == "3" ? Month(ordinal: rng.int(in: (start.ordinal + 1)...lastMonth.ordinal)).slashed : ""
            let name = rng.chance(0.1) ? person.fullName.decomposedStringWithCanonicalMapping : person.fullName
            csv.append([
                number, person.personalID, name, person.birth.compact, employer, status, start.slashed, end,
                String(rng.int(in: 50...400) * 100_000),
            ])
        }
        return csv
    }
}
