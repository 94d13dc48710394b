/* Console: the kept/dropped table of the next Delphi round follows the threshold as the facilitator moves it.
   Without JavaScript the "Preview" button reloads the console with the typed threshold. */
(function () {
  "use strict";
  var format = window.Prioritas.format;  // the labels come from the console's data- attributes

  function setUp(box) {
    var slider = box.querySelector("[data-delphi-slider]");
    var number = box.querySelector("[data-delphi-threshold]");
    var hidden = box.querySelector("[data-delphi-value]");
    var table = box.querySelector("table[data-criterion]");
    var start = box.querySelector("[data-delphi-start]");
    var summary = box.querySelector("[data-delphi-summary]");
    if (!number || !table || !hidden) return;
    var spread = table.getAttribute("data-criterion") === "iqr";
    var rows = Array.prototype.slice.call(table.querySelectorAll("tr[data-item]"));

    function update(raw) {
      var value = parseFloat(raw);
      if (isNaN(value)) return;
      var kept = 0, dropped = 0;
      rows.forEach(function (row) {
        var figure = row.getAttribute("data-figure");
        var f = parseFloat(figure);
        var converged = figure !== "" && !isNaN(f) && (spread ? f <= value + 1e-9 : f >= value - 1e-9);
        row.setAttribute("data-converged", converged ? "1" : "0");
        var status = row.querySelector("[data-delphi-status]");
        if (status) status.textContent = box.getAttribute(converged ? "data-drop-label" : "data-keep-label");
        if (converged) dropped += 1; else kept += 1;
      });
      hidden.value = String(value);
      if (summary) {
        summary.textContent = format(box.getAttribute("data-summary"), { kept: kept, dropped: dropped });
      }
      if (start) {
        start.disabled = kept === 0;
        start.textContent = format(box.getAttribute("data-start"), { kept: kept });
      }
    }

    if (slider) {
      slider.hidden = false;
      slider.addEventListener("input", function () { number.value = slider.value; update(slider.value); });
    }
    number.addEventListener("input", function () {
      if (slider) slider.value = number.value;
      update(number.value);
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-delphi-next]"), setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
