/* Projector screen, part 4 of 6: the bar board of scale, points and ranking activities.
 * See screen_base.js for how the parts fit together.
 */
(function () {
  "use strict";

  var P = window.Prioritas;
  var S = P.screen;
  var isNum = S.isNum;
  var plural = S.plural;
  var consensusChange = S.consensusChange;
  var meanChange = S.meanChange;
  var flagNote = S.flagNote;
  var fmt = S.fmt;
  var pct = S.pct;
  var clamp01 = S.clamp01;
  var secondTitleOf = S.secondTitleOf;
  var secondTitle = S.secondTitle;
  var workshop = S.workshop;
  var store = S.store;
  var itemsByKey = S.itemsByKey;
  var el = S.el;
  var t = S.t;
  var clearChildren = S.clearChildren;
  var setText = S.setText;
  var SHOWN_FLAGS = S.SHOWN_FLAGS;

  // ------------------------------------------------------------------ bars: scale, points, ranking

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
      var waiting = 0, rank = 0, carried = 0;
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
        if (isNum(r.converged_in_round)) {  // not asked this round: its figures are from when it converged
          carried += 1;
          row.li.classList.add("is-carried");
          row.li.setAttribute("data-carried", String(r.converged_in_round));
          row.li.title = t("converged_in_round", { round: r.converged_in_round });
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
      if (carried) note += " · " + t(plural(carried, "item_converged_earlier", "items_converged_earlier"), { n: carried });
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

  S.boardRow = boardRow;
  S.fill = fill;
  S.marker = marker;
  S.renderBoard = renderBoard;
  S.fitBoard = fitBoard;
})();
