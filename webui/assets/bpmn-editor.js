// The studio's BPMN editor: bpmn-js Modeler, the properties panel with our conventions, bpmnlint for
// modelling mistakes, and validate / save draft / deploy against the server, whose problems are placed
// on their elements (marker and badge) and listed with their line numbers.
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import lintModule from "bpmn-js-bpmnlint";
import bpmnlintConfig from "tdkt-bpmnlint-config";
import { is } from "bpmn-js/lib/util/ModelUtil";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "@bpmn-io/properties-panel/assets/properties-panel.css";
import "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css";
import "./studio.css";
import spiffworkflow from "./spiffworkflow.json";
import TdktPropertiesProvider from "./tdkt-properties.js";
import { withDiagram } from "./layout.js";
import { getJSON, pageData, setOrigin, showProblems, startEditor, wireToolbar } from "./studio-common.js";

const container = document.getElementById("bpmn-editor");

async function loadLookups(base) {
  const [roles, forms, unitKinds, plans] = await Promise.all([
    getJSON(base + "roles"), getJSON(base + "forms"), getJSON(base + "unit-kinds"), getJSON(base + "milestones"),
  ]);
  return { roles, forms, unitKinds, milestones: plans.milestones, helpers: plans.helpers };
}

function processId(modeler) {
  const definitions = modeler.getDefinitions();
  const process = (definitions.rootElements || []).find((e) => is(e, "bpmn:Process") && e.isExecutable !== false);
  return process ? process.id : "";
}

async function start() {
  const page = pageData(container);
  const messages = page.messages;
  const lookups = await loadLookups(container.getAttribute("data-lookups"));
  const TdktModule = { __init__: ["tdktPropertiesProvider"], tdktPropertiesProvider: ["type", TdktPropertiesProvider] };
  const modeler = new BpmnModeler({
    container: "#editor-canvas",
    propertiesPanel: { parent: "#editor-properties" },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, TdktModule, lintModule],
    moddleExtensions: { spiffworkflow },
    linting: { bpmnlint: bpmnlintConfig, active: true },
    tdkt: { lookups, messages },
  });
  const canvas = modeler.get("canvas");
  const overlays = modeler.get("overlays");
  const registry = modeler.get("elementRegistry");
  let marked = [];

  function pick(id) {
    const element = registry.get(id);
    if (!element) { return; }
    modeler.get("selection").select(element);
    canvas.scrollToElement(element);
  }

  function clearProblems() {
    overlays.remove({ type: "tdkt-problem" });
    marked.forEach((id) => { if (registry.get(id)) { canvas.removeMarker(id, "tdkt-has-problem"); } });
    marked = [];
    showProblems([], messages, pick);
  }

  function placeProblems(problems) {
    clearProblems();
    const root = canvas.getRootElement();
    const byElement = new Map();
    problems.forEach((problem) => {
      const element = problem.element && registry.get(problem.element);
      if (!element || element === root || element.type === "label") { return; }
      if (!byElement.has(element.id)) { byElement.set(element.id, []); }
      byElement.get(element.id).push(problem.message);
    });
    byElement.forEach((found, id) => {
      canvas.addMarker(id, "tdkt-has-problem");
      marked.push(id);
      const badge = document.createElement("span");
      badge.className = "tdkt-problem-badge";
      badge.setAttribute("data-element", id);
      badge.title = found.join("\n");
      badge.textContent = found.length > 1 ? String(found.length) : "!";
      overlays.add(id, "tdkt-problem", { position: { top: -10, right: 10 }, html: badge });
    });
    showProblems(problems, messages, pick);
    container.setAttribute("data-problems", String(problems.length));
  }

  async function currentXml() {
    const { xml } = await modeler.saveXML({ format: true });
    return xml;
  }

  const response = await fetch(container.getAttribute("data-source"), { credentials: "same-origin" });
  if (!response.ok) { throw new Error(String(response.status)); }
  const origin = response.headers.get("X-Tdkt-Origin") || "";
  const { xml, laidOut } = await withDiagram(await response.text());
  await modeler.importXML(xml);
  canvas.zoom("fit-viewport", "auto");
  const originText = origin === "draft" ? messages.originDraft : origin === "new" ? messages.originNew
    : messages.originVersion.replace("%(version)s", origin.replace(/^v/, ""));
  setOrigin(originText + (laidOut ? " · " + messages.laidOut : ""));
  wireToolbar({ container, page, currentXml, placeProblems, keyNow: () => page.key || processId(modeler) });
  container.setAttribute("data-state", "ready");
  window.tdktModeler = modeler; // for the browser tests and the console
}

startEditor(container, start);
