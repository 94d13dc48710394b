/* What every live page shares: window.Prioritas.
 *
 *   t(key, vars)     translated text from the page's #i18n block (and #i18n-room on the screen); the key itself
 *                    when the page has no text for it; {name} placeholders are filled from `vars`.
 *   format(text, vars) the same placeholders in a text the page gave otherwise (a data- attribute).
 *   countdown(ends)  a running countdown: {left: whole seconds, never below 0, clock: "m:ss"}.
 *   connect(auth, handlers, options)
 *                    the Socket.IO connection (null without the vendored client): jittered back-off, WebSocket
 *                    only where the page says several workers share the port; html[data-live] says "connected"
 *                    or "offline" (for the stylesheet, and for tests that wait for it); `handlers` maps event
 *                    names to functions.
 *   events           the event names the server sends (app/events.py), from the page's #prioritas-events block.
 *   readJSON, byId, setText, clearChildren, escapeHtml: small DOM helpers.
 *
 * Loaded before the page's own script, with no build step; it holds no text of its own.
 */
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  function readJSON(id, fallback) {
    var node = byId(id);
    if (!node) return fallback;
    try { return JSON.parse(node.textContent || "null") || fallback; } catch (e) { return fallback; }
  }

  var strings = {};
  ["i18n", "i18n-room"].forEach(function (id) {
    var block = readJSON(id, {});
    Object.keys(block).forEach(function (key) { strings[key] = block[key]; });
  });

  /* {name} placeholders filled from `vars`, in one pass (inserted text is never scanned again); a placeholder
     without a value stays as it is, for the caller to fill (e.g. with markup). */
  function format(text, vars) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return vars && Object.prototype.hasOwnProperty.call(vars, name) && vars[name] !== undefined
        ? String(vars[name]) : all;
    });
  }

  function t(key, vars) {
    return format(typeof strings[key] === "string" && strings[key] ? strings[key] : key, vars);
  }

  function countdown(ends) {
    var left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
    var ss = left % 60;
    return { left: left, clock: Math.floor(left / 60) + ":" + (ss < 10 ? "0" : "") + ss };
  }

  function setText(node, text) {
    if (node && node.textContent !== String(text)) node.textContent = String(text);
  }

  function clearChildren(node) { while (node && node.firstChild) node.removeChild(node.firstChild); }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function websocketOnly() {
    return !!document.querySelector('meta[name="prioritas-socket"][content="websocket"]');
  }

  /* One connection per page. Jitter (±50 %) keeps a thousand phones from knocking all at once after a server
     restart; `options` adds Socket.IO client options (path, reconnection delays). */
  function connect(auth, handlers, options) {
    if (typeof window.io !== "function") return null;
    var settings = { randomizationFactor: 0.5 };
    Object.keys(options || {}).forEach(function (name) { settings[name] = options[name]; });
    if (auth) settings.auth = auth;
    if (websocketOnly()) settings.transports = ["websocket"];
    var socket = window.io(settings);
    var html = document.documentElement;
    socket.on("connect", function () { html.setAttribute("data-live", "connected"); });
    socket.on("disconnect", function () { html.setAttribute("data-live", "offline"); });
    Object.keys(handlers || {}).forEach(function (name) { socket.on(name, handlers[name]); });
    return socket;
  }

  window.Prioritas = {
    t: t,
    format: format,
    countdown: countdown,
    connect: connect,
    events: readJSON("prioritas-events", {}),
    readJSON: readJSON,
    byId: byId,
    setText: setText,
    clearChildren: clearChildren,
    escapeHtml: escapeHtml
  };
})();
