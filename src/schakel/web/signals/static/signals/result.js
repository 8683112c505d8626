// The result page: print (or save as PDF) with every section open.
(function () {
  "use strict";
  function openAll() {
    document.querySelectorAll("details.schakel-more").forEach(function (d) { d.open = true; });
  }
  window.addEventListener("beforeprint", openAll);
  document.querySelectorAll("[data-schakel-print]").forEach(function (button) {
    button.addEventListener("click", function () { openAll(); window.print(); });
  });
})();
