/* Small progressive enhancements for Schakel; every page works without them. */
(function () {
  "use strict";

  /* Character counters: a field with data-counter names the paragraph that counts for it. */
  function updateCounter(field) {
    var counter = document.getElementById(field.getAttribute("data-counter"));
    if (!counter) { return; }
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    var left = limit - field.value.length;
    var template = left >= 0 ? counter.getAttribute("data-left") : counter.getAttribute("data-over");
    counter.textContent = template.replace("__N__", String(Math.abs(left)));
    counter.classList.toggle("schakel-counter--over", left < 0);
  }

  function setUp(root) {
    root.querySelectorAll("[data-counter]").forEach(function (field) {
      field.setAttribute("aria-controls", field.getAttribute("data-counter"));
      var counter = document.getElementById(field.getAttribute("data-counter"));
      if (counter) { counter.setAttribute("aria-live", "polite"); }
      if (field.value.length) { updateCounter(field); }
    });
    var summary = root.querySelector(".schakel-error-summary");
    if (summary && root === document) { summary.focus(); }
  }

  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-counter")) {
      updateCounter(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUp(event.target); });
})();
