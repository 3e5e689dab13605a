// The map of the results: each listed carer's commune, with a link to her page.
// The list above stays the reference; without JavaScript or tiles the map simply stays hidden.
(function () {
  "use strict";
  var element = document.getElementById("carte");
  if (!element || !window.L) {
    return;
  }
  var data = element.dataset;
  element.hidden = false;
  var centre = [parseFloat(data.latitude), parseFloat(data.longitude)];
  var map = window.L.map(element, { scrollWheelZoom: false }).setView(centre, 11);
  window.L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
  window.L.circle(centre, { radius: parseFloat(data.radiusKm) * 1000, fill: false }).addTo(map);
  var bounds = [centre];
  // Each result carries its point; her name, page and commune are read from her card.
  document.querySelectorAll(".search-result[data-latitude]").forEach(function (item) {
    var point = [parseFloat(item.dataset.latitude), parseFloat(item.dataset.longitude)];
    var title = item.querySelector(".fr-card__title a");
    var name = title.textContent;
    var link = document.createElement("a");
    link.href = title.getAttribute("href");
    link.textContent = name + " – " + item.querySelector(".search-commune").textContent;
    window.L.marker(point, { alt: name, keyboard: true }).addTo(map).bindPopup(link);
    bounds.push(point);
  });
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
})();
