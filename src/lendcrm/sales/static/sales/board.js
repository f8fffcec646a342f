/* The pipeline board: drag a card (HTML5 drag and drop) onto another stage column and its
   "move to" form is submitted through htmx. Moving back needs a reason, so a backward drop
   opens the card's form with the stage chosen and the reason field focused instead. */
(function () {
  "use strict";

  var dragged = null;

  function columnOf(element) {
    return element && element.closest ? element.closest(".board-column") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".board-card") : null;
    if (!card) {
      return;
    }
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-lead-id"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("is-dragging");
    }
    document.querySelectorAll(".board-column.is-drop-target").forEach(function (column) {
      column.classList.remove("is-drop-target");
    });
    dragged = null;
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("is-drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var column = columnOf(event.target);
    if (column && !column.contains(event.relatedTarget)) {
      column.classList.remove("is-drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) {
      return;
    }
    event.preventDefault();
    column.classList.remove("is-drop-target");
    var card = dragged;
    var stage = column.getAttribute("data-stage");
    if (stage === card.getAttribute("data-stage")) {
      return;
    }
    var form = card.querySelector("form[data-move-form]");
    var select = form.querySelector("select[name=to]");
    var reason = form.querySelector("input[name=reason]");
    select.value = stage;
    var backward = Number(column.getAttribute("data-rank")) < Number(card.getAttribute("data-rank"));
    if (backward && !reason.value.trim()) {
      card.querySelector("details").open = true;
      reason.required = true;
      reason.focus();
      return;
    }
    form.requestSubmit();
  });
})();
