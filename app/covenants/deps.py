"""Load covenants, versions and signatures from the path, or 404 if they do not match."""

from typing import Annotated

from fastapi import Depends

from app.covenants.models import Covenant, CovenantSignature, CovenantVersion
from app.db import RowId, SessionDep
from app.errors import NotFound


def covenant_or_404(covenant_id: RowId, session: SessionDep) -> Covenant:
    covenant = session.get(Covenant, covenant_id)
    if covenant is None:
        raise NotFound
    return covenant


CovenantDep = Annotated[Covenant, Depends(covenant_or_404)]


def version_or_404(
    version_id: RowId, covenant: CovenantDep, session: SessionDep
) -> CovenantVersion:
    version = session.get(CovenantVersion, version_id)
    if version is None or version.covenant_id != covenant.id:
        raise NotFound
    return version


VersionDep = Annotated[CovenantVersion, Depends(version_or_404)]


def signature_or_404(
    signature_id: RowId, covenant: CovenantDep, session: SessionDep
) -> CovenantSignature:
    signature = session.get(CovenantSignature, signature_id)
    version = session.get(CovenantVersion, signature.version_id) if signature else None
    if signature is None or version is None or version.covenant_id != covenant.id:
        raise NotFound
    return signature


SignatureDep = Annotated[CovenantSignature, Depends(signature_or_404)]
