/* Projector screen, part 3 of 6: the matrix (2x2 and criteria sectors) drawn with ECharts, with the group
 * overlay and Delphi arrows. See screen_base.js for how the parts fit together.
 */
(function () {
  "use strict";

  var P = window.Prioritas;
  var S = P.screen;
  var isNum = S.isNum;
  var plural = S.plural;
  var axisOf = S.axisOf;
  var quadrantOf = S.quadrantOf;
  var consensusChange = S.consensusChange;
  var meanChange = S.meanChange;
  var flagNote = S.flagNote;
  var secondTitleOf = S.secondTitleOf;
  var groupLabel = S.groupLabel;
  var QUADRANT_STYLE = S.QUADRANT_STYLE;
  var GROUP_COLOURS = S.GROUP_COLOURS;
  var GROUP_SYMBOLS = S.GROUP_SYMBOLS;
  var INK = S.INK;
  var INK_SOFT = S.INK_SOFT;
  var GRID_LINE = S.GRID_LINE;
  var FONT_FAMILY = S.FONT_FAMILY;
  var workshop = S.workshop;
  var store = S.store;
  var itemsByKey = S.itemsByKey;
  var el = S.el;
  var t = S.t;
  var setText = S.setText;
  var SHOWN_FLAGS = S.SHOWN_FLAGS;
  var FLAG_MARK = S.FLAG_MARK;
  var SECTOR_QUADRANTS = S.SECTOR_QUADRANTS;
  var layoutMatrix = S.layoutMatrix;

  var chart = null;
  var chartMode = null;        // "activity:key" the chart was last built for (notMerge on change)

  // A criteria activity is drawn as the sector matrix: scores 0..1, attractiveness (y) by feasibility (x).
  function criteriaActivity(activity) {
    var q = activity.quadrants || {};
    var names = {};
    Object.keys(SECTOR_QUADRANTS).forEach(function (k) { names[k] = q[k] || SECTOR_QUADRANTS[k]; });
    return {
      key: activity.key, type: "criteria", title: activity.title, items: activity.items, state: activity.state,
      x: { label: (activity.x && activity.x.label) || t("feasibility"), min: 0, max: 1 },
      y: { label: (activity.y && activity.y.label) || t("attractiveness"), min: 0, max: 1 },
      quadrants: names
    };
  }

  function scoreAxis(a) {
    if (!a || !isNum(a.score)) return null;
    return { mean: a.score, ci95: Array.isArray(a.ci95) ? a.ci95 : null, consensus: a.consensus };
  }

  // by_group of a criteria item ({g: {n, x: {score}, y: {score}} | null}) in the matrix shape ({x: {mean}}).
  function scoreGroups(byGroup) {
    if (!byGroup || typeof byGroup !== "object") return null;
    var out = {};
    Object.keys(byGroup).forEach(function (g) {
      var b = byGroup[g];
      out[g] = b ? { n: b.n, x: scoreAxis(b.x), y: scoreAxis(b.y) } : null;
    });
    return out;
  }

  function criteriaResults(results) {
    if (!results) return null;
    var prev = null;
    if (results.previous && results.previous.items) {
      prev = { round: results.previous.round, items: {} };
      Object.keys(results.previous.items).forEach(function (k) {
        var p = results.previous.items[k] || {};
        prev.items[k] = { x: scoreAxis(p.x), y: scoreAxis(p.y), by_group: scoreGroups(p.by_group) };
      });
    }
    return {
      activity: results.activity, respondents: results.respondents, groups: results.groups, previous: prev,
      items: (results.items || []).map(function (r) {
        return { item: r.item, n: r.n, quadrant: r.quadrant, flags: r.flags, x: scoreAxis(r.x), y: scoreAxis(r.y),
          by_group: scoreGroups(r.by_group) };
      })
    };
  }

  // ------------------------------------------------------------------ matrix

  function ensureChart() {
    if (chart) return chart;
    if (!window.echarts) return null;
    chart = window.echarts.init(el.chart, null, { renderer: "canvas" });
    return chart;
  }

  // The chart follows its element's size (screen.js, on resize); false when no chart is drawn.
  function resizeChart() {
    if (!chart || el.chart.hidden) return false;
    chart.resize();
    return true;
  }

  function disposeChart() {
    if (chart) { chart.dispose(); chart = null; chartMode = null; }
  }

  function sizes() {
    var w = el.chart.clientWidth || 800;
    var h = el.chart.clientHeight || 500;
    // In step with the page's type size (CSS: min(2.3vh, 1.45vw)), and with the room the chart has.
    var cssSize = parseFloat(window.getComputedStyle(el.screen).fontSize) || 16;
    // Never below the page's own type size: on 1280×720 a smaller floor drew labels a projector cannot show.
    var base = Math.max(cssSize, Math.min(h / 24, w / 42, cssSize * 1.5));
    return { w: w, h: h, base: Math.round(base) };
  }

  // A group's position on an item, or null when it is not shown: the group entry is null (below k) or an axis
  // mean is null (held back for anonymity). Nothing hidden is ever drawn.
  function groupPoint(entry, group) {
    var b = entry && entry.by_group ? entry.by_group[group] : null;
    if (!b || !b.x || !b.y || !isNum(b.x.mean) || !isNum(b.y.mean)) return null;
    return { x: b.x.mean, y: b.y.mean };
  }

  function groupPositions(r, before) {
    var out = [];
    workshop.groups.forEach(function (group, i) {
      var now = groupPoint(r, group.key);
      if (!now) return;
      out.push({ key: group.key, index: i, x: now.x, y: now.y, prev: groupPoint(before, group.key) });
    });
    return out;
  }

  function groupStyle(index) {
    return { colour: GROUP_COLOURS[index % GROUP_COLOURS.length],
      symbol: GROUP_SYMBOLS[index % GROUP_SYMBOLS.length] };
  }

  function matrixModel(activity, results) {
    var ax = axisOf(activity, "x");
    var ay = axisOf(activity, "y");
    var byItem = {};
    ((results && results.items) || []).forEach(function (r) { if (r && r.item) byItem[r.item] = r; });
    var keys = activity.items || [];
    var previous = (results && results.previous && results.previous.items) || {};
    var entries = keys.map(function (key, i) {
      var r = byItem[key] || null;
      var it = itemsByKey[key] || {};
      var x = r && r.x ? r.x.mean : null;
      var y = r && r.y ? r.y.mean : null;
      var plotted = isNum(x) && isNum(y);
      var before = previous[key] || null;
      var px = before && before.x ? before.x.mean : null;
      var py = before && before.y ? before.y.mean : null;
      return {
        groups: groupPositions(r, before),
        flags: (r && Array.isArray(r.flags)) ? r.flags.filter(function (f) { return SHOWN_FLAGS[f]; }) : [],
        prev: plotted && isNum(px) && isNum(py) ? { x: px, y: py } : null,
        consensusChange: consensusChange(r, before),
        // A Delphi round that no longer asks the item: its figures are from the round it converged in.
        carried: r && isNum(r.converged_in_round) ? r.converged_in_round : null,
        key: key,
        number: i + 1,
        title: it.title || key,
        title2: secondTitleOf(key),
        x: x,
        y: y,
        plotted: plotted,
        waiting: !plotted,
        quadrant: plotted ? quadrantOf(r, ax, ay) : null,
        ci: plotted ? {
          x: r.x && Array.isArray(r.x.ci95) ? r.x.ci95 : null,
          y: r.y && Array.isArray(r.y.ci95) ? r.y.ci95 : null
        } : null
      };
    });
    var plottedCount = entries.filter(function (e) { return e.plotted; }).length;
    return { ax: ax, ay: ay, entries: entries, plottedCount: plottedCount };
  }

  // ---- group overlay

  /* What the overlay draws: one marker per shown group and item (joined to the item's pooled marker), and in a
     later Delphi round an arrow from the group's previous position, where both positions are shown. */
  function groupOverlay(m) {
    var out = { markers: [], links: [], arrows: [], groups: [] };
    if (!store.showGroups) return out;
    var seen = {};
    m.entries.forEach(function (e) {
      e.groups.forEach(function (gp) {
        var id = e.key + ":" + gp.key;
        out.markers.push({ id: id, item: e, group: gp });
        if (e.plotted) out.links.push({ id: id, item: e, group: gp });
        if (gp.prev) out.arrows.push({ id: id, item: e, group: gp });
        seen[gp.key] = true;
      });
    });
    workshop.groups.forEach(function (group, i) {
      if (seen[group.key]) out.groups.push({ key: group.key, name: groupLabel(group), index: i });
    });
    return out;
  }

  function groupSeries(overlay, m, g) {
    var base = g.base;
    var size = Math.max(11, Math.round(g.markerSize * 0.8));
    var plot = g.plot;
    var perPx = [(m.ax.max - m.ax.min) / Math.max(1, plot.x1 - plot.x0),
      (m.ay.max - m.ay.min) / Math.max(1, plot.y1 - plot.y0)];
    // The arrow stops at the edge of the group's marker, so its head stays visible.
    function arrowEnd(from, to) {
      var dx = (to[0] - from[0]) / perPx[0], dy = (to[1] - from[1]) / perPx[1];
      var len = Math.sqrt(dx * dx + dy * dy);
      var cut = size * 0.55;
      if (len <= cut * 2) return to;
      return [to[0] - dx / len * cut * perPx[0], to[1] - dy / len * cut * perPx[1]];
    }
    var groupName = {};
    workshop.groups.forEach(function (group) { groupName[group.key] = groupLabel(group); });
    return [
      {
        id: "group-links",
        type: "lines",
        coordinateSystem: "cartesian2d",
        silent: true,
        z: 3,
        symbol: "none",
        data: overlay.links.map(function (l) {
          var s = groupStyle(l.group.index);
          return { id: l.id, coords: [[l.group.x, l.group.y], g.display[l.item.key] || [l.item.x, l.item.y]],
            lineStyle: { color: s.colour, width: Math.max(1.5, base / 12), opacity: 0.7 } };
        })
      },
      {
        id: "group-arrows",
        type: "lines",
        coordinateSystem: "cartesian2d",
        silent: true,
        z: 3,
        symbol: ["none", "arrow"],
        symbolSize: Math.max(8, base * 0.6),
        data: overlay.arrows.map(function (a) {
          var s = groupStyle(a.group.index);
          var from = [a.group.prev.x, a.group.prev.y];
          return { id: a.id, coords: [from, arrowEnd(from, [a.group.x, a.group.y])],
            lineStyle: { color: s.colour, width: Math.max(1.5, base / 10), type: "dashed", opacity: 0.85 } };
        })
      },
      {
        id: "group-markers",
        type: "scatter",
        silent: true,
        clip: false,
        z: 4,
        emphasis: { disabled: true },
        label: { show: false },
        data: overlay.markers.map(function (mk) {
          var s = groupStyle(mk.group.index);
          return { id: mk.id, name: groupName[mk.group.key] + " · " + mk.item.title,
            value: [mk.group.x, mk.group.y], symbol: s.symbol, symbolSize: size,
            itemStyle: { color: s.colour, borderColor: "#ffffff", borderWidth: Math.max(1.5, base / 14),
              opacity: 0.95 } };
        })
      }
    ];
  }

  function renderMatrix(activity, results) {
    var m = matrixModel(activity, results);

    // Note under the chart: items waiting for enough votes.
    var waiting = m.entries.length - m.plottedCount;
    var k = workshop.min_group_size || 5;
    var note = "";
    if (!results || !results.respondents) {
      note = t("matrix_first_votes", { k: k });
    } else if (waiting > 0) {
      note = t(plural(waiting, "item_waiting_enough", "items_waiting_enough"), { n: waiting, k: k });
    }
    var carried = m.entries.filter(function (e) { return e.carried !== null; });
    if (carried.length) {
      var settled = t(plural(carried.length, "item_converged_earlier", "items_converged_earlier"), { n: carried.length });
      note = note ? note + " · " + settled : settled;
    }
    el.chart.setAttribute("data-carried", carried.map(function (e) { return e.key + ":" + e.carried; }).join(" "));
    var change = meanChange(m.entries);
    var lead = note;
    function noteFor(numbered) {  // flagged items by number once the legend numbers them
      var extra = flagNote(m.entries, numbered);
      if (change !== null) extra.push(t("consensus_since", { round: results.previous.round,
        change: (change >= 0 ? "+" : "") + change.toFixed(2) }));
      return extra.length ? (lead ? lead + " · " : "") + extra.join(" · ") : lead;
    }
    setText(el.note, noteFor(!el.legend.hidden));
    el.chart.setAttribute("data-flags", m.entries.filter(function (e) { return e.flags.length; })
      .map(function (e) { return e.key + ":" + e.flags.join(","); }).join(" "));
    el.chart.setAttribute("data-arrows", String(m.entries.filter(function (e) { return e.prev; }).length));
    var overlay = groupOverlay(m);
    el.chart.setAttribute("data-groups", store.showGroups ? "on" : "off");
    el.chart.setAttribute("data-ci", store.showCi ? "on" : "off");  // "c" toggles it; tests read it
    el.chart.setAttribute("data-group-markers", String(overlay.markers.length));
    el.chart.setAttribute("data-group-arrows", String(overlay.arrows.length));
    S.renderGroupLegend(store.showGroups ? overlay.groups : null);
    store.groupOverlay = overlay.markers.map(function (mk) {
      return { item: mk.item.key, group: mk.group.key, x: mk.group.x, y: mk.group.y, prev: mk.group.prev };
    });

    var c = ensureChart();
    if (!c) { setText(el.note, t("chart_missing")); return; }
    // The legend decides the side column's width, hence the chart's: settle it before measuring.
    var g = layoutMatrix(activity, m, sizes());
    var hadLegend = !el.legend.hidden;
    S.renderLegend(g.numbered ? m.entries : null);
    if (hadLegend !== g.numbered) {
      c.resize();
      var wanted = g.numbered;
      g = layoutMatrix(activity, m, sizes());
      if (g.numbered !== wanted) {
        // The legend changed the chart's width and with it the verdict: settle on numbered markers with the
        // legend (always legible) rather than flip between the two on every update.
        S.renderLegend(m.entries);
        c.resize();
        g = layoutMatrix(activity, m, sizes(), true);
      }
    }
    setText(el.note, noteFor(g.numbered));
    var mode = "activity:" + activity.key + ":" + (g.numbered ? "n" : "t");
    var option = matrixOption(activity, m, g);
    option.series = option.series.concat(groupSeries(overlay, m, g));
    c.setOption(option, { notMerge: chartMode !== mode, lazyUpdate: false });
    el.chart.setAttribute("data-mode", g.numbered ? "numbered" : "titles");
    chartMode = mode;
  }

  function matrixOption(activity, m, g) {
    var ax = m.ax, ay = m.ay, base = g.base;
    var names = g.names;
    var integerTicks = (ax.max - ax.min) <= 12 && (ay.max - ay.min) <= 12;

    var data = m.entries.map(function (e) {
      var q = e.quadrant ? QUADRANT_STYLE[e.quadrant] : QUADRANT_STYLE.bottom_left;
      var point = {
        id: e.key,
        name: e.title,
        value: e.plotted ? g.display[e.key] : ["-", "-"],
        itemStyle: e.carried !== null
          // Converged in an earlier round: drawn outlined, so the room sees it is settled, not being asked.
          ? { color: "#ffffff", borderColor: q.fill, borderWidth: Math.max(3, base / 5), opacity: 0.9 }
          : { color: q.fill, borderColor: "#ffffff", borderWidth: Math.max(2, base / 9),
            shadowBlur: base / 3, shadowColor: "rgba(0,0,0,0.25)" }
      };
      if (g.numbered) {
        point.label = { show: true, position: "inside", formatter: String(e.number),
          color: e.carried !== null ? INK : q.ink,
          fontSize: Math.round(base * 0.82), fontWeight: 800, textBorderWidth: 0 };
      } else {
        var p = g.placements[e.key];
        point.label = p ? { show: true, position: p.position, formatter: p.text } : { show: false };
        point.labelLine = { show: !!(p && p.far) };
      }
      return point;
    });

    var ciData = m.entries.map(function (e) {
      if (!e.plotted || !store.showCi) return { id: e.key, value: ["-", "-", "-", "-", "-", "-"] };
      var cx = e.ci && e.ci.x && isNum(e.ci.x[0]) && isNum(e.ci.x[1]) ? e.ci.x : [e.x, e.x];
      var cy = e.ci && e.ci.y && isNum(e.ci.y[0]) && isNum(e.ci.y[1]) ? e.ci.y : [e.y, e.y];
      return { id: e.key, value: [e.x, e.y, cx[0], cx[1], cy[0], cy[1]],
        itemStyle: { color: (QUADRANT_STYLE[e.quadrant] || QUADRANT_STYLE.bottom_left).fill } };
    });

    function quadrantArea(q, x0, y0, x1, y1, pos) {
      var s = QUADRANT_STYLE[q];
      return [
        { name: names[q], coord: [x0, y0], itemStyle: { color: s.tint },
          label: { position: pos, color: s.text } },
        { coord: [x1, y1] }
      ];
    }

    var axisCommon = {
      type: "value",
      nameLocation: "middle",
      nameTextStyle: { fontSize: Math.round(base * 1.05), fontWeight: 800, color: INK },
      axisLine: { show: true, onZero: false, lineStyle: { color: INK_SOFT, width: 2 } },
      axisTick: { show: true, lineStyle: { color: INK_SOFT, width: 2 }, length: base / 3 },
      axisLabel: { fontSize: Math.round(base * 0.9), fontWeight: 600, color: INK_SOFT, margin: base * 0.55 },
      splitLine: { show: true, lineStyle: { color: GRID_LINE, width: 1 } }
    };

    return {
      animation: true,
      animationDuration: 700,
      animationDurationUpdate: 1100,
      animationEasingUpdate: "cubicInOut",
      textStyle: { fontFamily: FONT_FAMILY },
      tooltip: { show: false },
      grid: { left: g.grid.left, right: g.grid.right, top: g.grid.top, bottom: g.grid.bottom, containLabel: false },
      xAxis: Object.assign({}, axisCommon, {
        min: ax.min, max: ax.max, interval: integerTicks ? (ax.max - ax.min <= 1 ? 0.25 : 1) : null,
        name: ax.label + " →", nameGap: Math.round(base * 2.1)
      }),
      yAxis: Object.assign({}, axisCommon, {
        min: ay.min, max: ay.max, interval: integerTicks ? (ay.max - ay.min <= 1 ? 0.25 : 1) : null,
        name: ay.label + " →", nameGap: Math.round(base * (g.wideTicks ? 3.0 : 2.0)), nameRotate: 90
      }),
      series: [
        {
          id: "delphi",
          type: "lines",
          coordinateSystem: "cartesian2d",
          silent: true,
          z: 3,
          symbol: ["none", "arrow"],
          symbolSize: Math.max(10, base * 0.9),
          lineStyle: { color: INK_SOFT, width: Math.max(2, base / 8), type: "dashed", opacity: 0.75 },
          data: m.entries.filter(function (e) { return e.prev; }).map(function (e) {
            return { coords: [[e.prev.x, e.prev.y], [e.x, e.y]] };
          })
        },
        {
          id: "flags",
          type: "scatter",
          silent: true,
          z: 5,
          symbol: "circle",
          symbolSize: g.markerSize * 1.6,
          itemStyle: { color: "rgba(0,0,0,0)", borderColor: "#B3261E", borderWidth: Math.max(2, base / 8),
            borderType: "dashed" },
          // A short mark beside the ring (D, P, B); the note under the chart names the items in full.
          label: { show: true, position: "insideTopRight", offset: [g.markerSize * 0.9, -g.markerSize * 0.7],
            fontSize: Math.round(base * 0.7), fontWeight: 800, color: "#B3261E",
            textBorderColor: "rgba(255,255,255,0.95)", textBorderWidth: 3,
            formatter: function (p) { return p.data.text; } },
          data: m.entries.filter(function (e) { return e.plotted && e.flags.length; }).map(function (e) {
            return { value: g.display[e.key], text: e.flags.map(function (f) { return FLAG_MARK[f]; }).join("") };
          })
        },
        {
          id: "ci",
          type: "custom",
          silent: true,
          z: 2,
          clip: false,
          encode: { x: 0, y: 1 },
          data: ciData,
          renderItem: function (params, api) {
            if (!isNum(api.value(0)) || !isNum(api.value(1))) return null;
            var lo = api.coord([api.value(2), api.value(1)]);
            var hi = api.coord([api.value(3), api.value(1)]);
            var bt = api.coord([api.value(0), api.value(4)]);
            var tp = api.coord([api.value(0), api.value(5)]);
            var style = { stroke: api.visual("color"), lineWidth: Math.max(2, base / 8), opacity: 0.4 };
            var cap = base / 3;
            return {
              type: "group",
              // Move with the markers instead of jumping.
              children: [
                { type: "line", shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: style, transition: ["shape"] },
                { type: "line", shape: { x1: bt[0], y1: bt[1], x2: tp[0], y2: tp[1] }, style: style, transition: ["shape"] },
                { type: "line", shape: { x1: lo[0], y1: lo[1] - cap, x2: lo[0], y2: lo[1] + cap }, style: style, transition: ["shape"] },
                { type: "line", shape: { x1: hi[0], y1: hi[1] - cap, x2: hi[0], y2: hi[1] + cap }, style: style, transition: ["shape"] },
                { type: "line", shape: { x1: bt[0] - cap, y1: bt[1], x2: bt[0] + cap, y2: bt[1] }, style: style, transition: ["shape"] },
                { type: "line", shape: { x1: tp[0] - cap, y1: tp[1], x2: tp[0] + cap, y2: tp[1] }, style: style, transition: ["shape"] }
              ]
            };
          }
        },
        {
          id: "items",
          type: "scatter",
          z: 4,
          clip: false,
          symbol: "circle",
          symbolSize: g.markerSize,
          data: data,
          emphasis: { disabled: true },
          label: {
            show: true,
            fontFamily: FONT_FAMILY,
            fontSize: g.labelSize,
            fontWeight: 700,
            color: INK,
            textBorderColor: "rgba(255,255,255,0.95)",
            textBorderWidth: Math.max(3, base / 5),
            distance: g.labelDistance,
            lineHeight: g.lineHeight
          },
          labelLine: { show: false, smooth: false, length2: 0, lineStyle: { color: INK_SOFT, width: 2, opacity: 0.8 } },
          // Offsets from placeLabels go through labelLayout (it overrides label.offset); hideOverlap is the
          // safety net should a label still collide.
          labelLayout: function (params) {
            var e = m.entries[params.dataIndex];
            var p = e && !g.numbered ? g.placements[e.key] : null;
            return { dx: p ? p.offset[0] : 0, dy: p ? p.offset[1] : 0, hideOverlap: true };
          },
          markArea: {
            silent: true,
            z: 1,
            label: {
              show: true,
              fontFamily: FONT_FAMILY,
              fontSize: g.quadrantSize,
              fontWeight: 800,
              distance: g.quadrantDistance,
              width: Math.round(g.quadrantWidth),
              overflow: "truncate"
            },
            data: [
              quadrantArea("top_right", ax.mid, ay.mid, ax.max, ay.max, "insideTopRight"),
              quadrantArea("top_left", ax.min, ay.mid, ax.mid, ay.max, "insideTopLeft"),
              quadrantArea("bottom_right", ax.mid, ay.min, ax.max, ay.mid, "insideBottomRight"),
              quadrantArea("bottom_left", ax.min, ay.min, ax.mid, ay.mid, "insideBottomLeft")
            ]
          },
          markLine: {
            silent: true,
            symbol: "none",
            z: 2,
            label: { show: false },
            lineStyle: { color: INK, width: Math.max(2, base / 7), type: "solid", opacity: 0.7 },
            animation: false,
            data: [{ xAxis: ax.mid }, { yAxis: ay.mid }]
          }
        }
      ]
    };
  }

  S.criteriaActivity = criteriaActivity;
  S.scoreAxis = scoreAxis;
  S.scoreGroups = scoreGroups;
  S.criteriaResults = criteriaResults;
  S.ensureChart = ensureChart;
  S.disposeChart = disposeChart;
  S.sizes = sizes;
  S.groupPoint = groupPoint;
  S.groupPositions = groupPositions;
  S.groupStyle = groupStyle;
  S.matrixModel = matrixModel;
  S.groupOverlay = groupOverlay;
  S.groupSeries = groupSeries;
  S.renderMatrix = renderMatrix;
  S.matrixOption = matrixOption;
  S.resizeChart = resizeChart;
})();
