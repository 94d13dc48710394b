"""The screen's scripts are plain files sharing one namespace: each takes what the files before it defined when it
loads, so the page must list them in this order, after common.js and the vendored libraries."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parents[2] / "static"
ORDER = ["common.js", "screen_base.js", "screen_labels.js", "screen_matrix.js", "screen_board.js",
         "screen_panels.js", "screen.js", "screen_room.js"]


def test_screen_loads_its_parts_in_order(client: Any, workshop: dict[str, Any]) -> None:
    html = client.get(f"/screen/{workshop['screen_token']}").get_data(as_text=True)
    scripts = [Path(src.split("?")[0]).name for src in re.findall(r'<script[^>]* src="([^"]+)"', html)]
    assert scripts[:2] == ["socket.io.min.js", "echarts.min.js"]
    assert scripts[2:] == ORDER
    for name in ORDER:
        assert (STATIC / "js" / name).is_file(), name


def test_each_part_takes_only_what_earlier_parts_export() -> None:
    """`var x = S.x;` at load time reads a value an earlier file put on the namespace (`S.x = x;`)."""
    exported: set[str] = set()
    for name in ORDER[1:-1]:
        text = (STATIC / "js" / name).read_text(encoding="utf-8")
        taken = set(re.findall(r"^  var (\w+) = S\.\1;$", text, re.M))
        assert taken <= exported, (name, taken - exported)
        exported |= set(re.findall(r"^  S\.(\w+) = \1;$", text, re.M))
