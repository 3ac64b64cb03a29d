/* The map of a geographic dataset: the published features (GeoJSON from the records API)
   over the configured tiles. Without JavaScript the element keeps its text. */
(function () {
  "use strict";
  var element = document.getElementById("data-map");
  if (!element || !window.L) { return; }
  var status = document.getElementById("data-map-status");
  element.textContent = "";
  var map = L.map(element, { scrollWheelZoom: false });
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {
      maxZoom: 19, attribution: element.dataset.attribution || ""
    }).addTo(map);
  }
  var box = JSON.parse(element.dataset.bbox || "null");
  if (box) {
    map.fitBounds([[box[1], box[0]], [box[3], box[2]]], { padding: [10, 10] });
  } else {
    map.setView([0, 0], 1);
  }

  function popup(feature, layer) {
    var table = document.createElement("table");
    Object.keys(feature.properties || {}).forEach(function (key) {
      var row = table.insertRow();
      var name = document.createElement("th");
      name.scope = "row";
      name.textContent = key;
      row.appendChild(name);
      var value = feature.properties[key];
      row.insertCell().textContent = value === null ? "" : String(value);
    });
    layer.bindPopup(table);
  }

  fetch(element.dataset.geojson, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (collection) {
      var layer = L.geoJSON(collection, {
        onEachFeature: popup,
        pointToLayer: function (feature, point) {
          return L.circleMarker(point, { radius: 5, weight: 1 });
        }
      }).addTo(map);
      var shown = collection.features.length;
      element.dataset.features = String(shown);
      if (status) {
        status.textContent = shown < collection.total
          ? "The map shows the first " + shown + " of " + collection.total + " features."
          : "The map shows all " + shown + " features.";
      }
      if (!box && shown) { map.fitBounds(layer.getBounds()); }
    })
    .catch(function (error) {
      if (status) { status.textContent = "The map could not load its features (" + error.message + ")."; }
    });
})();
