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
