// TĐKT Flow pages: the CSRF token on every htmx request, confirmations on dangerous forms,
// "select all" check boxes of the dashboard's lists.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:configRequest", function (event) {
    if (meta) { event.detail.headers["X-CSRF-Token"] = meta.content; }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  }, true);
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || !box.hasAttribute || !box.hasAttribute("data-select-all") || !box.form) { return; }
    box.form.querySelectorAll('input[type="checkbox"][name="ids"]').forEach(function (each) {
      each.checked = box.checked;
    });
  });
})();
