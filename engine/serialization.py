"""Workflow state as JSON, with process specs stored by reference.

Specs are stored once per definition version (`process_definition.source`) and parsed into an
in-process cache; instance blobs hold `{"ref": "<definition id>:<process name>"}` instead of a copy of
the spec (about half the size, 2–4× faster to load; notes §7.3). The script engine is not part of
the state: `load_workflow` attaches the restricted one every time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.helpers import BpmnConverter
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.scripting import make_script_engine


class SpecCache:
    """Parsed specs by reference key; thread-safe; filled by the definitions repository."""

    def __init__(self) -> None:
        self._specs: dict[str, BpmnProcessSpec] = {}
        self._bundles: dict[int, tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]] = {}
        self._lock = threading.Lock()
        self._clear_listeners: list[Callable[[], None]] = []

    def on_clear(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever the specs are dropped (caches holding objects built on them)."""
        self._clear_listeners.append(listener)

    def bundle(self, definition_id: int) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]] | None:
        return self._bundles.get(definition_id)

    def put(self, definition_id: int, spec: BpmnProcessSpec,
            subprocess_specs: dict[str, BpmnProcessSpec]) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
        with self._lock:
            existing = self._bundles.get(definition_id)
            if existing is not None:
                return existing
            for each in (spec, *subprocess_specs.values()):
                each.cache_key = f"{definition_id}:{each.name}"  # type: ignore[attr-defined]
                self._specs[each.cache_key] = each  # type: ignore[attr-defined]
            self._bundles[definition_id] = (spec, subprocess_specs)
            return spec, subprocess_specs

    def get(self, ref: str) -> BpmnProcessSpec:
        try:
            return self._specs[ref]
        except KeyError:
            raise LookupError(f"process spec {ref} is not loaded; load its definition first") from None

    def clear(self) -> None:
        with self._lock:
            self._specs.clear()
            self._bundles.clear()
        for listener in self._clear_listeners:
            listener()


SPEC_CACHE = SpecCache()


class SpecReferenceConverter(BpmnConverter):
    def to_dict(self, spec: BpmnProcessSpec) -> dict[str, Any]:
        return {"ref": spec.cache_key}  # type: ignore[attr-defined]

    def from_dict(self, dct: dict[str, Any]) -> BpmnProcessSpec:
        return SPEC_CACHE.get(dct["ref"])


_config = dict(SPIFF_CONFIG)
_config[BpmnProcessSpec] = SpecReferenceConverter
_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))
_full_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
_script_engine = None
_engine_lock = threading.Lock()


def script_engine() -> Any:
    """The one restricted script engine, shared by every workflow in this process."""
    global _script_engine
    with _engine_lock:
        if _script_engine is None:
            _script_engine = make_script_engine()
        return _script_engine


def new_workflow(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
    return BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine())


def dump_workflow(workflow: BpmnWorkflow) -> str:
    return _serializer.serialize_json(workflow)


def load_workflow(state: str) -> BpmnWorkflow:
    """Restore a workflow (its definition's specs must be in SPEC_CACHE) with the restricted engine."""
    workflow = _serializer.deserialize_json(state)
    workflow.script_engine = script_engine()
    return workflow


def export_workflow(workflow: BpmnWorkflow) -> str:
    """Self-contained JSON (spec embedded), for export and debugging."""
    return _full_serializer.serialize_json(workflow)
