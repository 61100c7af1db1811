"""Rows for the designer studio (/studio): designers only, 403 for everyone else signed in.
Helpers adding studio pages: add one Row per route and method here (or in a module of your own).

The designer's requests that would change something use input the route refuses (422/400, nothing
stored) or a dry run (the migration and milestone previews), so every row finds the same scene."""

from __future__ import annotations

import json

from engine.config import PROJECT_ROOT
from tests.authz_rows import Row
from tests.authz_rows.scene import DECISION, FORM, MILESTONE, PROCESS

DENIED = {"officer": 403, "manager": 403, "outsider": 403}


def studio(method: str, rule: str, url, designer: int, **extra) -> Row:
    return Row(method, rule, url, designer=designer, **DENIED, **extra)


def bpmn(key: str, script: str = "x = 1") -> bytes:
    """A one-step process whose script task runs `script`."""
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_{key}" targetNamespace="tdkt">
  <bpmn:process id="{key}" name="Quy trình {key}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="tinh"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="tinh"/>
    <bpmn:sequenceFlow id="f2" sourceRef="tinh" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>'''.encode()


# a script the script policy refuses: deploying it is a 422 and stores nothing
HOSTILE = "x = ().__class__.__bases__[0].__subclasses__()"
API = "/studio/api/<any(processes, decisions):collection>/<key>"


def decision_test(_scene) -> bytes:
    table = (PROJECT_ROOT / "processes" / "rules" / f"{DECISION}.dmn").read_text(encoding="utf-8")
    return json.dumps({"xml": table, "inputs": {"receipt_date": "2024-09-05", "rating": "HTNV"}}).encode()


ROWS = [
    studio("GET", "/studio/", "/studio/", 200),
    # the BPMN and DMN editors and their JSON endpoints
    studio("GET", "/studio/editor", "/studio/editor", 200),
    studio("GET", "/studio/processes/new", "/studio/processes/new", 200),
    studio("GET", "/studio/processes/<key>/edit", f"/studio/processes/{PROCESS}/edit", 200),
    studio("GET", "/studio/decisions/<key>/edit", f"/studio/decisions/{DECISION}/edit", 200),
    studio("GET", f"{API}/source", f"/studio/api/processes/{PROCESS}/source", 200),
    studio("GET", "/studio/api/decisions/<key>/table", f"/studio/api/decisions/{DECISION}/table", 200),
    studio("POST", f"{API}/validate", "/studio/api/processes/authz_kiem_tra/validate", 200,
           body=lambda s: bpmn("authz_kiem_tra")),
    studio("POST", f"{API}/draft", "/studio/api/processes/authz_nhap/draft", 200,  # one draft per key
           body=lambda s: bpmn("authz_nhap")),
    studio("POST", f"{API}/deploy", "/studio/api/processes/authz_trien_khai/deploy", 422,
           body=lambda s: bpmn("authz_trien_khai", HOSTILE)),
    studio("POST", "/studio/api/decisions/<key>/test", f"/studio/api/decisions/{DECISION}/test", 200,
           body=decision_test, content_type="application/json"),
    studio("GET", "/studio/api/roles", "/studio/api/roles", 200),
    studio("GET", "/studio/api/forms", "/studio/api/forms", 200),
    studio("GET", "/studio/api/unit-kinds", "/studio/api/unit-kinds", 200),
    studio("GET", "/studio/api/milestones", "/studio/api/milestones", 200),
    # the process library, comparison and migration (a dry run)
    studio("GET", "/studio/processes", "/studio/processes", 200),
    studio("GET", "/studio/processes/<key>", f"/studio/processes/{PROCESS}", 200),
    studio("GET", "/studio/processes/<key>/versions/<int:version>/file",
           f"/studio/processes/{PROCESS}/versions/1/file", 200),
    studio("GET", "/studio/processes/<key>/compare", f"/studio/processes/{PROCESS}/compare?old=1&new=2", 200),
    studio("GET", "/studio/processes/<key>/migrate", f"/studio/processes/{PROCESS}/migrate", 200),
    studio("POST", "/studio/processes/<key>/migrate", f"/studio/processes/{PROCESS}/migrate", 200,
           data=lambda s: {"from": "1", "to": "2", "case": str(s.case), "action": "preview"}),
    # forms: the preview is stateless, saving an invalid schema is refused
    studio("GET", "/studio/forms", "/studio/forms", 200),
    studio("GET", "/studio/forms/new", "/studio/forms/new?key=authz_mau", 302),
    studio("GET", "/studio/forms/<key>", f"/studio/forms/{FORM}", 200),
    studio("POST", "/studio/forms/<key>/preview", f"/studio/forms/{FORM}/preview", 200,
           data={"schema": json.dumps({"type": "object", "properties": {"y_kien": {"type": "string"}}})}),
    studio("POST", "/studio/forms/<key>", f"/studio/forms/{FORM}", 422,
           data={"schema": json.dumps({"type": "object", "properties": {"y_kien": {"type": "chuoi"}}})}),
    # plans: moving a milestone without confirming is a dry run; an import without "save" only reads
    studio("GET", "/studio/plans", "/studio/plans", 200),
    studio("GET", "/studio/plans/<int:plan_id>", lambda s: f"/studio/plans/{s.plan}", 200),
    studio("POST", "/studio/plans/<int:plan_id>/milestones/<key>",
           lambda s: f"/studio/plans/{s.plan}/milestones/{MILESTONE}", 200,
           data={"title": "Nộp hồ sơ", "due": "30/06/2031", "start": "", "kind": ""}),
    studio("POST", "/studio/plans/import", "/studio/plans/import", 200,
           data={"number": "78/KH-TEST", "title": "Kế hoạch nhập thử", "school_year": "2026-2027",
                 "text": "- Trước ngày 20/10/2026: các trường nộp hồ sơ đăng ký thi đua."}),
    # a plan year's preview: a process that is not deployed is refused before anything runs
    studio("GET", "/studio/preview", "/studio/preview", 200),
    studio("POST", "/studio/preview", "/studio/preview", 400,
           data=lambda s: {"process": "khong_co", "plan": str(s.plan)}),
]
