// Properties-panel groups for our conventions (README "Conventions for process designers",
// engine/definitions/conventions.py): lane → role; per user task candidateRole, unitScope, formKey,
// dueDate (with a milestone / working-day picker), reminderDays, instructions; script task scripts,
// sequence-flow conditions and timer expressions. Task properties are written as
// <spiffworkflow:properties><spiffworkflow:property name=… value=…/></spiffworkflow:properties>.
import { h } from "@bpmn-io/properties-panel/preact";
import {
  SelectEntry, TextAreaEntry, TextFieldEntry,
  isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

const SCOPE_EXPRESSION = "__expression__";
const TIMER_KINDS = ["timeDate", "timeDuration", "timeCycle"];

// ---- reading and writing the model -------------------------------------------------------------

function extensionValues(bo) {
  return (bo.extensionElements && bo.extensionElements.values) || [];
}

function findExtension(bo, type) {
  return extensionValues(bo).find((value) => is(value, type));
}

export function getProperty(element, name) {
  const props = findExtension(getBusinessObject(element), "spiffworkflow:Properties");
  const found = props && (props.properties || []).find((p) => p.name === name);
  return found ? (found.value || "") : "";
}

// Commands that make sure `bo` has extensionElements; returns [commands, extensionElements].
function ensureExtensions(element, bo, bpmnFactory) {
  if (bo.extensionElements) { return [[], bo.extensionElements]; }
  const ext = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
  ext.$parent = bo;
  return [[{ cmd: "element.updateModdleProperties",
    context: { element, moddleElement: bo, properties: { extensionElements: ext } } }], ext];
}

function setProperty(element, name, value, bpmnFactory, commandStack) {
  const bo = getBusinessObject(element);
  const [commands, ext] = ensureExtensions(element, bo, bpmnFactory);
  let props = (ext.values || []).find((v) => is(v, "spiffworkflow:Properties"));
  const text = (value || "").trim();
  if (!props) {
    if (!text) { return; }
    props = bpmnFactory.create("spiffworkflow:Properties", { properties: [] });
    props.$parent = ext;
    commands.push({ cmd: "element.updateModdleProperties",
      context: { element, moddleElement: ext, properties: { values: [...(ext.values || []), props] } } });
  }
  const list = props.properties || [];
  const existing = list.find((p) => p.name === name);
  if (existing && !text) {
    commands.push({ cmd: "element.updateModdleProperties",
      context: { element, moddleElement: props, properties: { properties: list.filter((p) => p !== existing) } } });
  } else if (existing) {
    commands.push({ cmd: "element.updateModdleProperties",
      context: { element, moddleElement: existing, properties: { value: text } } });
  } else if (text) {
    const created = bpmnFactory.create("spiffworkflow:Property", { name, value: text });
    created.$parent = props;
    commands.push({ cmd: "element.updateModdleProperties",
      context: { element, moddleElement: props, properties: { properties: [...list, created] } } });
  }
  if (commands.length) { commandStack.execute("properties-panel.multi-command-executor", commands); }
}

function getInstructions(element) {
  const found = findExtension(getBusinessObject(element), "spiffworkflow:InstructionsForEndUser");
  return found ? (found.value || "") : "";
}

function setInstructions(element, value, bpmnFactory, commandStack) {
  const bo = getBusinessObject(element);
  const [commands, ext] = ensureExtensions(element, bo, bpmnFactory);
  const found = (ext.values || []).find((v) => is(v, "spiffworkflow:InstructionsForEndUser"));
  if (found && !value) {
    commands.push({ cmd: "element.updateModdleProperties",
      context: { element, moddleElement: ext, properties: { values: ext.values.filter((v) => v !== found) } } });
  } else if (found) {
    commands.push({ cmd: "element.updateModdleProperties",
      context: { element, moddleElement: found, properties: { value } } });
  } else if (value) {
    const created = bpmnFactory.create("spiffworkflow:InstructionsForEndUser", { value });
    created.$parent = ext;
    commands.push({ cmd: "element.updateModdleProperties",
      context: { element, moddleElement: ext, properties: { values: [...(ext.values || []), created] } } });
  }
  if (commands.length) { commandStack.execute("properties-panel.multi-command-executor", commands); }
}

function timerDefinition(element) {
  const bo = getBusinessObject(element);
  return (bo.eventDefinitions || []).find((d) => is(d, "bpmn:TimerEventDefinition"));
}

function timerKind(definition) {
  return TIMER_KINDS.find((kind) => definition[kind]) || "timeDate";
}

// ---- entries -------------------------------------------------------------------------------------

function PropertyText(props) {
  const { element, id, name, label, description, multiline } = props;
  const bpmnFactory = useService("bpmnFactory");
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  return h(multiline ? TextAreaEntry : TextFieldEntry, {
    element, id, label, description, debounce, monospace: !!multiline,
    getValue: () => getProperty(element, name),
    setValue: (value) => setProperty(element, name, value, bpmnFactory, commandStack),
  });
}

function PropertySelect(props) {
  const { element, id, name, label, options, description } = props;
  const bpmnFactory = useService("bpmnFactory");
  const commandStack = useService("commandStack");
  return h(SelectEntry, {
    element, id, label, description,
    getValue: () => getProperty(element, name),
    setValue: (value) => setProperty(element, name, value, bpmnFactory, commandStack),
    getOptions: () => options(element),
  });
}

function UnitScopeSelect(props) {
  const { element, id, lookups, messages } = props;
  const bpmnFactory = useService("bpmnFactory");
  const commandStack = useService("commandStack");
  const fixed = ["", "case", "parent", ...lookups.unitKinds.map((kind) => "kind:" + kind)];
  return h(SelectEntry, {
    element, id, label: messages.unitScope, description: messages.unitScopeHelp,
    getValue: () => {
      const value = getProperty(element, "unitScope");
      return fixed.includes(value) ? value : SCOPE_EXPRESSION;
    },
    setValue: (value) => setProperty(element, "unitScope", value === SCOPE_EXPRESSION ? "unit_code" : value,
      bpmnFactory, commandStack),
    getOptions: () => [
      { value: "", label: messages.scopeDefault },
      { value: "case", label: messages.scopeCase },
      { value: "parent", label: messages.scopeParent },
      ...lookups.unitKinds.map((kind) => ({ value: "kind:" + kind, label: messages.scopeKind + " " + kind })),
      { value: SCOPE_EXPRESSION, label: messages.scopeExpression },
    ],
  });
}

function UnitScopeExpression(props) {
  const { element, id, messages } = props;
  const bpmnFactory = useService("bpmnFactory");
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element, id, label: messages.unitScopeExpression, debounce,
    getValue: () => getProperty(element, "unitScope"),
    setValue: (value) => setProperty(element, "unitScope", value || "unit_code", bpmnFactory, commandStack),
  });
}

// A select that inserts `milestone('key')`, or wraps the current expression in a working-day helper.
function pickerOptions(lookups, messages) {
  return [
    { value: "", label: messages.pickerPlaceholder },
    ...lookups.milestones.map((m) => ({
      value: "m:" + m.expression, label: m.key + " — " + m.title.slice(0, 60) + " (" + m.plan + ", " + m.due + ")",
    })),
    ...lookups.helpers.map((helper) => ({ value: "h:" + helper.template, label: helper.name + "(…)" })),
  ];
}

function applyPick(current, picked) {
  if (picked.startsWith("m:")) { return picked.slice(2); }
  if (picked.startsWith("h:")) { return picked.slice(2).replace("{expr}", current || "milestone('…')"); }
  return current;
}

function DuePicker(props) {
  const { element, id, lookups, messages } = props;
  const bpmnFactory = useService("bpmnFactory");
  const commandStack = useService("commandStack");
  return h(SelectEntry, {
    element, id, label: messages.picker,
    getValue: () => "",
    setValue: (value) => {
      if (value) {
        setProperty(element, "dueDate", applyPick(getProperty(element, "dueDate"), value), bpmnFactory, commandStack);
      }
    },
    getOptions: () => pickerOptions(lookups, messages),
  });
}

function InstructionsEntry(props) {
  const { element, id, messages } = props;
  const bpmnFactory = useService("bpmnFactory");
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  return h(TextAreaEntry, {
    element, id, label: messages.instructions, debounce, rows: 3,
    getValue: () => getInstructions(element),
    setValue: (value) => setInstructions(element, value, bpmnFactory, commandStack),
  });
}

function LaneRole(props) {
  const { element, id, lookups, messages } = props;
  const modeling = useService("modeling");
  return h(SelectEntry, {
    element, id, label: messages.laneRole, description: messages.laneRoleHelp,
    getValue: () => {
      const name = (getBusinessObject(element).name || "").trim().toLowerCase();
      const role = lookups.roles.find((r) => r.code.toLowerCase() === name || r.name.toLowerCase() === name);
      return role ? role.code : "";
    },
    setValue: (code) => {
      const role = lookups.roles.find((r) => r.code === code);
      if (role) { modeling.updateProperties(element, { name: role.name }); }
    },
    getOptions: () => [{ value: "", label: messages.chooseRole },
      ...lookups.roles.map((r) => ({ value: r.code, label: r.name + " (" + r.code + ")" }))],
  });
}

function ScriptEntry(props) {
  const { element, id, messages } = props;
  const modeling = useService("modeling");
  const debounce = useService("debounceInput");
  return h(TextAreaEntry, {
    element, id, label: messages.script, description: messages.scriptHelp, debounce, monospace: true, rows: 6,
    getValue: () => getBusinessObject(element).script || "",
    setValue: (value) => modeling.updateProperties(element, { script: value || undefined }),
  });
}

function ConditionEntry(props) {
  const { element, id, messages } = props;
  const modeling = useService("modeling");
  const bpmnFactory = useService("bpmnFactory");
  const debounce = useService("debounceInput");
  return h(TextAreaEntry, {
    element, id, label: messages.condition, description: messages.conditionHelp, debounce, monospace: true, rows: 2,
    getValue: () => {
      const expression = getBusinessObject(element).conditionExpression;
      return expression ? (expression.body || "") : "";
    },
    setValue: (value) => modeling.updateProperties(element, {
      conditionExpression: value ? bpmnFactory.create("bpmn:FormalExpression", { body: value }) : undefined,
    }),
  });
}

function setTimer(element, kind, value, modeling, bpmnFactory) {
  const definition = timerDefinition(element);
  const properties = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
  properties[kind] = bpmnFactory.create("bpmn:FormalExpression", { body: value || "" });
  modeling.updateModdleProperties(element, definition, properties);
}

function timerValue(element) {
  const definition = timerDefinition(element);
  const expression = definition[timerKind(definition)];
  return expression ? (expression.body || "") : "";
}

function TimerKindEntry(props) {
  const { element, id, messages } = props;
  const modeling = useService("modeling");
  const bpmnFactory = useService("bpmnFactory");
  return h(SelectEntry, {
    element, id, label: messages.timerKind,
    getValue: () => timerKind(timerDefinition(element)),
    setValue: (kind) => setTimer(element, kind, timerValue(element), modeling, bpmnFactory),
    getOptions: () => TIMER_KINDS.map((kind) => ({ value: kind, label: messages[kind] })),
  });
}

function TimerValueEntry(props) {
  const { element, id, messages } = props;
  const modeling = useService("modeling");
  const bpmnFactory = useService("bpmnFactory");
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, {
    element, id, label: messages.timerValue, description: messages.timerHelp, debounce,
    getValue: () => timerValue(element),
    setValue: (value) => setTimer(element, timerKind(timerDefinition(element)), value, modeling, bpmnFactory),
  });
}

function TimerPicker(props) {
  const { element, id, lookups, messages } = props;
  const modeling = useService("modeling");
  const bpmnFactory = useService("bpmnFactory");
  return h(SelectEntry, {
    element, id, label: messages.picker,
    getValue: () => "",
    setValue: (value) => {
      if (value) {
        setTimer(element, timerKind(timerDefinition(element)), applyPick(timerValue(element), value),
          modeling, bpmnFactory);
      }
    },
    getOptions: () => pickerOptions(lookups, messages),
  });
}

// ---- the provider --------------------------------------------------------------------------------

function entry(id, component, isEdited, extra) {
  return { id, component, isEdited, ...extra };
}

function userTaskGroups(element, lookups, messages) {
  const common = { element, lookups, messages };
  const roleOptions = () => [{ value: "", label: messages.roleFromLane },
    ...lookups.roles.map((r) => ({ value: r.code, label: r.name + " (" + r.code + ")" }))];
  const formOptions = () => [{ value: "", label: messages.noForm },
    ...lookups.forms.map((f) => ({ value: f.key, label: f.title + " (" + f.key + ")" }))];
  const entries = [
    entry("tdkt-candidateRole", PropertySelect, isSelectEntryEdited,
      { ...common, name: "candidateRole", label: messages.candidateRole, options: roleOptions }),
    entry("tdkt-unitScope", UnitScopeSelect, isSelectEntryEdited, common),
  ];
  const scope = getProperty(element, "unitScope");
  if (scope && scope !== "case" && scope !== "parent" && !scope.startsWith("kind:")) {
    entries.push(entry("tdkt-unitScopeExpression", UnitScopeExpression, isTextFieldEntryEdited, common));
  }
  entries.push(entry("tdkt-formKey", PropertySelect, isSelectEntryEdited,
    { ...common, name: "formKey", label: messages.formKey, options: formOptions }));
  return [
    { id: "tdkt-assignment", label: messages.groupAssignment, entries },
    { id: "tdkt-deadline", label: messages.groupDeadline, entries: [
      entry("tdkt-dueDate", PropertyText, isTextFieldEntryEdited,
        { ...common, name: "dueDate", label: messages.dueDate, description: messages.dueDateHelp }),
      entry("tdkt-duePicker", DuePicker, () => false, common),
      entry("tdkt-reminderDays", PropertyText, isTextFieldEntryEdited,
        { ...common, name: "reminderDays", label: messages.reminderDays, description: messages.reminderDaysHelp }),
    ] },
    { id: "tdkt-instructions", label: messages.groupInstructions, entries: [
      entry("tdkt-instructionsForEndUser", InstructionsEntry, isTextAreaEntryEdited, common),
    ] },
  ];
}

export default function TdktPropertiesProvider(propertiesPanel, config) {
  const lookups = config.lookups;
  const messages = config.messages;
  this.getGroups = function (element) {
    return function (groups) {
      const common = { element, lookups, messages };
      if (is(element, "bpmn:UserTask") || is(element, "bpmn:ManualTask")) {
        groups.push(...userTaskGroups(element, lookups, messages));
      }
      if (is(element, "bpmn:Lane")) {
        groups.push({ id: "tdkt-lane", label: messages.groupRole,
          entries: [entry("tdkt-laneRole", LaneRole, isSelectEntryEdited, common)] });
      }
      if (is(element, "bpmn:ScriptTask")) {
        groups.push({ id: "tdkt-script", label: messages.groupScript,
          entries: [entry("tdkt-scriptBody", ScriptEntry, isTextAreaEntryEdited, common)] });
      }
      if (is(element, "bpmn:SequenceFlow") && element.source &&
          (is(element.source, "bpmn:ExclusiveGateway") || is(element.source, "bpmn:InclusiveGateway"))) {
        groups.push({ id: "tdkt-condition", label: messages.groupCondition,
          entries: [entry("tdkt-conditionExpression", ConditionEntry, isTextAreaEntryEdited, common)] });
      }
      if (is(element, "bpmn:Event") && timerDefinition(element)) {
        groups.push({ id: "tdkt-timer", label: messages.groupTimer, entries: [
          entry("tdkt-timerKind", TimerKindEntry, isSelectEntryEdited, common),
          entry("tdkt-timerValue", TimerValueEntry, isTextFieldEntryEdited, common),
          entry("tdkt-timerPicker", TimerPicker, () => false, common),
        ] });
      }
      return groups;
    };
  };
  propertiesPanel.registerProvider(500, this);
}

TdktPropertiesProvider.$inject = ["propertiesPanel", "config.tdkt"];
