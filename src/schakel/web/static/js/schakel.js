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
    /* "49.500 tekens te veel": grouped as the page's language writes numbers. */
    var count = Math.abs(left).toLocaleString(document.documentElement.lang || "nl");
    counter.textContent = template.replace("__N__", count);
    counter.classList.toggle("schakel-counter--over", left < 0);
  }

  function setUp(root) {
    root.querySelectorAll("[data-counter]").forEach(function (field) {
      field.setAttribute("aria-controls", field.getAttribute("data-counter"));
      var counter = document.getElementById(field.getAttribute("data-counter"));
      if (counter) { counter.setAttribute("aria-live", "polite"); }
      if (field.value.length) { updateCounter(field); }
    });
    /* A table wider than the screen scrolls sideways: keyboard users must reach it too. */
    root.querySelectorAll(".utrecht-table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1 && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
      }
    });
    var summary = root.querySelector(".schakel-error-summary");
    if (summary && root === document) { summary.focus(); }
  }

  /* Main menu: open on wide screens (the groups show in a row), one group open at a time,
     Escape and a click elsewhere close it. Without JavaScript the <details> still work. */
  var wide = window.matchMedia("(min-width: 48rem)");
  function layoutMenu() {
    document.querySelectorAll("[data-menu]").forEach(function (menu) {
      menu.open = wide.matches;
      menu.querySelectorAll("[data-menu-group]").forEach(function (group) {
        group.open = !wide.matches;
      });
    });
  }
  function closeGroups(except) {
    if (!wide.matches) { return; }
    document.querySelectorAll("[data-menu-group][open]").forEach(function (group) {
      if (group !== except) { group.open = false; }
    });
  }
  document.addEventListener("toggle", function (event) {
    var group = event.target;
    if (group.hasAttribute && group.hasAttribute("data-menu-group") && group.open) { closeGroups(group); }
  }, true);
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-menu-group]")) { closeGroups(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector("[data-menu-group][open]");
    if (open && wide.matches) { open.open = false; open.querySelector("summary").focus(); }
  });
  wide.addEventListener("change", layoutMenu);

  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-counter")) {
      updateCounter(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { layoutMenu(); setUp(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUp(event.target); });
})();
