from .access import AccessLog
from .credentials import ApiCredential
from .objections import Objection, ObjectionEvent, ObjectionState
from .records import DataRecord, RecordSource, RecordVersion
from .returnflow import ReturnedRecord, ReturnFlowRun, RunStatus

__all__ = [
    "AccessLog",
    "ApiCredential",
    "DataRecord",
    "Objection",
    "ObjectionEvent",
    "ObjectionState",
    "RecordSource",
    "RecordVersion",
    "ReturnFlowRun",
    "ReturnedRecord",
    "RunStatus",
]
