"""The studio editors' endpoints: lookups, validate, drafts (never run), deploy (a new version, audited,
running cases keep theirs), the owning unit's designers only, and the API's refusals for hostile files."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.demo.base import demo_password_hash
from engine.errors import NotFound
from engine.models import AuditEvent, DefinitionDraft, DefinitionOwner, Instance, ProcessDefinition
from engine.org import add_person
from engine.runtime.instances import start_instance
from tests.test_web_pages import as_user, text
from webui import create_app

SEED = "dang_ky_thi_dua"
XML = {"Content-Type": "application/xml"}
TASK = '''<bpmn:userTask id="lap_bao_cao" name="Lập báo cáo">
      <bpmn:extensionElements><spiffworkflow:properties>{props}</spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>'''


def process(key: str, props: str = '<spiffworkflow:property name="candidateRole" value="giao_vien"/>',
            script: str | None = None, condition: str | None = None, doctype: str = "") -> bytes:
    middle = TASK.format(props=props)
    if script is not None:
        middle = f'<bpmn:scriptTask id="tinh"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>' \
                 f'<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
    flow = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    target = "lap_bao_cao" if script is None else "tinh"
    return f'''<?xml version="1.0" encoding="UTF-8"?>{doctype}
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_{key}" targetNamespace="tdkt">
  <bpmn:process id="{key}" name="Quy trình {key}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    {middle}
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{target}"/>
    <bpmn:sequenceFlow id="f2" sourceRef="{target}" targetRef="end">{flow}</bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>'''.encode()


@pytest.fixture
def app(product):
    with product.transaction() as session:  # a designer of the Phòng (the demo's designers are at the Sở)
        add_person(session, "tk_phong", "Lý Thị Thiết Kế", "phong_hd", ["thiet_ke_quy_trinh"],
                   password_hash=demo_password_hash())
    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"})


def csrf(client) -> dict[str, str]:
    page = text(client.get("/studio/editor"))
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    return {**XML, "X-CSRF-Token": token}


def send(client, key: str, action: str, data: bytes, kind: str = "processes"):
    return client.post(f"/studio/api/{kind}/{key}/{action}", data=data, headers=csrf(client))


def versions(db, key: str) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).where(ProcessDefinition.key == key)) or 0


def drafts(db) -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(select(DefinitionDraft.key)))


def seed_source(db) -> bytes:
    with db.transaction() as session:
        return session.scalar(select(ProcessDefinition.source).where(ProcessDefinition.key == SEED))


def test_lookups_for_the_properties_panel(app):
    designer = as_user(app, "thietke")
    roles = designer.get("/studio/api/roles").get_json()
    assert {"code": "hieu_truong", "name": "Hiệu trưởng"} in roles
    assert {f["key"] for f in designer.get("/studio/api/forms").get_json()} >= {"dang_ky_danh_hieu", "duyet_dang_ky"}
    assert designer.get("/studio/api/unit-kinds").get_json() == ["phong", "so", "truong"]
    plans = designer.get("/studio/api/milestones").get_json()
    first = plans["milestones"][0]
    assert first["expression"] == f"milestone('{first['key']}')" and first["plan"] and first["due"][2] == "/"
    assert "working_days_before" in {h["name"] for h in plans["helpers"]}


@pytest.mark.parametrize("username", ["gv_a1", "ld_phong"])
def test_non_designers_get_403_everywhere(app, product, username):
    client = as_user(app, username)
    for url in ("/studio/editor", "/studio/processes/new", f"/studio/processes/{SEED}/edit", "/studio/api/roles",
                f"/studio/api/processes/{SEED}/source", "/studio/decisions/eligibility_hold/edit"):
        assert client.get(url).status_code == 403, url
    token = text(client.get("/inbox")).split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    response = client.post("/studio/api/processes/moi/draft", data=process("moi"),
                           headers={**XML, "X-CSRF-Token": token})
    assert response.status_code == 403 and drafts(product) == []


def test_state_changes_need_the_csrf_token(app, product):
    designer = as_user(app, "thietke")
    response = designer.post("/studio/api/processes/moi/draft", data=process("moi"), headers=XML)
    assert response.status_code == 400 and drafts(product) == []


def test_validate_places_each_problem_on_its_element_with_its_line(app):
    designer = as_user(app, "thietke")
    response = send(designer, "bao_cao", "validate",
                    process("bao_cao", props='<spiffworkflow:property name="formKey" value="khong_co"/>'))
    assert response.status_code == 200
    problems = {(p["element"], p["message"].split(";")[0]): p["line"] for p in response.get_json()["problems"]}
    assert problems == {
        ("lap_bao_cao", "user task has no role: put it in a lane named by a role or set the candidateRole property"): 6,
        ("lap_bao_cao", "unknown form 'khong_co'"): 7}
    clean = send(designer, "bao_cao", "validate", process("bao_cao"))
    assert clean.get_json()["problems"] == []


def test_a_draft_is_saved_with_its_problems_and_is_never_run(app, product):
    designer = as_user(app, "thietke")
    response = send(designer, "bao_cao", "draft", process("bao_cao", props=""))
    body = response.get_json()
    assert response.status_code == 200 and body["saved"] is True
    assert [p["element"] for p in body["problems"]] == ["lap_bao_cao"]
    assert drafts(product) == ["bao_cao"] and versions(product, "bao_cao") == 0
    with pytest.raises(NotFound):
        start_instance(product, None, "bao_cao", "th_a")
    source = designer.get("/studio/api/processes/bao_cao/source")
    assert source.headers["X-Tdkt-Origin"] == "draft" and b'id="lap_bao_cao"' in source.data
    assert 'data-key="bao_cao"' in text(designer.get("/studio/editor"))
    assert designer.get("/studio/processes/bao_cao/edit").status_code == 200
    assert designer.get("/studio/processes/khong_co/edit").status_code == 404
    mismatch = send(designer, "bao_cao", "draft", process("khac"))
    assert mismatch.status_code == 422 and "must define 'bao_cao'" in mismatch.get_json()["error"]["message"]


def test_deploy_makes_a_new_version_running_cases_keep_theirs_and_it_is_audited(app, product):
    running = start_instance(product, None, SEED, "th_a").id
    designer = as_user(app, "thietke")
    assert send(designer, SEED, "draft", seed_source(product)).status_code == 200
    changed = seed_source(product).replace(b'name="Hi\xe1\xbb\x87u tr\xc6\xb0\xe1\xbb\x9fng duy\xe1\xbb\x87t',
                                           b'name="Hi\xe1\xbb\x87u tr\xc6\xb0\xe1\xbb\x9fng xem x\xc3\xa9t')
    assert changed != seed_source(product)
    response = send(designer, SEED, "deploy", changed)
    assert response.status_code == 201 and response.get_json()["version"] == 2
    again = send(designer, SEED, "deploy", changed)
    assert again.status_code == 200 and again.get_json() == {**again.get_json(), "version": 2, "created": False}
    assert drafts(product) == []
    fresh = start_instance(product, None, SEED, "th_a").id
    with product.transaction() as session:
        assert session.get(Instance, running).definition.version == 1
        assert session.get(Instance, fresh).definition.version == 2
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "definition.deployed")).all()
        assert [(e.details, e.actor_id is not None) for e in events] == \
            [({"key": SEED, "version": 2, "kind": "bpmn", "via": "studio"}, True)]
        owner = session.get(DefinitionOwner, SEED)
        assert owner is not None and owner.unit.code == "so_hn"


def test_only_designers_of_the_owning_unit_may_deploy(app, product):
    sở, phòng = as_user(app, "thietke"), as_user(app, "tk_phong")
    assert send(sở, "quy_trinh_so", "deploy", process("quy_trinh_so")).status_code == 201
    refused = send(phòng, "quy_trinh_so", "deploy", process("quy_trinh_so", props='<spiffworkflow:property '
                                                            'name="candidateRole" value="hieu_truong"/>'))
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == (
        "“quy_trinh_so” thuộc Sở GDĐT Hà Nội: chỉ cán bộ thiết kế quy trình của đơn vị đó (hoặc của đơn vị cấp "
        "trên) mới được lưu hoặc triển khai.")
    assert send(phòng, "quy_trinh_so", "draft", process("quy_trinh_so")).status_code == 403
    assert versions(product, "quy_trinh_so") == 1 and drafts(product) == []
    # the Phòng owns what it deployed first; the Sở above it may deploy it too
    assert send(phòng, "quy_trinh_phong", "deploy", process("quy_trinh_phong")).status_code == 201
    changed = process("quy_trinh_phong", props='<spiffworkflow:property name="candidateRole" value="hieu_truong"/>')
    assert send(sở, "quy_trinh_phong", "deploy", changed).status_code == 201
    with product.transaction() as session:
        owners = {o.key: o.unit.code for o in session.scalars(select(DefinitionOwner))}
        assert owners == {"quy_trinh_so": "so_hn", "quy_trinh_phong": "phong_hd"}
        deploys = session.scalar(select(func.count()).where(AuditEvent.action == "definition.deployed"))
        assert deploys == 3  # the refused ones left no trace but their 403


def test_the_api_refuses_another_units_key_too(app, product, token):
    designer = as_user(app, "thietke")
    assert send(designer, "quy_trinh_so", "deploy", process("quy_trinh_so")).status_code == 201
    response = app.test_client().post(
        "/api/v1/definitions?filename=quy_trinh_so.bpmn", headers={**token("tk_phong"), **XML},
        data=process("quy_trinh_so", props='<spiffworkflow:property name="candidateRole" value="hieu_truong"/>'))
    assert response.status_code == 403 and "belongs to Sở GDĐT Hà Nội" in response.get_json()["error"]["message"]
    assert versions(product, "quy_trinh_so") == 1


XXE = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
BOMB = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' \
       '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'


@pytest.mark.parametrize(("hostile", "status", "message"), [
    (process("boi", doctype=XXE), 422, "DOCTYPE and entity declarations are not allowed in BPMN/DMN files"),
    (process("boi", doctype=BOMB), 422, "DOCTYPE and entity declarations are not allowed in BPMN/DMN files"),
    (process("boi", script="x = ().__class__.__bases__[0].__subclasses__()"), 422, "script: "),
    (process("boi", condition="__import__('os').system('id') == 0"), 422, "condition: "),
    (process("boi") + b"<!--" + b"x" * (5 * 1024 * 1024) + b"-->", 413, "larger than the limit"),
    (b"<bpmn:definitions", 422, "malformed XML"),
], ids=["xxe", "entity-bomb", "script-escape", "condition-escape", "oversized", "malformed"])
@pytest.mark.parametrize("action", ["validate", "draft", "deploy"])
def test_hostile_files_are_refused_and_nothing_is_stored(app, product, hostile, status, message, action):
    designer = as_user(app, "thietke")
    response = send(designer, "boi", action, hostile)
    body = response.get_json()
    if action == "validate" and status == 422 and not message.startswith("DOCTYPE") and message != "malformed XML":
        assert response.status_code == 200 and message in body["problems"][0]["message"]  # a report, stored nowhere
    else:
        assert response.status_code == status, body
        assert message in body["error"]["message"]
    assert drafts(product) == [] and versions(product, "boi") == 0
    with product.transaction() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "definition.deployed")) == 0


def test_new_process_page_and_template(app, product):
    designer = as_user(app, "thietke")
    page = designer.get("/studio/processes/new")
    assert page.status_code == 200 and 'data-key=""' in text(page)
    assert "style-src-attr 'unsafe-inline'" in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    template = designer.get("/studio/api/processes/new/source")
    assert template.headers["X-Tdkt-Origin"] == "new"
    saved = send(designer, "quy_trinh_moi", "draft", template.data)
    assert saved.status_code == 200 and drafts(product) == ["quy_trinh_moi"]


def test_decision_table_test_panel_and_deploy(app, product):
    designer = as_user(app, "thietke")
    key = "eligibility_lao_dong_tien_tien"
    assert designer.get(f"/studio/decisions/{key}/edit").status_code == 200
    table = designer.get(f"/studio/api/decisions/{key}/table")
    assert table.headers["X-Tdkt-Origin"] == "v1"
    headers = {**csrf(designer), "Content-Type": "application/json"}

    def test(xml: bytes, **inputs: str):
        return designer.post(f"/studio/api/decisions/{key}/test", json={"xml": xml.decode(), "inputs": inputs},
                             headers=headers)

    refused = test(table.data, receipt_date="2024-09-05", rating="HTNV").get_json()
    assert [(m["rule"], m["row"], m["outputs"]["outcome"]) for m in refused["matches"]] == \
        [("ldtt_xep_loai_chua_dat", 1, "khong_dat")]
    assert refused["hit_policy"] == "COLLECT" and refused["result"]["outcome"] == ["khong_dat"]
    granted = test(table.data, receipt_date="2024-09-05", rating="HTTNV").get_json()
    assert [m["rule"] for m in granted["matches"]] == ["ldtt_dat_nd98"]
    edited = table.data.replace(b'? not in ("HTTNV", "HTXSNV")', b'? not in ("HTTNV", "HTXSNV", "HTNV")')
    assert test(edited, receipt_date="2024-09-05", rating="HTNV").get_json()["matches"] == []
    escape = table.data.replace(b'"khong_dat"', b"().__class__")
    problem = test(escape, receipt_date="2024-09-05", rating="HTNV")
    assert problem.status_code == 422 and "output entry" in problem.get_json()["problems"][0]["message"]
    deployed = send(designer, key, "deploy", edited, kind="decisions")
    assert deployed.status_code == 201 and deployed.get_json()["version"] == 2
    assert send(designer, key, "deploy", table.data, kind="processes").status_code == 400  # wrong editor
