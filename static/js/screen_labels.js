/* Projector screen, part 2 of 6: where the matrix's markers and title labels go (pixel geometry, collision-free
 * label placement), before ECharts draws them. See screen_base.js for how the parts fit together.
 */
(function () {
  "use strict";

  var P = window.Prioritas;
  var S = P.screen;
  var quadrantNames = S.quadrantNames;
  var NUMBERED_ABOVE = S.NUMBERED_ABOVE;
  var FONT_FAMILY = S.FONT_FAMILY;
  var store = S.store;

  // ---- text measuring (the same font ECharts draws with)

  var measureCtx = null;
  function textWidth(text, font) {
    if (!measureCtx) measureCtx = document.createElement("canvas").getContext("2d");
    measureCtx.font = font;
    return measureCtx.measureText(text).width;
  }

  function wrapText(text, font, maxWidth) {
    var words = String(text).split(/\s+/).filter(Boolean);
    var lines = [];
    var line = "";
    words.forEach(function (word) {
      var next = line ? line + " " + word : word;
      if (line && textWidth(next, font) > maxWidth) { lines.push(line); line = word; } else { line = next; }
    });
    if (line) lines.push(line);
    return lines.length ? lines : [""];
  }

  function overlapArea(a, b) {
    var w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
    var h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
    return w > 0 && h > 0 ? w * h : 0;
  }

  function outsideArea(box, bounds) {
    var area = (box.x1 - box.x0) * (box.y1 - box.y0);
    return area - overlapArea(box, bounds);
  }

  /* Pixel geometry of the plot and a collision-free placement of every title label.
     ECharts' own labelLayout.moveOverlap only shifts labels along one axis across the whole chart, and does not
     act on scatter labels unless x/y are forced (apache/echarts#17937, #20301), so the positions are worked
     out here: each label tries the sides of its marker and a few offsets, avoiding markers, quadrant names,
     the plot edges and the labels already placed. If one cannot be placed, the chart switches to numbered
     markers with a legend. labelLayout.hideOverlap stays on as a last safety net. */
  function layoutMatrix(activity, m, sz, forceNumbered) {
    var base = sz.base;
    var g = {
      base: base,
      // Scores on 0..1 carry decimal tick labels ("0.75"): leave room so the axis name does not touch them.
      wideTicks: activity.type === "criteria",
      grid: { left: Math.round(base * (activity.type === "criteria" ? 4.4 : 3.4)), right: Math.round(base * 1.2),
        top: Math.round(base * (store.showGroups ? 2.6 : 1.0)),
        bottom: Math.round(base * 3.3) },
      labelSize: Math.round(base * 0.95),
      lineHeight: Math.round(base * 1.12),
      quadrantSize: Math.round(base * 1.0),
      quadrantDistance: Math.round(base * 0.5),
      labelDistance: Math.round(base * 0.4),
      names: quadrantNames(activity)
    };
    var plot = { x0: g.grid.left, y0: g.grid.top, x1: sz.w - g.grid.right, y1: sz.h - g.grid.bottom };
    g.width = sz.w;
    g.plot = plot;
    var ax = m.ax, ay = m.ay;
    function toPx(x, y) {
      return [plot.x0 + (x - ax.min) / (ax.max - ax.min) * (plot.x1 - plot.x0),
        plot.y1 - (y - ay.min) / (ay.max - ay.min) * (plot.y1 - plot.y0)];
    }
    var mid = toPx(ax.mid, ay.mid);
    g.quadrantWidth = Math.max(60, Math.min(mid[0] - plot.x0, plot.x1 - mid[0]) - 2 * g.quadrantDistance);

    function fromPx(px, py) {
      return [ax.min + (px - plot.x0) / (plot.x1 - plot.x0) * (ax.max - ax.min),
        ay.min + (plot.y1 - py) / (plot.y1 - plot.y0) * (ay.max - ay.min)];
    }

    var numbered = forceNumbered || m.plottedCount > NUMBERED_ABOVE;
    g.markerSize = Math.round(base * (numbered ? 1.55 : 1.05));
    g.placements = {};
    g.display = separateMarkers(m, g, toPx, fromPx, mid);
    if (!numbered && m.plottedCount) {
      numbered = !placeLabels(m, g, toPx, mid);
      if (numbered) {
        g.markerSize = Math.round(base * 1.55);
        g.display = separateMarkers(m, g, toPx, fromPx, mid);
      }
    }
    g.numbered = numbered;
    return g;
  }

  /* Markers that would sit on top of each other are nudged apart, by at most about half a marker, and never
     across a quadrant line, so that every number or marker stays visible. The confidence crosshairs stay at
     the exact means. Returns {itemKey: [x, y]} display positions in data units. */
  function separateMarkers(m, g, toPx, fromPx, mid) {
    var minDist = g.markerSize * 1.02;
    var maxShift = g.markerSize * 0.6;
    var pts = m.entries.filter(function (e) { return e.plotted; }).map(function (e, i) {
      var p = toPx(e.x, e.y);
      return { e: e, i: i, ox: p[0], oy: p[1], x: p[0], y: p[1], high: [/right$/.test(e.quadrant), /^top/.test(e.quadrant)] };
    });
    for (var iter = 0; iter < 12; iter++) {
      var moved = false;
      for (var a = 0; a < pts.length; a++) {
        for (var b = a + 1; b < pts.length; b++) {
          var p = pts[a], q = pts[b];
          var dx = q.x - p.x, dy = q.y - p.y;
          var dist = Math.sqrt(dx * dx + dy * dy);
          if (dist >= minDist) continue;
          var ux, uy;
          if (dist < 0.01) {
            // Same spot: split them along a fixed, item-dependent direction.
            var ang = (p.i * 2.39996 + q.i * 0.7) % (2 * Math.PI);
            ux = Math.cos(ang); uy = Math.sin(ang);
          } else {
            ux = dx / dist; uy = dy / dist;
          }
          var push = (minDist - dist) / 2 + 0.1;
          p.x -= ux * push; p.y -= uy * push;
          q.x += ux * push; q.y += uy * push;
          moved = true;
        }
      }
      pts.forEach(function (p) {
        // Stay near the true position and on the same side of both quadrant lines.
        var sx = p.x - p.ox, sy = p.y - p.oy;
        var len = Math.sqrt(sx * sx + sy * sy);
        if (len > maxShift) { p.x = p.ox + sx / len * maxShift; p.y = p.oy + sy / len * maxShift; }
        if (p.high[0]) p.x = Math.max(p.x, mid[0]); else p.x = Math.min(p.x, mid[0] - 0.5);
        if (p.high[1]) p.y = Math.min(p.y, mid[1]); else p.y = Math.max(p.y, mid[1] + 0.5);
      });
      if (!moved) break;
    }
    var out = {};
    pts.forEach(function (p) {
      out[p.e.key] = (p.x === p.ox && p.y === p.oy) ? [p.e.x, p.e.y] : fromPx(p.x, p.y);
    });
    return out;
  }

  function placeLabels(m, g, toPx, mid) {
    var family = FONT_FAMILY;
    var font = "700 " + g.labelSize + "px " + family;
    var qFont = "800 " + g.quadrantSize + "px " + family;
    var plot = g.plot;
    var r = g.markerSize / 2 + 2;
    var d = g.labelDistance;
    var pad = 3;
    var maxWidth = Math.max(g.base * 6, Math.min((plot.x1 - plot.x0) * 0.3, g.base * 12));
    // Labels stay over the plot; they may use the empty margins above and to the right of it.
    var bounds = { x0: plot.x0 + 2, y0: 2, x1: g.width - 2, y1: plot.y1 - 2 };
    var obstacles = [];
    // The quadrant lines: better not crossed by a label, but allowed (the text has a white halo).
    var softObstacles = [
      { x0: mid[0] - 3, y0: plot.y0, x1: mid[0] + 3, y1: plot.y1 },
      { x0: plot.x0, y0: mid[1] - 3, x1: plot.x1, y1: mid[1] + 3 }
    ];

    // Group markers (when the overlay is on): better not covered by a title.
    if (store.showGroups) {
      var gr = g.markerSize * 0.35 + 2;
      m.entries.forEach(function (e) {
        e.groups.forEach(function (gp) {
          var p = toPx(gp.x, gp.y);
          softObstacles.push({ x0: p[0] - gr, y0: p[1] - gr, x1: p[0] + gr, y1: p[1] + gr });
        });
      });
    }

    // Quadrant names sit in the plot's corners.
    var qh = g.quadrantSize * 1.25;
    var qd = g.quadrantDistance;
    ["top_right", "top_left", "bottom_right", "bottom_left"].forEach(function (q) {
      var w = Math.min(textWidth(g.names[q], qFont), g.quadrantWidth);
      var right = q.slice(-5) === "right";
      var top = q.indexOf("top") === 0;
      var x0 = right ? plot.x1 - qd - w : plot.x0 + qd;
      var y0 = top ? plot.y0 + qd : plot.y1 - qd - qh;
      obstacles.push({ x0: x0 - pad, y0: y0 - pad, x1: x0 + w + pad, y1: y0 + qh + pad });
    });

    var points = m.entries.filter(function (e) { return e.plotted; }).map(function (e) {
      var p = toPx(g.display[e.key][0], g.display[e.key][1]);
      obstacles.push({ x0: p[0] - r, y0: p[1] - r, x1: p[0] + r, y1: p[1] + r });
      var lines = wrapText(e.title, font, maxWidth);
      if (e.title2) lines = lines.concat(wrapText(e.title2, font, maxWidth));  // second language below
      var w = 0;
      lines.forEach(function (line) { w = Math.max(w, textWidth(line, font)); });
      return { e: e, px: p[0], py: p[1], lines: lines, w: Math.ceil(w) + 2 * pad,
        h: lines.length * g.lineHeight + pad };
    });
    // Most crowded first: they have the fewest good spots.
    points.forEach(function (p) {
      p.crowd = 0;
      points.forEach(function (q) {
        if (q !== p && Math.abs(q.px - p.px) < p.w + r && Math.abs(q.py - p.py) < p.h * 1.5 + r) p.crowd += 1;
      });
    });
    points.sort(function (a, b) { return b.crowd - a.crowd || a.e.number - b.e.number; });

    var ok = true;
    points.forEach(function (p) {
      var w = p.w, h = p.h, px = p.px, py = p.py;
      // Face the centre first, so labels at the edges stay inside the plot.
      var sides = px > mid[0] ? ["left", "right"] : ["right", "left"];
      var vertical = py > mid[1] ? ["top", "bottom"] : ["bottom", "top"];
      var shift = Math.max(0, w / 2 - r);
      var inward = px > mid[0] ? -shift : shift;
      var candidates = [];
      function add(position, ox, oy, far) { candidates.push({ position: position, offset: [ox, oy], far: !!far }); }
      // Beside the marker, then above/below it, then a little further away (with a leader line).
      sides.forEach(function (side) { [0, -h / 2, h / 2].forEach(function (oy) { add(side, 0, oy); }); });
      vertical.forEach(function (side) { [0, inward, -inward].forEach(function (ox) { add(side, ox, 0); }); });
      sides.forEach(function (side) { [-h, h].forEach(function (oy) { add(side, 0, oy); }); });
      sides.forEach(function (side) {
        [-1.6 * h, 1.6 * h, -2.2 * h, 2.2 * h].forEach(function (oy) { add(side, 0, oy, true); });
      });
      vertical.forEach(function (side) {
        var away = side === "top" ? -h : h;
        [0, inward, -inward].forEach(function (ox) { add(side, ox, away, true); });
      });
      var best = null;
      for (var i = 0; i < candidates.length; i++) {
        var c = candidates[i];
        var ox = c.offset[0], oy = c.offset[1];
        var x0, y0;
        if (c.position === "right") { x0 = px + r + d + ox; y0 = py - h / 2 + oy; }
        else if (c.position === "left") { x0 = px - r - d - w + ox; y0 = py - h / 2 + oy; }
        else if (c.position === "top") { x0 = px - w / 2 + ox; y0 = py - r - d - h + oy; }
        else { x0 = px - w / 2 + ox; y0 = py + r + d + oy; }
        var box = { x0: x0, y0: y0, x1: x0 + w, y1: y0 + h };
        var hard = outsideArea(box, bounds) * 4;
        obstacles.forEach(function (o) { hard += overlapArea(box, o); });
        var soft = 0;
        softObstacles.forEach(function (o) { soft += overlapArea(box, o); });
        var cost = hard * 1000 + soft;
        if (!best || cost < best.cost) best = { cost: cost, hard: hard, box: box, c: c };
        if (cost === 0) break;
      }
      if (best.hard > 0) ok = false;
      obstacles.push(best.box);
      g.placements[p.e.key] = { position: best.c.position, offset: best.c.offset, far: best.c.far,
        text: p.lines.join("\n") };
    });
    return ok;
  }

  S.textWidth = textWidth;
  S.wrapText = wrapText;
  S.overlapArea = overlapArea;
  S.outsideArea = outsideArea;
  S.layoutMatrix = layoutMatrix;
  S.separateMarkers = separateMarkers;
  S.placeLabels = placeLabels;
})();
