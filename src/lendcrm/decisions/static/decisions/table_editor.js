/* Decision-table editor: keyboard movement between cells. Tab and Shift+Tab move along a row
   (the browser does that); Enter moves down and Shift+Enter up in the same column, instead of
   submitting the form. Works again after htmx re-renders the grid (event delegation). */
(function () {
  "use strict";

  function cellAt(row, kind, column) {
    return document.querySelector('[data-cell="' + row + "-" + kind + "-" + column + '"]');
  }

  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || !field || !field.hasAttribute || !field.hasAttribute("data-cell")) {
      return;
    }
    event.preventDefault();
    var parts = field.getAttribute("data-cell").split("-");
    var row = parseInt(parts[0], 10) + (event.shiftKey ? -1 : 1);
    var next = cellAt(row, parts[1], parts[2]);
    if (next) {
      next.focus();
      next.select();
    }
  });
})();
