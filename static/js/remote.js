/* The facilitator's phone remote, live: when the room changes (a vote, a state, the pace, a timer) the page is
   fetched again and its state put in place, so the buttons always act on what the remote shows. Without
   JavaScript the plain forms do everything and the page shows the state after each tap. */
(function () {
  "use strict";
  var root = document.getElementById("remote");
  if (!root || typeof window.io !== "function" || !window.fetch || !window.DOMParser) return;
  var workshop = parseInt(root.getAttribute("data-workshop"), 10);
  var pending = null;
  var busy = false;

  function refresh() {
    pending = null;
    if (busy) { schedule(); return; }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" }, cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        busy = false;
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("remote");
        if (!fresh) return;
        var flash = root.querySelector("[data-remote-flash]");
        var keep = flash ? flash.innerHTML : "";
        root.innerHTML = fresh.innerHTML;
        ["data-pace-mode", "data-activity", "data-state"].forEach(function (name) {
          root.setAttribute(name, fresh.getAttribute(name) || "");
        });
        var now = root.querySelector("[data-remote-flash]");
        if (now && keep) now.innerHTML = keep;  /* the last tap's message stays until the next one */
        root.setAttribute("data-updates", String(parseInt(root.getAttribute("data-updates") || "0", 10) + 1));
      })
      .catch(function () { busy = false; });
  }

  function schedule() { if (!pending) pending = setTimeout(refresh, 400); }

  var E = window.Prioritas.events;
  var handlers = {};
  [E.STATE, E.ROUND, E.PACE, E.TIMER, E.PARTICIPATION, E.RESULTS].forEach(function (name) { handlers[name] = schedule; });
  window.Prioritas.connect({ workshop: workshop }, handlers, { reconnectionDelayMax: 10000 });
})();
