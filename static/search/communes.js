// Commune suggestions while typing, from /api/v1/communes; the form works without them.
(function () {
  "use strict";
  var script = document.currentScript;
  var api = script && script.dataset.api;
  var list = document.getElementById("communes-suggestions");
  var input = document.querySelector('input[list="communes-suggestions"]');
  if (!api || !list || !input || !window.fetch) {
    return;
  }
  var timer = null;
  var asked = "";
  input.addEventListener("input", function () {
    var text = input.value.trim();
    if (text.length < 2 || text === asked || /\(\d{5}\)$/.test(text)) {
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(function () {
      asked = text;
      fetch(api + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.results.map(function (commune) {
            var option = document.createElement("option");
            option.value = commune.label;
            return option;
          }));
        })
        .catch(function () { /* suggestions are a convenience */ });
    }, 200);
  });
})();
