#!/usr/bin/env python3
"""Writes the sample reference CSVs shipped in schemas/ (deterministic: fixed seed).

A fictional Vietnamese coffee chain: prices in VND, stores across six cities, bank transfers through
nine banks (ACB among them), and ~12,000 customers of whom about 2 % are diamond tier.
Re-run only to change the samples: python3 schemas/generate-reference-data.py
"""
import csv
import os
import random

OUT = os.path.join(os.path.dirname(__file__), "src/main/resources/com/coffeeshop/schemas/reference")
rng = random.Random(20250101)
STAMP = "2025-01-01 00:00:00"

categories = [
    (1, "Cà phê"), (2, "Trà"), (3, "Đá xay"), (4, "Nước ép & Sinh tố"), (5, "Bánh ngọt"), (6, "Đồ ăn nhẹ"),
]
products = [
    ("CF01", "Cà phê đen đá", 1, 29000), ("CF02", "Cà phê sữa đá", 1, 35000), ("CF03", "Bạc xỉu", 1, 39000),
    ("CF04", "Cà phê muối", 1, 45000), ("CF05", "Espresso", 1, 40000), ("CF06", "Americano", 1, 45000),
    ("CF07", "Cappuccino", 1, 55000), ("CF08", "Latte", 1, 55000), ("CF09", "Cà phê trứng", 1, 49000),
    ("TE01", "Trà đào cam sả", 2, 49000), ("TE02", "Trà vải", 2, 49000), ("TE03", "Trà sen vàng", 2, 55000),
    ("TE04", "Trà sữa oolong", 2, 52000), ("TE05", "Trà xanh Thái Nguyên", 2, 35000),
    ("IB01", "Matcha đá xay", 3, 65000), ("IB02", "Cookie đá xay", 3, 65000), ("IB03", "Chocolate đá xay", 3, 62000),
    ("JS01", "Nước ép cam", 4, 45000), ("JS02", "Sinh tố bơ", 4, 55000), ("JS03", "Sinh tố xoài", 4, 52000),
    ("PA01", "Bánh croissant", 5, 35000), ("PA02", "Bánh tiramisu", 5, 45000), ("PA03", "Bánh mousse chanh dây", 5, 42000),
    ("SN01", "Bánh mì que", 6, 19000), ("SN02", "Hạt điều rang muối", 6, 30000), ("SN03", "Khô gà lá chanh", 6, 35000),
]
cities = {
    "Hà Nội": ["Ba Đình", "Hoàn Kiếm", "Đống Đa", "Cầu Giấy", "Tây Hồ", "Hai Bà Trưng", "Thanh Xuân"],
    "TP. Hồ Chí Minh": ["Quận 1", "Quận 3", "Quận 5", "Quận 7", "Bình Thạnh", "Phú Nhuận", "Thủ Đức", "Tân Bình"],
    "Đà Nẵng": ["Hải Châu", "Sơn Trà", "Thanh Khê", "Ngũ Hành Sơn"],
    "Hải Phòng": ["Hồng Bàng", "Lê Chân", "Ngô Quyền"],
    "Cần Thơ": ["Ninh Kiều", "Cái Răng"],
    "Nha Trang": ["Lộc Thọ", "Vĩnh Hải"],
}
city_weights = {"Hà Nội": 36, "TP. Hồ Chí Minh": 48, "Đà Nẵng": 14, "Hải Phòng": 10, "Cần Thơ": 6, "Nha Trang": 6}
streets = ["Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt", "Phan Chu Trinh",
           "Nguyễn Trãi", "Điện Biên Phủ", "Võ Văn Tần", "Pasteur", "Bạch Đằng", "Hùng Vương", "Quang Trung",
           "Lê Duẩn", "Nguyễn Thị Minh Khai", "Cách Mạng Tháng Tám", "Xuân Thủy", "Kim Mã", "Tôn Đức Thắng"]
banks = ["ACB", "Vietcombank", "Techcombank", "VPBank", "MB Bank", "BIDV", "VietinBank", "Sacombank", "TPBank"]
surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
middles = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Gia", "Bảo", "Thu", "Hoài"]
givens = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Huy", "Khánh",
          "Lan", "Linh", "Long", "Mai", "Nam", "Ngân", "Nhung", "Phong", "Phúc", "Quân", "Quỳnh", "Sơn", "Tâm",
          "Thảo", "Thắng", "Trang", "Trí", "Tú", "Tuấn", "Uyên", "Vy", "Yến"]


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


os.makedirs(OUT, exist_ok=True)
write("product_category.csv", ["id", "name", "updated_at"], [(i, n, STAMP) for i, n in categories])
write("product.csv", ["id", "name", "category_id", "unit_price", "updated_at"],
      [(p, n, c, price, STAMP) for p, n, c, price in products])

stores = []
sid = 1
for city, n in city_weights.items():
    for k in range(n):
        district = rng.choice(cities[city])
        address = f"{rng.randint(1, 399)} {rng.choice(streets)}, {district}, {city}"
        stores.append((sid, f"Coffee Chain {city} #{k + 1:02d}", address, district, city, STAMP))
        sid += 1
write("store.csv", ["id", "name", "address", "district", "city", "updated_at"], stores)

methods = [(1, "Cash", ""), (2, "Credit Card", ""), (3, "Debit Card", ""), (4, "E-Wallet", "")]
methods += [(5 + i, "Bank Transfer", b) for i, b in enumerate(banks)]
write("payment_method.csv", ["id", "method_name", "bank", "updated_at"], [(i, m, b, STAMP) for i, m, b in methods])

customers = []
for cid in range(1, 12001):
    r = rng.random()
    tier = "diamond" if r < 0.02 else "gold" if r < 0.10 else "silver" if r < 0.30 else "regular"
    name = f"{rng.choice(surnames)} {rng.choice(middles)} {rng.choice(givens)}"
    phone = "0" + rng.choice(["90", "91", "93", "94", "96", "97", "98", "86", "88", "70", "77", "79"]) + f"{rng.randint(0, 9999999):07d}"
    customers.append((cid, name, phone, tier, STAMP))
write("customers.csv", ["id", "name", "phone_number", "tier", "updated_at"], customers)
print(f"wrote {len(categories)} categories, {len(products)} products, {len(stores)} stores, "
      f"{len(methods)} payment methods, {len(customers)} customers "
      f"({sum(1 for c in customers if c[3] == 'diamond')} diamond) to {OUT}")
