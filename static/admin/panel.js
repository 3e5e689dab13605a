// What Flask-Admin's templates did with inline event handlers, which the CSP refuses:
// bulk actions, filter links and delete confirmations, bound here from data attributes.
(function () {
  "use strict";
  // Flask-Admin's links to "javascript:void(0)" (menus, tabs, pagination) would be navigations the
  // CSP refuses: the click is cancelled first, and the menus' own handlers still run.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='javascript:']");
    if (link) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-model-action], [data-prevent-default], [data-confirm]");
    if (!target) {
      return;
    }
    if (target.hasAttribute("data-model-action")) {
      event.preventDefault();
      if (window.modelActions) {
        window.modelActions.execute(target.getAttribute("data-model-action"));
      }
    } else if (target.hasAttribute("data-prevent-default")) {
      event.preventDefault();
    } else if (!window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
