// One person, one voice: mark groups over their expected headcount as the live `participation` event arrives
// ({groups, expected, over}); the page already shows the state it was rendered with, so this only follows.
(function () {
  "use strict";
  var root = document.querySelector("[data-console]");
  var alertBox = document.querySelector("[data-over-alert]");
  if (!root || !alertBox) { return; }
  var names = alertBox.querySelector("[data-over-groups]");

  root.addEventListener("prioritas:participation", function (event) {
    var data = event.detail || {};
    var over = Array.isArray(data.over) ? data.over : [];
    var labels = [];
    root.querySelectorAll(".people-panel [data-group]").forEach(function (row) {
      var key = row.getAttribute("data-group");
      var isOver = over.indexOf(key) !== -1;
      row.classList.toggle("over-expected", isOver);
      if (data.expected && Object.prototype.hasOwnProperty.call(data.expected, key)) {
        row.setAttribute("data-expected", data.expected[key] === null ? "" : String(data.expected[key]));
      }
      if (isOver) {
        var name = row.querySelector(".group-name");
        labels.push(name ? name.firstChild.textContent.trim() : key);
      }
    });
    if (names) { names.textContent = labels.join(", "); }
    alertBox.hidden = over.length === 0;
  });
})();
