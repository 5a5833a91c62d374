"""Every action in the audit log in Dutch, as the FG reads it; one mapping for the page, the
filter and the export. A test checks that every action written anywhere in app/ has a label."""

from app.audit import ANCHOR_ACTION
from app.cases.disclosure import DAMAGED, READ
from app.tasks.service import EXPORTED as ACTIONS_EXPORTED

EXPORTED = "logging.geexporteerd"

ACTION_LABELS: dict[str, str] = {
    ACTIONS_EXPORTED: "Mijn acties geëxporteerd (CSV)",
    "agenda-abonnement.vernieuwd": "Agenda-abonnement vernieuwd",
    "agenda.punt.toegevoegd": "Agendapunt toegevoegd",
    "agenda.vastgesteld": "Agenda vastgesteld",
    "agenda.vervolg.toegevoegd": "Vervolgbespreking op de agenda gezet",
    "agenda.volgorde.gewijzigd": "Volgorde van de agenda gewijzigd",
    "agendapunt.ruimte.terug": "Deelnemer terug in de ruimte bij agendapunt",
    "agendapunt.ruimte.verlaten": "Deelnemer verliet de ruimte bij agendapunt",
    "avg-verzoek.afgehandeld": "AVG-verzoek afgehandeld",
    "avg-verzoek.casus.gewist": "Casus gewist bij AVG-verzoek",
    "avg-verzoek.gerectificeerd": "Rectificatie bij AVG-verzoek doorgevoerd",
    "avg-verzoek.geregistreerd": "AVG-verzoek geregistreerd",
    "avg-verzoek.overzicht.definitief": "Inzage-overzicht definitief gemaakt",
    "avg-verzoek.overzicht.gedownload": "Definitief inzage-overzicht gedownload",
    "avg-verzoek.overzicht.weggelaten": "Onderdeel weggelaten uit inzage-overzicht",
    "avg-verzoek.persoon.gekoppeld": "Persoon gekoppeld aan AVG-verzoek",
    "avg-verzoek.persoon.gezocht": "Persoon gezocht voor AVG-verzoek",
    "avg-verzoek.verlengd": "Termijn van AVG-verzoek verlengd",
    "beleidsinformatie.bekeken": "Beleidsinformatie bekeken",
    "beleidsinformatie.geexporteerd": "Beleidsinformatie geëxporteerd (CSV)",
    "bevestiging": "Identiteit opnieuw bevestigd",
    "bijeenkomst.afgerond": "Bijeenkomst afgerond",
    "bijeenkomst.gast": "Gast aan bijeenkomst toegevoegd",
    "bijeenkomst.geannuleerd": "Bijeenkomst geannuleerd",
    "bijeenkomst.gestart": "Bijeenkomst gestart",
    "bijeenkomst.toegevoegd": "Bijeenkomst toegevoegd",
    "bijeenkomst.verplaatst": "Bijeenkomst verplaatst",
    "casus.aangemeld": "Casus ingediend",
    "casus.bewaartermijn.gewist": "Casus gewist (bewaartermijn of wissing)",
    "casus.bewaartermijn.verlengd": "Bewaartermijn van casus verlengd",
    "overleg.bewaartermijn.gewijzigd": "Bewaartermijnen van overleg gewijzigd",
    "verslag.bewaartermijn.gewist": "Verslagversie gewist na bewaartermijn",
    "casus.persoon.gerectificeerd": "Persoonsgegeven in casus gecorrigeerd (rectificatie)",
    DAMAGED: "Casusgegevens beschadigd aangetroffen",
    READ: "Identificerende gegevens ingezien",
    "contactkaart.gewijzigd": "Eigen contactkaart gewijzigd",
    "convenant.aangemaakt": "Convenant aangemaakt",
    "convenant.document.gedownload": "Convenantdocument gedownload",
    "convenant.ondertekend": "Convenant ondertekend",
    "convenant.ondertekening.ingetrokken": "Ondertekening van convenant ingetrokken",
    "convenant.versie.toegevoegd": "Convenantversie toegevoegd",
    "demo.geladen": "Demogegevens geladen",
    "gebruiker.aangemaakt": "Account aangemaakt",
    "gebruiker.gewijzigd": "Account gewijzigd",
    "geheimhoudingsverklaring.getekend": "Geheimhoudingsverklaring getekend",
    "geheimhoudingsverklaring.tekst.gewijzigd": "Tekst van geheimhoudingsverklaring gewijzigd",
    "herstelcode.gebruikt": "Herstelcode gebruikt",
    "inloggen": "Inloggen",
    "inloggen.blokkade": "Inloggen geblokkeerd na te veel pogingen",
    EXPORTED: "Logging geëxporteerd (CSV)",
    ANCHOR_ACTION: "Sleutel van de logging ingesteld",
    "organisatie.aangemaakt": "Organisatie aangemaakt",
    "organisatie.gewijzigd": "Organisatie gewijzigd",
    "organisatieaccount.gekoppeld": "Organisatieaccount gekoppeld",
    "overleg.aangemaakt": "Overleg aangemaakt",
    "overleg.gewijzigd": "Overleg gewijzigd",
    "overleg.herhaling.gewijzigd": "Herhaling van overleg gewijzigd",
    "overleg.namen_in_verslag": "Instelling 'namen in verslag' gewijzigd",
    "sessie.beeindigd": "Sessie beëindigd",
    "sessies.elders_beeindigd": "Sessies op andere apparaten beëindigd",
    "sleutels.geroteerd": "Versleutelingssleutels vernieuwd",
    "taak.aangemaakt": "Actie aangemaakt",
    "taak.gereed": "Actie gereed gemeld",
    "taak.gewijzigd": "Actie gewijzigd",
    "taak.niet_gereed": "Actie niet gereed gemeld",
    "taak.terugkoppeling": "Terugkoppeling op actie gegeven",
    "taak.verwijderd": "Actie verwijderd",
    "tafel.vcards.gedownload": "Leden van De tafel gedownload (vCards)",
    "tweede_factor.gebruikt": "Tweede factor gebruikt",
    "tweede_factor.geheimen_geroteerd": "Geheimen van authenticator-apps opnieuw versleuteld",
    "tweede_factor.hersteld_door_beheerder": "Tweede factor hersteld door beheerder",
    "tweede_factor.ingesteld": "Tweede factor ingesteld",
    "tweede_factor.mislukt": "Tweede factor mislukt",
    "tweede_factor.verwijderd": "Tweede factor verwijderd",
    "uitloggen": "Uitloggen",
    "uitnodiging.gebruikt": "Uitnodiging gebruikt",
    "uitnodiging.verstuurd": "Uitnodiging verstuurd",
    "verslag.gecorrigeerd": "Verslag gecorrigeerd",
    "verslag.gedownload": "Verslag gedownload",
    "verslag.ingezien": "Verslag ingezien",
    "verslag.vastgesteld": "Verslag vastgesteld",
    "wachtwoord.gewijzigd": "Wachtwoord gewijzigd",
    "wachtwoordherstel.aangevraagd": "Wachtwoordherstel aangevraagd",
    "wachtwoordherstel.gebruikt": "Wachtwoordherstellink gebruikt",
    "weekoverzicht.aan": "Wekelijks overzicht van acties aangezet",
    "weekoverzicht.uit": "Wekelijks overzicht van acties uitgezet",
}

OBJECT_LABELS: dict[str, str] = {
    "agendapunt": "agendapunt",
    "bijeenkomst": "bijeenkomst",
    "casus": "casus",
    "convenant": "convenant",
    "convenantversie": "convenantversie",
    "gebruiker": "account",
    "ondertekening": "ondertekening",
    "organisatie": "organisatie",
    "overleg": "overleg",
    "taak": "actie",
    "verklaringtekst": "tekst geheimhoudingsverklaring",
}


def action_label(action: str) -> str:
    """The action in Dutch; an action without a label (none should exist) as its code."""
    return ACTION_LABELS.get(action, action)


def action_options() -> list[tuple[str, str]]:
    """The actions as choices of the filter, alphabetically by label."""
    return sorted(ACTION_LABELS.items(), key=lambda item: item[1].lower())
