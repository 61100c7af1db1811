"""REST API /api/v1 through the Flask test client on a real database."""

from __future__ import annotations

import re

REGISTRATION = {"ho_ten": "Nguyễn Thị Lan", "danh_hieu": "lao_dong_tien_tien", "nam_hoc": "2026-2027"}


def start_case(client, headers, unit="th_a"):
    response = client.post("/api/v1/instances", json={"definition": "dang_ky_thi_dua", "unit": unit,
                                                      "business_key": f"k-{unit}"}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def test_token_from_password_and_bad_credentials(client):
    ok = client.post("/api/v1/auth/token", json={"username": "gv_a1", "password": "demo1234"})
    assert ok.status_code == 201 and ok.json["token"]
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {ok.json['token']}"}).status_code == 200
    bad = client.post("/api/v1/auth/token", json={"username": "gv_a1", "password": "wrong"})
    assert bad.status_code == 401 and bad.json["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.get("/api/v1/tasks", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_repeated_failed_logins_lock_the_account(client):
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"username": "gv_a2", "password": "x"})
    locked = client.post("/api/v1/auth/token", json={"username": "gv_a2", "password": "demo1234"})
    assert locked.status_code == 401 and "locked" in locked.json["error"]["message"]


def test_officer_flow_start_claim_complete(client, token):
    gv, ht = token("gv_a1"), token("ht_a")
    case = start_case(client, gv)
    [task] = case["tasks"]
    assert task["role"] == "giao_vien" and task["unit"] == "th_a"
    candidate = client.get("/api/v1/tasks?scope=candidate", headers=gv).json
    assert [t["id"] for t in candidate] == [task["id"]]
    shown = client.get(f"/api/v1/tasks/{task['id']}", headers=gv).json
    assert shown["form"]["properties"]["ho_ten"]["title"] == "Họ và tên"
    assert shown["instructions"].startswith("Điền bảng đăng ký")
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=gv).json["assignee"] == "gv_a1"
    assert [t["id"] for t in client.get("/api/v1/tasks?scope=mine", headers=gv).json] == [task["id"]]
    bad = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {**REGISTRATION, "nam_hoc": 2026}},
                      headers=gv)
    assert bad.status_code == 422 and bad.json["error"]["field"] == "nam_hoc"
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": REGISTRATION}, headers=gv)
    assert done.status_code == 200 and done.json["status"] == "completed"
    again = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": REGISTRATION}, headers=gv)
    assert again.status_code == 409
    detail = client.get(f"/api/v1/instances/{case['id']}", headers=ht).json
    assert [t["name"] for t in detail["tasks"]] == ["duyet"]
    assert [h["action"] for h in detail["history"]][:2] == ["case.started", "task.claimed"]


def test_outsider_gets_404_or_403_on_every_task_and_instance_route(client, token):
    case = start_case(client, token("gv_a1"))
    task_id, case_id = case["tasks"][0]["id"], case["id"]
    outsider = token("gv_b1")  # same role, other school
    routes = [("get", f"/api/v1/instances/{case_id}", None)]
    routes += [("post", f"/api/v1/instances/{case_id}/{v}", {}) for v in ("suspend", "resume", "terminate", "retry")]
    routes += [("get", f"/api/v1/tasks/{task_id}", None)]
    routes += [("post", f"/api/v1/tasks/{task_id}/{v}", body) for v, body in (
        ("claim", None), ("unclaim", None), ("delegate", {"username": "gv_b1"}),
        ("reassign", {"username": "gv_b1"}), ("complete", {"data": REGISTRATION}))]
    for method, url, body in routes:
        response = getattr(client, method)(url, json=body, headers=outsider)
        assert response.status_code in (403, 404), (url, response.status_code, response.json)
        assert response.json["error"]["code"] in ("forbidden", "not_found")
    assert client.get("/api/v1/instances", headers=outsider).json == []
    assert client.get("/api/v1/tasks?scope=unit", headers=outsider).json == []
    start_elsewhere = client.post("/api/v1/instances", json={"definition": "dang_ky_thi_dua", "unit": "th_a"},
                                  headers=outsider)
    assert start_elsewhere.status_code == 403
    still = client.get(f"/api/v1/instances/{case_id}", headers=token("gv_a1")).json
    assert still["status"] == "running" and still["tasks"][0]["assignee"] is None


def test_supervising_unit_sees_school_cases(client, token):
    case = start_case(client, token("gv_a1"))
    listed = client.get("/api/v1/instances?unit=th_a", headers=token("ld_phong")).json
    assert [c["id"] for c in listed] == [case["id"]]
    assert client.get("/api/v1/instances", headers=token("ht_x")).json == []


def test_manager_actions(client, token):
    case = start_case(client, token("gv_a1"))
    ld = token("ld_phong")
    assert client.post(f"/api/v1/instances/{case['id']}/suspend", json={"reason": "x"}, headers=ld).json[
        "status"] == "suspended"
    assert client.post(f"/api/v1/instances/{case['id']}/suspend", headers=ld).status_code == 409
    assert client.post(f"/api/v1/instances/{case['id']}/resume", headers=ld).json["status"] == "running"
    assert client.post(f"/api/v1/instances/{case['id']}/suspend", headers=token("gv_a1")).status_code == 403
    assert client.post(f"/api/v1/instances/{case['id']}/retry", headers=ld).status_code == 409
    assert client.post(f"/api/v1/instances/{case['id']}/terminate", headers=ld).json["status"] == "terminated"


DEFINITION = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="api_quy_trinh" name="Quy tr\xc3\xacnh API" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="giao_vien"><bpmn:flowNodeRef>t</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="t" name="X"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_deploy_versions_and_running_cases_keep_theirs(client, token):
    designer, gv = token("thietke"), token("gv_a1")
    headers = {**designer, "Content-Type": "application/xml"}
    assert client.post("/api/v1/definitions?filename=q.bpmn", data=DEFINITION, headers=headers).status_code == 201
    same = client.post("/api/v1/definitions?filename=q.bpmn", data=DEFINITION, headers=headers)
    assert same.status_code == 200 and same.json["version"] == 1
    case = client.post("/api/v1/instances", json={"definition": "api_quy_trinh", "unit": "th_a"}, headers=gv).json
    changed = DEFINITION.replace(b'name="X"', b'name="Y"')
    v2 = client.post("/api/v1/definitions?filename=q.bpmn", data=changed, headers=headers)
    assert v2.status_code == 201 and v2.json["version"] == 2
    assert client.get(f"/api/v1/instances/{case['id']}", headers=gv).json["version"] == 1
    task = case["tasks"][0]
    assert task["title"] == "X"
    assert client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {}}, headers=gv).json[
        "status"] == "completed"
    info = client.get("/api/v1/definitions/api_quy_trinh", headers=gv).json
    assert [v["version"] for v in info["versions"]] == [2, 1]
    assert info["versions"][1]["deployed_by"] == "thietke"
    source = client.get("/api/v1/definitions/api_quy_trinh/versions/1/source", headers=gv)
    assert source.data == DEFINITION
    assert client.post("/api/v1/definitions", data=DEFINITION, headers={**gv, "Content-Type": "application/xml"}
                       ).status_code == 403


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
<bpmn:process id="p" isExecutable="true"><bpmn:documentation>&xxe;</bpmn:documentation></bpmn:process>
</bpmn:definitions>"""


def test_hostile_and_invalid_definitions_get_clear_4xx(client, token):
    headers = {**token("thietke"), "Content-Type": "application/xml"}
    stored_before = client.get("/api/v1/definitions", headers=headers).json
    xxe = client.post("/api/v1/definitions?filename=xxe.bpmn", data=XXE, headers=headers)
    assert xxe.status_code == 422 and "root:" not in xxe.get_data(as_text=True)
    assert xxe.json["error"]["file"] == "xxe.bpmn" and xxe.json["error"]["line"] == 2
    broken = client.post("/api/v1/definitions?filename=hong.bpmn", data=DEFINITION.replace(b"</bpmn:process>", b""),
                         headers=headers)
    assert broken.status_code == 422 and broken.json["error"]["file"] == "hong.bpmn"
    assert isinstance(broken.json["error"]["line"], int)
    huge = client.post("/api/v1/definitions?filename=to.bpmn", data=b"<a>" + b" " * (5 * 1024 * 1024) + b"</a>",
                       headers=headers)
    assert huge.status_code == 413
    wrong_type = client.post("/api/v1/definitions", data=b"{}", headers={**token("thietke"),
                                                                        "Content-Type": "application/json"})
    assert wrong_type.status_code == 400
    assert client.get("/api/v1/definitions", headers=headers).json == stored_before  # nothing stored or changed


def test_bad_json_and_unknown_things_are_4xx(client, token):
    gv = token("gv_a1")
    assert client.post("/api/v1/instances", data=b"{not json", headers={**gv, "Content-Type": "application/json"}
                       ).status_code == 400
    assert client.post("/api/v1/instances", json=[1, 2], headers=gv).status_code == 400
    assert client.post("/api/v1/instances", json={"definition": "khong_co", "unit": "th_a"}, headers=gv
                       ).status_code == 404
    assert client.post("/api/v1/instances", json={"definition": "dang_ky_thi_dua", "unit": "zz"}, headers=gv
                       ).status_code == 404
    assert client.post("/api/v1/instances", json={"definition": "dang_ky_thi_dua", "unit": "th_a",
                                                  "data": {"__class__": 1}}, headers=gv).status_code == 422
    assert client.get("/api/v1/instances?plan=abc", headers=gv).status_code == 400
    assert client.get("/api/v1/tasks?scope=all", headers=gv).status_code == 422
    assert client.get("/api/v1/tasks/999999", headers=gv).status_code == 404
    assert client.get("/api/v1/nowhere", headers=gv).status_code == 404


def test_openapi_lists_every_api_route(client):
    spec = client.get("/api/v1/openapi.json").json
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    app = client.application
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{id}" if m[1].endswith("_id") else f"{{{m[1]}}}",
                      rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
