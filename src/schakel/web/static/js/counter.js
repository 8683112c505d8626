// A counter under each text field with a limit (data-counter="N"): how many characters are left.
// The limit is also in the field's hint and enforced by maxlength and by the server.
(function () {
  "use strict";
  function attach(field) {
    if (field.dataset.counterReady) return;
    field.dataset.counterReady = "1";
    var limit = parseInt(field.dataset.counter, 10);
    var out = document.createElement("p");
    out.className = "utrecht-form-field-description schakel-counter";
    out.setAttribute("aria-live", "polite");
    var template = document.documentElement.lang === "en" ? "{n} characters left" : "Nog {n} tekens";
    function update() {
      out.textContent = template.replace("{n}", String(limit - field.value.length));
    }
    field.insertAdjacentElement("afterend", out);
    field.addEventListener("input", update);
    update();
  }
  function scan(root) {
    root.querySelectorAll("[data-counter]").forEach(attach);
  }
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:afterSwap", function (e) { scan(e.target); });
})();
