/* Prioritas phone: follow the facilitator, save without a full page load, and keep answers on the phone while
   the connection is down (sent, once, when it returns).
   Progressive enhancement only: every page works as plain HTML forms when this script does not run. */
(function () {
  "use strict";

  var SAVE_TIMEOUT_MS = 20000;
  var FALLBACK_RELOAD_MS = 15000;
  var QUEUE_KEY = "prioritas.queue.v1";
  var RETRY_FIRST_MS = 2000;
  var RETRY_MAX_MS = 60000;
  var root = document.getElementById("phone");
  if (!root) return;

  /* Translated text from the page's #i18n block (templates/participant/_layout.html), through common.js. */
  var P = window.Prioritas;
  var t = P.t;
  var escapeHtml = P.escapeHtml;
  var E = P.events;

  var states = {};
  var dirty = false;
  var leaving = false;
  var decideTimer = null;
  var socket = null;

  function data(name) { return root.dataset[name] || ""; }
  function openAtRender() { return data("open").split(" ").filter(Boolean); }

  /* Move to another page; while queued answers are being sent, wait for that first. */
  var pendingGo = null;
  var NOTICE_KEY = "prioritas.notice";
  var carry = null;  /* a message about queued answers, shown again on the next page if we move on */
  function go(url) {
    if (leaving) return;
    if (sending || navigator.onLine === false) { pendingGo = url; return; }  /* offline: no error page */
    leaving = true;
    if (carry && Date.now() - carry.at < 30000) { try { window.sessionStorage.setItem(NOTICE_KEY, JSON.stringify(carry)); } catch (e) { /* full */ } }
    window.location.replace(url);
  }

  function goPending() {
    if (!sending && pendingGo && navigator.onLine !== false) {
      var target = pendingGo;
      pendingGo = null;
      go(target);
    }
  }

  /* Messages go next to the Save button (where the thumb is), else to the top of the page. */
  function notify(html, kind) {
    var status = root.querySelector("[data-live-notice]") || document.getElementById("status");
    if (!status) {
      status = document.createElement("div");
      status.id = "status";
      status.className = "status";
      root.insertBefore(status, root.firstChild);
    }
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
    /* Presenter pace: the page shows one step; when the facilitator moves, save what is unsaved and follow. */
    var paced = !!data("pace") && data("pace").indexOf("self/") !== 0;
    if (pace !== null && data("pace") && pace !== data("pace") && PACE_PAGES.indexOf(page) >= 0) {
      var paceForm = root.querySelector("form[data-fetch]");
      if (page === "vote" && dirty && paceForm && paceForm.requestSubmit) { paceForm.requestSubmit(); return; }
      go(voteUrl);
      return;
    }
    if (paced && opened.length) {
      if (page !== "vote") go(voteUrl);  /* the current step may just have opened */
      opened = [];
    }
    if (opened.length) {
      var target = opened.length === 1 ? voteUrl + "/" + encodeURIComponent(opened[0]) : voteUrl;
      if (page === "vote" && dirty && states[shown] === "open") {
        notify(escapeHtml(t("new_activity"))
                 .replace("{link}", '<a class="notice-link" href="' + escapeHtml(target) + '">' +
                          escapeHtml(t("go_to_it")) + "</a>"), "info");
        return;
      }
      go(target);
      return;
    }
    var formRound = root.querySelector('form[data-fetch] input[name="round"]');
    if (page === "vote" && states[shown] === "open" && rounds[shown] && formRound &&
        String(rounds[shown]) !== formRound.value) {
      go(voteUrl + "/" + encodeURIComponent(shown));  /* a new Delphi round of this activity */
      return;
    }
    if (page === "vote" && states[shown] && states[shown] !== "open") {
      go(voteUrl + "?closed=" + encodeURIComponent(shown));
    } else if (page === "list" && before.some(function (k) { return states[k] && states[k] !== "open"; })) {
      go(voteUrl);
    }
  }

  var pace = null;
  var PACE_PAGES = ["vote", "list", "waiting", "closed"];
  function onPace(msg) {
    if (!msg || typeof msg.mode !== "string") return;
    pace = msg.mode + "/" + (msg.activity || "") + "/" + (msg.item || "");
    if (decideTimer) clearTimeout(decideTimer);
    decideTimer = setTimeout(decide, 150);
  }

  var rounds = {};
  function onRound(msg) {
    if (!msg || typeof msg.activity !== "string" || typeof msg.round !== "number") return;
    rounds[msg.activity] = msg.round;
    if (decideTimer) clearTimeout(decideTimer);
    decideTimer = setTimeout(decide, 150);
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
    var left = P.countdown(ends);
    timerEl.hidden = false;
    timerEl.setAttribute("data-remaining", String(left.left));
    timerEl.textContent = left.left === 0 ? t("time_up") : t("time_left", { time: left.clock });
    if (!timerTick) timerTick = setInterval(renderTimer, 500);
  }

  function onTimer(msg) {
    if (!msg || typeof msg.activity !== "string") return;
    var ends = msg.ends_at ? Date.parse(msg.ends_at) : NaN;
    if (isNaN(ends)) delete timers[msg.activity];
    else timers[msg.activity] = ends;
    renderTimer();
  }

  /* The facilitator revealed (or hid) an activity's results: a phone waiting, or on that activity's closed
     page, goes to where it stands; one showing where it stands reloads (hidden again: the page says so). */
  function onRevealed(msg) {
    if (!msg || typeof msg.activity !== "string") return;
    var page = data("page");
    var here = data("activity") === msg.activity;
    if (page === "standing" && here) {
      window.location.reload();
    } else if (msg.revealed && (page === "waiting" || (page === "closed" && here))) {
      go(data("voteUrl") + "/" + encodeURIComponent(msg.activity) + "/standing");
    }
  }

  /* The phone's session cookie says who it is (no auth); html[data-live] marks it as following live. */
  function connect() {
    var handlers = {
      connect: retryNow  /* back online: send what waits on this phone */
    };
    handlers[E.STATE] = onState;
    handlers[E.ROUND] = onRound;
    handlers[E.TIMER] = onTimer;
    handlers[E.REVEALED] = onRevealed;
    handlers[E.PACE] = onPace;
    socket = P.connect(null, handlers, { reconnectionDelay: 1000, reconnectionDelayMax: 10000 });
  }

  /* Waiting without a live connection (WebSockets blocked, script failed): look again now and then. */
  setInterval(function () {
    if (data("page") === "waiting" && !(socket && socket.connected) && navigator.onLine !== false) {
      window.location.reload();
    }
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
      box.innerHTML = escapeHtml(t("points_left", { budget: budget }))
        .replace("{left}", "<b>" + left + "</b>");
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
      [["up", "\u2191", t("move_up")], ["down", "\u2193", t("move_down")],
       ["remove", "\u00d7", t("remove")]].forEach(function (b) {
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
      notify(escapeHtml(t("top_full", { top: top })),
             "info");
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
    document.querySelectorAll("form[data-fetch]").forEach(setBaseline);
    showQueued();
  }

  function updateProgress(form) {
    var progress = form.querySelector("[data-progress]");
    if (form.dataset.type === "ranking") {
      if (progress) {
        progress.textContent = t("places_unsaved", { n: rankedKeys(form).length, top: form.dataset.top });
      }
      return;
    }
    if (form.dataset.type === "points") {
      var given = 0;
      form.querySelectorAll('input[type="number"]').forEach(function (i) { if (pointsOf(i) > 0) given += 1; });
      if (progress) progress.textContent = t("points_unsaved", { n: given });
      return;
    }
    var items = form.querySelectorAll("[data-item]");
    var done = 0;
    items.forEach(function (item) {
      var axes = item.querySelectorAll("fieldset").length;
      if (item.querySelectorAll("input:checked").length === axes) done += 1;
    });
    if (progress) {
      progress.textContent = t("answered_unsaved", { n: done, total: items.length });
    }
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

  /* --- answers kept on this phone while the connection is down ------------------------------------------
     A save that cannot reach the server (offline, timeout, 5xx, 429) is kept in localStorage, one entry per
     workshop + activity + round holding the whole form (the form always shows every answer, so the latest
     snapshot is the latest answer per item). The queue is sent when the connection returns (`online`, socket
     reconnect, a retry timer with back-off). The server keeps one value per participant, item, dimension and
     round, so an entry sent twice never counts twice. A round that is no longer open answers 409: the entry is
     dropped and the participant told once. */

  var sending = false;
  var retryDelay = RETRY_FIRST_MS;
  var retryTimer = null;

  function loadQueue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "{}") || {}; } catch (e) { return {}; }
  }

  function storeQueue(queue) {
    try {
      if (Object.keys(queue).length) window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
      else window.localStorage.removeItem(QUEUE_KEY);
      return true;
    } catch (e) { return false; }
  }

  function workshopId() { return data("workshop"); }

  function formFields(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") fields.push([name, value]);
    });
    return fields;
  }

  /* Answers per item: fields are named "<item>.<dimension>"; csrf_token, activity and round are not answers. */
  function itemValues(fields) {
    var values = {};
    fields.forEach(function (field) {
      var dot = field[0].indexOf(".");
      if (dot < 1) return;
      var item = field[0].slice(0, dot);
      values[item] = (values[item] || "") + field[0] + "=" + field[1] + "&";
    });
    return values;
  }

  function setBaseline(form) { form._baseline = itemValues(formFields(form)); }

  function changedItems(form, fields) {
    var now = itemValues(fields), before = form._baseline || {};
    var keys = {};
    Object.keys(now).concat(Object.keys(before)).forEach(function (k) {
      if ((now[k] || "") !== (before[k] || "")) keys[k] = true;
    });
    return Object.keys(keys);
  }

  function fieldValue(fields, name) {
    for (var i = 0; i < fields.length; i++) if (fields[i][0] === name) return fields[i][1];
    return "";
  }

  function entryKey(workshop, activity, round) { return workshop + "/" + activity + "/" + round; }

  function formKey(fields) {
    return entryKey(workshopId(), fieldValue(fields, "activity") || data("activity"), fieldValue(fields, "round"));
  }

  function ownEntries(queue) {
    var workshop = workshopId();
    return Object.keys(queue).filter(function (k) { return workshop && queue[k].workshop === workshop; });
  }

  function waitingCount() {
    var queue = loadQueue();
    return ownEntries(queue).reduce(function (n, k) { return n + (queue[k].items || []).length; }, 0);
  }

  /* A banner at the top of the page while answers wait on this phone (kept apart from other notices). */
  function showQueued() {
    var n = waitingCount();
    var banner = root.querySelector("[data-queue-notice]");
    if (!n) { if (banner) banner.remove(); return; }
    if (!banner) {
      banner = document.createElement("p");
      banner.className = "notice notice-warn queue-notice";
      banner.setAttribute("role", "status");
      banner.setAttribute("data-queue-notice", "");
      var title = root.querySelector(".page-title");
      root.insertBefore(banner, title ? title.nextSibling : root.firstChild);
    }
    banner.setAttribute("data-queued", String(n));
    banner.textContent = t("queued", { n: n });
  }

  function queueForm(form) {
    var fields = formFields(form);
    var key = formKey(fields);
    var queue = loadQueue();
    var previous = queue[key];
    var items = (previous ? previous.items : []).slice();
    changedItems(form, fields).forEach(function (k) { if (items.indexOf(k) < 0) items.push(k); });
    if (!items.length) {
      notify(escapeHtml(t("nothing_new")), "info");
      return true;
    }
    var heading = root.querySelector(".page-title");
    queue[key] = { url: form.action, workshop: workshopId(), activity: fieldValue(fields, "activity"),
                   round: fieldValue(fields, "round"), title: heading ? heading.textContent.trim() : "",
                   fields: fields, items: items, at: Date.now() };
    if (!storeQueue(queue)) return false;
    dirty = false;
    showQueued();
    if (root.querySelector("[data-live-notice]")) {  /* also next to the Save button, where the thumb is */
      notify(escapeHtml(t("queued", { n: waitingCount() })), "warn");
    }
    scheduleRetry();
    return true;
  }

  function dropEntry(key) {
    var queue = loadQueue();
    delete queue[key];
    storeQueue(queue);
  }

  function currentCsrf() {
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function retryNow() {
    retryDelay = RETRY_FIRST_MS;
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    flush();
  }

  /* Put a page the server sent in place of this one (a save answered with the fresh form). */
  function applyPage(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("phone");
    if (!fresh) return false;
    document.title = doc.title;
    root.replaceWith(fresh);
    root = fresh;
    enhance();
    dirty = false;
    return true;
  }

  function showsEntry(entry) {
    var form = root.querySelector("form[data-fetch]");
    return !!form && data("activity") === entry.activity && fieldValue(formFields(form), "round") === entry.round;
  }

  /* Send one queued entry; resolves "sent", "dropped" or "retry". */
  function sendEntry(key, entry) {
    var body = new FormData();
    var csrf = currentCsrf();
    entry.fields.forEach(function (f) { body.append(f[0], f[0] === "csrf_token" && csrf ? csrf : f[1]); });
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, SAVE_TIMEOUT_MS);
    return fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      return response.text().then(function (html) {
        clearTimeout(timer);
        var status = response.status;
        if (status === 429 || status >= 500) return "retry";
        var title = entry.title || entry.activity;
        if (status === 409) {
          dropEntry(key);
          tell(t("queue_closed", { title: title }), "error");
          return "dropped";
        }
        if (response.redirected) {  /* not this participant any more, or an expired form token: start afresh */
          dropEntry(key);
          return "dropped";
        }
        if (status === 422) {
          dropEntry(key);
          if (showsEntry(entry) && !dirty) applyPage(html);
          tell(t("queue_refused", { title: title }), "error");
          return "dropped";
        }
        if (!response.ok) return "retry";
        dropEntry(key);
        if (showsEntry(entry) && !dirty) applyPage(html);
        tell(t("queue_sent", { n: (entry.items || []).length }), "ok");
        return "sent";
      });
    }).catch(function () { clearTimeout(timer); return "retry"; });
  }

  /* A message about queued answers: shown now, and carried to the next page if the phone moves on. */
  function tell(text, kind) {
    carry = { text: text, kind: kind, at: Date.now() };
    notify(escapeHtml(text), kind);
  }

  function flush() {
    if (sending) return;
    var queue = loadQueue();
    var keys = ownEntries(queue);
    showQueued();
    if (!keys.length || !window.fetch) { goPending(); return; }
    if (navigator.onLine === false) { scheduleRetry(); return; }
    sending = true;
    sendEntry(keys[0], queue[keys[0]]).then(function (outcome) {
      sending = false;
      showQueued();
      if (outcome === "retry") { scheduleRetry(); goPending(); }
      else { retryDelay = RETRY_FIRST_MS; flush(); }
    });
  }

  function showCarried() {
    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(NOTICE_KEY) || "null");
      window.sessionStorage.removeItem(NOTICE_KEY);
    } catch (e) { saved = null; }
    if (saved && typeof saved.text === "string") notify(escapeHtml(saved.text), saved.kind || "info");
  }

  window.addEventListener("online", function () {
    /* The network is back: reconnect now rather than at the end of the socket's back-off (up to 10 s and more),
       so the phone follows the facilitator at once; the connect handler then sends what waits. */
    if (socket && !socket.connected) {
      socket.disconnect();
      socket.connect();
    }
    retryNow();
  });

  /* Saving goes through fetch: the server answers with the fresh page, put in place without a reload. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-fetch") || !window.fetch || !window.FormData || !window.DOMParser) return;
    event.preventDefault();
    var button = form.querySelector("[data-save]");
    function idle() {
      if (!button) return;
      button.removeAttribute("aria-busy");
      button.textContent = t("save");
    }
    if (button) {
      if (button.getAttribute("aria-busy") === "true") return;  /* a double tap sends once */
      button.setAttribute("aria-busy", "true");
      button.textContent = t("saving");
    }
    var fields = formFields(form);
    var key = formKey(fields);
    if (navigator.onLine === false) {
      idle();
      if (!queueForm(form)) notify(escapeHtml(t("not_saved", { why: t("why_offline"), save: t("save") })), "error");
      return;
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
      var status = result.response.status;
      if (status === 429 || status >= 500) {
        var busy = new Error("HTTP " + status);
        busy.status = status;
        throw busy;
      }
      if (result.response.redirected) { go(result.response.url); return; }
      if (!applyPage(result.html)) {
        var failure = new Error("HTTP " + status);
        failure.status = status;
        failure.final = true;
        throw failure;
      }
      if (result.response.ok || status === 409) dropEntry(key);  /* this save supersedes what waited */
      showQueued();
      var target = root.querySelector(".item.has-error") || document.getElementById("status");
      if (target) {
        target.scrollIntoView({ block: "start" });
        if (target.id === "status") target.focus({ preventScroll: true });
      }
      decide();
    }).catch(function (error) {
      clearTimeout(timer);
      idle();
      /* The connection dropped, timed out, or the server was busy: keep the answers on this phone. */
      if (!error.final && queueForm(form)) return;
      var why = !error.status ? t("why_offline") :
        error.status === 429 ? t("why_busy") :
          t("why_server");
      notify(escapeHtml(t("not_saved", { why: why, save: t("save") })), "error");
    });
  });

  /* A phone about to join (again) starts with an empty queue: answers kept for someone else must not be sent
     in the new participant's name. */
  if (data("page") === "groups" || data("page") === "join") storeQueue({});

  enhance();
  showCarried();
  connect();
  flush();
})();
