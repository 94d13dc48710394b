/* The projector layout check run in the page by test_screen_layouts.py: every problem found, as sentences.
   Argument: the smallest acceptable label size in px. */
(async (minPx) => {
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await new Promise(r => setTimeout(r, 80));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const problems = [];
  const shown = el => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const rect = r => ({ x0: r.left, y0: r.top, x1: r.right, y1: r.bottom });
  const box = el => rect(el.getBoundingClientRect());
  const overlap = (a, b) => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 1 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 1;
  const fmt = b => `[${Math.round(b.x0)},${Math.round(b.y0)} ${Math.round(b.x1)},${Math.round(b.y1)}]`;
  // The text of an element as drawn (the union of its line boxes), not the box it may stretch to.
  function textBox(el) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0);
    if (!rects.length) return null;
    return rects.map(rect).reduce((a, b) => ({ x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0),
      x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) }));
  }
  const view = { x0: 0, y0: 0, x1: innerWidth, y1: innerHeight };
  const parts = {};
  const note = document.getElementById("chart-note");
  if (shown(note) && note.textContent.trim()) parts.note = textBox(note);
  ["groups-btn", "fullscreen-btn", "conn"].forEach(id => {
    const el = document.getElementById(id);
    if (shown(el)) parts[id] = box(el);
  });
  const legend = document.getElementById("legend");
  if (shown(legend)) parts.legend = box(legend);
  const chartEl = document.getElementById("chart");
  const board = document.getElementById("board");
  let plot = null;
  if (shown(chartEl)) {
    parts.chart = box(chartEl);
    const chart = window.echarts && echarts.getInstanceByDom(chartEl);
    if (chart) {
      const grid = chart.getModel().getComponent("grid").coordinateSystem.getRect();
      const c = chartEl.getBoundingClientRect();
      plot = { x0: c.left + grid.x, y0: c.top + grid.y, x1: c.left + grid.x + grid.width, y1: c.top + grid.y + grid.height };
      const option = chart.getOption();
      const items = option.series.find(s => s.id === "items");
      const sizes = { "item labels": items.label.fontSize, "axis numbers": option.xAxis[0].axisLabel.fontSize,
        "axis names": option.xAxis[0].nameTextStyle.fontSize, "quadrant names": items.markArea.label.fontSize };
      Object.keys(sizes).forEach(k => { if (!(sizes[k] >= minPx)) problems.push(`chart ${k} at ${sizes[k]} px`); });
    }
  }
  if (shown(board)) {
    const list = board.querySelector("ol");
    parts.board = list ? box(list) : box(board);
    if (board.scrollHeight > board.clientHeight + 1) problems.push(`bars cut off: ${board.scrollHeight} > ${board.clientHeight}`);
  }
  const header = document.querySelector(".sc-act-header");
  if (shown(header)) parts.header = box(header);
  const corner = document.querySelector(".sc-join-corner");
  if (shown(corner)) parts.corner = box(corner);
  const groupLegend = document.getElementById("group-legend");
  if (shown(groupLegend)) parts["group legend"] = box(groupLegend);

  const pairs = [["note", "groups-btn"], ["note", "fullscreen-btn"], ["note", "conn"], ["note", "legend"],
    ["note", "chart"], ["note", "board"], ["legend", "groups-btn"], ["legend", "fullscreen-btn"], ["legend", "conn"],
    ["legend", "chart"], ["legend", "board"], ["header", "chart"], ["header", "board"], ["header", "legend"],
    ["corner", "legend"], ["corner", "header"], ["board", "groups-btn"], ["board", "fullscreen-btn"],
    ["chart", "groups-btn"], ["chart", "fullscreen-btn"]];
  pairs.forEach(([a, b]) => {
    if (parts[a] && parts[b] && overlap(parts[a], parts[b])) problems.push(`${a} ${fmt(parts[a])} overlaps ${b} ${fmt(parts[b])}`);
  });
  if (plot && parts["group legend"]) {
    groupLegend.querySelectorAll("li").forEach(li => {
      if (overlap(box(li), plot)) problems.push(`group legend entry "${li.textContent}" over the plot`);
    });
  }
  Object.keys(parts).forEach(k => {
    const b = parts[k];
    if (b.x0 < -1 || b.y0 < -1 || b.x1 > view.x1 + 1 || b.y1 > view.y1 + 1) problems.push(`${k} ${fmt(b)} outside the screen`);
  });
  // Every legend entry visible inside the legend (overflow: hidden would cut the last ones off).
  if (parts.legend) {
    legend.querySelectorAll("li").forEach(li => {
      const b = box(li);
      if (b.y1 > parts.legend.y1 + 1 || b.x1 > parts.legend.x1 + 1 || b.x0 < parts.legend.x0 - 1) {
        problems.push(`legend entry ${li.getAttribute("data-item")} cut off ${fmt(b)} in ${fmt(parts.legend)}`);
      }
    });
  }
  // Text that runs out of its box, or is cut with an ellipsis.
  const texts = ["#activity-title", ".sc-legend__title", ".sc-bar__title", ".sc-bar__figure", ".sc-group-legend li",
    "#chart-note", ".sc-act-header__workshop", ".sc-group-counts li", ".sc-join-corner__code"];
  texts.forEach(sel => document.querySelectorAll(sel).forEach(el => {
    if (!shown(el)) return;
    const style = getComputedStyle(el);
    // Shortened on purpose, with an ellipsis (one line, or a line clamp): the phones show the full text.
    if (style.textOverflow === "ellipsis" || (style.webkitLineClamp && style.webkitLineClamp !== "none")) return;
    // Vertically a few pixels of a glyph's descent may stick out of a tight line box; more is text spilling over.
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 4) {
      problems.push(`text overflows ${sel}: "${el.textContent.slice(0, 40)}" ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`);
    }
  }));
  // Smallest type on the screen.
  const small = [".sc-legend__title", ".sc-legend__title2", ".sc-legend__num", ".sc-bar__title", ".sc-bar__title2",
    ".sc-bar__figure", ".sc-bar__breadth", "#chart-note", ".sc-group-legend li", "#activity-title", ".sc-groups-btn"];
  small.forEach(sel => document.querySelectorAll(sel).forEach(el => {
    if (!shown(el)) return;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < minPx - 0.05) problems.push(`${sel} at ${px.toFixed(1)} px ("${el.textContent.slice(0, 30)}")`);
  }));
  return { problems: Array.from(new Set(problems)), mode: chartEl.getAttribute("data-mode"),
           legend: !!parts.legend, groups: chartEl.getAttribute("data-groups") };
})
