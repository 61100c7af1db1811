"""Instance state written by the pinned SpiffWorkflow (3.2.0, serializer 1.5) keeps loading and running.

Before upgrading the library, regenerate nothing: these blobs must still load and finish, or the
upgrade needs a migration of stored instances.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.serialization import SPEC_CACHE, _full_serializer, load_workflow, script_engine

BLOBS = Path(__file__).parent / "fixtures" / "blobs"


def finish(workflow) -> dict:
    answers = {"review": {"decision": "ok"}}
    while not workflow.completed:
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(answers.get(task.task_spec.bpmn_id, {}))
        task.run()
        workflow.do_engine_steps()
    return workflow.data


@pytest.fixture
def four_step_spec():
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(BLOBS / "four_step.bpmn"))
    SPEC_CACHE.clear()
    SPEC_CACHE.put(1, parser.get_spec("four_step"), parser.get_subprocess_specs("four_step"))
    yield
    SPEC_CACHE.clear()


def test_by_reference_blob_loads_with_restricted_engine_and_finishes(four_step_spec):
    blob = (BLOBS / "four_step_at_review.ref.json").read_text()
    assert json.loads(blob)["serializer_version"] == "1.5"
    assert json.loads(blob)["spec"]["ref"] == "1:four_step"
    workflow = load_workflow(blob)
    assert workflow.script_engine is script_engine()
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert task.task_spec.bpmn_id == "review" and task.data["pre_ran"] and task.data["post_ran"]
    assert finish(workflow)["decision"] == "ok"


def test_self_contained_blob_loads_and_finishes():
    workflow = _full_serializer.deserialize_json((BLOBS / "four_step_at_review.full.json").read_text())
    workflow.script_engine = script_engine()
    assert finish(workflow)["post_ran"] is True
