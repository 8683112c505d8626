// Limits with a counter: "123 of 2000 characters", announced politely; over the limit the
// counter says by how much, and the text is kept as typed (the server explains on sending).
(function () {
  "use strict";
  var nl = (document.documentElement.lang || "nl").indexOf("nl") === 0;
  function words(count, limit) {
    if (count > limit) {
      return nl ? (count - limit) + " tekens te veel (maximaal " + limit + ")"
                : (count - limit) + " characters too many (at most " + limit + ")";
    }
    return nl ? count + " van " + limit + " tekens" : count + " of " + limit + " characters";
  }
  document.querySelectorAll("[data-limit]").forEach(function (field) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    if (!limit) { return; }
    var counter = document.createElement("p");
    counter.className = "schakel-counter";
    counter.id = field.id + "-counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    function update() {
      counter.textContent = words(field.value.length, limit);
      counter.classList.toggle("schakel-counter--over", field.value.length > limit);
    }
    field.addEventListener("input", update);
    update();
  });
})();
