// The studio's DMN editor: dmn-js on the decision table, validate / save draft / deploy like the BPMN
// editor, and a test panel: the inputs the table reads, evaluated on the server by the engine's DMN
// evaluation on the table as it is in the editor; matching rows are highlighted.
import DmnModeler from "dmn-js/lib/Modeler";
import "dmn-js/dist/assets/diagram-js.css";
import "dmn-js/dist/assets/dmn-js-shared.css";
import "dmn-js/dist/assets/dmn-js-drd.css";
import "dmn-js/dist/assets/dmn-js-decision-table.css";
import "dmn-js/dist/assets/dmn-js-decision-table-controls.css";
import "dmn-js/dist/assets/dmn-js-literal-expression.css";
import "dmn-js/dist/assets/dmn-font/css/dmn-embedded.css";
import "./studio.css";
import { fail, pageData, post, setOrigin, showProblems, startEditor, wireToolbar } from "./studio-common.js";

const container = document.getElementById("dmn-editor");
const NOT_VARIABLES = new Set(["and", "or", "not", "in", "is", "if", "else", "None", "True", "False", "len",
  "str", "int", "float", "bool", "min", "max", "sum", "abs", "round", "any", "all", "list", "dict", "set"]);

// The variables the table's input expressions read, with the input's label and type.
function tableInputs(xml) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  const found = new Map();
  Array.from(doc.getElementsByTagNameNS("*", "input")).forEach((input) => {
    const expression = input.getElementsByTagNameNS("*", "inputExpression")[0];
    const text = expression ? (expression.getElementsByTagNameNS("*", "text")[0] || {}).textContent || "" : "";
    const stripped = text.replace(/(["'])(?:\\.|(?!\1).)*\1/g, " ");
    (stripped.match(/[A-Za-z_][A-Za-z0-9_]*/g) || []).forEach((name) => {
      if (NOT_VARIABLES.has(name) || found.has(name)) { return; }
      const plain = text.trim() === name;
      found.set(name, { name, label: plain ? (input.getAttribute("label") || name) : name,
        type: plain && expression ? expression.getAttribute("typeRef") || "" : "" });
    });
  });
  return Array.from(found.values());
}

async function start() {
  const page = pageData(container);
  const messages = page.messages;
  const modeler = new DmnModeler({ container: "#editor-canvas" });

  async function currentXml() {
    const { xml } = await modeler.saveXML({ format: true });
    return xml;
  }

  function canvasCells(id) {
    const canvas = document.getElementById("editor-canvas");
    return Array.from(canvas.querySelectorAll("[data-element-id], [data-row-id]"))
      .filter((cell) => cell.getAttribute("data-element-id") === id || cell.getAttribute("data-row-id") === id);
  }

  function pick(id) {
    const cell = canvasCells(id)[0];
    if (cell) { cell.scrollIntoView({ block: "center" }); }
  }

  function placeProblems(problems) {
    document.querySelectorAll(".tdkt-has-problem").forEach((cell) => cell.classList.remove("tdkt-has-problem"));
    problems.forEach((problem) => {
      if (problem.element) {
        canvasCells(problem.element).forEach((cell) => {
          cell.classList.add("tdkt-has-problem");
          cell.title = problem.message;
        });
      }
    });
    showProblems(problems, messages, pick);
    container.setAttribute("data-problems", String(problems.length));
  }

  async function renderFields() {
    const fields = document.getElementById("test-fields");
    const typed = {};
    fields.querySelectorAll("input").forEach((input) => { typed[input.name] = input.value; });
    fields.replaceChildren();
    tableInputs(await currentXml()).forEach((variable) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.name = variable.name;
      input.value = typed[variable.name] || "";
      input.setAttribute("data-type", variable.type);
      label.append(variable.label + (variable.label !== variable.name ? " (" + variable.name + ")" : ""), input);
      fields.append(label);
    });
  }

  async function runTest(event) {
    event.preventDefault();
    const inputs = {};
    document.querySelectorAll("#test-fields input").forEach((input) => {
      if (input.value !== "") { inputs[input.name] = input.value; }
    });
    const output = document.getElementById("test-result");
    document.querySelectorAll(".dmn-matched").forEach((row) => row.classList.remove("dmn-matched"));
    const result = await post(page.api + encodeURIComponent(page.key) + "/test", { xml: await currentXml(), inputs });
    output.replaceChildren();
    if (result.status !== 200) {
      placeProblems(result.data.problems || []);
      output.textContent = result.data.error.message;
      output.setAttribute("data-outcome", "error");
      return;
    }
    const matches = result.data.matches;
    const summary = document.createElement("p");
    summary.setAttribute("data-testid", "matched-rows");
    summary.textContent = matches.length
      ? messages.matched.replace("%(rows)s", matches.map((m) => m.row).join(", ")) : messages.noMatch;
    const list = document.createElement("ul");
    matches.forEach((match) => {
      const item = document.createElement("li");
      item.setAttribute("data-rule", match.rule);
      item.textContent = messages.row.replace("%(num)s", match.row) + ": " + JSON.stringify(match.outputs);
      list.append(item);
      canvasCells(match.rule).forEach((cell) => cell.classList.add("dmn-matched"));
    });
    const heading = document.createElement("p");
    heading.textContent = messages.result + ": " + JSON.stringify(result.data.result);
    output.append(summary, list, heading);
    output.setAttribute("data-outcome", matches.length ? "match" : "none");
  }

  const response = await fetch(container.getAttribute("data-source"), { credentials: "same-origin" });
  if (!response.ok) { throw new Error(String(response.status)); }
  const origin = response.headers.get("X-Tdkt-Origin") || "";
  await modeler.importXML(await response.text());
  const table = modeler.getViews().find((view) => view.type === "decisionTable");
  if (table) { await modeler.open(table); }
  setOrigin(origin === "draft" ? messages.originDraft
    : origin.startsWith("v") ? messages.originVersion.replace("%(version)s", origin.slice(1)) : messages.originFile);
  await renderFields();
  let pending = null;
  modeler.on("views.changed", () => renderFields());
  const active = modeler.getActiveViewer();
  if (active) {
    active.get("eventBus").on("commandStack.changed", () => {
      clearTimeout(pending);
      pending = setTimeout(() => renderFields(), 300);
    });
  }
  wireToolbar({ container, page, currentXml, placeProblems });
  document.getElementById("test-form").addEventListener("submit", (event) => runTest(event).catch(fail));
  container.setAttribute("data-state", "ready");
  window.tdktDmnModeler = modeler;
}

startEditor(container, start);
