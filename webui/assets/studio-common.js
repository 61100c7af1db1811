// Shared by the BPMN and DMN editors: the page's data attributes, JSON calls with the CSRF token,
// the status line and the list of problems (each with its line and element).

export function pageData(container) {
  return {
    key: container.getAttribute("data-key") || "",
    api: container.getAttribute("data-api"),
    messages: JSON.parse(container.getAttribute("data-messages") || "{}"),
  };
}

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// POST `body` (XML text or an object sent as JSON); resolves to { status, data }.
export async function post(url, body) {
  const xml = typeof body === "string";
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": xml ? "application/xml" : "application/json", "X-CSRF-Token": csrfToken() },
    body: xml ? body : JSON.stringify(body),
  });
  let data = {};
  try { data = await response.json(); } catch (err) { data = { error: { message: String(response.status) } }; }
  return { status: response.status, data };
}

export async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) { throw new Error(url + ": " + response.status); }
  return response.json();
}

export function setStatus(kind, text) {
  const status = document.getElementById("editor-status");
  status.className = "flash flash-" + kind;
  status.textContent = text;
  status.hidden = !text;
}

// Fill the problem list; `onPick(elementId)` is called when a problem is clicked.
export function showProblems(problems, messages, onPick) {
  const list = document.getElementById("problem-list");
  const section = document.getElementById("problems");
  list.replaceChildren();
  problems.forEach((problem) => {
    const item = document.createElement("li");
    item.className = "problem";
    if (problem.element) { item.setAttribute("data-element", problem.element); }
    const where = document.createElement(problem.element ? "button" : "span");
    where.className = problem.element ? "link-button problem-where" : "problem-where";
    where.textContent = (problem.line ? messages.line.replace("%(num)s", problem.line) : "—") +
      (problem.element ? " · " + problem.element : "");
    if (problem.element) { where.addEventListener("click", () => onPick(problem.element)); }
    const text = document.createElement("span");
    text.className = "problem-message";
    text.textContent = problem.message;
    item.append(where, ": ", text);
    list.append(item);
  });
  section.setAttribute("data-count", String(problems.length));
  section.hidden = problems.length === 0;
}

export function setOrigin(text) {
  document.getElementById("editor-origin").textContent = text;
}

// Report an unexpected failure (network, server without JSON) on the status line.
export function fail(error) {
  setStatus("error", String(error && error.message ? error.message : error));
}

// Run the editor's `start()` when its container is on the page; a failed start marks the container.
export function startEditor(container, start) {
  if (!container) { return; }
  start().catch((error) => {
    container.setAttribute("data-state", "error");
    fail(error);
  });
}

// The toolbar's validate / save draft / deploy buttons, posting the editor's current XML to
// `page.api + key + "/" + action`; the problems the server reports go to `placeProblems(problems)`.
// `keyNow()` gives the definition's key (a new process takes it from its diagram).
export function wireToolbar({ container, page, currentXml, placeProblems, keyNow = () => page.key }) {
  const messages = page.messages;

  async function call(action) {
    const key = keyNow();
    if (!key) { setStatus("error", messages.noKey); return null; }
    setStatus("info", messages.working);
    const result = await post(page.api + encodeURIComponent(key) + "/" + action, await currentXml());
    placeProblems(result.data.problems || []);
    if (result.status >= 400) { setStatus("error", result.data.error.message); return null; }
    return result;
  }

  async function validate() {
    const result = await call("validate");
    if (!result) { return; }
    const count = result.data.problems.length;
    setStatus(count ? "error" : "success", count ? messages.problemsFound.replace("%(count)s", count) : messages.valid);
  }

  async function saveDraft() {
    const result = await call("draft");
    if (!result) { return; }
    const count = result.data.problems.length;
    setStatus(count ? "warning" : "success", count ? messages.savedWithProblems.replace("%(count)s", count)
      : messages.saved);
    setOrigin(messages.originDraft);
  }

  async function deploy() {
    if (!window.confirm(messages.confirmDeploy)) { return; }
    const result = await call("deploy");
    if (!result) { return; }
    const version = result.data.version;
    setStatus("success", (result.data.created ? messages.deployed : messages.unchanged).replace("%(version)s", version));
    setOrigin(messages.originVersion.replace("%(version)s", version));
    container.setAttribute("data-deployed-version", String(version));
    if (!page.key) { page.key = result.data.key; }
  }

  document.getElementById("btn-validate").addEventListener("click", () => validate().catch(fail));
  document.getElementById("btn-save").addEventListener("click", () => saveDraft().catch(fail));
  document.getElementById("btn-deploy").addEventListener("click", () => deploy().catch(fail));
}
