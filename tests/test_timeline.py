"""The timeline importer (pure): every timeline row of the five seed plans, the phrase shapes it reads,
how it joins wrapped rows, and the lines it refuses to guess.

Seed rows are copied byte for byte from /work/shared/seeds (tabs, «», a no-break space, **bold**).
Instants: a due is an exclusive end at local midnight, so "Trước ngày 11/11/2023" and "Ngày 10/11/2023"
are both 2023-11-11T00:00+07:00 (see engine/plans/instants.py).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.errors import InvalidInput
from engine.plans import wording
from engine.plans.instants import due_text, parse_instant, start_text
from engine.plans.timeline import parse_timeline

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, month: int, year: int) -> datetime:
    """Local midnight at the start of the day, Asia/Ho_Chi_Minh."""
    return datetime(year, month, day, tzinfo=VN)


def one(text: str, school_year: str):
    result = parse_timeline(text, school_year)
    assert not result.unreadable, result.unreadable
    [milestone] = result.milestones
    return milestone


# 000 Sở GDĐT Hà Nội 2020 (năm học 2019-2020): the lịch trình is written into the text, a sentence a deadline
HA_NOI_2020 = [
    ('a) Thời gian tổ chức: hoàn thành trước 15/5/2020',
     None, at(15, 5, 2020), None),  # line 41
    ('Dự kiến được tổ chức cuối Quý II năm 2020.',
     at(1, 6, 2020), at(1, 7, 2020), None),  # line 90
    (('- Hướng dẫn các đơn vị trực thuộc tổ chức triển khai thực hiện, tổng hợp, báo cáo Hội đồng '
      'Thi đua - Khen thưởng Ngành (cuối tháng 5 năm 2020).'),
     at(21, 5, 2020), at(1, 6, 2020), None),  # line 96
    ('+ Tổ chức Hội nghị cấp cơ sở xong trước ngày 15/5/2020.',
     None, at(15, 5, 2020), None),  # line 122
    (('1. Các đơn vị trực thuộc Sở gửi Báo cáo và các danh sách kèm theo (Văn bản điện tử kèm file '
      'word) về Sở GDĐT Hà Nội qua Văn phòng Sở, 81 Thọ Nhuộm, Hoàn Kiếm, Hà Nội **trước ngày '
      '20/5/2020** (bộ phận Thi đua - Khen thưởng; Email: thidua@hanoiedu.vn).'),
     None, at(20, 5, 2020), 'truong'),  # line 132
]

# 001 Phòng GDĐT Hóc Môn 2021-2025 (issued in năm học 2021-2022): its tiến độ, in the text
HOC_MON_2021_2025 = [
    (('Các cơ sở giáo dục tiến hành tổ chức sơ kết đánh giá công tác phát hiện, bồi dưỡng, xây dựng '
      'gương điển hình tiên tiến và biểu dương khen thưởng trong Quý IV năm 2022; đồng thời bình '
      'chọn, giới thiệu gương điển hình tiên tiến tiêu biểu gửi về bộ phận phụ trách thi đua ngành '
      'Giáo dục và Đào tạo để tham mưu Hội đồng Thi đua – Khen thưởng ngành Giáo dục và Đào tạo xem '
      'xét, quyết định biểu dương, tôn vinh khen thưởng.'),
     at(1, 10, 2022), at(1, 1, 2023), 'truong'),  # line 101
    (('Quý IV năm 2024 tổ chức đánh giá, tổng kết công tác xây dựng, nhân rộng các điển hình để tôn '
      'vinh, biểu dương gương điển hình tiêu biểu trong các phong trào thi đua tại Hội nghị điển '
      'hình tiên tiến 05 năm của cơ quan, đơn vị.'),
     at(1, 10, 2024), at(1, 1, 2025), None),  # line 109
    (('2. Thủ trưởng các cơ sở giáo dục trực thuộc có trách nhiệm xây dựng và tổ chức triển khai '
      'thực hiện kế hoạch xây dựng, nhân rộng điển hình tiên tiến giai đoạn 2021 – 2025 tại cơ quan, '
      'đơn vị. Đồng thời lập danh sách đăng ký xây dựng điển hình tiên tiến kèm theo kế hoạch của '
      'đơn vị về Phòng Giáo dục và Đào tạo huyện (Bộ phận thi đua của ngành) **trước ngày 20 tháng '
      '01 năm 2022.**'),
     None, at(20, 1, 2022), 'truong'),  # line 119
]

# 003 Phòng GD&ĐT Uông Bí, năm học 2016-2017: "Riêng đối với năm học 2016 – 2017"
UONG_BI_2016_2017 = [
    (('- Tháng 10/2016: Các đơn vị triển khai văn bản hướng dẫn và tổ chức cho cán bộ quản lý, nhà '
      'giáo, người lao động trong đơn vị đăng ký, dự kiến số lượng và nội dung công việc sẽ sáng '
      'tạo, đổi mới thực hiện trong học kỳ I (tham khảomẫu gợi ý số 1); tổ chức đăng ký thành lập '
      'các tổ, nhóm thi đua như “Nhà giáo cùng nhau phát triển” trong các tổ chuyên môn, trong các '
      'nhà trường, cụm trường (tham khảo mẫu gợi ý số 2). Hoàn thành chậm nhất ngày 05/11/2016.'),
     at(1, 10, 2016), at(6, 11, 2016), 'truong'),  # line 31
    (('- Tháng 11/2016: Cùng với các hoạt động kỷ niệm ngày Nhà giáo Việt Nam 20/11, các đơn vị tổ '
      'chức tọa đàm để cán bộ quản lý, nhà giáo, người lao động trao đổi, chia sẻ những kết quả bước '
      'đầu thực hiện nội dung thi đua năm học; tháo gỡ những khó khăn, vướng mắc trong quá trình '
      'thực hiện và trong công tác chỉ đạo; từ đó động viên cán bộ quản lý, nhà giáo, người lao động '
      'tiếp tục thực hiện có hiệu quả các nhiệm vụ được giao.'),
     at(1, 11, 2016), at(1, 12, 2016), 'truong'),  # line 34
    (('- Tháng 12/2016 và tháng 01/2017: Căn cứ điều kiện thực tế, nhân dịp sơ kết học kỳ I, các đơn '
      'vị tổ chức biểu dương những cá nhân, tập thể bước đầu thực hiện tốt phong trào thi đua; tuyên '
      'truyền các điển hình tiên tiến với những cách làm hay, sáng tạo, những giải pháp đổi mới mang '
      'lại hiệu quả thiết thực.'),
     at(1, 12, 2016), at(1, 2, 2017), 'truong'),  # line 36
    ('- Tháng 5 và tháng 6/2017: Tổ chức đánh giá kết quả sau một năm thực hiện nội dung thi đua.',
     at(1, 5, 2017), at(1, 7, 2017), None),  # line 38
    (('- Tháng 8/2017: Tổ chức tổng kết 01 năm thực hiện phong trào thi đua “Đổi mới, sáng tạo trong '
      'dạy và học” lồng ghép trong Hội nghị tổng kết năm học 2016-2017.'),
     at(1, 8, 2017), at(1, 9, 2017), None),  # line 40
]

# 004 Phòng GDĐT Dầu Tiếng, năm học 2023-2024: the 17 rows of its khung kế hoạch thời gian
DAU_TIENG_2023_2024 = [
    (('1.\tTriển khai công tác thi đua, khen thưởng và tổ chức đăng ký thi đua, đăng ký viết sáng '
      'kiến\tTrước ngày 11/11/2023\tCác đơn vị trực thuộc Phòng GDĐT'),
     None, at(11, 11, 2023), 'truong'),  # line 127
    (('2.\tNộp hồ sơ đăng ký thi đua, khen thưởng; Kế hoạch công tác thi đua, khen thưởng; Quyết '
      'định thành lập/kiện toàn Hội đồng Thi đua - Khen thưởng cấp trường năm học 2023 - 2024 về '
      'Phòng GDĐT\tTrước ngày 11/11/2023\tCác đơn vị trực thuộc Phòng GDĐT'),
     None, at(11, 11, 2023), 'truong'),  # line 128
    (('3.\tTổ chức họp ký kết giao ước thi đua, thống nhất lượng hóa thi đua năm học 2023 - '
      '2024\tTrong tháng 11/2023\tCác Khối thi đua số 1,2,3'),
     at(1, 11, 2023), at(1, 12, 2023), 'khoi'),  # line 129
    (('4.\tBáo cáo Sơ kết tình hình hoạt động năm học 2023-2024 của Khối thi đua bậc học\tTrước ngày '
      '15/01/2024\tKhối trưởng các Khối thi đua số 1,2,3'),
     None, at(15, 1, 2024), 'khoi'),  # line 130
    (('5.\tBan hành Quyết định thành lập Hội đồng chấm sáng kiến cấp huyện; Tổ chức chấm và ban hành '
      'Quyết định công nhận sáng kiến cấp trường\tTháng 02/2024\tCác đơn vị trực thuộc Phòng và '
      'Phòng GDĐT'),
     at(1, 2, 2024), at(1, 3, 2024), 'truong'),  # line 131
    (('6.\tNộp hồ sơ đề nghị công nhận hiệu quả áp dụng sáng kiến cấp cơ sở về Phòng GDĐT (theo phân '
      'cấp)\tTrước ngày 01/3/2024\tCác đơn vị trực thuộc Phòng GDĐT'),
     None, at(1, 3, 2024), 'truong'),  # line 132
    (('7.\tNộp hồ sơ Kỷ niệm chương “Vi sự nghiệp giáo dục” về Sở GDĐT\tTrước ngày 15/4/2024\tCác '
      'đơn vị trực thuộc Phòng GDĐT'),
     None, at(15, 4, 2024), 'truong'),  # line 133
    ('8.\tHội đồng đánh giá sáng kiến ngành GDĐT làm việc\tTừ 15/3 đến 29/3/2024\tPhòng GDĐT',
     at(15, 3, 2024), at(30, 3, 2024), 'phong'),  # line 134
    (('9.\tHọp xét thi đua cuối năm học 2023 - 2024 (lần 1)\tTừ 20/5 đến 31/5/2024\tCác đơn vị trực '
      'thuộc Phòng GDĐT'),
     at(20, 5, 2024), at(1, 6, 2024), 'truong'),  # line 135
    (('10.\tNộp hồ sơ xét tặng Huy hiệu “Vi sự nghiệp trồng người” năm học 2023 - 2024 về Sở '
      'GDĐT\tTrước ngày 31/5/2024\tCác đơn vị trực thuộc Phòng GDĐT'),
     None, at(31, 5, 2024), 'truong'),  # line 139
    (('11.\tNộp hồ sơ đề nghị khen thưởng Phong trào thi đua “Đổi mới, sáng tạo trong quản lý, giảng '
      'dạy và học tập” năm học 2023 - 2024\tTrước ngày 15/6/2024\tCác đơn vị trực thuộc Phòng GDĐT'),
     None, at(15, 6, 2024), 'truong'),  # line 140
    (('12.\tKhởi thi đua Các trường trực thuộc phòng GDĐT tổ chức họp tổng kết; xét thi đua, khen '
      'thưởng năm học 2023 - 2024\tTrước ngày 19/7/2024\tCác đơn vị trực thuộc Phòng GDĐT'),
     None, at(19, 7, 2024), 'truong'),  # line 141
    (('13.\tNộp Báo cáo tổng kết công tác thi đua, khen thưởng và hồ sơ đề nghị khen thưởng đơn vị '
      'cuối năm học 2023 - 2024 về Phòng GDĐT\tTrước ngày 30/7/2024\tCác đơn vị trực thuộc Phòng '
      'GDĐT'),
     None, at(30, 7, 2024), 'truong'),  # line 142
    ('14.\tNộp hồ sơ đề cử “Nhà giáo tiêu biểu của năm 2024” về Sở GDĐT\tTrước ngày 30/7/2024\tPhòng GDĐT',
     None, at(30, 7, 2024), 'phong'),  # line 143
    (('15.\tNộp Báo cáo tổng kết công tác thi đua, khen thưởng và hồ sơ đề nghị khen thưởng Khởi thi '
      'đua cuối năm học 2023 - 2024 về Phòng GDĐT\tTrước ngày 14/8/2024\tCác khối thi đua 1,2,3'),
     None, at(14, 8, 2024), 'khoi'),  # line 144
    (('16.\tHội đồng Thi đua - Khen thưởng ngành GDĐT họp xét thi đua, khen thưởng cuối năm học 2023 '
      '- 2024\tTừ 12/8 đến 14/8/2024\tPhòng GDĐT'),
     at(12, 8, 2024), at(15, 8, 2024), 'phong'),  # line 145
    (('17.\tNộp hồ sơ đề nghị khen thưởng cấp tỉnh về Thường trực Hội đồng Thi đua - Khen thưởng '
      'huyện (Phòng Nội vụ)\tNgày 15/8/2024\tPhòng GDĐT'),
     None, at(16, 8, 2024), 'phong'),  # line 146
]

# 002 Phòng GD&ĐT Hà Đông 2019 (năm học 2018-2019): the monthly tiến độ "Kèm theo Kế hoạch số 85";
# each task line is read under its month heading
HA_DONG_2019 = [
    ('\t01/2019', '\t- Xây dựng kế hoạch công tác thi đua, khen thưởng ngành GD&ĐT quận Hà Đông năm 2019.',
     at(1, 1, 2019), at(1, 2, 2019), None),  # line 98
    ('\t01/2019', '- Hướng dẫn các đơn vị đăng ký xét Kỷ niệm chương “Vì sự nghiệp giáo dục” năm 2019.',
     at(1, 1, 2019), at(1, 2, 2019), None),  # line 99
    ('\t02/2019', ('\t- Các đơn vị gửi hồ sơ đề nghị xét tặng Kỷ niệm chương «Vì sự nghiệp giáo dục» năm 2019 '
      '(theo mẫu)\xa0; phòng GD&ĐT quận tổng hợp và trình Sở GD&ĐT Hà Nội.'),
     at(1, 2, 2019), at(1, 3, 2019), 'truong'),  # line 102
    ('\t03/2019', ('\t- Các đơn vị thành lập Hội đồng chấm sáng kiến kinh nghiệm gửi kết quả về các tổ chuyên môn '
      'của phòng GD&ĐT.'),
     at(1, 3, 2019), at(1, 4, 2019), 'truong'),  # line 106
    ('\t04/2019', ('\t- Thành lập Hội đồng chấm SKKN cấp Ngành, tổ chức chấm SKKN của các cá nhân đăng ký đề tài '
      'SKKN năm học 2018-2019.'),
     at(1, 4, 2019), at(1, 5, 2019), None),  # line 110
    ('\t04/2019', ('- Hướng dẫn các đơn vị tổ chức đánh giá công chức, viên chức; bình xét thi đua cuối năm học '
      '2018- 2019 và nộp hồ sơ thi đua về phòng GD&ĐT đúng thời gian quy định.'),
     at(1, 4, 2019), at(1, 5, 2019), None),  # line 111
    ('\t04/2019', '- Tổng hợp kết quả chấm sáng kiến kinh nghiệm trong toàn Ngành',
     at(1, 4, 2019), at(1, 5, 2019), None),  # line 112
    ('\t05/2019', '\t- Đón đoàn kiểm tra, khảo sát thi đua của Sở GD&ĐT Hà Nội.',
     at(1, 5, 2019), at(1, 6, 2019), None),  # line 116
    ('\t05/2019', '- Chuẩn bị các điều kiện để tổ chức Lễ tuyên dương khen thưởng học sinh giỏi quận Hà Đông. ',
     at(1, 5, 2019), at(1, 6, 2019), None),  # line 117
    ('\t05/2019', '- Báo cáo Hội đổng KH-SKKN quận kết quả chấm SKKN toàn Ngành trước ngày 10/5/2019.',
     at(1, 5, 2019), at(10, 5, 2019), None),  # line 118
    ('\t05/2019', ('- Trình Hội đổng thi đua, khen thưởng quận hồ sơ thi đua, báo cáo thành tích đề nghị tặng '
      'danh hiệu thi đua trước ngày 20/5/2019.'),
     at(1, 5, 2019), at(20, 5, 2019), None),  # line 119
    ('\t05/2019', ('- Hoàn thiện hồ sơ thi đua, báo cáo thành tích tập thể và cá nhân; báo cáo tự đánh giá, chấm '
      'điểm theo các chỉ tiêu công tác của đơn vị về Sở GD&ĐT trước ngày 30/5/2019.'),
     at(1, 5, 2019), at(30, 5, 2019), None),  # line 120
    ('\t06/2019', '\t- Thông báo kết quả xét thi đua năm học 2018-2019.',
     at(1, 6, 2019), at(1, 7, 2019), None),  # line 123
    ('\t07/2019', '\t- Hướng dẫn các đơn vị hoàn thiện hồ sơ thi đua của các tập thể, cá nhân đề nghị khen cao.',
     at(1, 7, 2019), at(1, 8, 2019), None),  # line 127
    ('\t08/2019', '\t- Tổ chức Hội nghị Tổng kết năm học 2018-2019, khen thưởng các tập thể tiêu biểu;',
     at(1, 8, 2019), at(1, 9, 2019), None),  # line 131
    ('\t09/2019', ('\t- Tổ chức tập huấn công tác thi đua, khen thưởng cho đội ngũ cán bộ quản lý các đơn vị giáo '
      'dục trong toàn Ngành.'),
     at(1, 9, 2019), at(1, 10, 2019), None),  # line 135
    ('\t09/2019', '- Hướng dẫn thực hiện công tác TĐKT năm học 2019-2020.',
     at(1, 9, 2019), at(1, 10, 2019), None),  # line 136
    ('\t10/2019', ('\t- Các đơn vị gửi bản đăng ký DHTĐ, HTKT năm học 2019-2020 (theo mẫu), phòng GD&ĐT tổng hợp '
      'số liệu đăng ký thi đua, các phong trào và chuyên đề thi đua của các cấp học.'),
     at(1, 10, 2019), at(1, 11, 2019), 'truong'),  # line 139
    ('\t10/2019', '- Nhập dữ liệu đăng ký thi đua vào phần mềm quản lý thi đua - khen thưởng của Ngành.',
     at(1, 10, 2019), at(1, 11, 2019), None),  # line 140
    ('\t11/2019', ('\t- Khen thưởng các tập thể và cá nhân có thành tích tiêu biểu trong phong trào thi đua của '
      'Ngành nhân dịp Kỷ niệm ngày Nhà giáo Việt Nam 20/11.'),
     at(1, 11, 2019), at(1, 12, 2019), None),  # line 143
    ('\t12/2019', '\t- Tổng hợp báo cáo, kết quả thi đua 3 cấp học, cuối học kỳ I năm học 2019-2020.',
     at(1, 12, 2019), at(1, 1, 2020), None),  # line 146
]


SEED_ROWS = [(row, "2019-2020", *rest) for row, *rest in HA_NOI_2020] + \
    [(row, "2021-2022", *rest) for row, *rest in HOC_MON_2021_2025] + \
    [(row, "2016-2017", *rest) for row, *rest in UONG_BI_2016_2017] + \
    [(row, "2023-2024", *rest) for row, *rest in DAU_TIENG_2023_2024]


@pytest.mark.parametrize(("row", "school_year", "start", "due", "kind"), SEED_ROWS)
def test_every_timeline_row_of_the_seeds(row, school_year, start, due, kind):
    milestone = one(row, school_year)
    assert (milestone.window_start, milestone.due_at, milestone.kind) == (start, due, kind)
    assert re.fullmatch(r"[a-z][a-z0-9_]*", milestone.key)
    assert milestone.title and all(part in wording.normalize(row) for part in milestone.source_text.split(" … "))


@pytest.mark.parametrize(("heading", "row", "start", "due", "kind"), HA_DONG_2019)
def test_every_task_line_of_ha_dong_under_its_month(heading, row, start, due, kind):
    milestone = one(f"{heading}\n{row}", "2018-2019")
    assert (milestone.window_start, milestone.due_at, milestone.kind) == (start, due, kind)
    assert milestone.line_no == 2


def _ha_dong_section() -> str:
    lines = ["\tTháng/năm", "\tNội dung công việc", ""]
    for heading in dict.fromkeys(h for h, *_ in HA_DONG_2019):
        lines += [heading, *(row for h, row, *_ in HA_DONG_2019 if h == heading), "", ""]
    return "\n".join(lines)


def test_ha_dong_appendix_pasted_whole():
    result = parse_timeline(_ha_dong_section(), "2018-2019")
    assert not result.unreadable
    assert [(m.window_start, m.due_at) for m in result.milestones] == [(s, d) for *_, s, d, _ in HA_DONG_2019]
    assert result.milestones[0].line_no == 5 and result.milestones[0].source_text == "01/2019"
    may = [m for m in result.milestones if m.window_start == at(1, 5, 2019)]
    assert [m.source_text for m in may][2:] == [f"05/2019 … trước ngày {d}/5/2019" for d in (10, 20, 30)]
    assert may[2].title == "Báo cáo Hội đổng KH-SKKN quận kết quả chấm SKKN toàn Ngành"
    titled = "PHỤ LỤC\nTiến độ thực hiện một số nhiệm vụ công tác thi đua, khen thưởng năm 2019.\n" \
             "(Kèm theo Kế hoạch số  85/KH-PGD&ĐT  ngày 24/1/2019 của phòng GD&ĐT)\n" + _ha_dong_section()
    result = parse_timeline(titled, "2018-2019")
    assert [(u.line_no, u.reason) for u in result.unreadable] == [(n, "no date or period found") for n in (1, 2, 3)]
    assert len(result.milestones) == len(HA_DONG_2019)


def test_dau_tieng_time_frame_pasted_whole():
    rows = [row for row, *_ in DAU_TIENG_2023_2024]
    text = "\n".join(["TT\tNội dung\tThời gian hoàn thành\tĐơn vị thực hiện", *rows[:9], "", "", "", *rows[9:]])
    result = parse_timeline(text, "2023-2024")
    assert not result.unreadable
    assert [m.line_no for m in result.milestones] == [*range(2, 11), *range(14, 22)]
    assert [(m.window_start, m.due_at, m.kind) for m in result.milestones] == \
        [tuple(rest) for _, *rest in DAU_TIENG_2023_2024]
    keys = [m.key for m in result.milestones]
    assert len(set(keys)) == 17 and keys[0] == "trien_khai_cong_tac_thi_dua"
    assert keys[12] == "nop_bao_cao_tong_ket_cong" and keys[14] == "nop_bao_cao_tong_ket_cong_2"
    assert result.milestones[7].title == "Hội đồng đánh giá sáng kiến ngành GDĐT làm việc"
    assert parse_timeline(text, "2023-2024") == result  # stable


def test_uong_bi_section_pasted_whole_reports_its_notes():
    rows = [row for row, *_ in UONG_BI_2016_2017]
    note = ("Yêu cầu: toàn bộ hồ sơ đăng ký sáng tạo, đổi mới sẽ lưu tại trường (các đơn vị đã triển khai "
            "nôi dung này từ đầu năm học không phải thực hiện).")
    text = "\n".join(["* Riêng đối với năm học 2016 – 2017:", "", rows[0], note, "", rows[1], "", rows[2],
                      "", rows[3], "", rows[4]])
    result = parse_timeline(text, "2016-2017")
    assert [m.line_no for m in result.milestones] == [3, 6, 8, 10, 12]
    assert [(u.line_no, u.reason) for u in result.unreadable] == [(1, "no date or period found"),
                                                                  (4, "no date or period found")]
    first = result.milestones[0]
    assert first.source_text == "Tháng 10/2016 … Hoàn thành chậm nhất ngày 05/11/2016"
    assert first.title.startswith("Các đơn vị triển khai") and first.title.endswith("(tham khảo mẫu gợi ý số 2)")
    assert "20/11" in result.milestones[1].title  # an occasion stays in the title and is not a deadline


# --- the phrase shapes ---------------------------------------------------------------------------

SHAPES = [
    ("Trước ngày 11/11/2023", None, at(11, 11, 2023)),
    ("trước 15/5/2024", None, at(15, 5, 2024)),
    ("Ngày 15/8/2024", None, at(16, 8, 2024)),
    ("chậm nhất ngày 15/8/2024", None, at(16, 8, 2024)),
    ("Hạn chót: 15/9/2023", None, at(16, 9, 2023)),
    ("đến hết ngày 15-9-2023", None, at(16, 9, 2023)),
    ("đến ngày 15.9.2023", None, at(16, 9, 2023)),
    ("ngày 15 tháng 8 năm 2024", None, at(16, 8, 2024)),
    ("Từ 20/5 đến 31/5/2024", at(20, 5, 2024), at(1, 6, 2024)),
    ("từ ngày 20 đến ngày 31/5/2024", at(20, 5, 2024), at(1, 6, 2024)),
    ("Từ 20/12 đến 10/1/2024", at(20, 12, 2023), at(11, 1, 2024)),
    ("12-14/8/2024", at(12, 8, 2024), at(15, 8, 2024)),
    ("28-3/9/2024", at(28, 8, 2024), at(4, 9, 2024)),
    ("20/5 - 31/5/2024", at(20, 5, 2024), at(1, 6, 2024)),
    ("Trong tháng 11/2023", at(1, 11, 2023), at(1, 12, 2023)),
    ("Tháng 02/2024", at(1, 2, 2024), at(1, 3, 2024)),
    ("Tháng 9/2023", at(1, 9, 2023), at(1, 10, 2023)),
    ("tháng 5 năm 2024", at(1, 5, 2024), at(1, 6, 2024)),
    ("Tháng 12/2023 và tháng 01/2024", at(1, 12, 2023), at(1, 2, 2024)),
    ("Tháng 5 và tháng 6/2024", at(1, 5, 2024), at(1, 7, 2024)),
    ("từ tháng 3 đến tháng 5/2024", at(1, 3, 2024), at(1, 6, 2024)),
    ("Quý IV năm 2022", at(1, 10, 2022), at(1, 1, 2023)),
    ("quý 4/2022", at(1, 10, 2022), at(1, 1, 2023)),
    ("Quý I/2024", at(1, 1, 2024), at(1, 4, 2024)),
    ("cuối tháng 5 năm 2020", at(21, 5, 2020), at(1, 6, 2020)),
    ("đầu tháng 9/2023", at(1, 9, 2023), at(11, 9, 2023)),
    ("giữa tháng 2/2024", at(11, 2, 2024), at(21, 2, 2024)),
    ("cuối Quý II năm 2020", at(1, 6, 2020), at(1, 7, 2020)),
    ("đầu quý I năm 2024", at(1, 1, 2024), at(1, 2, 2024)),
    ("tuần 2 tháng 9/2023", at(8, 9, 2023), at(15, 9, 2023)),
    ("tuần 5 tháng 9/2023", at(29, 9, 2023), at(1, 10, 2023)),
    ("trước tháng 5/2024", None, at(1, 5, 2024)),
    ("chậm nhất tháng 5/2024", None, at(1, 6, 2024)),
    # no year: months 8–12 are in the first year of the school year, 1–7 in the second
    ("Trước ngày 10/9", None, at(10, 9, 2023)),
    ("Trước ngày 10/3", None, at(10, 3, 2024)),
    ("ngày 5 tháng 1", None, at(6, 1, 2024)),
    ("Tháng 11", at(1, 11, 2023), at(1, 12, 2023)),
    ("cuối tháng 5", at(21, 5, 2024), at(1, 6, 2024)),
]


@pytest.mark.parametrize(("phrase", "start", "due"), SHAPES)
def test_phrase_shapes_as_a_time_column(phrase, start, due):
    milestone = one(f"1.\tNộp hồ sơ thi đua\t{phrase}\tCác trường", "2023-2024")
    assert (milestone.window_start, milestone.due_at) == (start, due)
    assert milestone.title == "Nộp hồ sơ thi đua" and milestone.kind == "truong"
    assert milestone.source_text == phrase


@pytest.mark.parametrize(("phrase", "start", "due"), SHAPES)
def test_phrase_shapes_inside_a_sentence(phrase, start, due):
    milestone = one(f"- Các trường nộp hồ sơ {phrase[:1].lower()}{phrase[1:]}.", "2023-2024")
    assert (milestone.window_start, milestone.due_at) == (start, due)
    unmarked = milestone.source_text in ("20/5 - 31/5/2024",) or milestone.source_text.lower().startswith("ngày")
    # a date with no word of time around it stays in the title: it may be part of what is said
    assert milestone.title == ("Các trường nộp hồ sơ " + milestone.source_text if unmarked else "Các trường nộp hồ sơ")


def test_time_first_then_content_and_a_markdown_table():
    text = ("| Thời gian | Nội dung | Đơn vị thực hiện |\n|---|---|---|\n"
            "| Trong tháng 11/2023 | Ký kết giao ước thi đua | Các khối thi đua |\n"
            "| Ngày 15/8/2024 | Nộp hồ sơ khen thưởng cấp tỉnh | Phòng GDĐT |")
    result = parse_timeline(text, "2023-2024")
    assert not result.unreadable
    assert [(m.line_no, m.key, m.kind) for m in result.milestones] == [
        (3, "ky_ket_giao_uoc_thi_dua", "khoi"), (4, "nop_ho_so_khen_thuong_cap", "phong")]


def test_month_headings_and_parts_of_their_month():
    text = "\n".join([
        "Tháng 10/2018",
        "đầu tháng | Các trường đăng ký thi đua",
        "giữa tháng | Phòng GDĐT tổng hợp đăng ký",
        "cuối tháng | Sở GDĐT duyệt",
        "tuần 4 | Nộp hồ sơ",
        "- Báo cáo chậm nhất ngày 31/10",
        "Tháng 12/2018",
        "- Nộp hồ sơ khen thưởng trước ngày 5/1",
        "- Khen thưởng nhân ngày 20/11 và 22/12",
    ])
    result = parse_timeline(text, "2018-2019")
    assert not result.unreadable
    got = [(m.window_start, m.due_at, m.kind) for m in result.milestones]
    assert got == [
        (at(1, 10, 2018), at(11, 10, 2018), "truong"),
        (at(11, 10, 2018), at(21, 10, 2018), "phong"),
        (at(21, 10, 2018), at(1, 11, 2018), "so"),
        (at(22, 10, 2018), at(29, 10, 2018), None),
        (at(1, 10, 2018), at(1, 11, 2018), None),
        (at(1, 12, 2018), at(5, 1, 2019), None),  # the year nearest its month heading
        (at(1, 12, 2018), at(1, 1, 2019), None),  # occasions under a heading are not deadlines
    ]
    assert result.milestones[-1].title == "Khen thưởng nhân ngày 20/11 và 22/12"


def test_wrapped_rows_are_joined():
    text = "\n".join([
        "Từ 20/5 đến",
        "31/5/2024 họp xét thi đua cuối năm",
        "1.\tNộp hồ sơ đăng ký",
        "thi đua về Phòng\tTrước ngày 11/11/2023\tCác đơn vị trực thuộc Phòng GDĐT",
        "- Các trường hoàn thiện hồ sơ, báo cáo thành tích và",
        "nộp về Phòng GDĐT trước ngày 30/5/2024.",
    ])
    result = parse_timeline(text, "2023-2024")
    assert not result.unreadable
    assert [(m.line_no, m.title, m.window_start, m.due_at, m.kind) for m in result.milestones] == [
        (1, "Họp xét thi đua cuối năm", at(20, 5, 2024), at(1, 6, 2024), None),
        (3, "Nộp hồ sơ đăng ký thi đua về Phòng", None, at(11, 11, 2023), "truong"),
        (5, "Các trường hoàn thiện hồ sơ, báo cáo thành tích và nộp về Phòng GDĐT", None, at(30, 5, 2024),
         "truong"),
    ]


UNREADABLE = [
    ("Nội dung không có ngày", "no date or period found"),
    ("Báo cáo\tTrước ngày 31/2/2024", "31/2/2024 is not a real date"),
    ("Báo cáo trước ngày 10/5 và trước ngày 20/5", "several deadlines in one row"),
    ("Hội nghị ngày 10/5 và ngày 20/5", "several dates and none marked as the deadline"),
    ("Tháng 5/2024: nộp hồ sơ trước ngày 20/4/2024", "comes before its period"),
    ("Họp xét tuần 2", "'tuần 2' needs a month"),
    ("cuối tháng: báo cáo", "'cuối tháng' needs a month"),
    ("Nộp hồ sơ trước ngày 15/8/2030", "too far from the school year 2023-2024"),
    ("Từ 20/5/2024 nộp hồ sơ", "does not say when it ends"),
    ("Nộp báo cáo\tTrước ngày 10/5/2024\tTháng 5/2024", "several time cells"),
    ("Tổ chức trong tháng 5/2024 và trong quý III/2024", "several periods"),
    ("Trước ngày 10/5/2024: nộp hồ sơ chậm nhất ngày 20/5/2024", "two different deadlines"),
    ("Thực hiện Kế hoạch số 85/KH-PGD&ĐT ngày 24/1/2019 của Phòng", "no date or period found"),
    ("Tháng 13/2024 | Báo cáo", "no date or period found"),
]


@pytest.mark.parametrize(("line", "reason"), UNREADABLE)
def test_unreadable_lines_are_reported_not_guessed(line, reason):
    result = parse_timeline(f"Hội nghị\tNgày 15/8/2024\n\n{line}", "2023-2024")
    assert len(result.milestones) == 1
    [unreadable] = result.unreadable
    assert unreadable.line_no == 3 and unreadable.text == line and reason in unreadable.reason


def test_a_heading_without_tasks_is_reported():
    result = parse_timeline("Tháng 10/2023\nTháng 11/2023\r\n- Họp xét\r\nTháng 12/2023", "2023-2024")
    assert [(u.line_no, u.reason) for u in result.unreadable] == [
        (1, "a time heading with no task under it"), (4, "a time heading with no task under it")]
    assert [(m.line_no, m.window_start) for m in result.milestones] == [(3, at(1, 11, 2023))]


def test_cited_documents_are_not_deadlines():
    row = "Thực hiện Chỉ thị số 34-CT/TW ngày 07/4/2014 và Luật số 06/2022/QH15, các trường nộp trước ngày 10/2/2024"
    milestone = one(row, "2023-2024")
    assert (milestone.due_at, milestone.kind) == (at(10, 2, 2024), "truong")


@pytest.mark.parametrize("school_year", ["2023", "2023-2025", "", "năm học 2023-2024", None])
def test_a_bad_school_year_is_invalid_input(school_year):
    with pytest.raises(InvalidInput) as caught:
        parse_timeline("Báo cáo trước ngày 10/5", school_year)
    assert caught.value.field == "school_year"


def test_empty_and_header_only_text_give_nothing():
    assert parse_timeline("", "2023-2024").milestones == []
    result = parse_timeline("\n\nTT\tNội dung\tThời gian hoàn thành\tĐơn vị thực hiện\n  \n", "2023-2024")
    assert result.milestones == [] and result.unreadable == []


# --- keys, titles, carrying units, instants ----------------------------------------------------

def test_keys_are_ascii_slugs_deduplicated_in_order():
    result = parse_timeline("Đăng ký thi đua\tTháng 9/2023\nĐăng ký thi đua\tTháng 10/2023\n"
                            "20 năm thành lập trường\tTháng 11/2023\n“Ơ” ?\tTháng 12/2023", "2023-2024")
    assert [m.key for m in result.milestones] == ["dang_ky_thi_dua", "dang_ky_thi_dua_2", "moc_20_nam_thanh_lap_truong",
                                                  "o"]
    assert wording.slug_key("Nộp hồ sơ đề nghị khen thưởng Phong trào thi đua") == "nop_ho_so_de_nghi_khen"
    assert wording.slug_key("…") == "moc"


@pytest.mark.parametrize(("cell", "kind"), [
    ("Các đơn vị trực thuộc Phòng GDĐT", "truong"),
    ("Các đơn vị trực thuộc Phòng và Phòng GDĐT", "truong"),
    ("Phòng GDĐT", "phong"),
    ("Phòng Giáo dục và Đào tạo", "phong"),
    ("Sở GD&ĐT", "so"),
    ("Văn phòng Sở", "so"),
    ("Các Khối thi đua số 1,2,3", "khoi"),
    ("Khối trưởng các Khối thi đua số 1,2,3", "khoi"),
    ("Cụm trường THPT", "cum"),
    ("Các cơ sở giáo dục", "truong"),
    ("Hội đồng Thi đua - Khen thưởng", None),
])
def test_the_unit_column_names_the_carrying_kind(cell, kind):
    assert wording.unit_kind_of_cell(cell) == kind


@pytest.mark.parametrize(("content", "kind"), [
    ("Các đơn vị gửi hồ sơ; phòng GD&ĐT quận tổng hợp", "truong"),
    ("Thủ trưởng các cơ sở giáo dục trực thuộc lập danh sách", "truong"),
    ("Căn cứ điều kiện thực tế, các đơn vị tổ chức biểu dương", "truong"),
    ("Hướng dẫn các đơn vị đăng ký xét Kỷ niệm chương", None),
    ("Nộp hồ sơ về Sở GDĐT", None),
    ("Phòng GDĐT tổng hợp số liệu", "phong"),
    ("Sở GDĐT tổ chức Hội nghị", "so"),
    ("Trưởng khối thi đua triển khai kế hoạch", "khoi"),
    ("Tổ chức đánh giá tại cơ quan, đơn vị", None),
])
def test_the_subject_of_a_clause_names_the_carrying_kind(content, kind):
    assert wording.unit_kind_of_content(content) == kind


def test_instants_read_as_people_write_them():
    due = at(11, 11, 2023)
    assert due_text(due) == "10/11/2023" and start_text(at(20, 5, 2024)) == "20/05/2024"
    assert due_text(datetime(2024, 8, 15, 17, 0, tzinfo=VN)) == "15/08/2024 17:00"
    assert parse_instant("10/11/2023", "due", end_of_day=True) == due
    assert parse_instant("2023-11-10", "due", end_of_day=True) == due
    assert parse_instant("2023-11-11T00:00:00+07:00", "due", end_of_day=True) == due
    assert parse_instant("2023-11-10T17:00", "due", end_of_day=True) == datetime(2023, 11, 10, 17, tzinfo=VN)
    assert parse_instant("20/05/2024", "start", end_of_day=False) == at(20, 5, 2024)
    for bad in ("2024-13-01", "31/02/2024", "tomorrow", "", 5, None):
        with pytest.raises(InvalidInput) as caught:
            parse_instant(bad, "due", end_of_day=True)
        assert caught.value.field == "due"


def test_a_lower_case_line_after_a_table_row_is_a_row_of_its_own():
    result = parse_timeline("3.\tNộp hồ sơ\tNgày 15/8/2024\tPhòng GDĐT\nkhông có ngày", "2023-2024")
    assert [m.title for m in result.milestones] == ["Nộp hồ sơ"]
    assert [(u.line_no, u.reason) for u in result.unreadable] == [(2, "no date or period found")]


def test_rows_under_an_unreadable_heading_are_not_given_the_previous_one():
    result = parse_timeline("Tháng 10/2023\n- Đăng ký thi đua\nTháng 13/2023\n- Nộp hồ sơ", "2023-2024")
    assert [(m.line_no, m.window_start) for m in result.milestones] == [(2, at(1, 10, 2023))]
    assert [(u.line_no, u.reason) for u in result.unreadable] == [
        (3, "'Tháng 13/2023' looks like a time heading but is not a date or period"),
        (4, "no date or period found (the heading on line 3 could not be read)")]
    result = parse_timeline("cuối tháng\n- Nộp hồ sơ", "2023-2024")
    assert [u.line_no for u in result.unreadable] == [1, 2] and "needs a month" in result.unreadable[0].reason


def test_short_lines_that_start_like_a_time_word_are_still_tasks():
    result = parse_timeline("Tháng 4/2024\nNgày hội đọc sách\nĐầu năm học mới\n- Nộp hồ sơ", "2023-2024")
    assert not result.unreadable
    assert [(m.title, m.window_start) for m in result.milestones] == [
        ("Ngày hội đọc sách", at(1, 4, 2024)), ("Đầu năm học mới", at(1, 4, 2024)), ("Nộp hồ sơ", at(1, 4, 2024))]


@pytest.mark.parametrize("text", [
    "\n".join(["- Các trường"] + ["tiếp tục nộp hồ sơ"] * 12000),  # one row wrapped over 12,000 lines
    " ".join(f"{d % 28 + 1}/{d % 12 + 1}/20{d % 90 + 10}" for d in range(20000)),  # 20,000 dates in a row
    "\n".join(["Nộp hồ sơ\tTháng 9/2023"] * 9000),  # 9,000 equal keys
])
def test_a_large_paste_is_read_in_linear_time(text):
    import time

    started = time.perf_counter()
    parse_timeline(text[:200 * 1024], "2023-2024")
    assert time.perf_counter() - started < 10
