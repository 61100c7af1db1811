// The case page's BPMN diagram: bpmn-js NavigatedViewer, laid out automatically when the file has no
// drawing, with done / current / failed steps marked. A marked step is clickable: it opens the list of
// steps below and highlights that step.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "./case-diagram.css";
import { withDiagram } from "./layout.js";

const container = document.getElementById("case-diagram");

function showError() {
  container.setAttribute("data-state", "error");
  const message = document.getElementById("diagram-error");
  if (message) { message.hidden = false; }
  const steps = document.getElementById("case-steps");
  if (steps) { steps.open = true; }
}

function showStep(elementId) {
  const steps = document.getElementById("case-steps");
  if (!steps) { return; }
  steps.open = true;
  steps.querySelectorAll(".step-highlight").forEach((item) => item.classList.remove("step-highlight"));
  const item = Array.from(steps.querySelectorAll("li[data-element]"))
    .find((li) => li.getAttribute("data-element") === elementId);
  if (item) {
    item.classList.add("step-highlight");
    item.scrollIntoView({ block: "nearest" });
  }
}

async function draw() {
  const markers = JSON.parse(container.getAttribute("data-markers") || "{}");
  const viewer = new NavigatedViewer({ container });
  const response = await fetch(container.getAttribute("data-source"), { credentials: "same-origin" });
  if (!response.ok) { throw new Error(String(response.status)); }
  const { xml, laidOut } = await withDiagram(await response.text());
  await viewer.importXML(xml);
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  canvas.zoom("fit-viewport", "auto");
  const marked = new Set();
  Object.keys(markers).forEach((kind) => {
    (markers[kind] || []).forEach((id) => {
      if (registry.get(id)) {
        canvas.addMarker(id, "tdkt-" + kind);
        canvas.addMarker(id, "tdkt-clickable");
        marked.add(id);
      }
    });
  });
  viewer.get("eventBus").on("element.click", (event) => {
    if (marked.has(event.element.id)) { showStep(event.element.id); }
  });
  container.setAttribute("data-layout", laidOut ? "auto" : "file");
  container.setAttribute("data-state", "ready");
}

if (container) {
  draw().catch(showError);
}
