/* Projector add-ons: presenter pace and approved suggestions. Loaded after screen.js; uses its test hooks
 * (window.prioritasScreen: socket, show, render, current, afterRender).
 *
 * `pace` {mode, activity, item, index, step, steps}: in activity or item pace the screen shows the current
 * activity; in item pace the current item is named under the title and its bar / legend row is highlighted
 * (li[data-item].is-pace-current). The chart element carries data-pace-item for tests.
 * `proposal_added` {title, kind, item}: a short list "Added from the room" for a few seconds, newest first.
 */
(function () {
  "use strict";
  var store = window.prioritasScreen;
  if (!store) return;
  var t = window.Prioritas.t;  // "now_item" comes from the page's #i18n-room block
  var E = window.Prioritas.events;
  var itemsByKey = {};
  (store.workshop.items || []).forEach(function (it) { itemsByKey[it.key] = it; });
  var nowEl = document.getElementById("pace-now");
  var chartEl = document.getElementById("chart");
  store.pace = null;

  function highlight() {
    var pace = store.pace;
    var key = pace && pace.mode === "item" && pace.activity === store.current ? pace.item : null;
    Array.prototype.forEach.call(document.querySelectorAll(".is-pace-current"), function (node) {
      if (node.getAttribute("data-item") !== key) node.classList.remove("is-pace-current");
    });
    if (chartEl) chartEl.setAttribute("data-pace-item", key || "");
    if (nowEl) {
      var item = key ? itemsByKey[key] : null;
      nowEl.hidden = !item;
      var label = item ? t("now_item", { n: (pace.index || 0) + 1, total: pace.item_count || "", title: item.title }) : "";
      if (nowEl.textContent !== label) nowEl.textContent = label;
    }
    if (!key) return;
    var selector = '[data-item="' + (window.CSS && CSS.escape ? CSS.escape(key) : key) + '"]';
    Array.prototype.forEach.call(document.querySelectorAll("#board " + selector + ", #legend " + selector),
      function (node) { node.classList.add("is-pace-current"); });
  }

  function itemCount(activityKey) {
    var list = store.workshop.activities || [];
    for (var i = 0; i < list.length; i++) if (list[i].key === activityKey) return (list[i].items || []).length;
    return 0;
  }

  function onPace(msg) {
    if (!msg || typeof msg.mode !== "string") return;
    store.pace = msg;
    msg.item_count = itemCount(msg.activity);
    if (msg.mode !== "self" && msg.activity && msg.activity !== store.current && typeof store.show === "function") {
      store.show(msg.activity);  // renders, which calls highlight()
    } else {
      highlight();
    }
  }

  // ---- approved suggestions
  var toast = document.getElementById("room-added");
  var list = document.getElementById("room-added-list");
  var SHOW_MS = 9000;
  var hideTimer = null;
  store.added = [];

  function onAdded(msg) {
    if (!msg || typeof msg.title !== "string" || !toast || !list) return;
    store.added.push(msg);
    var li = document.createElement("li");
    li.setAttribute("data-item", msg.item || "");
    li.textContent = msg.title;
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 3) list.removeChild(list.lastChild);
    toast.hidden = false;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () {
      toast.hidden = true;
      while (list.firstChild) list.removeChild(list.firstChild);
    }, SHOW_MS);
  }

  var previous = store.afterRender;
  store.afterRender = function () {
    if (typeof previous === "function") previous();
    highlight();
  };
  store.applyPace = onPace;
  store.applyAdded = onAdded;
  if (store.socket) {
    store.socket.on(E.PACE, onPace);
    store.socket.on(E.PROPOSAL_ADDED, onAdded);
  }
})();
