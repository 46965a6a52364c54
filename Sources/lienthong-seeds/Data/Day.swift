/// A calendar day (proleptic Gregorian), enough for birth dates and registration dates.
struct Day: Comparable {
    let year: Int
    let month: Int
    let day: Int

    /// The last day the seeds consider "today": fixed, so the output never depends on the clock.
    static let reference = Day(year: 2025, month: 12, day: 31)

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func random(year: Int, using rng: inout SplitMix64) -> Day {
        let month = rng.int(in: 1...12)
        return Day(year: year, month: month, day: rng.int(in: 1...daysIn(month: month, year: year)))
    }

    /// `dd/MM/yyyy`
    var slashed: String { "\(padded(day, 2))/\(padded(month, 2))/\(year)" }
    /// `yyyyMMdd`
    var compact: String { "\(year)\(padded(month, 2))\(padded(day, 2))" }
    /// `yyyy-MM-dd`
    var iso: String { "\(year)-\(padded(month, 2))-\(padded(day, 2))" }

    static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

/// A month of a year, as insurance periods count them.
struct Month: Comparable {
    let year: Int
    let month: Int

    /// Months since year 0, for arithmetic.
    var ordinal: Int { year * 12 + month - 1 }
    init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }
    init(ordinal: Int) { self.init(year: ordinal / 12, month: ordinal % 12 + 1) }

    /// `MM/yyyy`
    var slashed: String { "\(padded(month, 2))/\(year)" }

    static func < (lhs: Month, rhs: Month) -> Bool { lhs.ordinal < rhs.ordinal }
}
