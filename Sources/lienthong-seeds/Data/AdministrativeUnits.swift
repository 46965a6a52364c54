/// A commune or ward (post-2025 two-level local government: province, then commune).
struct Commune {
    let code: String
    let name: String
    let provinceCode: String

    var isWard: Bool { name.hasPrefix("Phường") }
}

/// A province or centrally-run city.
struct Province {
    let code: String
    let name: String
    let communes: [Commune]
}

/// The demo code list: the 34 provinces in force from 1 July 2025, and a few communes of each.
///
/// Province codes are the national 2-digit codes. The commune list is a small demo subset: Hà Nội's codes are the
/// national ones, the others follow the 5-digit format but are illustrative, not the official code list.
enum AdministrativeUnits {
    static let provinces: [Province] = table.map { row in
        let (code, name, communeNames) = row
        let communes = communeNames.enumerated().map { index, communeName in
            Commune(
                code: hanoiCodes[communeName] ?? padded(Int(code)! * 1000 + (index + 1) * 4, 5),
                name: communeName,
                provinceCode: code
            )
        }
        return Province(code: code, name: name, communes: communes)
    }

    static let communes: [Commune] = provinces.flatMap(\.communes)

    static func province(_ code: String) -> Province { provinces.first { $0.code == code }! }

    private static let hanoiCodes: [String: String] = [
        "Phường Ba Đình": "00004", "Phường Ngọc Hà": "00008", "Phường Giảng Võ": "00025",
        "Phường Hoàn Kiếm": "00070",
    ]

    private static let table: [(String, String, [String])] = [
        ("01", "Thành phố Hà Nội", ["Phường Ba Đình", "Phường Ngọc Hà", "Phường Giảng Võ", "Phường Hoàn Kiếm"]),
        ("04", "Tỉnh Cao Bằng", ["Phường Thục Phán", "Phường Nùng Trí Cao", "Phường Tân Giang", "Xã Hòa An"]),
        ("08", "Tỉnh Tuyên Quang", ["Phường Minh Xuân", "Phường Nông Tiến", "Phường Hà Giang 1", "Xã Yên Sơn"]),
        ("11", "Tỉnh Điện Biên", ["Phường Điện Biên Phủ", "Phường Mường Thanh", "Phường Mường Lay", "Xã Mường Phăng"]),
        ("12", "Tỉnh Lai Châu", ["Phường Tân Phong", "Phường Đoàn Kết", "Xã Tam Đường", "Xã Sìn Hồ"]),
        ("14", "Tỉnh Sơn La", ["Phường Tô Hiệu", "Phường Chiềng An", "Phường Mộc Châu", "Xã Mai Sơn"]),
        ("15", "Tỉnh Lào Cai", ["Phường Lào Cai", "Phường Cam Đường", "Phường Yên Bái", "Phường Sa Pa"]),
        ("19", "Tỉnh Thái Nguyên", ["Phường Phan Đình Phùng", "Phường Quyết Thắng", "Phường Bắc Kạn", "Xã Đại Từ"]),
        ("20", "Tỉnh Lạng Sơn", ["Phường Lương Văn Tri", "Phường Tam Thanh", "Phường Đông Kinh", "Xã Đồng Đăng"]),
        ("22", "Tỉnh Quảng Ninh", ["Phường Hạ Long", "Phường Hồng Gai", "Phường Cẩm Phả", "Xã Quảng Hà"]),
        ("24", "Tỉnh Bắc Ninh", ["Phường Kinh Bắc", "Phường Võ Cường", "Phường Bắc Giang", "Xã Lục Nam"]),
        ("25", "Tỉnh Phú Thọ", ["Phường Việt Trì", "Phường Vĩnh Phúc", "Phường Hòa Bình", "Xã Thanh Sơn"]),
        ("31", "Thành phố Hải Phòng", ["Phường Hồng Bàng", "Phường Lê Chân", "Phường Ngô Quyền", "Phường Hải Dương"]),
        ("33", "Tỉnh Hưng Yên", ["Phường Phố Hiến", "Phường Sơn Nam", "Phường Thái Bình", "Xã Tiên Lữ"]),
        ("37", "Tỉnh Ninh Bình", ["Phường Hoa Lư", "Phường Nam Định", "Phường Phủ Lý", "Xã Gia Viễn"]),
        ("38", "Tỉnh Thanh Hóa", ["Phường Hạc Thành", "Phường Hàm Rồng", "Phường Sầm Sơn", "Xã Thọ Xuân"]),
        ("40", "Tỉnh Nghệ An", ["Phường Trường Vinh", "Phường Thành Vinh", "Phường Cửa Lò", "Xã Nam Đàn"]),
        ("42", "Tỉnh Hà Tĩnh", ["Phường Thành Sen", "Phường Trần Phú", "Phường Hồng Lĩnh", "Xã Cẩm Xuyên"]),
        ("44", "Tỉnh Quảng Trị", ["Phường Đồng Hới", "Phường Đông Hà", "Phường Quảng Trị", "Xã Vĩnh Linh"]),
        ("46", "Thành phố Huế", ["Phường Thuận Hóa", "Phường Phú Xuân", "Phường Kim Long", "Phường Hương Thủy"]),
        ("48", "Thành phố Đà Nẵng", ["Phường Hải Châu", "Phường Thanh Khê", "Phường Sơn Trà", "Phường Tam Kỳ"]),
        ("51", "Tỉnh Quảng Ngãi", ["Phường Cẩm Thành", "Phường Nghĩa Lộ", "Phường Kon Tum", "Xã Bình Sơn"]),
        ("52", "Tỉnh Gia Lai", ["Phường Pleiku", "Phường Quy Nhơn", "Phường An Nhơn", "Xã Chư Sê"]),
        ("56", "Tỉnh Khánh Hòa", ["Phường Nha Trang", "Phường Bắc Nha Trang", "Phường Phan Rang", "Phường Cam Ranh"]),
        ("66", "Tỉnh Đắk Lắk", ["Phường Buôn Ma Thuột", "Phường Tân An", "Phường Tuy Hòa", "Xã Krông Pắc"]),
        ("68", "Tỉnh Lâm Đồng", ["Phường Xuân Hương - Đà Lạt", "Phường Lâm Viên - Đà Lạt", "Phường Phan Thiết", "Xã Đức Trọng"]),
        ("75", "Tỉnh Đồng Nai", ["Phường Trấn Biên", "Phường Biên Hòa", "Phường Long Khánh", "Phường Đồng Xoài"]),
        ("79", "Thành phố Hồ Chí Minh", ["Phường Sài Gòn", "Phường Tân Định", "Phường Bến Thành", "Phường Thủ Dầu Một", "Phường Vũng Tàu"]),
        ("80", "Tỉnh Tây Ninh", ["Phường Tân Ninh", "Phường Long An", "Phường Tân An", "Xã Bến Lức"]),
        ("82", "Tỉnh Đồng Tháp", ["Phường Cao Lãnh", "Phường Mỹ Tho", "Phường Sa Đéc", "Xã Tháp Mười"]),
        ("86", "Tỉnh Vĩnh Long", ["Phường Thanh Đức", "Phường Long Châu", "Phường Bến Tre", "Phường Trà Vinh"]),
        ("91", "Tỉnh An Giang", ["Phường Long Xuyên", "Phường Rạch Giá", "Phường Châu Đốc", "Phường Hà Tiên"]),
        ("92", "Thành phố Cần Thơ", ["Phường Ninh Kiều", "Phường Cái Khế", "Phường Vị Thanh", "Phường Sóc Trăng"]),
        ("96", "Tỉnh Cà Mau", ["Phường An Xuyên", "Phường Tân Thành", "Phường Bạc Liêu", "Xã Năm Căn"]),
    ]
}
