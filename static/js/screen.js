/* Prioritas projector screen, part 6 of 6: which activity is shown, the live connection, page furniture,
 * and the start (parts 1-5: screen_base.js and the files it lists).
 *
 * Plain ES2017, no build step. Needs the vendored socket.io client (window.io) and ECharts (window.echarts),
 * both served from /static/vendor; nothing is loaded from another host.
 *
 * Data in:  <script id="workshop-data">  the workshop document (docs/interface.md), matrix activities
 *           may carry `quadrants` {top_right, top_left, bottom_right, bottom_left};
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

  var P = window.Prioritas;
  var S = P.screen;
  var activityByKey = S.activityByKey;
  var isNum = S.isNum;
  var workshop = S.workshop;
  var token = S.token;
  var root = S.root;
  var store = S.store;
  var el = S.el;
  var t = S.t;
  var setText = S.setText;
  var criteriaActivity = S.criteriaActivity;
  var criteriaResults = S.criteriaResults;
  var disposeChart = S.disposeChart;
  var renderMatrix = S.renderMatrix;
  var renderBoard = S.renderBoard;
  var renderHidden = S.renderHidden;
  var renderTimer = S.renderTimer;
  var onTimer = S.onTimer;
  var renderJoin = S.renderJoin;
  var renderHeader = S.renderHeader;
  var renderLegend = S.renderLegend;
  var renderGroupLegend = S.renderGroupLegend;
  var E = P.events;

  var socketSeq = {};          // activity key -> number of socket results seen (HTTP must not overwrite newer)
  var connectedAt = 0;         // time of the last socket connect (see onResults)
  var CONNECT_BURST_MS = 3000;
  var openOrder = [];          // activity keys in the order they were opened, most recent last

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

  function setGroups(on) {
    store.showGroups = !!on;
    if (el.groupsBtn) el.groupsBtn.setAttribute("aria-pressed", store.showGroups ? "true" : "false");
    render();
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
    var retry = null;
    var socket = null;
    function status(text) { setText(el.conn, text); el.conn.hidden = !text; }
    var handlers = {
      connect: function () { connectedAt = Date.now(); status(""); },
      disconnect: function (reason) {
        status(t("reconnecting"));
        // After a server-side disconnect the client does not retry by itself.
        if (reason === "io server disconnect") socket.connect();
      },
      connect_error: function () {
        if (socket.active) { status(t("reconnecting")); return; }
        // Refused by the server (bad or revoked screen token, or the server not ready): retry slowly.
        status(t("live_refused"));
        clearTimeout(retry);
        retry = setTimeout(function () { socket.connect(); }, 15000);
      }
    };
    handlers[E.RESULTS] = onResults;
    handlers[E.STATE] = onState;
    handlers[E.TIMER] = onTimer;
    // A new screen link was made in the console: this link is dead, reload onto its "not found" page.
    handlers[E.SCREEN_REVOKED] = function () { socket.io.opts.reconnection = false; socket.disconnect(); window.location.reload(); };
    socket = P.connect({ screen_token: token }, handlers, {
      path: root + "/socket.io",
      transports: ["websocket", "polling"],  // WebSocket only where the page says so (common.js)
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000
    });
    if (!socket) {
      el.conn.hidden = false;
      setText(el.conn, t("live_unavailable"));
      return;
    }
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
      if (!S.resizeChart()) return;
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
