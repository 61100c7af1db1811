"""The core flow's diagrams (what the case page and the studio draw): every element and flow is drawn, each
element inside its lane, each flow from its source's border to its target's, and no flow across a task."""

from __future__ import annotations

import pytest
from lxml import etree

from engine.config import PROJECT_ROOT

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}
NODES = ("startEvent", "endEvent", "userTask", "scriptTask", "callActivity", "exclusiveGateway", "parallelGateway")
Box = tuple[float, float, float, float]


def diagram(name: str) -> tuple[etree._Element, dict[str, Box], dict[str, list[tuple[float, float]]]]:
    root = etree.parse(str(PROJECT_ROOT / "processes" / name)).getroot()
    shapes = {s.get("bpmnElement"): tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
              for s in root.iterfind(".//bpmndi:BPMNShape", NS) for b in s.iterfind("dc:Bounds", NS)}
    edges = {e.get("bpmnElement"): [(float(w.get("x")), float(w.get("y"))) for w in e.iterfind("di:waypoint", NS)]
             for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    return root, shapes, edges


def on_border(point: tuple[float, float], box: Box) -> bool:
    x, y = point
    bx, by, w, h = box
    inside = bx - 1 <= x <= bx + w + 1 and by - 1 <= y <= by + h + 1
    return inside and (min(abs(x - bx), abs(x - bx - w)) <= 1 or min(abs(y - by), abs(y - by - h)) <= 1)


def crosses(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Whether the axis-aligned segment a-b passes through the inside of box."""
    bx, by, w, h = box
    if a[0] == b[0]:
        return bx < a[0] < bx + w and min(a[1], b[1]) < by + h and max(a[1], b[1]) > by
    return by < a[1] < by + h and min(a[0], b[0]) < bx + w and max(a[0], b[0]) > bx


@pytest.mark.parametrize("name", ["xet_thi_dua_nam_hoc.bpmn", "trinh_cap_tren.bpmn"])
def test_every_element_and_flow_is_drawn_in_place(name):
    root, shapes, edges = diagram(name)
    process = root.find("bpmn:process", NS)
    nodes = {n.get("id"): n for kind in NODES for n in process.iterfind(f"bpmn:{kind}", NS)}
    flows = {f.get("id"): (f.get("sourceRef"), f.get("targetRef")) for f in process.iterfind("bpmn:sequenceFlow", NS)}
    assert set(nodes) - set(shapes) == set() and set(flows) - set(edges) == set()
    for lane in process.iterfind(".//bpmn:lane", NS):
        lx, ly, lw, lh = shapes[lane.get("id")]
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            x, y, w, h = shapes[ref.text]
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, (ref.text, lane.get("name"))
    tasks = {i: shapes[i] for i, n in nodes.items() if etree.QName(n).localname in ("userTask", "scriptTask",
                                                                                   "callActivity")}
    for flow, (source, target) in flows.items():
        points = edges[flow]
        assert on_border(points[0], shapes[source]) and on_border(points[-1], shapes[target]), flow
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in zip(points, points[1:], strict=False)), flow
        for task, box in tasks.items():
            if task not in (source, target):
                assert not any(crosses(a, b, box) for a, b in zip(points, points[1:], strict=False)), (flow, task)
