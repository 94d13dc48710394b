/* Prioritas phone: follow the facilitator, and save without a full page load.
   Progressive enhancement only: every page works as plain HTML forms when this script does not run. */
(function () {
  "use strict";

  var SAVE_TIMEOUT_MS = 20000;
  var FALLBACK_RELOAD_MS = 15000;
  var root = document.getElementById("phone");
  if (!root) return;

  var states = {};
  var dirty = false;
  var leaving = false;
  var decideTimer = null;
  var socket = null;

  function data(name) { return root.dataset[name] || ""; }
  function openAtRender() { return data("open").split(" ").filter(Boolean); }

  function go(url) {
    if (leaving) return;
    leaving = true;
    window.location.replace(url);
  }

  /* Messages go next to the Save button (where the thumb is), else to the top of the page. */
  function notify(html, kind) {
    var status = root.querySelector("[data-live-notice]") || document.getElementById("status");
    if (!status) return;
    status.innerHTML = "";
    var p = document.createElement("p");
    p.className = "notice notice-" + (kind || "info");
    p.setAttribute("role", kind === "error" ? "alert" : "status");
    p.innerHTML = html;
    status.appendChild(p);
  }

  /* Decide where the phone should be, from the activity states the server sent. */
  function decide() {
    decideTimer = null;
    var page = data("page");
    var shown = data("activity");
    var before = openAtRender();
    var voteUrl = data("voteUrl");
    var opened = Object.keys(states).filter(function (k) {
      return states[k] === "open" && before.indexOf(k) < 0;
    });
    if (opened.length) {
      var target = opened.length === 1 ? voteUrl + "/" + encodeURIComponent(opened[0]) : voteUrl;
      if (page === "vote" && dirty && states[shown] === "open") {
        notify('A new activity is open. Save your answers first, then <a class="notice-link" href="' +
               target + '">go to it</a>.', "info");
        return;
      }
      go(target);
      return;
    }
    if (page === "vote" && states[shown] && states[shown] !== "open") {
      go(voteUrl + "?closed=" + encodeURIComponent(shown));
    } else if (page === "list" && before.some(function (k) { return states[k] && states[k] !== "open"; })) {
      go(voteUrl);
    }
  }

  function onState(msg) {
    if (!msg || typeof msg.activity !== "string") return;
    states[msg.activity] = msg.state;
    if (decideTimer) clearTimeout(decideTimer);
    decideTimer = setTimeout(decide, 150);  /* "close A, open B" arrives as two events: act once */
  }

  function connect() {
    if (typeof window.io !== "function") return;
    socket = window.io({ reconnectionDelayMax: 10000 });
    socket.on("state", onState);
    /* Marks the page as following live (for the stylesheet, and for tests that wait for it). */
    socket.on("connect", function () { document.documentElement.dataset.live = "connected"; });
    socket.on("disconnect", function () { document.documentElement.dataset.live = "offline"; });
  }

  /* Waiting without a live connection (WebSockets blocked, script failed): look again now and then. */
  setInterval(function () {
    if (data("page") === "waiting" && !(socket && socket.connected)) window.location.reload();
  }, FALLBACK_RELOAD_MS);

  /* --- the vote form ---------------------------------------------------------------------------------- */

  function updateProgress(form) {
    var items = form.querySelectorAll("[data-item]");
    var done = 0;
    items.forEach(function (item) {
      var axes = item.querySelectorAll("fieldset").length;
      if (item.querySelectorAll("input:checked").length === axes) done += 1;
    });
    var progress = form.querySelector("[data-progress]");
    if (progress) progress.textContent = done + " of " + items.length + " answered, not saved yet";
  }

  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form || !form.hasAttribute("data-fetch")) return;
    dirty = true;
    updateProgress(form);
  });

  /* Plain forms (code, group): a second tap while the first is on its way must not join twice. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-fetch")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    setTimeout(function () { delete form.dataset.sent; }, 10000);  /* a lost request can be sent again */
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-fetch") || !window.fetch || !window.FormData || !window.DOMParser) return;
    event.preventDefault();
    var button = form.querySelector("[data-save]");
    if (button) {
      if (button.getAttribute("aria-busy") === "true") return;  /* a double tap sends once */
      button.setAttribute("aria-busy", "true");
      button.textContent = "Saving…";
    }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, SAVE_TIMEOUT_MS);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      return response.text().then(function (html) { return { response: response, html: html }; });
    }).then(function (result) {
      clearTimeout(timer);
      var doc = new DOMParser().parseFromString(result.html, "text/html");
      var fresh = doc.getElementById("phone");
      if (result.response.redirected || !fresh) {
        if (result.response.redirected) { go(result.response.url); return; }
        var failure = new Error("HTTP " + result.response.status);
        failure.status = result.response.status;
        throw failure;
      }
      document.title = doc.title;
      root.replaceWith(fresh);
      root = fresh;
      dirty = false;
      var target = root.querySelector(".item.has-error") || document.getElementById("status");
      if (target) {
        target.scrollIntoView({ block: "start" });
        if (target.id === "status") target.focus({ preventScroll: true });
      }
      decide();
    }).catch(function (error) {
      clearTimeout(timer);
      if (button) {
        button.removeAttribute("aria-busy");
        button.textContent = "Save answers";
      }
      var why = !error.status ? "the connection dropped" :
        error.status === 429 ? "too many answers at once in the room" : "the server had a problem";
      notify("Not saved: " + why + ". Your choices are still here; tap <strong>Save answers</strong> again " +
             "in a moment.", "error");
    });
  });

  connect();
})();
