"""Tables printed without full ruling (no rules, horizontal rules only, 三线表): every cell right,
no wrong number with status ok, and the grid inferred from word positions on hand-made pages."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import evaluate as ev
from pipeline.document import Page, Segment, Word
from pipeline.extract import extract_path
from pipeline.synth import render
from pipeline.synth.generate import COVERAGE, doc_rng, make_document
from pipeline.textgrid import TextTable, text_fragment

DATA = Path(__file__).resolve().parent / "data"
SEED = 5
RULINGS = ("none", "horizontal", "three_line")
# Documents i of seed SEED, each forced to COVERAGE[i-1] with the ruling RULINGS[(i-1) % 3]: between
# them vertical and horizontal 三、本年度办理结果, 1 to 3 label columns, flat and two-level headers,
# table 四 in three-level / two-level / rows layout, table 二 per item, blank-for-zero, split pages.
DOCUMENTS = (1, 2, 3, 4, 6, 9, 10, 14)


@pytest.fixture(scope="module", params=DOCUMENTS)
def unruled(request, tmp_path_factory):
    i = request.param
    force = dict(COVERAGE[(i - 1) % len(COVERAGE)], ruling=RULINGS[(i - 1) % 3])
    gold, variant = make_document(doc_rng(SEED, i), f"u_{i:04d}.pdf", force)
    pdf = tmp_path_factory.mktemp("unruled") / gold["document"]
    render(gold, variant, pdf)
    return gold, variant, extract_path(pdf)


def test_every_cell_right_and_none_silently_wrong(unruled):
    gold, variant, output = unruled
    result = ev.score(output, gold, gold["document"])
    wrong = [(w.key, w.gold, w.value, w.status) for w in result.wrong]
    assert result.cells_right == result.cells_total, (variant["ruling"], wrong[:10])
    assert result.spurious_cells == 0
    assert result.silent_cells == 0
    assert all(output["tables"][t]["found"] for t in gold["tables"])


def test_ok_only_where_the_row_is_clean(unruled):
    """An inferred grid gives ok only to cells of clean rows; each of them is right."""
    gold, _, output = unruled
    for key, cell in output["cells"].items():
        if cell["status"] == "ok" and key in gold["cells"]:
            assert cell["value"] == pytest.approx(gold["cells"][key]), key


# ----------------------------------------------------------------------------- hand-made pages
H = 10.0  # font size: one CJK character is H wide and H high


def word(text: str, x0: float, top: float, width: float | None = None) -> Word:
    w = width if width is not None else H * sum(1 if ord(ch) > 0x2E80 else 0.5 for ch in text)
    return Word(text, x0, top, x0 + w, top + H)


def grid_text(fragment) -> list[list[str]]:
    return [[c.text for c in {id(c): c for c in row}.values()] for row in fragment.rows()]


def scanned_rows(header: list[tuple], labels: list[tuple], zeros: list[tuple[float, float]]) -> Page:
    """Page 2 of a 150-DPI scan (pixels): the header words (text, x0, top, x1, bottom) and the
    label lines (the same and whether the line has values), a 0 in each of the ``zeros``
    spans (x0, x1) beside every label line with values."""
    words = [Word(t, x0, top, x1, bottom) for t, x0, top, x1, bottom in header]
    for text, x0, top, x1, bottom, valued in labels:
        words.append(Word(text, x0, top, x1, bottom))
        if valued:
            words += [Word("0", a, top, b, bottom) for a, b in zeros]
    return Page(2, 1241, 1754, words=words, unit="px", dpi=150)


def value_columns(page: Page, top: float = 0, bottom: float = 1000):
    fragment = text_fragment(page, top, bottom)
    assert fragment is not None
    return fragment, grid_text(fragment)


def s3_like_page(segments: list[Segment] | None = None) -> Page:
    """Three columns under a header; a two-line label with its values centred beside it, a blank
    row, a group title alone on its line, a wrapped label."""
    xs = [300, 350, 400]  # value column centres
    words = [word("信息内容", 100, 100)] + [word(t, x - 15, 100) for t, x in zip(("甲类", "乙类", "合计"), xs)]

    def values(top: float, texts: tuple[str, ...]) -> list[Word]:
        return [word(t, x - 2.5 * len(t), top) for t, x in zip(texts, xs) if t]

    words += [word("一、本年新收申请数量", 100, 130)] + values(130, ("3", "4", "7"))
    # two-line label, values centred between its lines
    words += [word("二、部分公开（区分处理", 100, 160), word("的，只计这一情形）", 100, 172)] + values(166, ("1", "", "1"))
    words += [word("三、结转数量", 100, 200)]  # blank for zero
    words += [word("（三）不予公开", 100, 230)]  # group title alone on its line
    words += [word("1.属于国家秘密", 110, 260)] + values(260, ("2", "0", "2"))
    return Page(1, 600, 800, words=words, segments=segments or [])


def test_rows_from_lines_without_rules():
    fragment, rows = value_columns(s3_like_page())
    assert rows[0] == ["信息内容", "甲类", "乙类", "合计"]
    assert rows[1] == ["一、本年新收申请数量", "3", "4", "7"]
    assert rows[2] == ["二、部分公开（区分处理的，只计这一情形）", "1", "", "1"]
    assert rows[3] == ["三、结转数量", "", "", ""]
    assert rows[4][0] == "（三）不予公开"
    assert rows[5] == ["1.属于国家秘密", "2", "0", "2"]
    by_row = {r: [c for c in fragment.cells if c.row == r and c.col > 0] for r in range(len(rows))}
    assert not any(c.inferred for c in by_row[1])  # a clean one-line row with every value
    assert all(c.inferred for c in by_row[2])  # a two-line label: the row's extent is inferred
    assert not any(c.inferred for c in by_row[3])  # one clean line, blank for zero


def test_value_across_a_column_boundary_is_inferred():
    page = s3_like_page()
    # a number printed across the boundary between the first and second value columns
    page.words.extend([word("二、其他", 100, 290), word("12345", 310, 290), word("5", 397.5, 290)])
    fragment, rows = value_columns(page)
    last = max(c.row for c in fragment.cells)
    assert all(c.inferred for c in fragment.cells if c.row == last and c.col > 0)


def test_horizontal_rules_separate_rows():
    ys = [95, 115, 145, 185, 215, 245, 275]
    rules = [Segment(95, y, 420, y) for y in ys]
    _, rows = value_columns(s3_like_page(rules))
    assert rows[2] == ["二、部分公开（区分处理的，只计这一情形）", "1", "", "1"]
    assert rows[5] == ["1.属于国家秘密", "2", "0", "2"]


def test_vertical_label_and_group_label_are_parent_columns():
    """三、本年度办理结果 one character per line at the far left, a group label in its own column
    beside its sub-rows: both are parent labels, never rows of their own."""
    words = [word("信息内容", 120, 100), word("甲类", 285, 100), word("乙类", 335, 100)]
    labels = ["一、本年新收", "（1）属于国家秘密", "（2）其他法律", "（3）危及安全", "（1）本机关不掌握", "（2）没有现成"]
    for n, label in enumerate(labels):
        top = 130 + 25 * n
        words += [word(label, 100 if n == 0 else 160, top), word("1", 297.5, top), word("2", 347.5, top)]
    words += [word(ch, 100, 160 + 12 * k) for k, ch in enumerate("本年度办理结果")]  # rows 2-6
    words += [word("不予", 120, 170), word("公开", 120, 182), word("无法", 120, 240), word("提供", 120, 252)]
    fragment, grid = value_columns(Page(1, 600, 800, words=words))
    assert [row[-3] for row in grid[1:]] == labels
    assert all(row[-2:] == ["1", "2"] for row in grid[1:])
    vertical = [c for c in fragment.cells if c.text == "本年度办理结果"]
    assert len(vertical) == 1 and vertical[0].row == 2 and vertical[0].rowspan == 4
    group = next(c for c in fragment.cells if c.text == "不予公开")
    assert group.col > vertical[0].col and 2 <= group.row <= 3


def test_blocks_with_different_column_counts():
    """Table 二: item blocks with 3 and 1 value columns, each under its own header."""
    words = [word("第二十条第（一）项", 200, 80)]
    words += [word("信息内容", 100, 100), word("本年制发件数", 240, 100), word("本年废止件数", 340, 100), word("现行有效件数", 440, 100)]
    words += [word("规章", 110, 125), word("1", 267, 125), word("2", 367, 125), word("3", 467, 125)]
    words += [word("第二十条第（五）项", 200, 150)]
    words += [word("信息内容", 100, 175), word("本年处理决定数量", 320, 175)]
    words += [word("行政许可", 100, 200), word("115", 352, 200)]
    fragment, rows = value_columns(Page(1, 600, 800, words=words))
    assert ["规章", "1", "2", "3"] in rows
    assert ["行政许可", "115"] in rows
    header = next(c for c in fragment.cells if c.text == "本年处理决定数量")
    value = next(c for c in fragment.cells if c.text == "115")
    assert header.bbox[0] <= value.x_center <= header.bbox[2]


def test_continued_page_keeps_the_columns():
    table = TextTable()
    first = s3_like_page()
    assert text_fragment(first, 0, 1000, table) is not None
    xs = [300, 350, 400]
    words = [word("2.其他法律行政法规禁止公开", 110, 60)] + [word(t, x - 2.5, 60) for t, x in zip(("5", "6", "11"), xs)]
    words += [word("3.危及安全", 110, 90), word("9", 347.5, 90)]
    fragment = text_fragment(Page(2, 600, 800, words=words), 0, 1000, table)
    assert fragment is not None
    rows = grid_text(fragment)
    assert rows[0] == ["2.其他法律行政法规禁止公开", "5", "6", "11"]
    assert rows[1] == ["3.危及安全", "", "9", ""]


def test_a_title_reaching_over_the_names_beside_stays_a_title():
    """Table 四 of a scan, and the prose after it (heading 五 was missed), as read, in pixels:
    复议后起诉 over five narrow two-line column names reaches a fifth of the way over the names
    beside the middle one. Cut at the column pitch, its pieces were taken for the first lines
    of 其他结果 and 尚未审结."""
    read = [
        ("行政复议", 428, 341, 537, 372), ("行政诉讼", 1041, 341, 1151, 372), ("未经复议直接起诉", 784, 395, 999, 426), ("复议后起诉", 1233, 395, 1368, 426),
        ("结果", 291, 419, 347, 451), ("结果", 373, 419, 429, 451), ("尚未", 538, 419, 593, 451), ("其他", 454, 420, 511, 451),
        ("合计", 618, 436, 675, 468), ("结果", 700, 446, 756, 478), ("结果", 781, 446, 838, 478), ("其他", 863, 446, 920, 478),
        ("尚未", 947, 446, 1001, 478), ("结果", 1108, 446, 1165, 478), ("结果", 1190, 446, 1247, 478), ("其他", 1272, 446, 1329, 478),
        ("尚未", 1356, 446, 1411, 478), ("审结", 537, 452, 593, 484), ("维持", 291, 453, 348, 484), ("结果", 454, 453, 511, 484),
        ("纠正", 373, 453, 429, 485), ("合计", 1027, 463, 1083, 495), ("合计", 1436, 463, 1492, 495), ("维持", 700, 479, 757, 511),
        ("结果", 863, 479, 920, 511), ("审结", 946, 479, 1002, 511), ("维持", 1108, 479, 1165, 511), ("结果", 1272, 479, 1328, 511),
        ("审结", 1355, 479, 1411, 511), ("纠正", 781, 480, 838, 511), ("纠正", 1190, 480, 1247, 511), ("9", 395, 531, 406, 562),
        ("9", 641, 531, 652, 562), ("13", 717, 531, 739, 562), ("13", 1044, 531, 1066, 562), ("无", 304, 532, 334, 564),
        ("无", 468, 532, 498, 564), ("无", 959, 532, 988, 564), ("无", 1122, 532, 1152, 564), ("无", 1204, 532, 1234, 564),
        ("无", 1367, 532, 1397, 564), ("无", 1449, 532, 1479, 564), ("-", 561, 533, 568, 564), ("-", 806, 533, 814, 564),
        ("-", 888, 533, 895, 564),
        ("-", 1297, 533, 1304, 564),
        ("五.政府信息公开工作存在的主要问题及改进情况", 356, 613, 1212, 651),
        ("2020年，本局政", 355, 684, 584, 723),
        ("足：一是公开内容的深度和广度有待进一步拓展；二是政策解读形式较", 276, 743, 1486, 782),
        ("为单一，解读", 278, 803, 513, 842),
        ("存在的主要问题是：信息发布的及时性有待提高，部分栏目更新不", 355, 862, 1486, 901),
        ("够及时；依申请", 277, 922, 524, 961),
        ("六.其他需要报告的事项", 355, 987, 786, 1026),
        ("本机关2020年度未收取政府信息公开信息处理费，无其他需要报告", 357, 1058, 1478, 1097),
        ("的事项。", 278, 1118, 425, 1156),
        ("-4-", 808, 2225, 847, 2257),
    ]
    words = [Word(t, x0, top, x1, bottom) for t, x0, top, x1, bottom in read]
    rules = [Segment(280, y, 1507, y) for y in (329, 383, 520, 573)] + [Segment(688, 436, 1507, 436)]
    page = Page(1, 1655, 2339, words=words, segments=rules, unit="px", dpi=200)
    fragment = text_fragment(page, 309, 2339)
    texts = [c.text for c in fragment.cells]
    assert "复议后起诉" in texts and texts.count("其他结果") == 3


def test_a_wrapped_label_reaching_towards_the_values_is_no_header():
    """The first line of a wrapped label ends past the other labels (…只计这一情形，不), its values
    stand on a line of their own between its two lines (a 150-DPI scan): that line is label
    text, not a column name beside the labels, and the columns hold for the rows below."""
    xs = [300, 350, 400]
    words = [word("信息内容", 100, 100)] + [word(t, x - 10, 100) for t, x in zip(("甲类", "乙类", "合计"), xs)]

    def values(top: float, texts: tuple[str, ...]) -> list[Word]:
        return [word(t, x - 2.5 * len(t), top) for t, x in zip(texts, xs)]

    words += [word("一、本年新收申请数量", 100, 130)] + values(130, ("3", "4", "7"))
    words += [word("二、部分公开", 100, 160), word("（区分的", 162, 160), word("不", 205, 160)]
    words += values(167, ("1", "0", "1")) + [word("计其他情形）", 130, 174)]
    words += [word("（1）属于国家秘密", 110, 200)] + values(200, ("2", "0", "2"))
    fragment, rows = value_columns(Page(1, 600, 800, words=words))
    assert rows[-1] == ["（1）属于国家秘密", "2", "0", "2"]
    assert ["1", "0", "1"] == rows[-2][-3:]


def test_a_three_line_table_continued_runs_on_below_its_header_rule():
    """The page after a 三线表's first has its top rule and the rule under the repeated header,
    no bottom rule: the rows below are the table's, the prose after them is not."""
    xs = [300, 350, 400]
    rules = [Segment(95, 95, 420, 95), Segment(95, 115, 420, 115)]
    words = [word("信息内容", 100, 100)] + [word(t, x - 10, 100) for t, x in zip(("甲类", "乙类", "合计"), xs)]
    for n, label in enumerate(("（1）属于国家秘密", "（2）其他法律", "（3）危及安全")):
        words += [word(label, 110, 130 + 30 * n)] + [word(t, x - 2.5, 130 + 30 * n) for t, x in zip("112", xs)]
    words.append(word("本机关严格执行政府信息公开规定，全年共办理各类申请十二件。", 100, 240, width=320))
    fragment, rows = value_columns(Page(1, 600, 800, words=words, segments=rules))
    assert [r[0] for r in rows[1:]] == ["（1）属于国家秘密", "（2）其他法律", "（3）危及安全"]
    assert all(r[1:] == ["1", "1", "2"] for r in rows[1:])


def test_full_width_digits_read_one_by_one_are_one_number():
    """１１ in a wide font on a scan: each digit its own word, a full-width pitch apart (the
    word height), half a character of white between them; １０１ read as 10 and 1 (measured at
    300 DPI: height 34, 10 at 1229-1279, 1 at 1296-1311). Numbers in two columns, and
    half-width digits half a character apart, stay apart."""
    from pipeline.document import Word
    from pipeline.lines import reading_text

    assert reading_text([word("1", 100, 10, 5), word("1", 110, 10, 5)]) == "11"
    assert reading_text([word("1", 100, 10, 5), word("1", 125, 10, 5)]) == "1 1"
    assert reading_text([word("12", 100, 10), word("3", 115, 10)]) == "12 3"
    assert reading_text([Word("10", 1229, 178, 1279, 212), Word("1", 1296, 178, 1311, 212)]) == "101"


def test_pieces_of_one_word_read_apart_are_one_word_for_the_text_grid():
    """A scan of a table with horizontal rules only, numbers in full-width digits (measured at
    200 DPI, word height 32): ６２ read as 6 and 2, ２８，２７１ as 2, 8,2 and 71 (the 1 narrow, so
    71's two digits look closer than a full-width pitch). The text grid had made each piece a
    value of its own and lost table 二. Zeros of two columns side by side, and half-width
    digits half a character apart, stay apart."""
    from pipeline.lines import join_pieces

    def texts(words: list[Word]) -> list[str]:
        return [w.text for w in join_pieces(words)]

    assert texts([Word("6", 754, 1131, 766, 1163), Word("2", 783, 1131, 795, 1163)]) == ["62"]
    pieces = [Word("2", 988, 1273, 1000, 1305), Word("8,2", 1017, 1274, 1087, 1306), Word("71", 1104, 1273, 1143, 1305)]
    assert texts(pieces) == ["28,271"]
    assert texts([Word("0", 847, 505, 864, 543), Word("0", 931, 505, 948, 542)]) == ["0", "0"]
    assert texts([word("12", 100, 10), word("3", 115, 10)]) == ["12", "3"]
    # ９．５３万元 read as 9.5 and 3万元 (height 35): the unit ends the number's last piece.
    assert texts([Word("9.5", 1067, 247, 1148, 282), Word("3万元", 1165, 247, 1258, 282)]) == ["9.53万元"]
    assert texts([word("12", 100, 10), word("3万元", 115, 10)]) == ["12", "3万元"]
    # １５５．３８ read as 1, 5, 5 and .38 (height 34): the full-width point's ink is left of centre.
    pieces = [Word("1", 1087, 670, 1103, 704), Word("5", 1120, 670, 1136, 704), Word("5", 1154, 670, 1169, 704),
              Word(".38", 1192, 670, 1270, 704)]
    assert texts(pieces) == ["155.38"]
    # ４９６．１１ read as 496, ". 1" and 1 (height 26): the space written beside the point goes.
    pieces = [Word("496", 1045, 385, 1113, 411), Word(". 1", 1131, 385, 1166, 411), Word("1", 1180, 385, 1192, 411)]
    assert texts(pieces) == ["496.11"]
    # ３．７ read as 3. and 7 (150 DPI, height 18): the point ends the first piece, its ink at the
    # left of its advance, and the 7 stands 1.7 heights from it. Two numbers as far apart stay two.
    assert texts([Word("3.", 866, 436, 888, 454), Word("7", 910, 436, 919, 454)]) == ["3.7"]
    assert texts([Word("3", 866, 436, 876, 454), Word("7", 910, 436, 919, 454)]) == ["3", "7"]
    # ４１．４５万元 in SimSun (12 pt, 200 DPI, height 27) read as 4, 1., 4 and 5万元: the 1 stands
    # 1.44 heights from the 4 by the centres guessed from their boxes.
    pieces = [Word("4", 1025, 846, 1039, 872), Word("1.", 1063, 846, 1092, 872), Word("4", 1125, 845, 1140, 872),
              Word("5万元", 1159, 845, 1250, 873)]
    assert texts(pieces) == ["41.45万元"]
    # 采购总金额（元） read as two words whose boxes touch: the white between them was the
    # bracket's advance. Column names that touch without a bracket between them stay apart.
    assert texts([Word("采购总金额", 1011, 1104, 1161, 1132), Word("（元）", 1163, 1105, 1252, 1132)]) == ["采购总金额（元）"]
    assert texts([Word("科研机构", 100, 10, 140, 20), Word("社会", 141, 10, 161, 20)]) == ["科研机构", "社会"]
    # The recogniser's other readings of a piece become readings of the whole.
    alt = join_pieces([Word("6", 754, 1131, 766, 1163, 0.9, (("5", 0.1),)), Word("2", 783, 1131, 795, 1163)])
    assert alt[0].alternatives == (("52", 0.1),) and alt[0].confidence == 0.9


def test_rows_centred_in_a_wide_label_column_stay_rows_on_a_page_of_their_own():
    """The last rows of table 三 alone on a page take the label columns learned on the page
    before; their labels, centred in a wide column, lie left of its innermost bound. Stacked as
    one parent label, the three rows ran into one."""
    table = TextTable(label_bounds=[10.0, 30.0, 90.0])
    xs = [150, 200, 250]
    words = []
    for n, label in enumerate(("(3)其他", "(七)总计", "四、结转下年度")):
        top = 100 + 17 * n
        words.append(word(label, 55 - 5 * len(label), top))
        words += [word(t, x - 2.5, top) for t, x in zip("101", xs)]
    fragment = text_fragment(Page(2, 600, 800, words=words), 0, 1000, table)
    rows = grid_text(fragment)
    assert [r[-4] for r in rows] == ["(3)其他", "(七)总计", "四、结转下年度"]
    assert all(r[-3:] == ["1", "0", "1"] for r in rows)


def test_group_labels_centred_on_lines_of_their_own_make_no_label_column():
    """Table 三 of a 150-DPI scan, labels as read (pixels), values in seven columns: the group
    labels ((三)不予公开…) stand centred right of their items on lines of their own and line up
    like a column. Taken for a label column, its bound cut the long labels of the rows with
    values (一、本年新收…申请数 | 量), and four rows were lost."""
    header = [
        ("申请人情况", 896, 506, 988, 524), ("法人或其他组织", 876, 540, 1007, 558), ("自然", 770, 570, 804, 588),
        ("法律", 975, 576, 1011, 594), ("总计", 1078, 582, 1111, 600), ("科研", 872, 588, 907, 606),
        ("公益", 925, 588, 958, 606), ("其他", 1029, 588, 1063, 606), ("人", 781, 592, 795, 610),
        ("企业", 822, 598, 856, 616), ("服务", 975, 600, 1011, 618), ("机构", 872, 610, 908, 628),
        ("组织", 923, 611, 960, 629), ("组织", 1026, 611, 1063, 629), ("机构", 975, 624, 1011, 642),
    ]
    labels = [  # (text, x0, top, x1, bottom, the line has values)
        ("一、本年新收政府信息公开申请数量", 337, 657, 616, 675, True), ("二、上年结转政府信息公开申请数量", 337, 693, 616, 711, True),
        ("(一)予以公开", 429, 730, 536, 748, True), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 239, 766, 726, 784, True),
        ("(三)不予公开", 611, 800, 717, 818, False), ("（1）属于国家秘密", 404, 836, 552, 854, True),
        ("（2）其他法律行政法规禁止公开", 348, 872, 607, 890, True), ("(3)危及“三安全一稳定”", 376, 909, 593, 927, True),
        ("(4)保护第三方合法权益", 386, 944, 580, 962, True), ("（5）属于三类内部事务信息", 366, 980, 591, 998, True),
        ("（6）属于四类过程性信息", 376, 1016, 581, 1034, True), ("（7）属于行政执法案卷", 385, 1052, 571, 1070, True),
        ("（8）属于行政查询事项", 386, 1088, 572, 1106, True), ("（四）无法提供", 600, 1124, 719, 1142, False),
        ("（1）本机关不掌握相关政府信息", 347, 1160, 610, 1178, True), ("（2）没有现成信息需要另行制作", 347, 1196, 605, 1214, True),
        ("（3）补正后申请内容仍不明确", 357, 1230, 600, 1248, True), ("（五）不予处理", 600, 1266, 719, 1284, False),
        ("（1）信访举报投诉类申请", 376, 1302, 580, 1320, True), ("（2）重复申请", 423, 1339, 534, 1357, True),
        ("（3）要求提供公开出版物", 376, 1374, 581, 1392, True), ("（4）无正当理由大量反复申请", 356, 1410, 599, 1428, True),
        ("（5）要求行政机关确认或重新出具已获取信息", 290, 1446, 666, 1464, True), ("（六）其他处理", 600, 1481, 719, 1499, False),
    ]
    zeros = [(x - 4, x + 5) for x in (785, 837, 889, 941, 992, 1044, 1096)]
    rows = grid_text(text_fragment(scanned_rows(header, labels, zeros), 490, 1520))
    own = [next(t for t in r if t) for r in rows if r[-7:] == ["0"] * 7]
    assert own[0] == "一、本年新收政府信息公开申请数量"
    assert own[3] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert own[-1] == "（5）要求行政机关确认或重新出具已获取信息"


def _table4_fragment(page: Page, read: list[tuple], values: list[tuple[int, int]], value_band: tuple[int, int],
                     span: tuple[int, int]):
    """Table 四 of a scan without rules: the header words as read (text, x0, top, x1, bottom) and
    one row of values 0, 1, ... in the ``values`` spans (x0, x1) of ``value_band`` (top, bottom);
    its fragment between the heights ``span``, checked to have fifteen value columns with the
    values in order in its last row."""
    page.words = [Word(t, x0, top, x1, bottom) for t, x0, top, x1, bottom in read]
    page.words += [Word(str(k), x0, value_band[0], x1, value_band[1]) for k, (x0, x1) in enumerate(values)]
    fragment = text_fragment(page, *span)
    assert len(fragment.xs) == 16  # fifteen value columns
    assert grid_text(fragment)[-1] == [str(k) for k in range(15)]
    return fragment


def test_titles_over_a_tier_of_column_names_are_not_cut_at_the_value_columns():
    """Table 四 of a 150-DPI scan, as read (pixels): the scan's boxes of 未经复议直接起诉 and
    复议后起诉 are a few per cent wider than their characters set solid, and they span several
    value columns; cut up at those as names that ran together, they added columns and lost
    the ten cells of 行政诉讼."""
    read = [
        ("行政复议", 296, 410, 368, 429), ("行政诉讼", 768, 409, 841, 428), ("未经复议直接起诉", 574, 454, 720, 474),
        ("复议后起诉", 917, 454, 1009, 473), ("结果", 188, 473, 224, 493), ("结果", 251, 472, 286, 492), ("未审", 379, 472, 411, 492),
        ("维持", 188, 496, 223, 515), ("纠正", 251, 495, 281, 515), ("其他", 316, 484, 350, 504), ("结", 386, 495, 402, 515),
        ("总计", 439, 485, 472, 504), ("结果", 502, 495, 537, 515), ("结果", 565, 495, 600, 515), ("未审", 693, 495, 726, 515),
        ("结果", 817, 495, 853, 514), ("结果", 880, 495, 916, 514), ("未审", 1010, 494, 1044, 514), ("其他", 630, 506, 664, 525),
        ("总计", 754, 507, 787, 526), ("其他", 947, 506, 981, 525), ("总计", 1071, 506, 1104, 525), ("维持", 501, 518, 536, 538),
        ("纠正", 564, 518, 595, 538), ("结", 700, 518, 717, 538), ("维持", 817, 518, 852, 538), ("纠正", 880, 518, 911, 537),
        ("结", 1017, 518, 1034, 537),
    ]
    values = [(202, 210), (264, 273), (326, 335), (390, 398), (453, 460), (513, 528), (578, 587), (641, 650),
              (705, 712), (765, 780), (830, 839), (895, 902), (957, 966), (1021, 1030), (1085, 1093)]
    fragment = _table4_fragment(Page(3, 1241, 1754, unit="px", dpi=150), read, values, (559, 578), (390, 600))
    texts = [c.text for c in fragment.cells]
    assert "未经复议直接起诉" in texts and "复议后起诉" in texts and "行政诉讼" in texts


def test_a_title_wrapped_onto_a_second_line_over_column_names_stays_whole():
    """Table 四 of a 200-DPI scan, a row of values without labels: 行政诉讼（未经复议直接起诉）
    wraps onto a second line (诉）) that stands over the column names. Its first line, over
    a wrapped line and not over names directly, was taken for column names that ran
    together and cut at the value columns, and the five cells of 未经复议直接起诉 were lost."""
    read = [
        ("行政诉讼（未经复议直接起", 612, 358, 1012, 394), ("行政诉讼（复议后起诉）", 1057, 381, 1426, 417),
        ("行政复议", 317, 382, 451, 418), ("诉）", 778, 404, 847, 440), ("其他", 351, 466, 417, 502),
        ("尚未", 439, 466, 502, 502), ("其他", 778, 466, 846, 502), ("尚未", 867, 466, 930, 502),
        ("结果", 1122, 466, 1188, 502), ("其他", 1207, 466, 1274, 502), ("尚未", 1296, 466, 1359, 502),
        ("结果", 265, 467, 331, 503), ("结果", 694, 467, 759, 503), ("维持", 179, 490, 246, 526),
        ("维持", 607, 490, 674, 526), ("总计", 950, 490, 1017, 526), ("维持", 1036, 490, 1102, 526),
        ("总计", 1379, 490, 1445, 526), ("总计", 522, 490, 588, 526), ("纠正", 693, 512, 759, 548),
        ("审结", 865, 512, 930, 548), ("纠正", 1122, 512, 1188, 548), ("结果", 1208, 512, 1273, 548),
        ("审结", 1293, 512, 1359, 548), ("纠正", 265, 513, 331, 549), ("结果", 351, 513, 416, 549),
        ("审结", 437, 513, 502, 549), ("结果", 779, 513, 845, 549),
    ]
    values = [(204, 219), (291, 305), (377, 390), (462, 477), (547, 562), (633, 648), (719, 734), (805, 819),
              (890, 905), (976, 990), (1062, 1076), (1147, 1162), (1233, 1247), (1319, 1333), (1404, 1419)]
    fragment = _table4_fragment(Page(4, 1655, 2339, unit="px", dpi=200), read, values, (575, 611), (340, 620))
    assert "行政诉讼（未经复议直接起诉）" in [c.text for c in fragment.cells]


def test_the_last_character_of_a_wrapped_label_read_apart_stays_in_the_label_column():
    """Table 三 of a 150-DPI scan without rules, as read (tests/data: the reader's words of the
    page): 二、部分公开（区分处理的，只计这一情形，不计其他情形） wraps with its 不 read as a word
    of its own, just right of the longest row label and left of the values. Placed in the
    first value column, it made the row a title and its seven values one cell, and the table
    lost 150 cells."""
    data = json.loads((DATA / "unruled_s3_150dpi_words.json").read_text(encoding="utf-8"))
    words = [Word(t, x0, top, x1, bottom) for t, x0, top, x1, bottom in data["words"]]
    page = Page(2, 1241, 1754, words=words, unit="px", dpi=150)
    fragment = text_fragment(page, 590, 1754)
    assert fragment.xs[4] > 644  # the label columns end after 不 (626-644)
    rows = grid_text(fragment)
    assert ["0", "2", "0", "0", "0", "0", "2"] in [r[-7:] for r in rows]
    assert sum(1 for r in rows if r[-7:] == ["0"] * 7) >= 10


def test_a_label_across_the_label_columns_of_a_scan_is_not_cut_at_them():
    """Table 三 of a 150-DPI scan without rules, labels as read (pixels): the scan's word boxes
    are up to a tenth wider than their characters set solid, and 结转下年度继续办理, across the
    vertical label's column and the group column, looked like words run together: cut at the
    label bounds, it became four parent labels and its row was lost."""
    header = [(t, x - 12, 350, x + 12, 370) for t, x in zip(("自然人", "企业", "机构", "组织", "服务", "其他", "总计"),
                                                      (768, 818, 869, 919, 970, 1020, 1071))]
    labels = [  # (text, x0, top, x1, bottom, the line has values)
        ("1.国家秘密", 367, 614, 473, 634, True), ("2.其他法律行政法规禁止公开", 365, 651, 648, 672, True),
        ("3.危及“三安全一稳定”", 365, 690, 584, 710, True), ("(三）", 291, 721, 344, 741, False),
        ("4.保护第三方合法权益", 369, 727, 583, 747, True), ("不予公", 282, 746, 344, 765, False),
        ("开", 305, 771, 321, 791, False), ("5.属于三类内部事务信息", 366, 765, 607, 785, True),
        ("6.四类过程性信息", 366, 802, 542, 822, True), ("7.属于行政执法案卷", 367, 840, 563, 860, True),
        ("本年", 209, 878, 243, 897, False), ("8.属于行政查询事项", 367, 878, 564, 898, True),
        ("度办", 208, 903, 251, 923, False), ("1.本机关不掌握相关政府信息", 370, 915, 652, 935, True),
        ("理结", 209, 928, 250, 947, False), ("（四）", 282, 928, 346, 947, False), ("果", 221, 953, 239, 972, False),
        ("无法提", 284, 953, 346, 973, False), ("2.没有现成信息需要另行制作", 368, 953, 646, 973, True),
        ("供", 304, 978, 324, 997, False), ("3.补正后申请内容仍不明确", 368, 991, 631, 1011, True),
        ("1.信访举报投诉类申请", 371, 1028, 587, 1047, True), ("2.重复申请", 370, 1066, 478, 1085, True),
        ("（五）", 284, 1091, 347, 1111, False), ("3.要求提供公开出版物", 369, 1103, 589, 1123, True),
        ("不予处", 285, 1116, 348, 1135, False), ("理", 306, 1141, 325, 1160, False),
        ("4.无正当理由大量反复申请", 370, 1141, 632, 1160, True), ("（六）其他处理", 276, 1241, 427, 1261, True),
        ("（七）合计", 287, 1280, 380, 1298, True), ("其中：按期答复", 280, 1316, 428, 1336, True),
        ("结转下年度继续办理", 204, 1354, 400, 1374, True),
    ]
    zeros = [(x - 5, x + 5) for x in (768, 818, 869, 919, 970, 1020, 1071)]
    rows = grid_text(text_fragment(scanned_rows(header, labels, zeros), 330, 1400))
    assert [t for t in rows[-1] if t][0] == "结转下年度继续办理"


def test_rows_blank_for_zero_keep_their_label_column():
    """Table 三 of a 300-DPI scan printed without rules, zeros left blank (pixels at 200 DPI, as
    read): most rows have no values, but their labels right of the group column ((三)不予)
    still make it a label column; without it, (2) and (3) ran into one row."""
    header = [("申请人情况", 1140, 1371, 1278, 1401), ("法人或其他组织", 1110, 1425, 1304, 1455), ("自然", 920, 1470, 970, 1500),
              ("人", 930, 1506, 956, 1536), ("商业", 1004, 1497, 1058, 1527), ("科研", 1092, 1497, 1148, 1527),
              ("社会", 1180, 1478, 1234, 1508), ("公益", 1180, 1516, 1234, 1546), ("法律", 1268, 1478, 1324, 1508),
              ("服务", 1268, 1516, 1322, 1546), ("其他", 1356, 1516, 1412, 1546), ("总计", 1444, 1488, 1500, 1518),
              ("企业", 1004, 1534, 1058, 1564), ("机构", 1092, 1534, 1146, 1564), ("组织", 1180, 1552, 1236, 1582),
              ("机构", 1268, 1552, 1322, 1582)]
    body = [("一、本年新收政府信息公开申请数量", 228, 1606, 672, 1636), ("67", 930, 1606, 955, 1636), ("67", 1459, 1606, 1484, 1636),
            ("二、上年结转政府信息公开申请数量", 228, 1660, 672, 1690), ("1", 1027, 1660, 1035, 1690), ("1", 1468, 1660, 1476, 1690),
            ("(一)予以公开（含主动公开转化）", 280, 1713, 695, 1743), ("40", 930, 1714, 956, 1744), ("1", 1027, 1714, 1035, 1744),
            ("41", 1458, 1714, 1483, 1744), ("(二)部分公开（区分处理的，只计这一情形，不计", 280, 1768, 886, 1798),
            ("5", 937, 1786, 948, 1816), ("5", 1466, 1786, 1477, 1816), ("其他情形)", 276, 1804, 400, 1834),
            ("三", 230, 1848, 258, 1878), ("（1）属于国家秘密", 420, 1857, 658, 1887), ("、", 233, 1892, 239, 1922),
            ("(2)其他法律行政法规禁止公开", 436, 1911, 826, 1941), ("(三)不予", 288, 1938, 396, 1968),
            ("（3）危及“三安全一稳定”", 420, 1965, 775, 1995), ("（4）保护第三方合法权益", 420, 2019, 742, 2049)]
    words = [Word(t, x0, top, x1, bottom) for t, x0, top, x1, bottom in header + body]
    page = Page(2, 1655, 2339, words=words, unit="px", dpi=200)
    labels = [[t for t in row if t] for row in grid_text(text_fragment(page, 1360, 2060))]
    own = [row[-1] for row in labels if row and row[-1].startswith(("（", "("))]
    assert own[-4:] == ["（1）属于国家秘密", "(2)其他法律行政法规禁止公开", "（3）危及“三安全一稳定”", "（4）保护第三方合法权益"]


def test_names_run_together_over_two_value_columns_are_cut_at_the_values():
    """The repeated header of table 三 on a 300-DPI scan without rules (pixels at 200 DPI, as
    read): 社会公益组织 and 法律服务机构 stand closer than a word gap and were read line by line
    as 社会法律 / 公益服务 / 组织机构. Split evenly at a guessed pitch, 组织机构 became four
    single characters and the table eleven columns; the values below cut it in two."""
    read = [("申请人情况", 1028, 201, 1196, 234), ("法人或其他组织", 993, 259, 1229, 291), ("自然", 826, 307, 892, 339), ("人", 840, 345, 875, 378), ("企业", 907, 354, 977, 387),
            ("科研", 984, 329, 1068, 373), ("机构", 985, 368, 1070, 412), ("社会法律", 1065, 307, 1237, 357),
            ("组织机构", 1067, 384, 1237, 432), ("公益服务", 1069, 346, 1237, 395), ("其他", 1245, 335, 1315, 367),
            ("组织", 1245, 373, 1315, 406), ("合计", 1329, 325, 1399, 358)]
    words = [Word(t, x0, top, x1, bottom) for t, x0, top, x1, bottom in read]
    words += [Word("（1）属于国家秘密", 486, 450, 779, 484), Word("（2）其他法律行政法", 469, 507, 796, 541),
              Word("规禁止公开", 550, 546, 720, 578), Word("（3）危及", 470, 602, 629, 636), Word("“三安全一", 630, 602, 797, 634)]
    for top in (450, 525, 620):
        words += [Word("0", x, top, x + 17, top + 33) for x in (849, 934, 1018, 1102, 1187, 1271, 1356)]
    page = Page(3, 1655, 2339, words=words, unit="px", dpi=200)
    fragment = text_fragment(page, 150, 680)
    rows = grid_text(fragment)
    header = next(r for r in rows if "自然人" in r)
    assert "社会公益组织" in header and "法律服务机构" in header
    assert len(fragment.xs) - 1 == 8  # the label column and seven value columns


def test_word_heights_from_widths_survive_an_even_split_of_sizes():
    """Four long words whose two middle sizes lie far apart: the median of an even count is
    none of them, and an empty neighbourhood of it crashed the text grid (IndexError)."""
    from pipeline.textgrid import _font_height

    words = [Word(t, 0, 10 * k, w, 10 * k + 8) for k, (t, w) in enumerate(
        (("本年新收", 40), ("上年结转", 40), ("予以公开", 60), ("部分公开", 60)))]
    assert len(_font_height(words)) == 4


def test_a_vertical_labels_comma_read_as_1_makes_no_value_column():
    """Table 三 of a 200-DPI scan ruled only above and below (三线表), zeros left blank (pixels,
    as read): the 、 of the vertical label 三、本年度办理结果 was read as 1, the only number on
    the page. Taken for a value, it made a column of its own left of the labels, and the column
    names fell in among the rows: the table's 140 cells were lost."""
    words = [Word(t, x0, top, x1, bottom) for t, x0, top, x1, bottom in [
        ("申请人情况", 1084, 688, 1226, 718), ("法人或者其他组织", 1036, 740, 1270, 770), ("自然", 892, 781, 944, 811),
        ("社会", 1126, 790, 1182, 820), ("法律", 1204, 790, 1262, 820), ("合计", 1364, 799, 1420, 829),
        ("科研", 1046, 808, 1104, 838), ("商业", 968, 808, 1024, 838), ("人", 904, 816, 930, 846),
        ("公益", 1126, 825, 1182, 855), ("服务", 1204, 825, 1260, 855), ("其他", 1286, 825, 1340, 855),
        ("企业", 968, 842, 1024, 872), ("机构", 1046, 843, 1102, 873), ("组织", 1124, 860, 1182, 890),
        ("机构", 1204, 860, 1260, 890), ("一、本年新收政府信息公开申请数量", 268, 910, 732, 940),
        ("上年结转申请数量", 334, 963, 556, 993), ("1、", 286, 964, 322, 994), ("(一)予以公开", 320, 1017, 490, 1047),
        ("(二)部分公开(区分处理的，只计这一情形，", 320, 1066, 864, 1096), ("不计其他情形)", 316, 1102, 500, 1132),
        ("1.国家秘密", 470, 1150, 612, 1180), ("2.其他法律行政法规禁止公开", 466, 1204, 846, 1234),
        ("3.危及\"三安全一稳定”", 466, 1258, 774, 1288), ("4.保护第三方合法权益", 466, 1311, 758, 1341),
        ("(三)不予", 318, 1321, 432, 1351), ("公开", 316, 1356, 372, 1386), ("5.属于三类内部事务信息", 466, 1366, 788, 1396),
        ("三", 270, 1396, 298, 1426), ("6.属于四类过程性信息", 466, 1420, 758, 1450), ("1", 274, 1438, 281, 1468),
        ("本", 272, 1465, 298, 1495), ("7.属于行政执法案卷", 466, 1472, 728, 1502), ("年", 270, 1499, 298, 1529),
        ("8.属于行政查询事项", 466, 1526, 728, 1556), ("度", 270, 1534, 298, 1564), ("办", 270, 1568, 298, 1598),
        ("1.本机关不掌握相关政府信息", 468, 1580, 846, 1610), ("理", 270, 1603, 298, 1633), ("(四)无法", 318, 1616, 430, 1646),
        ("2.没有现成信息需要另行制作", 466, 1634, 844, 1664)]]
    segments = [Segment(260, y, 1440, y) for y in (675, 900, 1680)]
    page = Page(2, 1655, 2339, words=words, segments=segments, unit="px", dpi=200)
    rows = grid_text(text_fragment(page, 670, 1690))
    names = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "合计"]
    assert any(row[-7:] == names for row in rows)
    granted = next(row for row in rows if "(一)予以公开" in row)
    assert granted[-7:] == [""] * 7


def test_only_a_lone_digit_among_a_vertical_labels_characters_is_taken_for_its_comma():
    from pipeline.textgrid import _in_vertical_label

    def w(text: str, x0: float, top: float) -> Word:
        return Word(text, x0, top, x0 + 26, top + 30)

    stack = [w("三", 270, 1396), w("1", 274, 1438), w("本", 272, 1465)]
    assert _in_vertical_label(stack[1], stack, 26.7)
    # Zeros written 无, a column of them, are values; so are digits between digits.
    column = [w("无", 1053, 1279), w("无", 1053, 1325), w("无", 1053, 1372)]
    assert not _in_vertical_label(column[1], column, 26.7)
    digits = [w("0", 1053, 1279), w("1", 1053, 1325), w("0", 1053, 1372)]
    assert not _in_vertical_label(digits[1], digits, 26.7)


def test_a_digit_atop_a_vertical_column_name_among_the_first_characters_of_others_is_no_value():
    from pipeline.textgrid import _in_vertical_label

    # Table 三's column names set one character a line (150-DPI scan, pixels as read): 总计's 总
    # read as 8, level with the first characters of the names beside it (自 read as 白, 商, 科…).
    # Taken for a value, it put a value in the header and the table was lost (175 cells).
    def w(text: str, x0: float, top: float) -> Word:
        return Word(text, x0, top, x0 + 16, top + 17)

    first = [w("白", 805, 405), w("商", 851, 411), w("科", 897, 411), w("会", 944, 411), w("律", 989, 411),
             w("其", 1036, 412)]
    eight, below = w("8", 1081, 415), w("计", 1081, 439)
    words = first + [eight, below]
    assert _in_vertical_label(eight, words, 17.0)
    # A value over the last character of a vertical label in its row, with no stack beside it, stays a value.
    assert not _in_vertical_label(eight, [eight, below, w("法", 988, 388)], 17.0)


def test_prose_below_a_table_blank_for_zero_read_only_in_part_is_no_row():
    """Table 四 of a 300-DPI scan without rules, all zeros left blank (pixels at 200 DPI, as
    read), and the paragraph below it, skimmed to its first characters. Short, the skimmed
    line had looked like a row label over the review columns: they became one label column
    and table 四's five review cells were lost."""
    read = [("行政复议", 408, 630, 509, 658), ("行政诉讼", 959, 630, 1060, 658),
            ("未经复议直接起诉", 725, 684, 926, 713), ("复议后起诉", 1130, 685, 1256, 713),
            ("结果", 286, 712, 337, 740), ("结果", 359, 712, 411, 740), ("其他", 433, 712, 484, 740),
            ("未审", 507, 712, 557, 740), ("维持", 286, 745, 338, 773), ("纠正", 359, 745, 411, 773),
            ("结果", 433, 745, 484, 773), ("结", 519, 745, 545, 773), ("总计", 580, 728, 631, 756)]
    for dx in (0, 368):  # 未经复议直接起诉, 复议后起诉
        read += [("结果", 653 + dx, 739, 704 + dx, 767), ("结果", 727 + dx, 739, 778 + dx, 768),
                 ("其他", 800 + dx, 739, 852 + dx, 768), ("未审", 874 + dx, 739, 924 + dx, 767),
                 ("总计", 947 + dx, 755, 998 + dx, 783), ("维持", 653 + dx, 772, 705 + dx, 800),
                 ("纠正", 727 + dx, 772, 778 + dx, 800), ("结果", 800 + dx, 772, 851 + dx, 800),
                 ("结", 886 + dx, 772, 912 + dx, 800)]
    words = [Word(t, x0, top, x1, bottom) for t, x0, top, x1, bottom in read]
    words += [Word("2020年度，本机关", 342, 898, 571, 931, clipped=True), Word("讼的情况。", 275, 945, 436, 978)]
    page = Page(3, 1655, 2339, words=words, unit="px", dpi=200)
    rows = grid_text(text_fragment(page, 599, 997))
    assert rows[1][:5] == ["结果维持", "结果纠正", "其他结果", "未审结", "总计"]
    assert not any("本机关" in t or "情况" in t for row in rows for t in row)


def _page_words(name: str) -> Page:
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    # Each word: text, box, and where the reader had them, its alternatives and its score.
    words = [Word(t, x0, top, x1, bottom, rest[1] if len(rest) > 1 else 1.0,
                  alternatives=tuple(map(tuple, rest[0])) if rest else ())
             for t, x0, top, x1, bottom, *rest in data["words"]]
    p = data["page"]
    return Page(p["number"], p["width"], p["height"], words=words, unit="px", dpi=p["dpi"])


def test_a_number_read_with_a_letter_for_a_digit_stands_in_its_value_column():
    """Table 三 of a 150-DPI scan, 三线表 (tests/data: the reader's words): the 1 of the first row's
    自然人 column read as I (its own next reading 1). Taken for label text, it moved the end of
    the labels past that column, and the column's 23 cells were lost."""
    fragment = text_fragment(_page_words("three_line_s3_150dpi_words.json"), 526, 1754)
    rows = grid_text(fragment)
    assert sum(1 for x in fragment.xs if x > 760) == 8  # seven value columns, from 767 (I at 785)
    assert ["I", "0", "0", "0", "0", "0", "2"] in [r[-7:] for r in rows]
    assert ["0", "0", "0", "0", "0", "0", "0"] in [r[-7:] for r in rows]


def test_a_group_label_reaching_a_little_past_its_column_stays_a_group_label():
    """Table 三 of a 150-DPI scan with horizontal rules only (tests/data: the reader's words): the
    group labels (三)不予公开 and (五)不予处理 wrap in a narrow column, and their lines 不予公 and
    不予处 end 6 px past the bound found between the label columns (the own label 其他处理 of
    (六) begins left of the others). Taken for own labels, each joined the rows beside it into
    one, and 14 cells were lost."""
    rows = grid_text(text_fragment(_page_words("unruled_s3_parents_150dpi_words.json"), 348, 1754))
    labels = [t for row in rows for t in row if t[:2] in ("4.", "5.")]
    assert "4.保护第三方合法权益" in labels and "5.属于三类内部事务信息" in labels
    assert any(t.startswith("4.无正") and t.endswith("正当理由大量反复申请") for t in labels)
    assert not any("不予" in t for t in labels)
    # Another report: (五)不予 ends 13 px past the bound, 7 px before the own labels start.
    rows = grid_text(text_fragment(_page_words("unruled_s3_group_past_bound_150dpi_words.json"), 632, 1754))
    assert ["(五)不予", "信访举报投诉类申请"] + [""] * 7 in rows
    assert ["(五)不予", "重复申请", "", "", "", "", "3", "", "3"] in rows


def test_brackets_read_apart_are_no_label_column_and_a_label_read_in_pieces_stays_whole():
    """Table 三 of a 150-DPI scan with horizontal rules only (tests/data: the reader's words).
    The opening brackets of （一）, （二）… read apart from their faint numerals (C, ( and -)) line
    up down the left edge like a column, and so do enumerators read apart (6.): taken for a
    label column, they cut every label in two. And the wrapped label of （二）部分公开, its line
    read in pieces where a faint 一 left gaps (…只计这 | 情形， | 不计其他), reached past the
    labels' end one piece at a time: its last piece was taken for column names over the
    values, and table 三 lost its value columns from that row on (142 cells)."""
    rows = grid_text(text_fragment(_page_words("unruled_s3_note_and_brackets_150dpi_words.json"), 300, 1754))
    assert rows[2][1:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "8计"]
    assert ["C -) 本年新收政府信息公开申请数量", "7", "", "", "", "0", "", "7"] in rows
    assert ["( 二)部分公开 （区分处理的，只计这 情形， 不计其他情形）", "1", "", "0", "0", "0", "", "1"] in rows
    assert ["6. 属于四类过程性信息", "", "", "", "", "0", "0", ""] in rows


def test_a_group_title_centred_over_the_values_beside_a_vertical_label_is_no_header():
    """Table 三 continued on a page of a 三线表 (text layer): its group titles （五）不予处理 and
    （六）其他处理 stand on rows of their own, centred over the value columns, and （五）不予处理 is
    level with 办 of the vertical label 本年度办理结果. Taken for column names (a value-side word
    beside a label-side one), it cut the value columns of the rows below into its own three,
    and 50 cells were lost. A line over the values opening with a number is a group title."""
    from pipeline.document import Segment

    data = json.loads((DATA / "three_line_s3_group_title_words.json").read_text(encoding="utf-8"))
    p = data["page"]
    page = Page(p["number"], p["width"], p["height"], words=[Word(*w) for w in data["words"]],
                segments=[Segment(*s) for s in data["segments"]])
    rows = grid_text(text_fragment(page, 70, 720))
    assert ["自然人", "企业", "科研机构", "公益组织", "法律服务机构", "其他", "总计"] in rows
    assert [r[-8:] for r in rows if "信访举报投诉类申请" in r] == [["信访举报投诉类申请", "/", "０", "０", "/", "０", "０", "０"]]
    assert ["要求行政机关确认或重新出具已获取信息", "/", "０", "/", "/", "/", "/", "/"] in rows
    assert ["其他", "０", "０", "/", "０", "/", "/", "０"] in rows
    # A hard scan of another such table (150 DPI, tests/data: the reader's words): its title
    # (三)不予公开 read in two words over the values.
    rows = grid_text(text_fragment(_page_words("unruled_s3_group_title_150dpi_words.json"), 1000, 1754))
    assert ["属于国家秘密", "/", "0", "/", "0", "0", "/", "/"] in rows


def test_rows_blank_for_zero_set_close_stay_rows_where_each_opens_with_its_number():
    """Table 三 of a 150-DPI scan without rules, blank for zero (tests/data: the reader's
    words): rows without values stand closer than a wrapped label's lines at this DPI, and
    （3）危及… ran into （4）保护…, (1)本机关不掌握… into （2）没有现成…: one row each, and the
    cells of both rows were lost. A line opening with its own number starts a row."""
    rows = grid_text(text_fragment(_page_words("unruled_s3_blank_rows_150dpi_words.json"), 905, 1754))
    labels = [t for r in rows for t in r if t.startswith(("（", "("))]
    assert "（4）保护第三方合法权益" in labels and "（5）属于三类内部事务信息" in labels
    assert any(t.startswith("（3）危及") and "保护" not in t for t in labels)


def test_a_stroke_read_apart_inside_a_word_is_no_value():
    """Table 二 of a 200-DPI scan with horizontal rules only (tests/data: the reader's words): the
    wrapped column name 本年處理決定數 / 量, and the top stroke of 量 read again on its own as —,
    its box half inside 量's. Taken for a value, it made the line of column names a row with
    values, the labels reached past every column, and table 二 was lost."""
    rows = grid_text(text_fragment(_page_words("unruled_s2_stroke_read_apart_200dpi_words.json"), 894, 2339))
    assert ["信息内容", "上一年項目數量", "本年增加/减少", "本年處理決定數量"] in rows
    assert ["行政處罰", "15", "/", "14"] in rows and ["行政强制", "177", "/", "58"] in rows
    assert ["規範性文件", "/", "2", "4"] in rows


def test_an_item_line_read_in_two_words_stays_an_item_line_and_its_names_stay_whole():
    """The end of table 二 on a 150-DPI scan without rules (tests/data: the reader's words): its
    item line 第二十条第九项 read as 第二 | 二十条第九项 (a faint 二 read in both crops). Two words
    over the values, the line was taken for column names; and the names 采购项目数量 below, their
    box a tenth wider than their characters, were cut in three at a pitch a seventh of the
    distance between the two value columns. Both rows of the block were lost."""
    rows = grid_text(text_fragment(_page_words("unruled_s2_item_read_apart_150dpi_words.json"), 0, 391))
    assert ["", "第二 二十条第九项", ""] in rows
    assert ["信息内容", "采购项目数量", "采购总金额"] in rows
    assert ["政府集中采购", "0", "135.43万元"] in rows


def test_a_number_wrapped_onto_two_lines_of_its_column_is_one_number():
    """Table 三 in full-width digits in a narrow 三线表 column (300-DPI scan, pixels at 200 DPI,
    as read; its text layer is the same): 202 wraps as ２０ over ２, the row's label level with
    the middle of the two. Each line had made a row of its own, and six cells read 0. Values of
    two rows one above the other, each level with its own label, stay apart."""
    from pipeline.textgrid import _join_wrapped_numbers

    read = [("20", 753, 962, 793, 992), ("21", 1325, 961, 1365, 991),
            ("一、本年新收政府信息公开申请数量", 222, 981, 668, 1011), ("—", 854, 982, 882, 1012),
            ("9", 1147, 980, 1162, 1010), ("2", 766, 998, 779, 1028), ("1", 1340, 998, 1352, 1028),
            ("二、上年结转政府信息公开申请数量", 222, 1054, 668, 1084), ("—", 759, 1055, 787, 1085)]
    words = [Word(t, x0, top, x1, bottom) for t, x0, top, x1, bottom in read]
    assert sorted(w.text for w in _join_wrapped_numbers(words, 30.0) if w.text[0].isdigit()) == ["202", "211", "9"]
    rows = [Word("一、本年新收", 222, 981, 400, 1011), Word("20", 753, 981, 793, 1011),
            Word("二、上年结转", 222, 1020, 400, 1050), Word("2", 766, 1020, 779, 1050)]
    assert [w.text for w in _join_wrapped_numbers(rows, 30.0)] == ["一、本年新收", "20", "二、上年结转", "2"]


def test_a_vertical_column_name_set_higher_than_its_neighbours_is_header_in_a_table_of_blanks():
    """Table 三 of a 150-DPI scan without rules, every value printed blank (tests/data: the
    reader's words): 自然人 one character per line, set 10 px higher than 商业企业 beside it, so
    that 人 is a line of its own under 然. Taken for a label below the column names, it moved the
    end of the labels past 自然人, and its 22 cells were lost."""
    fragment = text_fragment(_page_words("unruled_s3_blank_vertical_name_150dpi_words.json"), 689, 1754)
    rows = grid_text(fragment)
    assert rows[2][1:] == ["自然人", "商业企业", "科研机构", "公益组织", "法律服务机构", "其他", "合计"]
    assert rows[3] == ["一、本年新收申请数量"] + [""] * 7


def test_an_unsure_narrow_mark_whose_next_reading_is_a_dash_stands_in_its_value_column():
    """Table 二 of a 150-DPI scan with horizontal rules only (tests/data: the reader's words): the
    - of 行政规范性文件's first column read 二 at 0.08 (then = and -). Taken for label text, it
    moved the end of the labels past the first value column, and 15 cells of table 二 were lost."""
    rows = grid_text(text_fragment(_page_words("unruled_s2_unsure_mark_150dpi_words.json"), 1048, 1754))
    assert ["规章", "/", "*", "-"] in rows and ["行政规范性文件", "二", "2", "32"] in rows
    assert ["行政许可", "18", "1", "130"] in rows and ["其他对外管理服务事项", "188", "3", "752"] in rows


def test_an_unsure_speck_whose_next_reading_is_a_digit_is_no_value():
    """A speck beside a vertical label read 。 at 0.19, then 9 (150-DPI scan): taken for a value,
    it split table 三's first value column. Only an unsure mark that may be a dash is one."""
    from pipeline.textgrid import _misread_number

    assert not _misread_number(Word("。", 136.0, 606.7, 140.0, 628.3, 0.1894, (("9", 0.031),)))
    assert _misread_number(Word("二", 612.6, 1224.1, 620.4, 1252.9, 0.0841, (("=", 0.0791), ("-", 0.0104))))
    assert not _misread_number(Word("二", 612.6, 1224.1, 620.4, 1252.9, 0.9, (("-", 0.05),)))  # sure
