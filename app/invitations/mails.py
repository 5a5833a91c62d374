"""The e-mails with a one-time link: a greeting and the link, nothing else (rule 12)."""

from app.invitations.models import LinkPurpose
from app.overleg.invitations import SIGNATURE

PATHS = {
    LinkPurpose.INVITATION: "/uitnodiging",
    LinkPurpose.PASSWORD_RESET: "/wachtwoord-herstellen",
}


def link_url(purpose: LinkPurpose, *, token: str, base_url: str) -> str:
    """Where the one-time link points to."""
    return f"{base_url.rstrip('/')}{PATHS[purpose]}/{token}"


def compose(purpose: LinkPurpose, *, name: str, token: str, base_url: str) -> tuple[str, str]:
    """The subject and body of the e-mail with the link."""
    link = link_url(purpose, token=token, base_url=base_url)
    if purpose == LinkPurpose.INVITATION:
        return (
            "Uw account voor Casustafel",
            f"Beste {name},\n\n"
            "Er is een account voor u aangemaakt in Casustafel, waarmee u het multidisciplinair "
            "overleg voorbereidt en volgt. Kies via deze link uw eigen wachtwoord:\n\n"
            f"{link}\n\n"
            "De link werkt één keer en is 72 uur geldig. Is hij verlopen, vraag dan uw "
            f"beheerder om een nieuwe uitnodiging.{SIGNATURE}",
        )
    return (
        "Nieuw wachtwoord voor Casustafel",
        f"Beste {name},\n\n"
        "Er is een nieuw wachtwoord voor uw Casustafel-account aangevraagd. Kies het via deze "
        "link:\n\n"
        f"{link}\n\n"
        "De link werkt één keer en is 1 uur geldig. Heeft u dit niet zelf aangevraagd, dan kunt "
        f"u dit bericht negeren: uw huidige wachtwoord blijft dan gewoon werken.{SIGNATURE}",
    )
