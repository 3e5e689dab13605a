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

// Select2 (Flask-Admin's lookups, version 3) speaks English: its messages in French, set before
// Flask-Admin's form script builds the widgets.
(function () {
  "use strict";
  if (!window.jQuery || !window.jQuery.fn.select2) {
    return;
  }
  window.jQuery.extend(window.jQuery.fn.select2.defaults, {
    formatMatches: function (count) {
      return count === 1 ? "Un résultat : appuyez sur Entrée pour le choisir."
        : count + " résultats : parcourez-les avec les flèches haut et bas.";
    },
    formatNoMatches: function () { return "Aucun résultat"; },
    formatAjaxError: function () { return "Le chargement a échoué"; },
    formatInputTooShort: function (input, min) {
      var missing = min - input.length;
      return "Tapez encore " + missing + " caractère" + (missing > 1 ? "s" : "");
    },
    formatInputTooLong: function (input, max) {
      var extra = input.length - max;
      return "Effacez " + extra + " caractère" + (extra > 1 ? "s" : "");
    },
    formatSelectionTooBig: function (limit) {
      return limit + (limit > 1 ? " choix au plus" : " seul choix");
    },
    formatLoadMore: function () { return "Chargement de la suite…"; },
    formatSearching: function () { return "Recherche…"; }
  });
})();
