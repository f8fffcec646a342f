/* lendcrm page behaviour shared by every page. No inline scripts: pages pass data through
   data-* attributes and <script type="application/json"> blocks. */
(function () {
  "use strict";

  var body = document.body;

  function showMessage(text, level) {
    var area = document.getElementById("messages");
    if (!area || !text) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-" + (level || "danger") + " alert-dismissible fade show";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", body.getAttribute("data-msg-close") || "×");
    alert.appendChild(close);
    area.appendChild(alert);
  }

  // A failed htmx request says so instead of silently doing nothing.
  body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var detail = "";
    try {
      detail = xhr && JSON.parse(xhr.responseText).detail;
    } catch (ignored) {
      detail = "";
    }
    showMessage(detail || body.getAttribute("data-msg-request-failed"), "danger");
  });
  body.addEventListener("htmx:sendError", function () {
    showMessage(body.getAttribute("data-msg-request-failed"), "danger");
  });

  // <form data-confirm="..."> or <button data-confirm="..."> asks before submitting.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var holder = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
      if (!holder || !holder.hasAttribute || !holder.hasAttribute("data-confirm")) {
        return;
      }
      var question = holder.getAttribute("data-confirm") || body.getAttribute("data-msg-confirm");
      if (!window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // <select data-autosubmit> submits its form when changed; inline onchange= is blocked by the
  // Content-Security-Policy.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field || !field.form || !field.hasAttribute("data-autosubmit")) {
      return;
    }
    if (field.form.requestSubmit) {
      field.form.requestSubmit();
    } else {
      field.form.submit();
    }
  });

  window.lendcrm = window.lendcrm || {};
  window.lendcrm.showMessage = showMessage;
})();
