/* Reveal forms for masked personal data. A refusal (403) or a rejected reason (422) comes back
   as an HTML fragment that explains itself, so it replaces the field like a success does.
   Targets opt in with data-swap-status="403 422". */
(function () {
  "use strict";

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var allowed = target && target.getAttribute ? target.getAttribute("data-swap-status") : "";
    if (!allowed) {
      return;
    }
    if (allowed.split(/\s+/).indexOf(String(event.detail.xhr.status)) !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
