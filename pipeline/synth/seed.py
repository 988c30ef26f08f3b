"""The seed report (梅州市人社局 2022): its prose read from the seed text, and the variant that
renders it the way its Word original looks."""
from __future__ import annotations

import json
import re
from pathlib import Path

from .taxo import ROOT

SEED_TXT = Path("/work/shared/seed/meizhou_hrss_2022.txt")
SEED_GOLD = ROOT / "samples" / "digital" / "meizhou_hrss_2022.gold.json"
CN_NUM = "一二三四五六七八九十"


def _clean(line: str) -> str:
    line = re.sub(r"\[bookmark: [^\]]*\]", "", line)
    line = line.strip().strip("\u3000").strip()
    m = re.match(r"^（(\d)）\s*", line)
    if m:  # Word auto-numbering exported as （1）: the printed form is （一）
        line = f"（{CN_NUM[int(m.group(1)) - 1]}）" + line[m.end():]
    return line


def seed_prose(path: Path = SEED_TXT) -> dict:
    """Title lines and prose paragraphs by section, from the seed text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    marks = {"s1": "总体情况", "s2": "二、主动公开", "s3": "三、收到和处理", "s4": "四、政府信息公开行政复议",
             "s5": "五、存在的主要问题", "s6": "六、其他需要报告"}
    where: dict[str, int] = {}
    for i, line in enumerate(lines):
        for sec, mark in marks.items():
            if sec not in where and mark in line and len(line.strip()) < 30:
                where[sec] = i
    title = [lines[0].strip(), lines[1].strip()]
    intro = [_clean(x) for x in lines[2:where["s1"]] if _clean(x)]
    s1 = [_clean(x) for x in lines[where["s1"] + 1:where["s2"]] if _clean(x)]
    s5 = [_clean(x) for x in lines[where["s5"] + 1:where["s6"]] if _clean(x)]
    s6 = [_clean(x) for x in lines[where["s6"] + 1:] if _clean(x)]
    heading5 = _clean(lines[where["s5"]]).split("、", 1)[1]
    return {"title_lines": title, "prose": {"intro": intro, "s1": s1, "s5": s5, "s6": s6},
            "headings": {"s5": heading5}}


def seed_gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


def seed_variant() -> dict:
    """The look of the seed's Word export: SimSun, full ruling, s2 as one table of blocks,
    s3 with three label columns and the vertical merged label, s4 three-level header."""
    p = seed_prose()
    return {
        "name": "seed",
        "font": "SimSun", "size": 12, "table_size": 10.5, "leading": 1.5, "title_size": 18,
        "margins": [72, 72, 80, 80], "cell_pad": 3, "ruling": "full", "rule_style": "line", "rule_width": 0.5,
        "page_numbers": "dash",
        "title_lines": p["title_lines"], "prose": p["prose"], "headings": p["headings"],
        "labels": {"s2.col.total_published": "对外公开总数"},
        "breaks": {"s2.other_mgmt_services": [6], "s3.col.business": [3], "s3.col.ngo": [4],
                   "s3.col.legal": [4]},
        "values": {"zero": "0", "amount_unit": "cell"},
        "s2_layout": "one_table", "s2_label_frac": 0.34,
        "s3_label_cols": 3, "s3_result_vertical": True, "s3_header": "two_level", "s3_note": True,
        "s3_repeat_header": False, "s3_break_at": None, "s3_value_w": 2.8,
        "s4_layout": "three_level",
    }


def write_seed_pdf(out: Path = SEED_GOLD.with_name("meizhou_hrss_2022.pdf")) -> Path:
    """Render the seed's hand-made gold in the seed's look (python -m pipeline.synth.seed)."""
    from .render_pdf import render

    render(seed_gold(), seed_variant(), out)
    return out


if __name__ == "__main__":
    print(write_seed_pdf())
