/* A "Print" button on printable pages (seat cards): no inline handler, so the page keeps its strict CSP. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
