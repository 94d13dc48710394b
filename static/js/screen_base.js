/* Projector screen, part 1 of 6: constants, the page's data, shared state and small helpers.
 *
 * The screen's scripts are plain files sharing one namespace, window.Prioritas.screen (S), loaded in this
 * order: screen_base.js, screen_labels.js, screen_matrix.js, screen_board.js, screen_panels.js, screen.js. Each
 * file takes what it needs from S when it loads (what earlier files put there) and calls later files' functions
 * through S at run time. Needs common.js (window.Prioritas) first.
 */
(function () {
  "use strict";

  var P = window.Prioritas;
  var S = P.screen = {};
  var readJSON = P.readJSON;

  // ------------------------------------------------------------------ constants

  // Okabe–Ito colours (colour-blind safe); text colour chosen for contrast on each.
  var QUADRANT_STYLE = {
    top_right: { fill: "#009E73", text: "#005C43", tint: "rgba(0,158,115,0.10)", ink: "#ffffff" },
    top_left: { fill: "#0072B2", text: "#004C78", tint: "rgba(0,114,178,0.09)", ink: "#ffffff" },
    bottom_right: { fill: "#E69F00", text: "#7A5300", tint: "rgba(230,159,0,0.11)", ink: "#111111" },
    bottom_left: { fill: "#7A7A7A", text: "#4A4A4A", tint: "rgba(120,120,120,0.07)", ink: "#ffffff" }
  };

  // Group overlay: Okabe–Ito again, in an order that keeps the first groups far from the quadrant tints; a shape
  // per group as well, so the groups stay apart without colour (and in black-and-white print).
  var GROUP_COLOURS = ["#D55E00", "#0072B2", "#CC79A7", "#009E73", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
  var GROUP_SYMBOLS = ["diamond", "triangle", "rect", "pin", "roundRect", "arrow", "circle", "diamond"];

  var NUMBERED_ABOVE = 10;      // more plotted items than this: numbered markers + legend
  var TWO_COLUMN_LEGEND_ABOVE = 14;
  var INK = "#111111";
  var INK_SOFT = "#3d3d3d";
  var GRID_LINE = "#d9d9d4";
  var FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Liberation Sans', " +
    "'DejaVu Sans', Arial, sans-serif";

  // ------------------------------------------------------------------ state

  var workshop = readJSON("workshop-data", {}) || {};
  var config = readJSON("screen-config", {}) || {};
  workshop.activities = workshop.activities || [];
  workshop.items = workshop.items || [];
  workshop.groups = workshop.groups || [];
  var token = config.screen_token || workshop.screen_token || "";
  var root = (config.script_root || "").replace(/\/+$/, "");

  var store = {
    workshop: workshop,
    results: {},
    current: null,
    updates: 0
  };
  window.prioritasScreen = store;

  var itemsByKey = {};
  workshop.items.forEach(function (it) { itemsByKey[it.key] = it; });

  var $ = P.byId;
  var el = {
    screen: $("screen"),
    joinView: $("join-view"),
    joinStatus: $("join-status"),
    activityView: $("activity-view"),
    side: $("side"),
    badge: $("state-badge"),
    title: $("activity-title"),
    groups: $("group-counts"),
    respondents: $("respondents"),
    respondentsLabel: $("respondents-label"),
    chart: $("chart"),
    summary: $("summary"),
    summaryCount: $("summary-count"),
    summaryText: $("summary-text"),
    board: $("board"),
    note: $("chart-note"),
    legend: $("legend"),
    groupLegend: $("group-legend"),
    groupsBtn: $("groups-btn"),
    conn: $("conn"),
    fsBtn: $("fullscreen-btn"),
    hiddenNote: $("hidden-note"),
    hiddenCount: $("hidden-count"),
    hiddenText: $("hidden-text"),
    timer: $("timer"),
    timerText: $("timer-text")
  };

  // ------------------------------------------------------------------ helpers

  function activityByKey(key) {
    for (var i = 0; i < workshop.activities.length; i++) {
      if (workshop.activities[i].key === key) return workshop.activities[i];
    }
    return null;
  }

  function isNum(v) { return typeof v === "number" && isFinite(v); }

  function plural(n, one, many) { return n === 1 ? one : many; }

  // Translated text from the page's #i18n block (common.js); {name} placeholders are filled from `vars`.
  var t = P.t;

  var clearChildren = P.clearChildren;

  var setText = P.setText;

  function axisOf(activity, name) {
    var a = (activity && activity[name]) || {};
    var min = isNum(a.min) ? a.min : 1;
    var max = isNum(a.max) ? a.max : 5;
    if (max <= min) max = min + 1;
    return { label: a.label || (name === "x" ? "x" : "y"), min: min, max: max, mid: (min + max) / 2 };
  }

  function quadrantOf(resultItem, ax, ay) {
    if (resultItem && QUADRANT_STYLE[resultItem.quadrant]) return resultItem.quadrant;
    var x = resultItem.x.mean, y = resultItem.y.mean;
    return (y >= ay.mid ? "top" : "bottom") + "_" + (x >= ax.mid ? "right" : "left");
  }

  // Display names from the activity, or generic ones built from the axis labels ("High Severity · low Tractability").
  function quadrantNames(activity) {
    var q = activity.quadrants || {};
    var xl = axisOf(activity, "x").label, yl = axisOf(activity, "y").label;
    var generic = {
      top_right: t("q_high_high", { y: yl, x: xl }),
      top_left: t("q_high_low", { y: yl, x: xl }),
      bottom_right: t("q_low_high", { y: yl, x: xl }),
      bottom_left: t("q_low_low", { y: yl, x: xl })
    };
    var out = {};
    Object.keys(generic).forEach(function (k) {
      out[k] = (typeof q[k] === "string" && q[k].trim()) ? q[k] : generic[k];
    });
    return out;
  }

  // ------------------------------------------------------------------ flags, Delphi, criteria

  var SHOWN_FLAGS = { divergent: "divergent", polarised: "polarised", borderline: "borderline" };
  var FLAG_MARK = { divergent: "D", polarised: "P", borderline: "B" };
  var SECTOR_QUADRANTS = {
    top_right: t("sector_top_right"), top_left: t("sector_top_left"), bottom_right: t("sector_bottom_right"),
    bottom_left: t("sector_bottom_left")
  };
  store.showCi = !/[?&]ci=0\b/.test(window.location.search);
  store.showGroups = /[?&]groups=1\b/.test(window.location.search);

  function consensusOf(entry) {
    if (!entry) return null;
    var vals = [];
    ["x", "y", "value"].forEach(function (a) {
      if (entry[a] && isNum(entry[a].consensus)) vals.push(entry[a].consensus);
    });
    return vals.length ? vals.reduce(function (s, v) { return s + v; }, 0) / vals.length : null;
  }

  function consensusChange(now, before) {
    var a = consensusOf(now), b = consensusOf(before);
    return isNum(a) && isNum(b) ? a - b : null;
  }

  function meanChange(entries) {
    var changes = entries.map(function (e) { return e.consensusChange; }).filter(isNum);
    return changes.length ? changes.reduce(function (s, v) { return s + v; }, 0) / changes.length : null;
  }

  // Items are named by their number where the screen shows numbers (legend, bar ranks), else by a short title:
  // the note is one line under the chart, and long titles would push it over the chart and the corner buttons.
  var NOTE_TITLE_CHARS = 28;
  function noteName(e, numbered) {
    if (numbered && e.number) return String(e.number);
    var title = String(e.title || "");
    return title.length > NOTE_TITLE_CHARS ? title.slice(0, NOTE_TITLE_CHARS - 1).replace(/\s+\S*$/, "") + "\u2026" : title;
  }

  function flagNote(entries, numbered) {
    var out = [];
    Object.keys(SHOWN_FLAGS).forEach(function (flag) {
      var titles = entries.filter(function (e) { return e.flags.indexOf(flag) >= 0; })
        .map(function (e) { return noteName(e, numbered); });
      if (titles.length) out.push(FLAG_MARK[flag] + " " + t("flag_" + flag) + ": " + titles.join(", "));
    });
    return out;
  }

  function fmt(v, digits) { return isNum(v) ? v.toFixed(digits) : "–"; }

  function pct(v) { return isNum(v) ? Math.round(v * 100) + " %" : "–"; }

  function clamp01(v) { return Math.max(0, Math.min(1, v)); }

  // The item's title in the workshop's second language (empty when there is none).
  function secondTitleOf(key) {
    var it = itemsByKey[key];
    return workshop.second_language && it && it.title_2 ? it.title_2 : "";
  }

  // A group's name in the second language (empty when there is none), and both names for chart labels.
  function secondNameOf(group) {
    return workshop.second_language && group && group.name_2 ? group.name_2 : "";
  }

  function groupLabel(group) {
    var first = group.name || group.key, second = secondNameOf(group);
    return second ? first + " · " + second : first;
  }

  function secondTitle(text, cls) {
    var span = document.createElement("span");
    span.className = cls;
    span.setAttribute("lang", workshop.second_language);
    span.setAttribute("dir", /^(ar|fa|he|ur)\b/.test(workshop.second_language) ? "rtl" : "ltr");
    span.textContent = text;
    return span;
  }

  S.activityByKey = activityByKey;
  S.isNum = isNum;
  S.plural = plural;
  S.axisOf = axisOf;
  S.quadrantOf = quadrantOf;
  S.quadrantNames = quadrantNames;
  S.consensusOf = consensusOf;
  S.consensusChange = consensusChange;
  S.meanChange = meanChange;
  S.noteName = noteName;
  S.flagNote = flagNote;
  S.fmt = fmt;
  S.pct = pct;
  S.clamp01 = clamp01;
  S.secondTitleOf = secondTitleOf;
  S.secondNameOf = secondNameOf;
  S.groupLabel = groupLabel;
  S.secondTitle = secondTitle;
  S.QUADRANT_STYLE = QUADRANT_STYLE;
  S.GROUP_COLOURS = GROUP_COLOURS;
  S.GROUP_SYMBOLS = GROUP_SYMBOLS;
  S.NUMBERED_ABOVE = NUMBERED_ABOVE;
  S.TWO_COLUMN_LEGEND_ABOVE = TWO_COLUMN_LEGEND_ABOVE;
  S.INK = INK;
  S.INK_SOFT = INK_SOFT;
  S.GRID_LINE = GRID_LINE;
  S.FONT_FAMILY = FONT_FAMILY;
  S.workshop = workshop;
  S.config = config;
  S.token = token;
  S.root = root;
  S.store = store;
  S.itemsByKey = itemsByKey;
  S.el = el;
  S.t = t;
  S.clearChildren = clearChildren;
  S.setText = setText;
  S.SHOWN_FLAGS = SHOWN_FLAGS;
  S.FLAG_MARK = FLAG_MARK;
  S.SECTOR_QUADRANTS = SECTOR_QUADRANTS;
  S.NOTE_TITLE_CHARS = NOTE_TITLE_CHARS;
})();
