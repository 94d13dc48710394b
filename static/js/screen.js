/* Prioritas projector screen.
 *
 * Plain ES2017, no build step. Needs the vendored socket.io client (window.io) and ECharts (window.echarts),
 * both served from /static/vendor; nothing is loaded from another host.
 *
 * Data in:  <script id="workshop-data">  the workshop document (contract.md), matrix activities may carry
 *           `quadrants` {top_right, top_left, bottom_right, bottom_left};
 *           <script id="screen-config">   {screen_token, script_root}.
 * Live:     Socket.IO `results` (equal_groups results document of one activity, or {activity, hidden: true,
 *           respondents, groups} while the facilitator holds the figures back), `state` ({activity, state})
 *           and `timer` ({activity, ends_at: ISO UTC | null}).
 * Test hooks: window.prioritasScreen = {workshop, results: {key: doc}, current: key|null, updates: n,
 *             showGroups: bool}; the chart element carries data-groups ("on"/"off"), data-group-markers and
 *             data-group-arrows (counts drawn), the group legend #group-legend has one li[data-group] per group drawn.
 */
(function () {
  "use strict";

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

  function readJSON(id, fallback) {
    var el = document.getElementById(id);
    if (!el) return fallback;
    try { return JSON.parse(el.textContent); } catch (e) { return fallback; }
  }

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

  var socketSeq = {};          // activity key -> number of socket results seen (HTTP must not overwrite newer)
  var connectedAt = 0;         // time of the last socket connect (see onResults)
  var CONNECT_BURST_MS = 3000;
  var openOrder = [];          // activity keys in the order they were opened, most recent last
  var chart = null;
  var chartMode = null;        // "activity:key" the chart was last built for (notMerge on change)
  var itemsByKey = {};
  workshop.items.forEach(function (it) { itemsByKey[it.key] = it; });

  var $ = function (id) { return document.getElementById(id); };
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
  var timers = {};             // activity key -> ends_at (ms since epoch) of a running countdown
  var timerTick = null;

  // ------------------------------------------------------------------ helpers

  function activityByKey(key) {
    for (var i = 0; i < workshop.activities.length; i++) {
      if (workshop.activities[i].key === key) return workshop.activities[i];
    }
    return null;
  }

  function isNum(v) { return typeof v === "number" && isFinite(v); }

  function plural(n, one, many) { return n === 1 ? one : many; }

  // Translated text from the page's #i18n block; {name} placeholders are filled from `vars`.
  var STRINGS = readJSON("i18n", {}) || {};
  function t(key, vars) {
    var text = typeof STRINGS[key] === "string" ? STRINGS[key] : key;
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return vars && vars[name] !== undefined ? String(vars[name]) : all;
    });
  }

  function clearChildren(node) { while (node && node.firstChild) node.removeChild(node.firstChild); }

  function setText(node, text) { if (node && node.textContent !== text) node.textContent = text; }

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

  // ------------------------------------------------------------------ choosing the activity

  function initialActivity() {
    for (var i = 0; i < workshop.activities.length; i++) {
      if (workshop.activities[i].state === "open") return workshop.activities[i].key;
    }
    return null;
  }

  function mostRecentOpen() {
    for (var i = openOrder.length - 1; i >= 0; i--) {
      var a = activityByKey(openOrder[i]);
      if (a && a.state === "open") return a.key;
    }
    for (var j = 0; j < workshop.activities.length; j++) {
      if (workshop.activities[j].state === "open") return workshop.activities[j].key;
    }
    return null;
  }

  function show(key) {
    store.current = key;
    render();
    if (key && !store.results[key]) fetchResults(key);
  }

  // ------------------------------------------------------------------ HTTP fallback

  function fetchResults(key) {
    if (!window.fetch || !workshop.id || !token) return;
    var seqAtStart = socketSeq[key] || 0;
    var url = root + "/api/v1/workshops/" + encodeURIComponent(workshop.id) + "/activities/" +
      encodeURIComponent(key) + "/results";
    fetch(url, {
      headers: { "Authorization": "Bearer " + token, "Accept": "application/json" },
      cache: "no-store",
      credentials: "same-origin"
    }).then(function (resp) {
      return resp.ok ? resp.json() : null;
    }).then(function (doc) {
      if (!doc || typeof doc !== "object") return;
      if ((socketSeq[key] || 0) !== seqAtStart) return;  // a live update arrived meanwhile: it is newer
      if (!doc.activity) doc.activity = key;
      store.results[key] = doc;
      if (store.current === key) render();
    }).catch(function () { /* offline or refused: the socket will fill in */ });
  }

  // ------------------------------------------------------------------ rendering

  function render() {
    var key = store.current;
    var activity = key ? activityByKey(key) : null;
    if (!activity) {
      renderJoin();
      return;
    }
    el.screen.classList.remove("is-join");
    el.screen.setAttribute("data-view", activity.type === "matrix" || activity.type === "criteria" ? "matrix" :
      (activity.type === "scale" || activity.type === "points" || activity.type === "ranking") ? "board" : "summary");
    el.joinView.hidden = true;
    el.activityView.hidden = false;
    el.side.hidden = false;

    var results = store.results[key] || null;
    renderHeader(activity, results);
    renderTimer();
    if (renderHidden(results)) return;
    var isMatrix = activity.type === "matrix" || activity.type === "criteria";
    if (el.groupsBtn) el.groupsBtn.hidden = !isMatrix;
    if (!isMatrix) {
      renderGroupLegend(null);
      el.chart.setAttribute("data-group-markers", "0");
      el.chart.setAttribute("data-group-arrows", "0");
    }
    el.chart.setAttribute("data-activity", key);

    if (activity.type === "matrix" || activity.type === "criteria") {
      el.summary.hidden = true;
      if (el.board) el.board.hidden = true;
      el.chart.hidden = false;
      if (activity.type === "criteria") renderMatrix(criteriaActivity(activity), criteriaResults(results));
      else renderMatrix(activity, results);
    } else if (el.board && (activity.type === "scale" || activity.type === "points" || activity.type === "ranking")) {
      el.summary.hidden = true;
      el.chart.hidden = true;
      disposeChart();
      renderLegend(null);
      el.board.hidden = false;
      renderBoard(activity, results);
    } else {
      if (el.board) el.board.hidden = true;
      el.chart.hidden = true;
      el.summary.hidden = false;
      disposeChart();
      renderLegend(null);
      var n = results && isNum(results.respondents) ? results.respondents : 0;
      setText(el.summaryCount, String(n));
      setText(el.summaryText, n === 1 ? t("person_responded") : t("people_responded"));
      setText(el.note, "");
    }
  }

  // While the facilitator holds the results back (reveal on demand) the screen gets counts only: show them
  // large instead of the chart, so the room sees participation but not the figures.
  function renderHidden(results) {
    var hidden = !!(results && results.hidden);
    if (el.hiddenNote) el.hiddenNote.hidden = !hidden;
    if (!hidden) return false;
    el.screen.setAttribute("data-view", "hidden");
    el.chart.hidden = true;
    if (el.board) el.board.hidden = true;
    el.summary.hidden = true;
    if (el.groupsBtn) el.groupsBtn.hidden = true;
    disposeChart();
    renderLegend(null);
    renderGroupLegend(null);
    el.chart.setAttribute("data-group-markers", "0");
    el.chart.setAttribute("data-group-arrows", "0");
    var n = isNum(results.respondents) ? results.respondents : 0;
    setText(el.hiddenCount, String(n));
    setText(el.hiddenText, n === 1 ? t("person_responded") : t("people_responded"));
    setText(el.note, "");
    return true;
  }

  // A countdown set by the facilitator; at zero it says so, the activity stays open (she decides).
  function renderTimer() {
    if (!el.timer) return;
    var current = store.current ? activityByKey(store.current) : null;
    var ends = current && current.state === "open" ? timers[current.key] : null;  // closing ends the countdown
    if (!ends) {
      el.timer.hidden = true;
      el.timer.removeAttribute("data-remaining");
      if (timerTick) { clearInterval(timerTick); timerTick = null; }
      return;
    }
    var left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
    el.timer.hidden = false;
    el.timer.setAttribute("data-remaining", String(left));
    el.timer.classList.toggle("is-up", left === 0);
    var mm = Math.floor(left / 60), ss = left % 60;
    setText(el.timerText, left === 0 ? t("time_up") : mm + ":" + (ss < 10 ? "0" : "") + ss);
    if (!timerTick) timerTick = setInterval(renderTimer, 250);
  }

  function onTimer(msg) {
    if (!msg || !msg.activity) return;
    var ends = msg.ends_at ? Date.parse(msg.ends_at) : NaN;
    if (isNum(ends)) timers[msg.activity] = ends;
    else delete timers[msg.activity];
    renderTimer();
  }

  function renderJoin() {
    renderTimer();
    if (el.hiddenNote) el.hiddenNote.hidden = true;
    el.screen.classList.add("is-join");
    el.screen.setAttribute("data-view", "join");
    el.joinView.hidden = false;
    el.activityView.hidden = true;
    el.side.hidden = true;
    el.chart.setAttribute("data-activity", "");
    if (el.groupsBtn) el.groupsBtn.hidden = true;
    renderGroupLegend(null);
    el.respondents.setAttribute("data-respondents", "0");
    setText(el.respondents, "0");
    var anyClosed = workshop.activities.some(function (a) { return a.state === "closed"; });
    setText(el.joinStatus, anyClosed ? t("join_next") : t("join_waiting"));
    disposeChart();
  }

  function renderHeader(activity, results) {
    var title = activity.title || activity.key;
    setText(el.title, title);
    el.title.classList.toggle("is-long", title.length > 48);
    var state = activity.state || "pending";
    el.badge.className = "sc-badge sc-badge--" + state;
    setText(el.badge, state === "open" ? t("badge_open") : state === "closed" ? t("badge_closed") : t("badge_pending"));

    var n = results && isNum(results.respondents) ? results.respondents : 0;
    setText(el.respondents, String(n));
    el.respondents.setAttribute("data-respondents", String(n));
    setText(el.respondentsLabel, plural(n, t("respondent"), t("respondents")));

    clearChildren(el.groups);
    var g = (results && results.groups) || {};
    workshop.groups.forEach(function (group) {
      var count = g[group.key] && isNum(g[group.key].respondents) ? g[group.key].respondents : 0;
      var li = document.createElement("li");
      li.setAttribute("data-group", group.key);
      if (!count) li.className = "is-zero";
      li.appendChild(document.createTextNode(group.name || group.key));
      if (secondNameOf(group)) li.appendChild(secondTitle(secondNameOf(group), "sc-group__name2"));
      li.appendChild(document.createTextNode(" "));
      var b = document.createElement("b");
      b.textContent = String(count);
      li.appendChild(b);
      el.groups.appendChild(li);
    });
  }

  function renderLegend(entries) {
    clearChildren(el.legend);
    if (!entries) {
      el.legend.hidden = true;
      el.screen.classList.remove("has-legend");
      return;
    }
    entries.forEach(function (e) {
      var li = document.createElement("li");
      li.setAttribute("data-item", e.key);
      if (e.waiting) li.className = "is-waiting";
      var num = document.createElement("span");
      num.className = "sc-legend__num" + (e.quadrant ? " q-" + e.quadrant : "");
      num.textContent = String(e.number);
      var title = document.createElement("span");
      title.className = "sc-legend__title";
      var main = document.createElement("span");
      main.className = "sc-legend__main";
      main.textContent = e.waiting ? t("legend_waiting", { title: e.title }) : e.title;
      title.appendChild(main);
      li.appendChild(num);
      li.appendChild(title);
      if (e.title2) title.appendChild(secondTitle(e.title2, "sc-legend__title2"));
      el.legend.appendChild(li);
    });
    var twoCol = entries.length > TWO_COLUMN_LEGEND_ABOVE;
    el.legend.classList.toggle("is-two-col", twoCol);
    el.legend.hidden = false;
    el.screen.classList.add("has-legend");
    fitLegend(twoCol);
  }

  // Long titles (and second-language titles) may not fit the legend column: shorten each title to two lines
  // (with an ellipsis), take two columns, then shorten the second titles and at last the titles to one line,
  // rather than cut the last entries off or shrink the type below what the room can read. The phones show
  // every title in full.
  var LEGEND_FITS = [[], ["is-clamped"], ["is-two-col", "is-clamped"], ["is-two-col", "is-clamped", "is-clamped-21"],
    ["is-two-col", "is-clamped", "is-clamped-21", "is-clamped-1"]];
  function fitLegend(twoCol) {
    var box = el.legend;
    var all = ["is-two-col", "is-clamped", "is-clamped-21", "is-clamped-1"];
    function over() { return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1; }
    for (var i = 0; i < LEGEND_FITS.length; i++) {
      var step = LEGEND_FITS[i];
      if (twoCol && step.indexOf("is-two-col") < 0) continue;  // many entries: two columns from the start
      all.forEach(function (c) { box.classList.toggle(c, step.indexOf(c) >= 0); });
      if (!box.clientHeight || !over()) return;  // fits (or not laid out yet: the next render fits it)
    }
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

  // ------------------------------------------------------------------ bars: scale, points, ranking

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

  function boardRow(key, rank, title) {
    var li = document.createElement("li");
    li.className = "sc-bar";
    li.setAttribute("data-item", key);
    var n = document.createElement("span");
    n.className = "sc-bar__rank";
    n.textContent = rank ? String(rank) : "";
    var name = document.createElement("span");
    name.className = "sc-bar__title";
    var main = document.createElement("span");
    main.className = "sc-bar__main";
    main.textContent = title;
    name.appendChild(main);
    var second = secondTitleOf(key);
    if (second) name.appendChild(secondTitle(second, "sc-bar__title2"));
    var track = document.createElement("span");
    track.className = "sc-bar__track";
    var figure = document.createElement("span");
    figure.className = "sc-bar__figure";
    li.appendChild(n);
    li.appendChild(name);
    li.appendChild(track);
    li.appendChild(figure);
    return { li: li, track: track, figure: figure };
  }

  function fill(track, share, cls) {
    var f = document.createElement("span");
    f.className = "sc-bar__fill" + (cls ? " " + cls : "");
    f.style.width = (clamp01(share) * 100).toFixed(1) + "%";
    track.appendChild(f);
    return f;
  }

  function marker(track, share, cls, label) {
    var m = document.createElement("span");
    m.className = cls;
    m.style.insetInlineStart = (clamp01(share) * 100).toFixed(1) + "%";  // mirrors in right-to-left
    if (label) m.setAttribute("title", label);
    track.appendChild(m);
    return m;
  }

  function renderBoard(activity, results) {
    clearChildren(el.board);
    var list = document.createElement("ol");
    list.className = "sc-bars sc-bars--" + activity.type;
    var byItem = {};
    ((results && results.items) || []).forEach(function (r) { if (r && r.item) byItem[r.item] = r; });
    var previous = (results && results.previous && results.previous.items) || {};
    var note = "";
    var k = workshop.min_group_size || 5;
    var title = function (key) { return (itemsByKey[key] && itemsByKey[key].title) || key; };

    if (activity.type === "scale") {
      var sc = activity.scale || {};
      var lo = isNum(sc.min) ? sc.min : 1, hi = isNum(sc.max) ? sc.max : 5;
      var span = hi > lo ? hi - lo : 1;
      var order = ((results && results.items) || []).map(function (r) { return r.item; });
      (activity.items || []).forEach(function (key) { if (order.indexOf(key) < 0) order.push(key); });
      var waiting = 0, rank = 0;
      order.forEach(function (key) {
        var r = byItem[key] || {};
        var v = r.value || {};
        var row = boardRow(key, isNum(v.mean) ? ++rank : null, title(key));
        if (isNum(v.mean)) {
          fill(row.track, (v.mean - lo) / span);
          if (store.showCi && Array.isArray(v.ci95) && isNum(v.ci95[0]) && isNum(v.ci95[1])) {
            var w = document.createElement("span");
            w.className = "sc-bar__ci";
            w.style.insetInlineStart = (clamp01((v.ci95[0] - lo) / span) * 100).toFixed(1) + "%";
            w.style.width = (Math.max(0, clamp01((v.ci95[1] - lo) / span) - clamp01((v.ci95[0] - lo) / span)) * 100).toFixed(1) + "%";
            row.track.appendChild(w);
          }
          var before = previous[key] && previous[key].value;
          if (before && isNum(before.mean)) {
            marker(row.track, (before.mean - lo) / span, "sc-bar__prev", t("round_n", { round: results.previous.round }));
            row.li.setAttribute("data-previous", String(before.mean));
          }
          row.figure.textContent = fmt(v.mean, 1);
          row.li.setAttribute("data-mean", String(v.mean));
        } else {
          waiting += 1;
          row.li.classList.add("is-waiting");
          row.figure.textContent = t("waiting");
        }
        var flags = (r.flags || []).filter(function (f) { return SHOWN_FLAGS[f]; });
        if (flags.length) {
          row.li.setAttribute("data-flags", flags.join(","));
          row.figure.textContent += " \u26a0";
        }
        list.appendChild(row.li);
      });
      note = (sc.label ? sc.label + " · " : "") + lo + "–" + hi + " · " + t("scale_note", { level: "95 %" });
      if (results && results.previous) {
        var change = meanChange(order.map(function (key) {
          return { consensusChange: consensusChange(byItem[key], previous[key]) };
        }));
        note += " · " + t("ticks_round", { round: results.previous.round });
        if (change !== null) note += " · " + t("consensus_change", { change: (change >= 0 ? "+" : "") + change.toFixed(2) });
      }
      if (waiting) note += " · " + t(plural(waiting, "item_waiting_votes", "items_waiting_votes"), { n: waiting });
      var flagged = flagNote(order.map(function (key) {
        var r = byItem[key] || {};
        var rankEl = list.querySelector('[data-item="' + key + '"] .sc-bar__rank');
        return { title: title(key), number: rankEl ? parseInt(rankEl.textContent, 10) || null : null,
          flags: (r.flags || []).filter(function (f) { return SHOWN_FLAGS[f]; }) };
      }), true);
      if (flagged.length) note += " · " + flagged.join(" · ");
    } else if (activity.type === "points") {
      var items = (results && results.items) || [];
      var best = items.reduce(function (m, r) { return isNum(r.score) && r.score > m ? r.score : m; }, 0) || 1;
      var pr = 0;
      items.forEach(function (r) {
        var row = boardRow(r.item, isNum(r.score) ? ++pr : null, title(r.item));
        if (isNum(r.score)) fill(row.track, r.score / best);
        var breadth = document.createElement("span");
        breadth.className = "sc-bar__breadth";
        breadth.textContent = t("chosen_by", { share: pct(r.breadth) });
        row.figure.textContent = pct(r.score) + " ";
        row.figure.appendChild(breadth);
        row.li.setAttribute("data-score", String(r.score));
        row.li.setAttribute("data-breadth", String(r.breadth));
        var before = previous[r.item];
        if (before && isNum(before.score)) marker(row.track, before.score / best, "sc-bar__prev", t("last_round"));
        list.appendChild(row.li);
      });
      note = t("points_note");
      if (results && isNum(results.effective_priorities)) {
        note += " · " + t("effective_priorities", { n: results.effective_priorities.toFixed(1) });
      }
    } else {
      var schulze = (results && results.schulze) || activity.items || [];
      var borda = (results && results.borda) || {};
      var m = (activity.items || []).length;
      schulze.forEach(function (key, i) {
        var row = boardRow(key, i + 1, title(key));
        var b = borda[key];
        if (isNum(b) && m > 1) fill(row.track, b / (m - 1));
        row.figure.textContent = isNum(b) ? t("borda_figure", { n: b.toFixed(1) }) : "–";
        row.li.setAttribute("data-borda", String(b));
        list.appendChild(row.li);
      });
      note = t("ranking_note", { max: Math.max(0, m - 1) });
    }
    if (!results || !results.respondents) note = t("board_first_votes", { k: k });
    el.board.appendChild(list);
    el.board.setAttribute("data-activity", activity.key);
    setText(el.note, note);
    fitBoard();
  }

  // Many items with long (and second-language) titles: tighter rows, then each title with its second title
  // beside it on one line, rather than bars cut off at the bottom of the screen.
  function fitBoard() {
    var box = el.board;
    var levels = ["is-dense", "is-denser", "is-densest"];
    box.classList.remove.apply(box.classList, levels);
    if (!box.clientHeight) return;
    for (var i = 0; i < levels.length && box.scrollHeight > box.clientHeight + 1; i++) box.classList.add(levels[i]);
  }

  // ------------------------------------------------------------------ matrix

  function ensureChart() {
    if (chart) return chart;
    if (!window.echarts) return null;
    chart = window.echarts.init(el.chart, null, { renderer: "canvas" });
    return chart;
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

  function renderGroupLegend(groups) {
    var box = el.groupLegend;
    if (!box) return;
    clearChildren(box);
    if (!groups) { box.hidden = true; return; }
    if (!groups.length) {
      var none = document.createElement("li");
      none.className = "is-empty";
      none.textContent = t("groups_appear", { k: workshop.min_group_size || 5 });
      box.appendChild(none);
    }
    groups.forEach(function (group) {
      var s = groupStyle(group.index);
      var li = document.createElement("li");
      li.setAttribute("data-group", group.key);
      var mark = document.createElement("span");
      mark.className = "sc-group-legend__mark sc-group-legend__mark--" + s.symbol;
      mark.style.color = s.colour;
      mark.setAttribute("aria-hidden", "true");
      li.appendChild(mark);
      li.appendChild(document.createTextNode(group.name));
      if (secondNameOf(group)) li.appendChild(secondTitle(secondNameOf(group), "sc-group-legend__name2"));
      box.appendChild(li);
    });
    box.hidden = false;
  }

  function setGroups(on) {
    store.showGroups = !!on;
    if (el.groupsBtn) el.groupsBtn.setAttribute("aria-pressed", store.showGroups ? "true" : "false");
    render();
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
    renderGroupLegend(store.showGroups ? overlay.groups : null);
    store.groupOverlay = overlay.markers.map(function (mk) {
      return { item: mk.item.key, group: mk.group.key, x: mk.group.x, y: mk.group.y, prev: mk.group.prev };
    });

    var c = ensureChart();
    if (!c) { setText(el.note, t("chart_missing")); return; }
    // The legend decides the side column's width, hence the chart's: settle it before measuring.
    var g = layoutMatrix(activity, m, sizes());
    var hadLegend = !el.legend.hidden;
    renderLegend(g.numbered ? m.entries : null);
    if (hadLegend !== g.numbered) {
      c.resize();
      var wanted = g.numbered;
      g = layoutMatrix(activity, m, sizes());
      if (g.numbered !== wanted) {
        // The legend changed the chart's width and with it the verdict: settle on numbered markers with the
        // legend (always legible) rather than flip between the two on every update.
        renderLegend(m.entries);
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
        itemStyle: { color: q.fill, borderColor: "#ffffff", borderWidth: Math.max(2, base / 9),
          shadowBlur: base / 3, shadowColor: "rgba(0,0,0,0.25)" }
      };
      if (g.numbered) {
        point.label = { show: true, position: "inside", formatter: String(e.number), color: q.ink,
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

  // ------------------------------------------------------------------ live updates

  function onResults(doc) {
    if (!doc || typeof doc !== "object" || !doc.activity) return;
    var key = doc.activity;
    socketSeq[key] = (socketSeq[key] || 0) + 1;
    store.results[key] = doc;
    store.updates += 1;
    // Right after (re)connecting the server sends the results of every open activity: an activity in that
    // burst is open even if its state change was missed while the connection was down.
    var a = activityByKey(key);
    if (a && a.state !== "open" && Date.now() - connectedAt < CONNECT_BURST_MS) {
      a.state = "open";
      if (openOrder.indexOf(key) < 0) openOrder.push(key);
      if (store.current === null) { show(key); return; }
    }
    if (store.current === key) render();
  }

  function onState(msg) {
    if (!msg || !msg.activity) return;
    var a = activityByKey(msg.activity);
    if (!a) return;
    a.state = msg.state;
    var i = openOrder.indexOf(a.key);
    if (i >= 0) openOrder.splice(i, 1);
    if (msg.state === "open") {
      openOrder.push(a.key);
      store.current = a.key;
      render();
      // Opening does not necessarily push results (and a reopened activity's may be stale): ask once.
      fetchResults(a.key);
    } else if (a.key === store.current) {
      if (msg.state === "closed") {
        // Keep the final results up, marked as closed; by_group is released on close, so refresh.
        render();
        fetchResults(a.key);
      } else {
        // Back to pending (reset): fall back to another open activity, or the join view.
        show(mostRecentOpen());
      }
    } else if (store.current === null) {
      render();  // the join view's status line depends on the states
    }
  }

  function connect() {
    if (typeof window.io !== "function") {
      el.conn.hidden = false;
      setText(el.conn, t("live_unavailable"));
      return;
    }
    var socket = window.io({
      path: root + "/socket.io",
      auth: { screen_token: token },
      transports: document.querySelector('meta[name="prioritas-socket"][content="websocket"]')
        ? ["websocket"] : ["websocket", "polling"],
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.5
    });
    var retry = null;
    function status(text) { setText(el.conn, text); el.conn.hidden = !text; }
    socket.on("connect", function () { connectedAt = Date.now(); status(""); });
    socket.on("disconnect", function (reason) {
      status(t("reconnecting"));
      // After a server-side disconnect the client does not retry by itself.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", function () {
      if (socket.active) { status(t("reconnecting")); return; }
      // Refused by the server (bad or revoked screen token, or the server not ready): retry slowly.
      status(t("live_refused"));
      clearTimeout(retry);
      retry = setTimeout(function () { socket.connect(); }, 15000);
    });
    socket.on("results", onResults);
    socket.on("state", onState);
    socket.on("timer", onTimer);
    // A new screen link was made in the console: this link is dead, reload onto its "not found" page.
    socket.on("screen_revoked", function () { socket.io.opts.reconnection = false; socket.disconnect(); window.location.reload(); });
    store.socket = socket;
  }

  // ------------------------------------------------------------------ page furniture

  // The QR SVG may come with a fixed width/height and no viewBox: make it scale with its box.
  function fixQrSvgs() {
    var svgs = document.querySelectorAll(".sc-qr svg");
    Array.prototype.forEach.call(svgs, function (svg) {
      var w = parseFloat(svg.getAttribute("width"));
      var h = parseFloat(svg.getAttribute("height"));
      if (!svg.getAttribute("viewBox") && w && h) svg.setAttribute("viewBox", "0 0 " + w + " " + h);
      svg.removeAttribute("width");
      svg.removeAttribute("height");
      svg.setAttribute("shape-rendering", "crispEdges");
      svg.setAttribute("focusable", "false");
    });
  }

  function setupResize() {
    var pending = null;
    function relayout() {
      pending = null;
      if (!chart || el.chart.hidden) return;
      chart.resize();
      var key = store.current;
      var activity = key ? activityByKey(key) : null;
      if (activity && (activity.type === "matrix" || activity.type === "criteria")) {
        // Font and marker sizes depend on the chart's size.
        render();
      }
    }
    function schedule() { if (!pending) pending = window.requestAnimationFrame(relayout); }
    window.addEventListener("resize", schedule);
    if (window.ResizeObserver) new window.ResizeObserver(schedule).observe(el.chart);
  }

  function setupFullscreen() {
    var canFs = document.fullscreenEnabled && el.screen.requestFullscreen;
    if (!canFs) { el.fsBtn.hidden = true; return; }
    function toggle() {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(function () {});
    }
    el.fsBtn.addEventListener("click", toggle);
    document.addEventListener("keydown", function (ev) {
      if ((ev.key === "f" || ev.key === "F") && !ev.ctrlKey && !ev.metaKey && !ev.altKey) toggle();
    });
    document.addEventListener("fullscreenchange", function () {
      el.screen.classList.toggle("is-fullscreen", !!document.fullscreenElement);
    });
    // Hide the mouse pointer when it rests, so it does not sit on the projected chart.
    var timer = null;
    document.addEventListener("mousemove", function () {
      el.screen.classList.remove("hide-cursor");
      clearTimeout(timer);
      timer = setTimeout(function () { el.screen.classList.add("hide-cursor"); }, 3000);
    });
  }

  // ------------------------------------------------------------------ start

  // Add-ons (static/js/screen_room.js: presenter pace, approved suggestions) redraw their parts after each render.
  var renderCore = render;
  var tools = document.querySelector(".sc-screen-tools");
  render = function () {
    renderCore();
    // The note runs under the corner buttons unless the legend's column is beside it (then the buttons sit
    // below the legend): keep its text clear of them, however wide the Groups label is in this language.
    if (el.note) {
      var clear = !el.screen.classList.contains("has-legend") && tools ? tools.offsetWidth + 16 : 0;
      el.note.style.paddingInlineEnd = clear ? clear + "px" : "";
    }
    if (typeof store.afterRender === "function") store.afterRender();
  };

  fixQrSvgs();
  workshop.activities.forEach(function (a) { if (a.state === "open") openOrder.push(a.key); });
  store.current = initialActivity();
  render();
  if (store.current) fetchResults(store.current);
  setupResize();
  setupFullscreen();
  // "c" shows or hides the confidence crosshairs and whiskers.
  document.addEventListener("keydown", function (ev) {
    if ((ev.key === "c" || ev.key === "C") && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      store.showCi = !store.showCi;
      render();
    }
  });
  // "g" (or the Groups button) shows or hides the group overlay; ?groups=1 starts with it on.
  if (el.groupsBtn) {
    el.groupsBtn.setAttribute("aria-pressed", store.showGroups ? "true" : "false");
    el.groupsBtn.addEventListener("click", function () { setGroups(!store.showGroups); });
  }
  document.addEventListener("keydown", function (ev) {
    if ((ev.key === "g" || ev.key === "G") && !ev.ctrlKey && !ev.metaKey && !ev.altKey) setGroups(!store.showGroups);
  });
  connect();

  // For the harness and tests: render a results document without a socket.
  store.render = render;
  store.applyResults = onResults;
  store.applyState = onState;
  store.applyTimer = onTimer;
  store.setGroups = setGroups;
  store.show = show;
})();
