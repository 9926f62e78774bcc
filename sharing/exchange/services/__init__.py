from .credentials import credential_issue, credential_revoke
from .objections import objection_file, objection_move
from .records import LoadReport, records_load, records_upload
from .returnflow import return_flow_sync

__all__ = [
    "LoadReport",
    "credential_issue",
    "credential_revoke",
    "objection_file",
    "objection_move",
    "records_load",
    "records_upload",
    "return_flow_sync",
]
