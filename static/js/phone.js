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

  /* A countdown the facilitator started: small, near the top. At zero it says so; the activity stays open
     until she closes it. No JavaScript, no countdown (the page works the same). */
  var timers = {};
  var timerEl = null;
  var timerTick = null;

  function timerEnds() {
    var shown = data("activity");
    if (shown) return timers[shown] || null;
    var keys = Object.keys(timers);
    return keys.length ? timers[keys[keys.length - 1]] : null;
  }

  function renderTimer() {
    var ends = timerEnds();
    if (!ends) {
      if (timerEl) timerEl.hidden = true;
      if (timerTick) { clearInterval(timerTick); timerTick = null; }
      return;
    }
    if (!timerEl) {
      timerEl = document.createElement("p");
      timerEl.className = "phone-timer";
      timerEl.setAttribute("role", "timer");
      timerEl.style.cssText = "margin:0 0 .5em;text-align:center;font-weight:700;font-variant-numeric:tabular-nums";
      root.insertBefore(timerEl, root.firstChild);
    }
    var left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
    var mm = Math.floor(left / 60), ss = left % 60;
    timerEl.hidden = false;
    timerEl.setAttribute("data-remaining", String(left));
    timerEl.textContent = left === 0 ? "Time is up" : "Time left " + mm + ":" + (ss < 10 ? "0" : "") + ss;
    if (!timerTick) timerTick = setInterval(renderTimer, 500);
  }

  function onTimer(msg) {
    if (!msg || typeof msg.activity !== "string") return;
    var ends = msg.ends_at ? Date.parse(msg.ends_at) : NaN;
    if (isNaN(ends)) delete timers[msg.activity];
    else timers[msg.activity] = ends;
    renderTimer();
  }

  function connect() {
    if (typeof window.io !== "function") return;
    socket = window.io({ reconnectionDelayMax: 10000 });
    socket.on("state", onState);
    socket.on("timer", onTimer);
    /* Marks the page as following live (for the stylesheet, and for tests that wait for it). */
    socket.on("connect", function () { document.documentElement.dataset.live = "connected"; });
    socket.on("disconnect", function () { document.documentElement.dataset.live = "offline"; });
  }

  /* Waiting without a live connection (WebSockets blocked, script failed): look again now and then. */
  setInterval(function () {
    if (data("page") === "waiting" && !(socket && socket.connected)) window.location.reload();
  }, FALLBACK_RELOAD_MS);

  /* --- the vote form ---------------------------------------------------------------------------------- */

  /* --- points: steppers and "points left" ----------------------------------------------------------- */

  function pointsOf(input) {
    var n = parseInt(input.value, 10);
    return isNaN(n) || n < 0 ? 0 : n;
  }

  function updatePoints(form) {
    var budget = parseInt(form.dataset.budget, 10) || 0;
    var cap = parseInt(form.dataset.cap, 10) || 0;
    var inputs = form.querySelectorAll('input[type="number"]');
    var used = 0;
    inputs.forEach(function (input) { used += pointsOf(input); });
    var left = budget - used;
    var box = form.querySelector("[data-points-left]");
    if (box) {
      box.innerHTML = "<b>" + left + "</b> of " + budget + " points left";
      box.classList.toggle("is-over", left < 0);
    }
    inputs.forEach(function (input) {
      var item = input.closest("[data-item]");
      var n = pointsOf(input);
      item.querySelector('[data-step="-1"]').disabled = n <= 0;
      item.querySelector('[data-step="1"]').disabled = n >= cap || left <= 0;
    });
  }

  function enhancePoints(form) {
    form.querySelectorAll(".step").forEach(function (button) { button.hidden = false; });
    updatePoints(form);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-step]") : null;
    if (!button) return;
    var form = button.form;
    var input = button.closest("[data-item]").querySelector('input[type="number"]');
    var n = Math.max(0, pointsOf(input) + parseInt(button.dataset.step, 10));
    input.value = n ? String(n) : "";
    dirty = true;
    updatePoints(form);
    updateProgress(form);
  });

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.dataset.type === "points") { dirty = true; updatePoints(form); }
  });

  /* --- ranking: tap items in order, move them with up/down; the selects stay the form's values --------- */

  function rankedKeys(form) {
    var pairs = [];
    form.querySelectorAll(".rank-item").forEach(function (item) {
      var n = parseInt(item.querySelector("select").value, 10);
      if (!isNaN(n)) pairs.push([n, item.dataset.key]);
    });
    pairs.sort(function (a, b) { return a[0] - b[0]; });
    return pairs.map(function (p) { return p[1]; });
  }

  function setOrder(form, keys) {
    form.querySelectorAll(".rank-item").forEach(function (item) {
      var place = keys.indexOf(item.dataset.key);
      item.querySelector("select").value = place < 0 ? "" : String(place + 1);
      item.classList.toggle("is-ranked", place >= 0);
      item.setAttribute("aria-pressed", place >= 0 ? "true" : "false");
    });
    var list = form.querySelector("[data-rank-order]");
    clearList(list);
    keys.forEach(function (key, i) {
      var title = form.querySelector("#title-" + CSS.escape(key)).textContent;
      var li = document.createElement("li");
      li.dataset.key = key;
      var span = document.createElement("span");
      span.textContent = title;
      li.appendChild(span);
      [["up", "\u2191", "Move up"], ["down", "\u2193", "Move down"], ["remove", "\u00d7", "Remove"]].forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.dataset.rank = b[0];
        button.textContent = b[1];
        button.setAttribute("aria-label", b[2] + ": " + title);
        if ((b[0] === "up" && i === 0) || (b[0] === "down" && i === keys.length - 1)) button.disabled = true;
        li.appendChild(button);
      });
      list.appendChild(li);
    });
    list.hidden = !keys.length;
  }

  function clearList(node) { while (node && node.firstChild) node.removeChild(node.firstChild); }

  function enhanceRanking(form) {
    form.classList.add("js-ranking");
    form.querySelectorAll(".rank-item").forEach(function (item) {
      item.setAttribute("role", "button");
      item.setAttribute("tabindex", "0");
    });
    setOrder(form, rankedKeys(form));
  }

  function rankTap(item) {
    var form = item.closest("form");
    var keys = rankedKeys(form);
    var top = parseInt(form.dataset.top, 10) || keys.length + 1;
    if (keys.indexOf(item.dataset.key) >= 0) return;
    if (keys.length >= top) {
      notify("You have chosen your top " + top + ". Remove one to add another.", "info");
      return;
    }
    keys.push(item.dataset.key);
    setOrder(form, keys);
    dirty = true;
    updateProgress(form);
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var control = event.target.closest("[data-rank]");
    if (control) {
      var form = control.form;
      var keys = rankedKeys(form);
      var key = control.closest("li").dataset.key;
      var i = keys.indexOf(key);
      keys.splice(i, 1);
      if (control.dataset.rank === "up") keys.splice(i - 1, 0, key);
      if (control.dataset.rank === "down") keys.splice(i + 1, 0, key);
      setOrder(form, keys);
      dirty = true;
      updateProgress(form);
      return;
    }
    var item = event.target.closest(".js-ranking .rank-item");
    if (item) rankTap(item);
  });

  document.addEventListener("keydown", function (event) {
    if ((event.key === "Enter" || event.key === " ") && event.target.classList &&
        event.target.classList.contains("rank-item") && event.target.closest(".js-ranking")) {
      event.preventDefault();
      rankTap(event.target);
    }
  });

  function enhance() {
    document.querySelectorAll('form[data-type="points"]').forEach(enhancePoints);
    document.querySelectorAll('form[data-type="ranking"]').forEach(enhanceRanking);
  }

  function updateProgress(form) {
    var progress0 = form.querySelector("[data-progress]");
    if (form.dataset.type === "ranking") {
      if (progress0) progress0.textContent = rankedKeys(form).length + " of " + form.dataset.top + " places chosen, not saved yet";
      return;
    }
    if (form.dataset.type === "points") {
      var given = 0;
      form.querySelectorAll('input[type="number"]').forEach(function (i) { if (pointsOf(i) > 0) given += 1; });
      if (progress0) progress0.textContent = given + " items with points, not saved yet";
      return;
    }
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
      enhance();
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

  enhance();
  connect();
})();
