// Reviewer workspace keys: Alt+1…9 moves to a section, Ctrl+Enter (⌘+Enter) submits the opinion.
(function () {
  "use strict";
  var links = document.querySelectorAll("#workspace-nav [data-section-key]");
  var byKey = {};
  links.forEach(function (link) { byKey[link.dataset.sectionKey] = link; });

  function focusSection(link) {
    var section = document.querySelector(link.getAttribute("href"));
    if (!section) { return; }
    section.scrollIntoView({ block: "start" });
    var first = section.querySelector("input:not([type=hidden]), select, textarea, button");
    if (first && (section.id === "sec-opinion" || section.id === "sec-phone")) {
      first.focus();
    } else {
      section.focus();
    }
  }

  links.forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); focusSection(link); });
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey && byKey[event.key]) {
      event.preventDefault();
      focusSection(byKey[event.key]);
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var form = document.querySelector("form[data-submit-shortcut]");
      if (form) {
        event.preventDefault();
        if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
      }
    }
  });
})();
