// The case page's BPMN diagram: bpmn-js NavigatedViewer, with done / current / failed steps marked.
(function () {
  "use strict";
  var container = document.getElementById("case-diagram");
  if (!container || typeof window.BpmnJS !== "function") { return; }
  var markers = JSON.parse(container.getAttribute("data-markers") || "{}");
  var viewer = new window.BpmnJS({ container: container });

  function showError() {
    container.setAttribute("data-state", "error");
    var message = document.getElementById("diagram-error");
    if (message) { message.hidden = false; }
  }

  fetch(container.getAttribute("data-source"), { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      canvas.zoom("fit-viewport", "auto");
      Object.keys(markers).forEach(function (kind) {
        (markers[kind] || []).forEach(function (id) {
          if (registry.get(id)) { canvas.addMarker(id, "tdkt-" + kind); }
        });
      });
      container.setAttribute("data-state", "ready");
    })
    .catch(showError);
})();
