"""What an applicant does before and around the authority's work: fill the form, hand in materials,
pledge (容缺) what may come later, supply it after acceptance, and submit with everything in place.

Each service runs in one transaction, locks the application row (uploads for one application
queue on it), checks that the actor is the applicant and that the application is in a state that
allows the change, writes, and records the audit event last (portal.audit.services).

Files are size- and type-checked here, whatever page or API sent them: the size against the
material's limit (the smallest over the items of a package that ask for it) and a global cap,
the type by the file's first bytes (approvals.models.materials.sniff_family), never by the name.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.catalogue import MergedMaterial, application_requirements, share_requirements
from approvals.models import (
    AcceptanceMode,
    Application,
    ApplicationMaterial,
    Material,
    MaterialStatus,
)
from approvals.models.materials import (
    EXTENSION_TYPES,
    SNIFF_BYTES,
    extension_of,
    normalise_name,
    sniff_family,
)
from approvals.rules import UPLOAD_MAX_MB
from approvals.selectors.assistance import valid_assessment
from approvals.services.applications import acting_for, require_applicant, submit_locked
from approvals.workflow import ApplicationStatus
from portal.audit.actions import register_actions
from portal.audit.services import audit_record
from portal.clocks import services as clocks
from portal.errors import Conflict, DomainError, TransitionNotAllowed

A = ApplicationStatus

register_actions(
    {
        "application.draft": gettext_lazy("Application form saved"),
        "application.material": gettext_lazy("Application material changed"),
    }
)

# States in which the applicant may still change the form and the materials.
EDITABLE_STATES = frozenset({A.DRAFT, A.CORRECTION_REQUESTED})
# States in which pledged materials may be supplied (after acceptance, before the decision).
SUPPLY_STATES = frozenset({A.ACCEPTED, A.IN_REVIEW, A.CONSOLIDATING, A.AWAITING_SUPPLEMENT})
# Extra files the catalogue does not ask for.
EXTRA_TYPES = ("pdf", "jpg", "jpeg", "png")
EXTRA_MAX_MB = 10


def upload_cap_bytes() -> int:
    """The global ceiling on one upload, whatever the catalogue says (setting APPLY_UPLOAD_MAX_MB)."""
    return int(getattr(settings, "APPLY_UPLOAD_MAX_MB", UPLOAD_MAX_MB)) * 1024 * 1024


# -- what the catalogue asks for -------------------------------------------------------------------


def form_specs(application: Application) -> list:
    """The fields of the application's one form (merged for a package); read once per object."""
    return application_requirements(application).fields


def material_specs(application: Application) -> list[MergedMaterial]:
    """The application's one set of materials (a package's items share materials by name); read
    once per object."""
    return application_requirements(application).materials


@dataclass
class MaterialSlot:
    """One material the applicant hands in, with what has been handed in for it."""

    spec: MergedMaterial
    files: list[ApplicationMaterial]
    pledge: ApplicationMaterial | None
    area: ApplicationMaterial | None = None  # covered by an area assessment (区域评估)

    @property
    def material_id(self) -> int:
        return self.spec.material_ids[0]

    @property
    def provided(self) -> bool:
        return (
            any(f.status != MaterialStatus.PLEDGED for f in self.files)
            or (self.pledge is not None and self.pledge.status == MaterialStatus.SUPPLIED)
            or self.area is not None
        )

    @property
    def pledged(self) -> bool:
        return self.pledge is not None and self.pledge.status == MaterialStatus.PLEDGED

    @property
    def missing(self) -> bool:
        return self.spec.required and not (self.provided or self.pledged)


def material_slots(
    application: Application, rows=None
) -> tuple[list[MaterialSlot], list[ApplicationMaterial]]:
    """The slots of the catalogue's materials and the extra files, from the application's rows."""
    rows = list(application.materials.order_by("pk") if rows is None else rows)
    slots, claimed = [], set()
    for spec in material_specs(application):
        ids = set(spec.material_ids)
        mine = [r for r in rows if r.material_id in ids]
        claimed.update(r.pk for r in mine)
        pledge = next(
            (r for r in mine if r.status in (MaterialStatus.PLEDGED, MaterialStatus.SUPPLIED)), None
        )
        files = [r for r in mine if r.status == MaterialStatus.PROVIDED]
        area = next((r for r in mine if r.status == MaterialStatus.AREA), None)
        slots.append(MaterialSlot(spec=spec, files=files, pledge=pledge, area=area))
    extras = [r for r in rows if r.pk not in claimed]
    return slots, extras


def _slot_for(application: Application, material: Material | None) -> MergedMaterial | None:
    if material is None:
        return None
    for spec in material_specs(application):
        if material.pk in spec.material_ids:
            return spec
    raise DomainError(_("This material is not part of this application."), field="material")


# -- checks ---------------------------------------------------------------------------------------------


def _lock(application: Application) -> Application:
    """The application row again, locked, with what the caller already read of the catalogue."""
    # Lock the application row only (PostgreSQL refuses FOR UPDATE across the nullable joins).
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("item", "package", "applicant")
        .get(pk=application.pk)
    )
    return share_requirements(application, locked)


def _require_editable(application: Application) -> None:
    if application.status not in EDITABLE_STATES:
        raise TransitionNotAllowed(
            _("The form and materials can only be changed in a draft or while a correction is requested.")
        )


def _mb(n_bytes: int) -> str:
    return f"{n_bytes / (1024 * 1024):.1f}"


def check_file(uploaded_file, *, accepted_types, max_size_mb: int) -> tuple[str, str, str, int, str]:
    """Check an upload; return (original name, extension, content type, size, sha256).

    Raises DomainError(field="file") with a message that says what is wrong.
    """
    if uploaded_file is None:
        raise DomainError(_("Choose a file to upload."), field="file")
    name = normalise_name(getattr(uploaded_file, "name", "") or "")
    size = uploaded_file.size or 0
    if size == 0:
        raise DomainError(_("The file is empty."), field="file")
    limit = min(max_size_mb * 1024 * 1024, upload_cap_bytes())
    if size > limit:
        raise DomainError(
            _("The file is %(size)s MB; at most %(max)s MB is accepted.")
            % {"size": _mb(size), "max": limit // (1024 * 1024)},
            field="file",
        )
    ext = extension_of(name)
    accepted = [t.lower() for t in accepted_types]
    if ext not in accepted or ext not in EXTENSION_TYPES:
        raise DomainError(
            _("Files of this type are not accepted here. Accepted: %(types)s.")
            % {"types": ", ".join(accepted)},
            field="file",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    family, content_type = EXTENSION_TYPES[ext]
    if sniff_family(head) != family:
        raise DomainError(
            _("The content of “%(name)s” is not a %(type)s file; only real %(types)s files are accepted.")
            % {"name": name, "type": ext.upper(), "types": ", ".join(accepted)},
            field="file",
        )
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return name, ext, content_type, size, digest.hexdigest()


def _store(*, application, uploaded_file, actor, spec, status, written) -> ApplicationMaterial:
    types = spec.accepted_types if spec else EXTRA_TYPES
    max_mb = spec.max_size_mb if spec else EXTRA_MAX_MB
    name, _ext, content_type, size, sha = check_file(uploaded_file, accepted_types=types, max_size_mb=max_mb)
    row = ApplicationMaterial(
        application=application,
        material_id=spec.material_ids[0] if spec else None,
        original_name=name,
        size=size,
        content_type=content_type,
        sha256=sha,
        status=status,
        uploaded_by=actor,
    )
    row.file.save(name, uploaded_file, save=False)
    written.append(row.file.name)
    row.save()
    return row


@contextmanager
def _discard_files_on_error():
    """Files written inside the block are deleted again when the block raises (the rows roll back).

    A rollback of an outer transaction after the service returned can still leave a file without
    a row; such files are harmless (never served) and can be swept by comparing with the table.
    """
    from django.core.files.storage import default_storage

    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _delete_file_after_commit(name: str) -> None:
    from django.core.files.storage import default_storage

    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def _audit(actor, application, *, before=None, after=None, reason="") -> None:
    audit_record(
        actor=actor,
        action="application.material",
        obj=application,
        before=before,
        after=after,
        reason=reason,
        on_behalf_of=acting_for(actor, application),
    )


def _describe(row: ApplicationMaterial) -> dict:
    return {
        "material": row.material_id,
        "status": row.status,
        "name": row.original_name,
        "size": row.size,
        "sha256": row.sha256,
    }


# -- services -------------------------------------------------------------------------------------------


@transaction.atomic
def application_save_draft(*, actor, application: Application, form_data: dict) -> Application:
    """Save the form as it is (required fields may still be empty; formats are checked).

    Raises ValidationError with a dict of field -> messages when a value has the wrong format.
    A save that changes nothing (e.g. the submit button on a draft saved before) writes nothing:
    no update, no audit event, so it does not wait for the audit chain's lock.
    """
    from approvals.forms import ApplicationForm

    application = _lock(application)
    require_applicant(actor, application)
    _require_editable(application)
    form = ApplicationForm(data=form_data, specs=form_specs(application), for_submit=False)
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    before, data = dict(application.form_data or {}), form.cleaned_json()
    if data == before:
        return application
    application.form_data = data
    application.save(update_fields=["form_data", "updated_at"])
    changed = sorted(
        k for k in set(before) | set(application.form_data) if before.get(k) != application.form_data.get(k)
    )
    audit_record(
        actor=actor,
        action="application.draft",
        obj=application,
        before={"fields": changed} if changed else None,
        after={"fields": changed},
    )
    return application


def material_upload(
    *, actor, application: Application, material: Material | None, uploaded_file
) -> ApplicationMaterial:
    """Hand in one file for a material (or an extra file when `material` is None).

    Uploading for a pledged material replaces the pledge.
    """
    with _discard_files_on_error() as written, transaction.atomic():
        return _material_upload(actor, application, material, uploaded_file, written)


def _material_upload(actor, application, material, uploaded_file, written) -> ApplicationMaterial:
    application = _lock(application)
    require_applicant(actor, application)
    _require_editable(application)
    spec = _slot_for(application, material)
    row = _store(
        application=application,
        uploaded_file=uploaded_file,
        actor=actor,
        spec=spec,
        status=MaterialStatus.PROVIDED,
        written=written,
    )
    if spec is not None:
        ApplicationMaterial.objects.filter(
            application=application, material_id__in=spec.material_ids, status=MaterialStatus.PLEDGED
        ).delete()
    _audit(actor, application, after=_describe(row))
    return row


@transaction.atomic
def material_pledge(*, actor, application: Application, material: Material) -> ApplicationMaterial:
    """Pledge (容缺) to hand in a material after acceptance instead of uploading it now."""
    application = _lock(application)
    require_applicant(actor, application)
    _require_editable(application)
    spec = _slot_for(application, material)
    if spec is None or not spec.may_be_pledged:
        raise DomainError(
            _("“%(name)s” cannot be pledged: it must be handed in with the application.")
            % {"name": spec.name if spec else material},
            field="material",
        )
    rows = ApplicationMaterial.objects.filter(application=application, material_id__in=spec.material_ids)
    if rows.filter(status=MaterialStatus.PLEDGED).exists():
        raise Conflict(_("“%(name)s” is already pledged.") % {"name": spec.name}, field="material")
    if rows.exists():
        raise Conflict(
            _("Files were uploaded for “%(name)s”; remove them before pledging it.") % {"name": spec.name},
            field="material",
        )
    row = ApplicationMaterial.objects.create(
        application=application,
        material_id=spec.material_ids[0],
        original_name="",
        status=MaterialStatus.PLEDGED,
        uploaded_by=actor,
    )
    _audit(actor, application, after=_describe(row))
    return row


@transaction.atomic
def material_remove(*, actor, material_file: ApplicationMaterial) -> None:
    """Remove a file or a pledge before the application is submitted (or while correcting it)."""
    application = _lock(material_file.application)
    try:
        row = ApplicationMaterial.objects.select_for_update().get(
            pk=material_file.pk, application=application
        )
    except ApplicationMaterial.DoesNotExist:
        raise Conflict(_("This file was already removed.")) from None
    require_applicant(actor, application)
    _require_editable(application)
    if row.status == MaterialStatus.SUPPLIED:
        raise TransitionNotAllowed(_("A material supplied after acceptance cannot be removed."))
    description = _describe(row)
    name = row.file.name
    row.delete()
    _delete_file_after_commit(name)
    _audit(actor, application, before=description)


def material_supply(
    *, actor, application: Application, material: Material, uploaded_file
) -> ApplicationMaterial:
    """Supply a pledged material after acceptance on pledge (容缺受理).

    The pledge becomes "supplied". When nothing pledged is outstanding any more, the window clerk
    confirms it with approvals.services.application_supplement_received.
    """
    with _discard_files_on_error() as written, transaction.atomic():
        return _material_supply(actor, application, material, uploaded_file, written)


def _material_supply(actor, application, material, uploaded_file, written) -> ApplicationMaterial:
    application = _lock(application)
    require_applicant(actor, application)
    if (
        application.acceptance_mode != AcceptanceMode.PLEDGE
        or application.status not in SUPPLY_STATES
        or application.supplement_received_on
    ):
        raise TransitionNotAllowed(_("No pledged materials are outstanding for this application."))
    spec = _slot_for(application, material)
    if spec is None:
        raise DomainError(_("Choose the pledged material you supply."), field="material")
    try:
        pledge = ApplicationMaterial.objects.select_for_update().get(
            application=application, material_id__in=spec.material_ids, status=MaterialStatus.PLEDGED
        )
    except ApplicationMaterial.DoesNotExist:
        raise Conflict(
            _("“%(name)s” was not pledged or has already been supplied.") % {"name": spec.name},
            field="material",
        ) from None
    name, _ext, content_type, size, sha = check_file(
        uploaded_file, accepted_types=spec.accepted_types, max_size_mb=spec.max_size_mb
    )
    pledge.original_name, pledge.content_type, pledge.size, pledge.sha256 = name, content_type, size, sha
    pledge.status = MaterialStatus.SUPPLIED
    pledge.file.save(name, uploaded_file, save=False)
    written.append(pledge.file.name)
    pledge.save()
    _audit(actor, application, before={"status": MaterialStatus.PLEDGED}, after=_describe(pledge))
    if not ApplicationMaterial.objects.filter(
        application=application, status=MaterialStatus.PLEDGED
    ).exists():
        # Everything pledged is in: the window clerks confirm it (which may complete a grant).
        tell_clerks_supplement_complete(application)
    return pledge


def tell_clerks_supplement_complete(application: Application) -> None:
    from approvals.services.applications import _staff, _tell, official_url

    _tell(
        _staff(application.lead_department_id, "window_clerk"),
        application,
        "supplement_complete",
        url=official_url(application),
    )


def outstanding_pledges(application: Application) -> list[ApplicationMaterial]:
    return list(
        ApplicationMaterial.objects.filter(
            application=application, status=MaterialStatus.PLEDGED
        ).select_related("material")
    )


def materials_problems(application: Application, rows=None) -> list[str]:
    """Every required material that is neither handed in nor pledged (empty when complete).

    `rows`: the application's material rows when the caller has them (else they are read)."""
    slots, _extras = material_slots(application, rows)
    return [
        _("“%(name)s” is required: upload it%(or_pledge)s.")
        % {"name": s.spec.name, "or_pledge": _(" or pledge it") if s.spec.may_be_pledged else ""}
        for s in slots
        if s.missing
    ]


def materials_check(*, application: Application, rows=None) -> None:
    """Raise DomainError listing every missing required material."""
    if problems := materials_problems(application, rows):
        raise DomainError(" ".join(problems), field="materials")


@transaction.atomic
def application_submit_complete(
    *, actor, application: Application, form_data: dict | None = None
) -> Application:
    """Check the materials and submit, in one transaction on the locked application.

    The submit itself (number, query code, completeness clock) is approvals.services.application_submit.
    """
    application = _lock(application)
    require_applicant(actor, application)
    rows = list(application.materials.order_by("pk"))
    # An assessment may have lapsed since the draft.
    area_rows = sync_area_materials(application, actor=actor, rows=rows)
    rows = sorted([r for r in rows if r.status != MaterialStatus.AREA] + area_rows, key=lambda r: r.pk)
    materials_check(application=application, rows=rows)
    return submit_locked(actor=actor, application=application, form_data=form_data)


def sync_area_materials(application: Application, *, actor, rows=None) -> list[ApplicationMaterial]:
    """Make the application's area-assessment rows match its area today: each material the catalogue
    says an assessment of kind K satisfies is covered when the area has a valid K assessment.

    Runs on the locked application, in the caller's transaction; returns the rows now in place.
    `rows`: all the application's material rows when the caller has read them (else the
    area-assessment rows are read)."""
    if rows is None:
        rows = application.materials.filter(status=MaterialStatus.AREA)
    current = {row.material_id: row for row in rows if row.status == MaterialStatus.AREA}
    wanted: dict = {}
    if application.area_id:
        today = clocks.local_today()
        for spec in material_specs(application):
            kinds = {spec.area_assessment_kind} - {""}
            for kind in kinds:
                if (assessment := valid_assessment(application.area, kind, on=today)) is not None:
                    wanted[spec.material_ids[0]] = assessment
    for material_id, row in current.items():
        if wanted.get(material_id) != row.assessment:
            row.delete()
    rows = []
    for material_id, assessment in wanted.items():
        row = current.get(material_id)
        if row is None or row.assessment_id != assessment.pk:
            row = ApplicationMaterial.objects.create(
                application=application,
                material_id=material_id,
                status=MaterialStatus.AREA,
                assessment=assessment,
                original_name=str(assessment)[:200],
                uploaded_by=actor,
            )
        rows.append(row)
    return rows
