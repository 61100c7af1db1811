// The studio's version comparison: each version's diagram in a bpmn-js NavigatedViewer, with the
// added / removed / changed elements marked (the lists on the page say the same in words).
(function () {
  "use strict";
  if (typeof window.BpmnJS !== "function") { return; }
  document.querySelectorAll(".diff-diagram").forEach(function (container) {
    var markers = JSON.parse(container.getAttribute("data-markers") || "{}");
    var viewer = new window.BpmnJS({ container: container });
    fetch(container.getAttribute("data-source"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        canvas.zoom("fit-viewport", "auto");
        var marked = [];
        Object.keys(markers).forEach(function (kind) {
          (markers[kind] || []).forEach(function (id) {
            if (registry.get(id)) { canvas.addMarker(id, "diff-" + kind); marked.push(id); }
          });
        });
        container.setAttribute("data-marked", marked.join(" "));
        container.setAttribute("data-state", "ready");
      })
      .catch(function () {
        container.setAttribute("data-state", "error");
        var message = document.querySelector(".diff-diagram-error");
        if (message) { message.hidden = false; }
      });
  });
})();
