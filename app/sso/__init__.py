"""Inloggen met organisatieaccount: OpenID Connect single sign-on."""
