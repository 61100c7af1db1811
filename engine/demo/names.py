"""Deterministic Vietnamese names for demo people (the same index always gives the same name)."""

from __future__ import annotations

HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
      "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai", "Tạ", "Cao", "Lương"]
DEM_NAM = ["Văn", "Minh", "Đức", "Quốc", "Hữu", "Thanh", "Công", "Xuân", "Ngọc", "Hoàng"]
DEM_NU = ["Thị", "Thu", "Ngọc", "Thanh", "Kim", "Hồng", "Bích", "Mỹ", "Thùy", "Phương"]
TEN_NAM = ["An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam", "Phong", "Phúc",
           "Quang", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Tâm", "Lợi", "Thiện", "Tài", "Huy"]
TEN_NU = ["Anh", "Chi", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc", "Nhung",
          "Oanh", "Phượng", "Quyên", "Thảo", "Trang", "Vân", "Yến", "Hằng", "Dung", "Loan", "Tuyết"]


def full_name(index: int) -> str:
    """A plausible full name; even indexes are women, odd ones men (teaching staff are mostly women)."""
    woman = index % 2 == 0
    middle, given = (DEM_NU, TEN_NU) if woman else (DEM_NAM, TEN_NAM)
    return f"{HO[index * 7 % len(HO)]} {middle[index * 3 % len(middle)]} {given[index * 5 % len(given)]}"
