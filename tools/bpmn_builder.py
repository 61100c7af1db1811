"""A small builder for the seed processes: one executable process with lanes, written as BPMN 2.0 with
Spiff extensions and a diagram layout (BPMN DI), so the case page can draw it.

Nodes are placed on a grid: a column number and a lane (a role label), with row 0 or 1 inside the lane.
Flows are drawn as orthogonal lines; boundary events sit on the bottom edge of their task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

COL, LANE_H, LEFT, TOP = 170, 230, 230, 60
SIZES = {"userTask": (120, 80), "scriptTask": (120, 80), "callActivity": (120, 80), "startEvent": (36, 36),
         "endEvent": (36, 36), "intermediateCatchEvent": (36, 36), "exclusiveGateway": (50, 50),
         "parallelGateway": (50, 50), "boundaryEvent": (36, 36)}


@dataclass
class Node:
    id: str
    kind: str
    name: str
    lane: str
    col: float = 0
    row: int = 0
    body: str = ""  # inner XML (extension elements, timer, script, loop characteristics)
    attrs: str = ""
    attached: str | None = None
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)


@dataclass
class Flow:
    id: str
    source: str
    target: str
    name: str | None = None
    condition: str | None = None


def _props(**props: str | None) -> str:
    items = "".join(f"<spiffworkflow:property name={quoteattr(k)} value={quoteattr(v)}/>"
                    for k, v in props.items() if v is not None)
    return f"<spiffworkflow:properties>{items}</spiffworkflow:properties>" if items else ""


class Process:
    def __init__(self, pid: str, name: str, lanes: list[str], comment: str = "") -> None:
        self.pid, self.name, self.lanes, self.comment = pid, name, lanes, comment
        self.nodes: dict[str, Node] = {}
        self.flows: list[Flow] = []

    def _add(self, node: Node) -> str:
        assert node.id not in self.nodes, node.id
        assert node.lane in self.lanes, node.lane
        self.nodes[node.id] = node
        return node.id

    def start(self, nid: str, name: str, lane: str, col: float = 0, row: int = 0, timer: str | None = None) -> str:
        body = "\x00<bpmn:timerEventDefinition><bpmn:timeDate>" + escape(timer) + \
            "</bpmn:timeDate></bpmn:timerEventDefinition>" if timer else ""
        return self._add(Node(nid, "startEvent", name, lane, col, row, body))

    def end(self, nid: str, name: str, lane: str, col: float, row: int = 0) -> str:
        return self._add(Node(nid, "endEvent", name, lane, col, row))

    def user(self, nid: str, name: str, lane: str, col: float, row: int = 0, *, form: str,
             due: str | None = None, reminder: str | None = None, unit: str | None = None,
             instructions: str | None = None, mi: tuple[str, str, str, str] | None = None,
             post: str | None = None) -> str:
        ext = ""
        if instructions:
            tag = "spiffworkflow:instructionsForEndUser"
            ext += f"<{tag}>{escape(instructions)}</{tag}>"
        ext += _props(formKey=form, dueDate=due, reminderDays=reminder, unitScope=unit)
        if post:
            ext += f"<spiffworkflow:postScript>{escape(post)}</spiffworkflow:postScript>"
        body = f"<bpmn:extensionElements>{ext}</bpmn:extensionElements>"
        if mi:
            collection, item, output, out_item = mi
            loop = (f"<bpmn:multiInstanceLoopCharacteristics>"
                    f"<bpmn:loopDataInputRef>{collection}</bpmn:loopDataInputRef>"
                    f"<bpmn:loopDataOutputRef>{output}</bpmn:loopDataOutputRef>"
                    f'<bpmn:inputDataItem id="{item}" name="{item}"/>'
                    f'<bpmn:outputDataItem id="{out_item}" name="{out_item}"/>'
                    f"</bpmn:multiInstanceLoopCharacteristics>")
            return self._add(Node(nid, "userTask", name, lane, col, row, body + "\x00" + loop))
        return self._add(Node(nid, "userTask", name, lane, col, row, body))

    def script(self, nid: str, name: str, lane: str, col: float, row: int = 0, *, script: str) -> str:
        return self._add(Node(nid, "scriptTask", name, lane, col, row,
                              "\x00" + f"<bpmn:script>{escape(script)}</bpmn:script>"))

    def call(self, nid: str, name: str, lane: str, col: float, row: int = 0, *, called: str) -> str:
        return self._add(Node(nid, "callActivity", name, lane, col, row, attrs=f" calledElement={quoteattr(called)}"))

    def gateway(self, nid: str, name: str, lane: str, col: float, row: int = 0, default: str | None = None) -> str:
        attrs = f" default={quoteattr(default)}" if default else ""
        return self._add(Node(nid, "exclusiveGateway", name, lane, col, row, attrs=attrs))

    def parallel(self, nid: str, lane: str, col: float, row: int = 0) -> str:
        return self._add(Node(nid, "parallelGateway", "", lane, col, row))

    def wait(self, nid: str, name: str, lane: str, col: float, row: int = 0, *, until: str) -> str:
        body = f"<bpmn:timerEventDefinition><bpmn:timeDate>{escape(until)}</bpmn:timeDate></bpmn:timerEventDefinition>"
        return self._add(Node(nid, "intermediateCatchEvent", name, lane, col, row, "\x00" + body))

    def boundary(self, nid: str, name: str, attached: str, *, at: str, interrupting: bool = False) -> str:
        host = self.nodes[attached]
        body = f"<bpmn:timerEventDefinition><bpmn:timeDate>{escape(at)}</bpmn:timeDate></bpmn:timerEventDefinition>"
        attrs = f' attachedToRef="{attached}"' + ("" if interrupting else ' cancelActivity="false"')
        return self._add(Node(nid, "boundaryEvent", name, host.lane, host.col, host.row, "\x00" + body, attrs,
                              attached=attached))

    def flow(self, source: str, target: str, name: str | None = None, condition: str | None = None) -> str:
        fid = f"f_{source}_{target}"
        self.flows.append(Flow(fid, source, target, name, condition))
        self.nodes[source].outgoing.append(fid)
        self.nodes[target].incoming.append(fid)
        return fid

    def chain(self, *ids: str) -> None:
        for a, b in zip(ids, ids[1:], strict=False):
            self.flow(a, b)

    # --- writing -------------------------------------------------------------------------------

    def _node_xml(self, n: Node) -> str:
        before, _, after = n.body.partition("\x00")
        refs = "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f in n.incoming) + \
            "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in n.outgoing)
        return f'    <bpmn:{n.kind} id="{n.id}" name={quoteattr(n.name)}{n.attrs}>{before}{refs}{after}</bpmn:{n.kind}>'

    def _flow_xml(self, f: Flow) -> str:
        name = f" name={quoteattr(f.name)}" if f.name else ""
        cond = f"<bpmn:conditionExpression>{escape(f.condition)}</bpmn:conditionExpression>" if f.condition else ""
        return f'    <bpmn:sequenceFlow id="{f.id}"{name} sourceRef="{f.source}" targetRef="{f.target}">{cond}' \
            f"</bpmn:sequenceFlow>"

    def _bounds(self, n: Node) -> tuple[float, float, float, float]:
        w, h = SIZES[n.kind]
        if n.attached:
            hx, hy, hw, hh = self._bounds(self.nodes[n.attached])
            k = [b.id for b in self.nodes.values() if b.attached == n.attached].index(n.id)
            return hx + 12 + 44 * k, hy + hh - h / 2, w, h
        cx = LEFT + n.col * COL
        cy = TOP + self.lanes.index(n.lane) * LANE_H + 75 + n.row * 105
        return cx - w / 2, cy - h / 2, w, h

    def _waypoints(self, f: Flow) -> list[tuple[float, float]]:
        sx, sy, sw, sh = self._bounds(self.nodes[f.source])
        tx, ty, tw, th = self._bounds(self.nodes[f.target])
        scy, tcy = sy + sh / 2, ty + th / 2
        if self.nodes[f.source].attached:
            start = (sx + sw / 2, sy + sh)
            if tcy > start[1]:
                return [start, (start[0], tcy), (tx, tcy)]
            below = start[1] + 20
            return [start, (start[0], below), (tx - 20, below), (tx - 20, tcy), (tx, tcy)]
        if tx >= sx + sw:
            a, b = (sx + sw, scy), (tx, tcy)
            if abs(scy - tcy) < 1:
                return [a, b]
            mid = (a[0] + b[0]) / 2
            return [a, (mid, scy), (mid, tcy), b]
        low = max(sy + sh, ty + th) + 25
        return [(sx + sw / 2, sy + sh), (sx + sw / 2, low), (tx + tw / 2, low), (tx + tw / 2, ty + th)]

    def xml(self) -> str:
        lanes = "".join(
            f'      <bpmn:lane id="Lane_{self.pid}_{i}" name={quoteattr(lane)}>'
            + "".join(f"<bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>" for n in self.nodes.values() if n.lane == lane)
            + "</bpmn:lane>\n" for i, lane in enumerate(self.lanes))
        body = "\n".join([self._node_xml(n) for n in self.nodes.values()] + [self._flow_xml(f) for f in self.flows])
        cols = max(n.col for n in self.nodes.values()) + 1
        width = LEFT + cols * COL - 100
        height = len(self.lanes) * LANE_H
        shapes = [f'      <bpmndi:BPMNShape id="Part_{self.pid}_di" bpmnElement="Part_{self.pid}" isHorizontal="true">'
                  f'<dc:Bounds x="100" y="{TOP}" width="{width}" height="{height}"/></bpmndi:BPMNShape>']
        for i, _ in enumerate(self.lanes):
            shapes.append(f'      <bpmndi:BPMNShape id="Lane_{self.pid}_{i}_di" bpmnElement="Lane_{self.pid}_{i}" '
                          f'isHorizontal="true"><dc:Bounds x="130" y="{TOP + i * LANE_H}" width="{width - 30}" '
                          f'height="{LANE_H}"/></bpmndi:BPMNShape>')
        for n in self.nodes.values():
            x, y, w, h = self._bounds(n)
            marker = ' isMarkerVisible="true"' if n.kind == "exclusiveGateway" else ""
            shapes.append(f'      <bpmndi:BPMNShape id="{n.id}_di" bpmnElement="{n.id}"{marker}>'
                          f'<dc:Bounds x="{x:g}" y="{y:g}" width="{w}" height="{h}"/></bpmndi:BPMNShape>')
        for f in self.flows:
            points = "".join(f'<di:waypoint x="{x:g}" y="{y:g}"/>' for x, y in self._waypoints(f))
            shapes.append(f'      <bpmndi:BPMNEdge id="{f.id}_di" bpmnElement="{f.id}">{points}</bpmndi:BPMNEdge>')
        comment = f"<!--\n{self.comment.strip()}\n-->\n" if self.comment else ""
        di = "\n".join(shapes)
        return f'''<?xml version="1.0" encoding="UTF-8"?>
{comment}<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
                  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="Defs_{self.pid}" targetNamespace="http://tdkt.example/bpmn">
  <bpmn:collaboration id="Collab_{self.pid}">
    <bpmn:participant id="Part_{self.pid}" name={quoteattr(self.name)} processRef="{self.pid}"/>
  </bpmn:collaboration>
  <bpmn:process id="{self.pid}" name={quoteattr(self.name)} isExecutable="true">
    <bpmn:laneSet id="Lanes_{self.pid}">
{lanes}    </bpmn:laneSet>
{body}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_{self.pid}">
    <bpmndi:BPMNPlane id="Plane_{self.pid}" bpmnElement="Collab_{self.pid}">
{di}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
'''
