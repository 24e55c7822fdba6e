// The body map: its shapes mirror the region checkboxes (the checkboxes are the real, labelled
// controls: keyboard and screen readers use them, and the page works without this script).
"use strict";
(function () {
  function setUp(map) {
    var form = map.closest("form");
    if (!form) { return; }
    function box(code) {
      return form.querySelector('input[name="regions"][value="' + code + '"]');
    }
    function sync() {
      map.querySelectorAll("[data-region]").forEach(function (shape) {
        var input = box(shape.getAttribute("data-region"));
        shape.classList.toggle("on", Boolean(input && input.checked));
      });
    }
    map.addEventListener("click", function (event) {
      var shape = event.target.closest("[data-region]");
      if (!shape) { return; }
      var input = box(shape.getAttribute("data-region"));
      if (!input) { return; }
      input.checked = !input.checked;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    form.addEventListener("change", sync);
    sync();
  }
  function start() { document.querySelectorAll("[data-bodymap]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
