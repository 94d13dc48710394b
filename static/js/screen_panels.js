/* Projector screen, part 5 of 6: everything around the chart: the header and group counts, the countdown, the
 * join view, the "results held back" view, the item legend and the group legend.
 * See screen_base.js for how the parts fit together.
 */
(function () {
  "use strict";

  var P = window.Prioritas;
  var S = P.screen;
  var activityByKey = S.activityByKey;
  var isNum = S.isNum;
  var plural = S.plural;
  var secondNameOf = S.secondNameOf;
  var secondTitle = S.secondTitle;
  var TWO_COLUMN_LEGEND_ABOVE = S.TWO_COLUMN_LEGEND_ABOVE;
  var workshop = S.workshop;
  var store = S.store;
  var el = S.el;
  var t = S.t;
  var clearChildren = S.clearChildren;
  var setText = S.setText;
  var disposeChart = S.disposeChart;
  var groupStyle = S.groupStyle;

  var timers = {};             // activity key -> ends_at (ms since epoch) of a running countdown
  var timerTick = null;

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
    var left = P.countdown(ends);
    el.timer.hidden = false;
    el.timer.setAttribute("data-remaining", String(left.left));
    el.timer.classList.toggle("is-up", left.left === 0);
    setText(el.timerText, left.left === 0 ? t("time_up") : left.clock);
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

  S.renderHidden = renderHidden;
  S.renderTimer = renderTimer;
  S.onTimer = onTimer;
  S.renderJoin = renderJoin;
  S.renderHeader = renderHeader;
  S.renderLegend = renderLegend;
  S.fitLegend = fitLegend;
  S.renderGroupLegend = renderGroupLegend;
})();
