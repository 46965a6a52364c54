import Foundation  // NFD decomposition of legacy names

/// One resident of the demo population.
struct Person {
    let personalID: String
    let fullName: String  // NFC
    let storedName: String  // as the registry stores it: NFC, or NFD for legacy rows
    let birth: Day
    let isMale: Bool
    let ethnicity: String
    let placeOfOrigin: String
    let addressLine: String
    let commune: Commune
    let isAlive: Bool
}

/// Makes the population: valid personal IDs whose digits 1-6 agree with birth province, sex and birth year.
struct PopulationGenerator {
    static let count = 1_500

    static func make(using rng: inout SplitMix64) -> [Person] {
        var used = Set<String>()
        var people: [Person] = []
        people.reserveCapacity(count)
        while people.count < count {
            let isMale = rng.chance(0.5)
            let era = rng.weighted([(1955...2005, 85.0), (1935...1954, 7), (2006...2020, 8)])
            let year = rng.int(in: era)
            let birth = Day.random(year: year, using: &rng)
            let birthProvince = weightedProvince(using: &rng)
            let sexCentury = (year >= 2000 ? 2 : 0) + (isMale ? 0 : 1)
            let personalID = "0\(birthProvince.code)\(sexCentury)\(padded(year % 100, 2))\(rng.digits(6))"
            guard used.insert(personalID).inserted else { continue }

            let fullName = name(isMale: isMale, using: &rng)
            // Legacy systems kept some names decomposed; the registry still holds them that way.
            let storedName = rng.chance(0.1) ? fullName.decomposedStringWithCanonicalMapping : fullName
            let residence: Province = rng.chance(0.6) ? birthProvince : weightedProvince(using: &rng)
            let commune = rng.pick(residence.communes)
            let origin = rng.pick(AdministrativeUnits.communes)
            let isAlive = !(rng.chance(year < 1955 ? 0.25 : 0.02))
            people.append(
                Person(
                    personalID: personalID,
                    fullName: fullName,
                    storedName: storedName,
                    birth: birth,
                    isMale: isMale,
                    ethnicity: rng.weighted(VietnameseNames.ethnicities),
                    placeOfOrigin: "\(origin.name), \(AdministrativeUnits.province(origin.provinceCode).name)",
                    addressLine: addressLine(in: commune, using: &rng),
                    commune: commune,
                    isAlive: isAlive
                )
            )
        }
        return people
    }

    static func name(isMale: Bool, using rng: inout SplitMix64) -> String {
        let family = rng.weighted(VietnameseNames.familyNames)
        let middle = rng.pick(isMale ? VietnameseNames.maleMiddle : VietnameseNames.femaleMiddle)
        let given = rng.pick(isMale ? VietnameseNames.maleGiven : VietnameseNames.femaleGiven)
        // About one in five people has a second middle name.
        if rng.chance(0.2) {
            // "Văn" and "Thị" only ever come first.
            let second = rng.pick((isMale ? VietnameseNames.maleMiddle : VietnameseNames.femaleMiddle).dropFirst().map { $0 })
            if second != middle { return "\(family) \(middle) \(second) \(given)" }
        }
        return "\(family) \(middle) \(given)"
    }

    /// A house address inside `commune` (without the commune and province, which are coded separately).
    static func addressLine(in commune: Commune, using rng: inout SplitMix64) -> String {
        if commune.isWard {
            let street = rng.pick(VietnameseNames.streets)
            return rng.chance(0.4)
                ? "Số \(rng.int(in: 1...120)), ngõ \(rng.int(in: 1...300)), đường \(street)"
                : "Số \(rng.int(in: 1...450)) đường \(street)"
        }
        return "\(rng.pick(VietnameseNames.hamlets)), số nhà \(rng.int(in: 1...200))"
    }

    /// Hà Nội and Hồ Chí Minh City weigh more, as they do in the real population.
    static func weightedProvince(using rng: inout SplitMix64) -> Province {
        let provinces = AdministrativeUnits.provinces
        return rng.weighted(provinces.map { ($0, $0.code == "01" || $0.code == "79" ? 8.0 : 1.0) })
    }
}
