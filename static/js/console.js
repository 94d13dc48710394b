/* Facilitator pages: confirm destructive buttons, and keep the run console live over Socket.IO.
 *
 * Everything here is an enhancement: with JavaScript off the forms still post and the console's numbers are
 * correct at page load. Live events only replace numbers and states already rendered by the server.
 */
(function () {
  "use strict";

  // Translated text from the page's #i18n block (templates/facilitator/layout.html): this file holds no text.
  var P = window.Prioritas;
  var t = P.t;
  var E = P.events;

  // A running countdown (set with the Timer buttons): the time left, as the screen and phones show it.
  document.querySelectorAll("[data-timer-ends]").forEach(function (form) {
    var ends = Date.parse(form.getAttribute("data-timer-ends"));
    var out = form.querySelector("[data-timer-left]");
    if (isNaN(ends) || !out) { return; }
    function tick() {
      var left = P.countdown(ends);
      out.textContent = "· " + (left.left === 0 ? t("time_up") : left.clock);
    }
    tick();
    setInterval(tick, 500);
  });

  // Criterion weights: sliders beside the number boxes; a change is posted at once and the screen re-plots.
  function postWeights(form) {
    var status = form.querySelector("[data-weights-status]");
    if (!window.fetch || !window.FormData) { form.submit(); return; }
    if (status) { status.textContent = t("saving"); }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (!status) { return; }
      if (result.ok) {
        status.textContent = t("saved_scores");
      } else {
        var errors = (result.data && result.data.errors) || [];
        status.textContent = P.format(t("not_saved"), { reason: errors.length ? errors.map(function (e) { return e.message; }).join(" ")
          : (result.data && result.data.detail) || t("server_refused") });
      }
    }).catch(function () {
      if (status) { status.textContent = t("not_saved_offline"); }
    });
  }

  document.querySelectorAll("[data-criteria-weights]").forEach(function (form) {
    var timer = null;
    form.querySelectorAll("input[data-slider-for]").forEach(function (slider) {
      var box = form.querySelector('input[name="' + slider.getAttribute("data-slider-for") + '"]');
      if (!box) { return; }
      slider.hidden = false;
      slider.removeAttribute("aria-hidden");
      slider.removeAttribute("tabindex");
      slider.setAttribute("aria-label", box.getAttribute("aria-label"));
      slider.addEventListener("input", function () {
        box.value = slider.value;
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { postWeights(form); }, 250);
      });
      box.addEventListener("change", function () { slider.value = box.value; });
    });
  });

  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-criteria-weights")) {
      event.preventDefault();
      postWeights(event.target);
    }
  });

  // Deleting cannot be undone: ask first (the server still refuses what answers depend on).
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // A double click on "Open" must not post twice while the page reloads.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    var buttons = event.target.querySelectorAll("button[type=submit]");
    window.setTimeout(function () {
      buttons.forEach(function (b) {
        if (!b.disabled) { b.disabled = true; b.setAttribute("data-busy", ""); }
      });
    }, 0);
  });
  // Coming back with the browser's Back button restores the page as it was: make the buttons usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[data-busy]").forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("data-busy");
    });
  });

  var root = document.querySelector("[data-console]");
  if (!root || typeof window.io !== "function") { return; }

  var workshopId = parseInt(root.getAttribute("data-workshop"), 10);
  var k = parseInt(root.getAttribute("data-min-group"), 10) || 5;
  var statusEl = root.querySelector("[data-live-status]");
  var STATE_LABELS = { pending: t("state_pending"), open: t("state_open"),
    closed: t("state_closed") };

  function setStatus(text, kind) {
    if (!statusEl) { return; }
    statusEl.textContent = text;
    statusEl.className = "live-status live-" + kind;
  }

  function setText(el, value) {
    if (el && el.textContent !== String(value)) {
      el.textContent = String(value);
      el.classList.remove("bumped");
      void el.offsetWidth; // restart the highlight animation
      el.classList.add("bumped");
    }
  }

  function updateParticipation(groups) {
    var counts = groups || {};
    var total = 0;
    var most = 1;
    Object.keys(counts).forEach(function (key) {
      total += counts[key];
      most = Math.max(most, counts[key]);
    });
    setText(root.querySelector("[data-total]"), total);
    root.querySelectorAll("[data-groups] [data-group]").forEach(function (row) {
      var n = counts[row.getAttribute("data-group")] || 0;
      var expected = parseInt(row.getAttribute("data-expected"), 10);
      var scale = expected > 0 ? expected : most;
      setText(row.querySelector("[data-count]"), n);
      var bar = row.querySelector("[data-bar]");
      if (bar) { bar.style.width = Math.min(100, Math.round((100 * n) / scale)) + "%"; }
      row.classList.toggle("below-k", n > 0 && n < k);
    });
  }

  function card(key) {
    return root.querySelector('.activity[data-activity="' + key + '"]');
  }

  function updateResults(doc) {
    var article = doc && card(doc.activity);
    if (!article) { return; }
    setText(article.querySelector("[data-respondents]"), doc.respondents || 0);
    var groups = doc.groups || {};
    article.querySelectorAll(".by-group [data-group]").forEach(function (row) {
      var g = groups[row.getAttribute("data-group")];
      setText(row.querySelector("[data-respondents-group]"), g ? g.respondents || 0 : 0);
    });
  }

  // "Close the other open activity" is only offered where another activity is open.
  function refreshCloseOthers() {
    var cards = root.querySelectorAll(".activity");
    cards.forEach(function (article) {
      var othersOpen = Array.prototype.some.call(cards, function (other) {
        return other !== article && other.getAttribute("data-state") === "open";
      });
      var label = article.querySelector(".close-others");
      if (label) { label.hidden = !othersOpen; }
    });
  }

  function updateState(message) {
    var article = message && card(message.activity);
    if (!article) { return; }
    article.setAttribute("data-state", message.state);
    var badge = article.querySelector("[data-state-label]");
    if (badge) {
      badge.textContent = STATE_LABELS[message.state] || message.state;
      badge.className = "state state-" + message.state;
    }
    refreshCloseOthers();
  }

  var handlers = {
    connect: function () { setStatus(t("live"), "on"); },
    disconnect: function () { setStatus(t("reconnecting"), "down"); },
    connect_error: function () { setStatus(t("offline"), "down"); }
  };
  handlers[E.PARTICIPATION] = function (data) {
    updateParticipation(data && data.groups);
    // Other panels (voice.js: groups over their expected count) follow the same event.
    root.dispatchEvent(new CustomEvent("prioritas:participation", { detail: data || {} }));
  };
  handlers[E.RESULTS] = updateResults;
  handlers[E.STATE] = updateState;

  // Participants' proposals: the pending count moves live; a rise offers a reload to see the new ones.
  handlers[E.PROPOSALS] = function (data) {
    var panel = root.querySelector("[data-proposals]");
    var count = panel && panel.querySelector("[data-proposals-pending]");
    if (!count || !data || typeof data.pending !== "number") { return; }
    var shown = panel.querySelectorAll(".proposal-list > [data-proposal]:not([data-status])").length;
    setText(count, data.pending);
    var more = panel.querySelector("[data-proposals-new]");
    if (more) { more.hidden = data.pending <= shown; }
  };

  // Presenter pace moved (from the remote, the API or another console): show where the room is now.
  // Two moves in quick succession start two fetches; only the last one started may draw (an earlier answer
  // arriving late would show a step the room has already left).
  var paceFetches = 0;
  handlers[E.PACE] = function (data) {
    if (!root.querySelector("[data-pace-panel]") || !data || !window.DOMParser) { return; }
    var mine = ++paceFetches;
    fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      var panel = root.querySelector("[data-pace-panel]");
      var fresh = html && new DOMParser().parseFromString(html, "text/html").querySelector("[data-pace-panel]");
      if (fresh && panel && mine === paceFetches) { panel.replaceWith(fresh); }
    }).catch(function () { /* the next reload shows it */ });
  };

  setStatus(t("connecting"), "connecting");
  P.connect({ workshop: workshopId }, handlers);
})();
