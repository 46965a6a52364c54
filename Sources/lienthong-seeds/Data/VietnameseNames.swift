/// Name parts and address words for realistic Vietnamese records (all written here in NFC).
enum VietnameseNames {
    /// Family names with approximate national frequencies (percent).
    static let familyNames: [(String, Double)] = [
        ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4.5), ("Huỳnh", 3), ("Phan", 4.5),
        ("Vũ", 3.9), ("Võ", 2), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3),
        ("Dương", 1), ("Lý", 0.5),
    ]
    static let maleMiddle = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Anh", "Xuân", "Tiến"]
    static let femaleMiddle = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Phương", "Bảo", "Thùy", "Diệu"]
    static let maleGiven = [
        "Hùng", "Dũng", "Nam", "Long", "Tuấn", "Hải", "Quân", "Khoa", "Phúc", "Thắng", "Sơn", "Trung", "Cường",
        "Hiếu", "Đạt", "Bình", "Huy", "Lộc", "Vinh", "Tùng", "Khánh", "Thịnh", "Nghĩa", "Đông",
    ]
    static let femaleGiven = [
        "Lan", "Hương", "Mai", "Hoa", "Thảo", "Linh", "Trang", "Ngân", "Nhung", "Yến", "Hằng", "Phượng", "Diệp",
        "Oanh", "Thủy", "Ánh", "Huyền", "Trinh", "Vy", "Anh", "Loan", "Hạnh", "Giang", "Nga",
    ]
    static let ethnicities: [(String, Double)] = [
        ("Kinh", 85), ("Tày", 2), ("Thái", 2), ("Mường", 1.5), ("Khmer", 1.5), ("Hoa", 1), ("Nùng", 1),
        ("Mông", 1), ("Dao", 0.8), ("Gia Rai", 0.5), ("Ê Đê", 0.4),
    ]
    static let streets = [
        "Nguyễn Trãi", "Lê Lợi", "Trần Hưng Đạo", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt", "Phan Chu Trinh",
        "Điện Biên Phủ", "Nguyễn Huệ", "Hùng Vương", "Lê Duẩn", "Trần Phú", "Võ Thị Sáu", "Bà Triệu", "Ngô Quyền",
        "Đinh Tiên Hoàng", "Nguyễn Du", "Hoàng Diệu", "Tôn Đức Thắng", "Phạm Văn Đồng",
    ]
    static let hamlets = ["Thôn Đông", "Thôn Tây", "Thôn Trung", "Xóm Mới", "Ấp Bình An", "Bản Nà", "Thôn Hạ"]

    /// Words of enterprise names, with their English renderings.
    static let tradeNames: [(String, String)] = [
        ("An Phát", "An Phat"), ("Hoàng Long", "Hoang Long"), ("Minh Khang", "Minh Khang"), ("Thành Đạt", "Thanh Dat"),
        ("Phú Quý", "Phu Quy"), ("Đại Việt", "Dai Viet"), ("Sao Mai", "Sao Mai"), ("Hưng Thịnh", "Hung Thinh"),
        ("Tân Tiến", "Tan Tien"), ("Bình Minh", "Binh Minh"), ("Trường Sơn", "Truong Son"), ("Hồng Hà", "Hong Ha"),
        ("Cửu Long", "Cuu Long"), ("Phương Nam", "Phuong Nam"), ("Kim Ngân", "Kim Ngan"), ("Việt Á", "Viet A"),
        ("Đông Dương", "Dong Duong"), ("Lam Sơn", "Lam Son"), ("Thiên Phú", "Thien Phu"), ("Nam Việt", "Nam Viet"),
    ]
    static let trades: [(String, String, [String])] = [
        ("Thương mại Dịch vụ", "Trading Services", ["4610", "4659", "4690"]),
        ("Xây dựng", "Construction", ["4100", "4210", "4290"]),
        ("Công nghệ Thông tin", "Information Technology", ["6201", "6202", "6311"]),
        ("Vận tải", "Transport", ["4933", "5012", "5229"]),
        ("Thực phẩm", "Food", ["1079", "4632", "5610"]),
        ("Dệt may", "Textile", ["1410", "1311", "4641"]),
        ("Nông sản", "Agricultural Products", ["0111", "0150", "4620"]),
        ("Du lịch", "Tourism", ["7911", "7912", "5510"]),
        ("Bất động sản", "Real Estate", ["6810", "6820", "4100"]),
        ("Cơ khí", "Mechanical Engineering", ["2592", "2599", "3312"]),
    ]
}
